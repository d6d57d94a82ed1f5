"""Retrieval: dense (Chroma) + BM25 over Finnish stems, fused with reciprocal rank fusion."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its document's metadata and the scores that ranked it."""

    chunk_id: str
    doc_id: str
    score: float  # the score the chosen retriever ranks by (fused RRF score for hybrid)
    text: str  # the chunk text, exactly as stored
    title: str = ""
    date: str = ""
    publisher: str = ""
    url: str = ""
    heading: str = ""
    dense_score: float | None = None  # cosine similarity, when dense ran
    bm25_score: float | None = None  # BM25 score, when BM25 ran

    def to_dict(self) -> dict[str, object]:
        """The passage as in the Answer JSON."""
        return {"chunk_id": self.chunk_id, "doc_id": self.doc_id, "score": self.score, "text": self.text}
