"""Retrieval: reciprocal rank fusion, BM25 over Finnish stems, the three retrievers."""

from __future__ import annotations

import math
from types import SimpleNamespace

import bm25s
import numpy as np
import pytest

from assistant import store
from assistant.lexical import stems
from assistant.retrieve import Retriever, keep_leaders, rrf_fuse, top_k

CHAIR = "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?"
ALUEHALLITUS_DOC = "2022-09-28-jyvaskyla-aluehallitus"


def test_rrf_matches_hand_computed_values() -> None:
    fused = rrf_fuse([["a", "b", "c"], ["c", "a"]], k=60)
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["b"] == pytest.approx(1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert sorted(fused, key=lambda key: -fused[key]) == ["a", "c", "b"]


def test_hybrid_keeps_each_retrievers_leader() -> None:
    dense = [("a", 0.9), ("b", 0.8), ("c", 0.7), ("d", 0.6)]
    lexical = [("z", 9.0), ("a", 5.0), ("b", 4.0), ("c", 3.0)]
    fused = sorted(
        rrf_fuse([[k for k, _ in dense], [k for k, _ in lexical]]).items(),
        key=lambda item: -item[1],
    )
    assert [k for k, _ in fused[:3]] == ["a", "b", "c"]  # "z" is first for BM25, yet dropped
    kept = keep_leaders(fused, [dense, lexical], k=3, n=1)
    assert [k for k, _ in kept] == ["a", "b", "z"]
    assert keep_leaders(fused, [dense, lexical], k=5, n=1) == fused[:5]


def test_rrf_of_nothing_is_empty() -> None:
    assert rrf_fuse([[], []]) == {}


def _lucene_bm25(query: list[str], docs: list[list[str]], k1: float = 1.5, b: float = 0.75):
    """BM25 as Lucene (8 and later) defines it, the variant bm25s implements by default:
    Robertson's idf with +1 inside the log, and no (k1 + 1) factor in the numerator."""
    n = len(docs)
    avgdl = sum(len(d) for d in docs) / n
    scores = []
    for doc in docs:
        score = 0.0
        for term in set(query):
            df = sum(1 for d in docs if term in d)
            if not df:
                continue
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = doc.count(term)
            score += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        scores.append(score)
    return scores


def test_bm25_scores_match_the_lucene_formula() -> None:
    texts = [
        "Hyvinvointialue vastaa pelastustoimesta vuoden 2023 alusta.",
        "Kunnille jää vastuu hyvinvoinnin ja terveyden edistämisestä.",
        "Pelastustoimen ja sosiaalipalvelujen järjestäminen siirtyy hyvinvointialueelle.",
        "Aluehallituksen puheenjohtaja kertoi kokouksessa yhteistyöstä.",
    ]
    docs = [stems(t) for t in texts]
    retriever = bm25s.BM25()
    retriever.index(docs, show_progress=False)
    query = stems("Kuka vastaa pelastustoimesta?")
    ours = retriever.get_scores([q for q in query if q in retriever.vocab_dict])
    assert list(ours) == pytest.approx(_lucene_bm25(query, docs), rel=1e-5)
    assert ours.argmax() == 0


def test_finnish_stems_match_inflected_forms() -> None:
    assert stems("pelastustoimesta") == stems("pelastustoimen")
    assert stems("hyvinvointialueelle") == stems("hyvinvointialueen")
    assert "ä" in "".join(stems("järjestäminen"))


@pytest.mark.parametrize("method", ["dense", "bm25", "hybrid"])
def test_each_retriever_finds_the_chair(assistant, method: str) -> None:
    passages = assistant.retrieve(CHAIR, k=5, retriever=method)
    assert passages, method
    assert passages[0].doc_id == ALUEHALLITUS_DOC
    assert any("Maria Kaisa Aula" in p.text for p in passages[:2])
    if method != "bm25":
        assert passages[0].dense_score is not None
    if method != "dense":
        assert any(p.bm25_score for p in passages)
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)


def test_hybrid_keeps_both_scores(assistant) -> None:
    passages = assistant.retrieve("Kuka vastaa pelastustoimesta vuoden 2023 alusta?", k=5)
    both = [p for p in passages if p.dense_score is not None and p.bm25_score is not None]
    assert both, "fused passages keep their dense and lexical scores"


def test_dense_matches_chromas_exact_neighbours(assistant) -> None:
    """On the seed corpus Chroma's graph search is exhaustive: our exact search over the
    vectors read from Chroma ranks and scores the chunks as Chroma's own query does."""
    vector = assistant._embed(CHAIR)
    ours = assistant._retriever.dense(vector, 10)
    chroma = store.open_vectorstore(assistant.settings, assistant._embeddings)
    theirs = chroma.similarity_search_by_vector_with_relevance_scores(vector.tolist(), k=10)
    assert [pos for pos, _ in ours] == [assistant._index.chunk_pos[d.id] for d, _ in theirs]
    for (_, sim), (_, distance) in zip(ours, theirs, strict=True):
        assert sim == pytest.approx(1.0 - distance, abs=1e-5)


def test_dense_is_exact_and_breaks_ties_by_index_order() -> None:
    vectors = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 2.0], [0.6, 0.8], [1.0, 0.0]], np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    retriever = Retriever(SimpleNamespace(chunk_vectors=vectors, bm25=None), None)  # type: ignore[arg-type]
    hits = retriever.dense(np.array([3.0, 0.0]), 3)
    assert [pos for pos, _ in hits] == [1, 4, 3]  # 1 and 4 tie: index order
    assert [sim for _, sim in hits] == pytest.approx([1.0, 1.0, 0.6])
    assert [pos for pos, _ in retriever.dense(np.array([0.0, 1.0]), 10)] == [0, 2, 3, 1, 4]
    assert (
        Retriever(SimpleNamespace(chunk_vectors=vectors[:0], bm25=None), None).dense(  # type: ignore[arg-type]
            np.array([1.0, 0.0]), 3
        )
        == []
    )


def test_top_k_equals_a_stable_sort_of_every_score() -> None:
    """The partial selection picks what sorting the whole corpus would: the highest positive
    scores, ties in position order, also when ties straddle the k-th place."""
    rng = np.random.default_rng(7)
    for trial in range(200):
        scores = rng.integers(0, 6, size=int(rng.integers(1, 400))).astype(np.float32)
        if trial % 3 == 0:
            scores *= rng.random(len(scores), dtype=np.float32)
        for k in (1, 5, 20, 1000):
            order = np.argsort(-scores, kind="stable")[:k]
            want = [int(i) for i in order if scores[i] > 0]
            assert top_k(scores, k).tolist() == want
