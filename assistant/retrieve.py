"""Retrieval: dense (Chroma) + BM25 over Finnish stems, fused with reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from .config import Settings
from .lexical import with_prefixes

if TYPE_CHECKING:
    from .store import LoadedIndex


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
    date_kind: str = ""
    kind: str = ""
    dense_score: float | None = None  # cosine similarity, when dense ran
    bm25_score: float | None = None  # BM25 score, when BM25 ran

    def to_dict(self) -> dict[str, object]:
        """The passage as in the Answer JSON."""
        return {
            "chunk_id": self.chunk_id,
            "doc_id": self.doc_id,
            "score": self.score,
            "text": self.text,
        }


K = TypeVar("K", bound=Hashable)


def rrf_fuse(rankings: Sequence[Sequence[K]], k: int = 60) -> dict[K, float]:
    """Reciprocal rank fusion: sum over rankings of 1 / (k + rank), rank starting at 1."""
    fused: dict[K, float] = {}
    for ranking in rankings:
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + 1.0 / (k + rank)
    return fused


def keep_leaders(
    fused: list[tuple[K, float]], rankings: Sequence[Sequence[tuple[K, float]]], k: int, n: int
) -> list[tuple[K, float]]:
    """The fused top ``k``, but with each retriever's own top ``n`` kept in it: fusion alone
    drops a passage that one retriever ranks first and the other not at all."""
    top = fused[:k]
    have = {key for key, _ in top}
    score = dict(fused)
    leaders = list(
        dict.fromkeys(key for ranking in rankings for key, _ in ranking[:n] if key not in have)
    )
    if not leaders:
        return top
    return top[: max(k - len(leaders), 0)] + [(key, score[key]) for key in leaders][:k]


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` highest positive scores, best first, equal scores in position
    order: what a stable sort of every score gives, without sorting the whole corpus."""
    positive = np.flatnonzero(scores > 0)
    if len(positive) > k > 0:
        kth = np.partition(scores[positive], len(positive) - k)[len(positive) - k]
        positive = positive[scores[positive] >= kth]
    return positive[np.argsort(-scores[positive], kind="stable")][: max(k, 0)]


class Retriever:
    """Ranks the index's chunks for a question by dense, BM25 or fused evidence."""

    def __init__(self, index: LoadedIndex, settings: Settings) -> None:
        self._index = index
        self._settings = settings
        vocab = index.bm25.vocab_dict if hasattr(index.bm25, "vocab_dict") else {}
        self._bm25_vocab = set(vocab)

    def dense(self, query_vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """(chunk position, cosine similarity), best first: exact over every chunk vector,
        equal similarities in index order."""
        vectors = self._index.chunk_vectors
        if not len(vectors) or k <= 0:
            return []
        query = np.asarray(query_vector, dtype=np.float32)
        sims = vectors @ (query / max(float(np.linalg.norm(query)), 1e-12))
        k = min(k, len(sims))
        top = np.argpartition(-sims, k - 1)[:k] if k < len(sims) else np.arange(len(sims))
        hits = sorted(((int(p), float(sims[p])) for p in top), key=lambda hit: (-hit[1], hit[0]))
        return hits

    def bm25(self, question_stems: Sequence[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) over Finnish stems, best first; zero scores dropped."""
        tokens = [t for t in with_prefixes(list(question_stems)) if t in self._bm25_vocab]
        if not tokens or not self._index.chunks:
            return []
        scores = self._index.bm25.get_scores(tokens)
        return [(int(i), float(scores[i])) for i in top_k(scores, k)]

    def search(
        self,
        query_vector: np.ndarray | None,
        question_stems: Sequence[str],
        k: int,
        method: str | None = None,
    ) -> list[Passage]:
        """Top-k passages by the chosen method (``Settings.retriever`` by default)."""
        method = method or self._settings.retriever
        pool = max(k, 20)
        dense = (
            self.dense(query_vector, pool) if method != "bm25" and query_vector is not None else []
        )
        lexical = self.bm25(question_stems, pool) if method != "dense" else []
        dense_scores = dict(dense)
        bm25_scores = dict(lexical)
        if method == "dense":
            ranked = dense
        elif method == "bm25":
            ranked = lexical
        else:
            fused = rrf_fuse(
                [[p for p, _ in dense], [p for p, _ in lexical]], k=self._settings.rrf_k
            )
            ranked = sorted(fused.items(), key=lambda item: (-item[1], item[0]))
            ranked = keep_leaders(ranked, [dense, lexical], k, self._settings.hybrid_leaders)
        return [
            self.passage_for(pos, score, dense_scores.get(pos), bm25_scores.get(pos))
            for pos, score in ranked[:k]
        ]

    def passage_for(
        self, pos: int, score: float, dense: float | None = None, bm25: float | None = None
    ) -> Passage:
        """The passage of the chunk at ``pos`` in the loaded index."""
        chunk = self._index.chunks[pos]
        doc = self._index.documents[chunk.doc_id]
        return Passage(
            chunk_id=chunk.chunk_id,
            doc_id=chunk.doc_id,
            score=score,
            text=chunk.text,
            title=doc.title,
            date=doc.date,
            publisher=doc.publisher,
            url=doc.url,
            heading=chunk.heading,
            date_kind=doc.date_kind,
            kind=doc.kind,
            dense_score=dense,
            bm25_score=bm25,
        )
