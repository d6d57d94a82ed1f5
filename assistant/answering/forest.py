"""LightGBM's text model of a binary classifier, evaluated with numpy.

Answering needs only the trees' predictions; importing LightGBM for them costs seconds at
start-up (and pulls in scikit-learn and scipy where they are installed). Training
(``python -m evals.train``) still uses LightGBM, and a test checks that both predict the same.
Numerical splits only, as the answer model is trained; anything else is refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np


class ForestError(ValueError):
    """The model text holds something this evaluator does not implement."""


def _numbers(block: dict[str, str], key: str, kind: type) -> list:
    return [kind(v) for v in block.get(key, "").split()]


@dataclass(frozen=True)
class Forest:
    """The trees of one LightGBM binary model, flattened: internal nodes of every tree in one
    set of arrays, a child below zero being a leaf (``-child - 1`` in ``leaf_value``)."""

    text: str  # the model as LightGBM wrote it
    roots: np.ndarray  # per tree: its root node, or its only leaf (encoded as a child)
    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf_value: np.ndarray
    sigmoid: float

    @classmethod
    def from_text(cls, text: str) -> Forest:
        """Parse LightGBM's ``model_to_string`` output."""
        header = dict(re.findall(r"^(\w+)=(.*)$", text.split("Tree=", 1)[0], re.M))
        objective = header.get("objective", "").split()
        if not objective or objective[0] != "binary" or header.get("num_class", "1") != "1":
            raise ForestError(f"vain binäärimalli käy, ei {' '.join(objective) or '?'}")
        sigmoid = float(dict(o.split(":", 1) for o in objective[1:] if ":" in o).get("sigmoid", 1))
        roots: list[int] = []
        feature: list[int] = []
        threshold: list[float] = []
        left: list[int] = []
        right: list[int] = []
        leaf_value: list[float] = []
        body = text.split("end of trees", 1)[0]
        for chunk in body.split("Tree=")[1:]:
            block = dict(re.findall(r"^(\w+)=(.*)$", chunk, re.M))
            if int(block.get("num_cat", "0")) or block.get("is_linear", "0") != "0":
                raise ForestError("luokittelevat jaot ja lineaaripuut eivät ole tuettuja")
            decisions = _numbers(block, "decision_type", int)
            if any(d & 1 or (d >> 2) & 3 for d in decisions):
                raise ForestError("vain numeeriset jaot ilman puuttuvien arvojen käsittelyä")
            node0, leaf0 = len(feature), len(leaf_value)

            def child(c: int, node0: int = node0, leaf0: int = leaf0) -> int:
                return node0 + c if c >= 0 else -(leaf0 + (-c - 1)) - 1

            leaves = _numbers(block, "leaf_value", float)
            if int(block["num_leaves"]) == 1:
                roots.append(child(-1))
            else:
                roots.append(node0)
                feature += _numbers(block, "split_feature", int)
                threshold += _numbers(block, "threshold", float)
                left += [child(c) for c in _numbers(block, "left_child", int)]
                right += [child(c) for c in _numbers(block, "right_child", int)]
            leaf_value += leaves
        return cls(
            text=text,
            roots=np.array(roots, dtype=np.int64),
            feature=np.array(feature, dtype=np.int64),
            threshold=np.array(threshold, dtype=np.float64),
            left=np.array(left, dtype=np.int64),
            right=np.array(right, dtype=np.int64),
            leaf_value=np.array(leaf_value, dtype=np.float64),
            sigmoid=sigmoid,
        )

    def predict_raw(self, x: np.ndarray) -> np.ndarray:
        """The summed tree outputs of each row of ``x`` (trees added in order, as LightGBM
        does)."""
        x = np.nan_to_num(np.asarray(x, dtype=np.float64), nan=0.0)  # no missing-value splits
        n = len(x)
        node = np.tile(self.roots, (n, 1))
        inner = node >= 0
        while inner.any():
            rows, trees = np.nonzero(inner)
            at = node[rows, trees]
            go_left = x[rows, self.feature[at]] <= self.threshold[at]
            node[rows, trees] = np.where(go_left, self.left[at], self.right[at])
            inner = node >= 0
        values = self.leaf_value[-node - 1]
        raw = np.zeros(n, dtype=np.float64)
        for t in range(values.shape[1]):
            raw += values[:, t]
        return raw

    def predict(self, x: np.ndarray, num_threads: int = 1) -> np.ndarray:
        """The probability of the positive class (LightGBM's ``Booster.predict``)."""
        del num_threads  # the signature LightGBM's booster has
        # libm's exp, as LightGBM's C++ uses (numpy's vectorised one may differ in the last bit)
        return np.array(
            [1.0 / (1.0 + math.exp(-self.sigmoid * r)) for r in self.predict_raw(x)],
            dtype=np.float64,
        )

    def model_to_string(self) -> str:
        """The model text, as LightGBM's booster gives it (for saving)."""
        return self.text
