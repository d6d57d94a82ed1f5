"""The answer model: a gradient-boosted classifier over candidate features, its calibration
and its confidence bands, stored in one small JSON file (``answer_model.json``).

The classifier scores each candidate sentence (how likely it holds the answer); the best
candidate's score is mapped by an isotonic calibration, fitted on folds of documents the
classifier was not trained on, to the probability that the answer is right; two thresholds
turn that probability into the band: ``high`` (answer), ``low`` (answer with a hedge) or
``none`` (abstain). ``python -m evals.train`` fits and writes it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .forest import Forest, ForestError

DEFAULT_PATH = Path(__file__).with_name("answer_model.json")
BANDS = ("high", "low", "none")


class ModelError(RuntimeError):
    """The answer model file is missing, damaged or made for other features (Finnish)."""


@dataclass
class AnswerModel:
    """A fitted classifier with its calibration and band thresholds."""

    features: tuple[str, ...]
    booster: Any  # a Forest, or LightGBM's Booster while training
    calibration_x: tuple[float, ...] = (0.0, 1.0)
    calibration_y: tuple[float, ...] = (0.0, 1.0)
    high: float = 0.5
    low: float = 0.2
    extra_ratio: float = 0.3  # a further sentence scores at least this share of the best one
    meta: dict[str, Any] = field(default_factory=dict)

    def score(self, x: np.ndarray) -> np.ndarray:
        """Probability-like score of each candidate row."""
        if len(x) == 0:
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self.booster.predict(x, num_threads=1), dtype=np.float64)

    def confidence(self, top_score: float) -> float:
        """Calibrated probability that the best candidate answers correctly."""
        return float(np.interp(top_score, self.calibration_x, self.calibration_y))

    def band(self, confidence: float) -> str:
        """``high``, ``low`` or ``none`` for a calibrated confidence."""
        if confidence >= self.high:
            return "high"
        return "low" if confidence >= self.low else "none"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (the booster as LightGBM's own text format)."""
        return {
            "features": list(self.features),
            "calibration": {"x": list(self.calibration_x), "y": list(self.calibration_y)},
            "bands": {"high": self.high, "low": self.low},
            "extra_ratio": self.extra_ratio,
            "meta": self.meta,
            "booster": self.booster.model_to_string(),
        }

    def save(self, path: Path) -> None:
        """Write the model as JSON (atomically)."""
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n", "utf-8")
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, features: Sequence[str]) -> AnswerModel:
        """Read a model written by :meth:`save`; it must have been fitted on ``features``."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"Vastausmallia {path} ei voi lukea: {exc}") from exc
        if tuple(data.get("features", ())) != tuple(features):
            raise ModelError(
                f"Vastausmalli {path} on koulutettu eri piirteillä kuin koodi laskee: "
                "kouluta se uudelleen komennolla python -m evals.train."
            )
        try:
            booster = Forest.from_text(data["booster"])
        except (ForestError, KeyError, ValueError) as exc:
            raise ModelError(f"Vastausmallin {path} puita ei voi lukea: {exc}") from exc
        return cls(
            features=tuple(data["features"]),
            booster=booster,
            calibration_x=tuple(data["calibration"]["x"]),
            calibration_y=tuple(data["calibration"]["y"]),
            high=float(data["bands"]["high"]),
            low=float(data["bands"]["low"]),
            extra_ratio=float(data.get("extra_ratio", 0.3)),
            meta=dict(data.get("meta", {})),
        )
