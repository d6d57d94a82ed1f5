"""The naive RAG baseline: what a first-afternoon prototype would do, for comparison.

Fixed 1,000-character chunks of each document's cleaned text, embedded with the same
embeddings as the assistant, dense-only cosine search in numpy, and the top passage's first
two sentences as the answer, cited to that passage. It never abstains and ignores the
conversation history. Its answers use the same ``Answer``/``Citation`` types, so the runner
scores it exactly like the assistant (marker integrity against the naive chunks).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from assistant.answer import Answer, Citation
from assistant.chunking import split_sentences

CHUNK_CHARS = 1000


class _DocumentLike(Protocol):
    doc_id: str
    title: str
    date: str
    publisher: str
    url: str
    text: str


@dataclass(frozen=True)
class NaiveChunk:
    """A fixed-size slice of one document's cleaned text."""

    chunk_id: str
    doc_id: str
    title: str
    date: str
    publisher: str
    url: str
    text: str


def fixed_chunks(documents: Sequence[_DocumentLike], size: int = CHUNK_CHARS) -> list[NaiveChunk]:
    """Cut every document into consecutive ``size``-character pieces (empty pieces dropped)."""
    chunks: list[NaiveChunk] = []
    for doc in documents:
        for i, start in enumerate(range(0, len(doc.text), size)):
            text = doc.text[start : start + size]
            if text.strip():
                chunks.append(
                    NaiveChunk(
                        chunk_id=f"naive:{doc.doc_id}:{i}",
                        doc_id=doc.doc_id,
                        title=doc.title,
                        date=doc.date,
                        publisher=doc.publisher,
                        url=doc.url,
                        text=text,
                    )
                )
    return chunks


def first_sentences(text: str, n: int = 2) -> tuple[int, int] | None:
    """Span from the start of the first to the end of the ``n``-th sentence, or ``None``."""
    spans = [s for s in split_sentences(text) if text[s[0] : s[1]].strip()]
    if not spans:
        return None
    picked = spans[:n]
    return picked[0][0], picked[-1][1]


class NaiveRAG:
    """Dense-only retrieval over fixed chunks; answer = the top chunk's first two sentences."""

    def __init__(self, chunks: Sequence[NaiveChunk], embeddings: Any) -> None:
        self.chunks = list(chunks)
        self._embeddings = embeddings
        vectors = np.asarray(
            embeddings.embed_documents([c.text for c in self.chunks]), dtype=np.float32
        ).reshape(len(self.chunks), -1)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self._vectors = vectors / np.where(norms == 0, 1.0, norms)
        self._by_id = {c.chunk_id: c for c in self.chunks}
        self._last: tuple[str, list[NaiveChunk]] | None = None

    @classmethod
    def from_assistant(cls, assistant: Any) -> NaiveRAG:
        """Build from the assistant's documents and a fresh copy of its embeddings."""
        from assistant.embeddings import make_embeddings

        embeddings = make_embeddings(assistant.settings.embeddings, assistant.settings)
        return cls(fixed_chunks(assistant.documents()), embeddings)

    def chunk_text(self, chunk_id: str) -> str:
        """Text of a naive chunk (for the marker-integrity check)."""
        return self._by_id[chunk_id].text

    def ranked(self, question: str) -> list[NaiveChunk]:
        """All naive chunks by cosine similarity to the question, best first.

        The last question's ranking is kept: the runner asks, then retrieves, the same one.
        """
        if not self.chunks:
            return []
        if self._last is not None and self._last[0] == question:
            return self._last[1]
        query = np.asarray(self._embeddings.embed_query(question), dtype=np.float32)
        query = query / (np.linalg.norm(query) or 1.0)
        order = np.argsort(-(self._vectors @ query), kind="stable")
        ranking = [self.chunks[int(i)] for i in order]
        self._last = (question, ranking)
        return ranking

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer with the top chunk's first two sentences, cited as ``[1]``; never abstains."""
        started = time.perf_counter()
        ranked = self.ranked(question)
        answer_text = ""
        citations: tuple[Citation, ...] = ()
        if ranked:
            top = ranked[0]
            span = first_sentences(top.text)
            if span is not None:
                quote = top.text[span[0] : span[1]]
                answer_text = f"{quote} [1]"
                citations = (
                    Citation(
                        n=1,
                        doc_id=top.doc_id,
                        title=top.title,
                        date=top.date,
                        publisher=top.publisher,
                        url=top.url,
                        chunk_id=top.chunk_id,
                        quote=quote,
                        start=span[0],
                        end=span[1],
                    ),
                )
        total = (time.perf_counter() - started) * 1000
        return Answer(
            question=question,
            standalone_question=question,
            answer=answer_text,
            abstained=False,
            citations=citations,
            timings_ms={"total": round(total, 2)},
        )

    def retrieved_docs(self, question: str, k: int = 10) -> list[str]:
        """Document ids of the top-``k`` naive chunks, unique, best first."""
        from .metrics import doc_ranking

        return doc_ranking([c.doc_id for c in self.ranked(question)], k)
