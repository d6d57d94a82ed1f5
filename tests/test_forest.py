"""The numpy evaluation of the answer model's trees against LightGBM's own predict."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.answering.features import FEATURES
from assistant.answering.forest import Forest, ForestError
from assistant.answering.model import DEFAULT_PATH

lightgbm = pytest.importorskip("lightgbm")


def _rows(n: int, width: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    x = (rng.normal(size=(n, width)) * 2).astype(np.float32)
    x[rng.random(x.shape) < 0.3] = 0.0  # many features are flags and counts
    return x


def test_the_shipped_model_predicts_exactly_as_lightgbm() -> None:
    text = json.loads(DEFAULT_PATH.read_text("utf-8"))["booster"]
    x = _rows(2000, len(FEATURES), 0)
    theirs = lightgbm.Booster(model_str=text).predict(x, num_threads=1)
    assert np.array_equal(Forest.from_text(text).predict(x), theirs)


@pytest.mark.parametrize("leaves", [2, 7, 31])
def test_a_freshly_trained_model_predicts_exactly_as_lightgbm(leaves: int) -> None:
    x = _rows(400, 6, leaves).astype(np.float64)
    y = (x[:, 0] + 0.5 * x[:, 3] > 0.2).astype(float)
    booster = lightgbm.train(
        {"objective": "binary", "verbosity": -1, "num_leaves": leaves, "seed": 1},
        lightgbm.Dataset(x, y),
        num_boost_round=25,
    )
    forest = Forest.from_text(booster.model_to_string())
    test = _rows(500, 6, 99)
    assert np.array_equal(forest.predict(test), booster.predict(test, num_threads=1))
    assert forest.model_to_string() == booster.model_to_string()


def test_a_model_it_cannot_evaluate_is_refused() -> None:
    x = _rows(200, 3, 1).astype(np.float64)
    booster = lightgbm.train(
        {"objective": "regression", "verbosity": -1}, lightgbm.Dataset(x, x[:, 0]), 3
    )
    with pytest.raises(ForestError):
        Forest.from_text(booster.model_to_string())
