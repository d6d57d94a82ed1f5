"""The numpy BM25 build: the same index as bm25s's own, bit for bit."""

from __future__ import annotations

import random

import bm25s
import numpy as np
import pytest

from assistant.bm25 import NumpyBM25, build_from_ids


def _corpora() -> list[list[list[str]]]:
    rng = random.Random(7)
    words = [f"sana{i}" for i in range(300)]
    zipf = [1 / (i + 1) for i in range(len(words))]
    return [
        [["kunta", "alue", "kunta"], ["alue"], ["liitto", "liitto", "liitto", "kunta"], [""]],
        [rng.choices(words, zipf, k=rng.randint(1, 80)) for _ in range(2000)],
        [["yksi"]],
    ]


@pytest.mark.parametrize("corpus", _corpora(), ids=["small", "zipf-2000", "one"])
def test_the_index_equals_bm25s(corpus: list[list[str]]) -> None:
    ours, theirs = NumpyBM25(), bm25s.BM25()
    ours.index(corpus, show_progress=False)
    theirs.index(corpus, show_progress=False)
    assert ours.vocab_dict == theirs.vocab_dict
    for key in ("data", "indices", "indptr"):
        assert ours.scores[key].dtype == theirs.scores[key].dtype
        assert np.array_equal(ours.scores[key], theirs.scores[key]), key
    assert ours.scores["num_docs"] == theirs.scores["num_docs"]
    query = corpus[0][:2]
    assert np.array_equal(ours.get_scores(query), theirs.get_scores(query))


def test_other_variants_use_bm25s_own_build() -> None:
    corpus = _corpora()[0]
    ours, theirs = NumpyBM25(method="bm25+"), bm25s.BM25(method="bm25+")
    ours.index(corpus, show_progress=False)
    theirs.index(corpus, show_progress=False)
    assert np.array_equal(ours.scores["data"], theirs.scores["data"])


@pytest.mark.parametrize("corpus", _corpora(), ids=["small", "zipf-2000", "one"])
def test_an_index_from_ids_scores_as_bm25s_whatever_the_numbering(corpus: list[list[str]]) -> None:
    """What an update builds: ids of a vocabulary that only grows, so it numbers tokens in
    its own order and keeps tokens of removed chunks; every score equals bm25s's."""
    theirs = bm25s.BM25()
    theirs.index(corpus, show_progress=False)
    tokens = sorted({t for doc in corpus for t in doc}, key=lambda t: (len(t), t), reverse=True)
    vocabulary = {t: i for i, t in enumerate(["poistettu", *tokens, "vanha"])}
    ours = build_from_ids(
        [np.array([vocabulary[t] for t in doc], dtype=np.int32) for doc in corpus], vocabulary
    )
    rng = random.Random(3)
    for _ in range(20):
        query = rng.sample(tokens, min(len(tokens), rng.randint(1, 6)))
        assert np.array_equal(ours.get_scores(query), theirs.get_scores(query))
    assert not ours.get_scores(["poistettu", "vanha"]).any()
