"""``python -m evals.train``: fit the answer model on questions about many documents.

Training data: every candidate sentence the answerer considers for a question, labelled 1
when it holds an accepted answer and comes from a gold document. Questions come from the
seed sets the answerer was developed on (not the held-out one) and from the development
documents' folds (never the untouched fold). Everything fitted respects the folds:

- the classifier is fitted on the training questions;
- its calibration (best candidate's score → probability of a right answer) and the band
  thresholds are fitted on out-of-fold scores: each development fold scored by a classifier
  fitted without that fold's documents.

The same ``fit`` serves the cross-validated evaluation (``python -m evals --gate``), which
fits one model per held-out fold. Deterministic: fixed seeds, one thread per tree build.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from assistant.answering.compose import chosen
from assistant.answering.features import FEATURES
from assistant.answering.model import DEFAULT_PATH, AnswerModel

from . import metrics as m
from .gold import GoldQuestion, load_gold

HERE = Path(__file__).resolve().parent
SEED_TRAINING = tuple(
    HERE / "sets" / f"{name}.jsonl"
    for name in ("seed_gold", "seed_dev_h_tz", "seed_dev_a_g", "seed_dev_j_k", "seed_dev_l_o")
)
PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 40,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
    "seed": 7,
    "deterministic": True,
    "force_row_wise": True,
    "num_threads": 2,
    "verbosity": -1,
}
ROUNDS = 300
SEED_WEIGHT = 0.3  # seed questions are many but about five documents only
EXTRA_RATIO = 0.3  # runners-up scoring this share of the best join the answer
HIGH_PRECISION = 0.95  # high answers right at least this often on held-out folds
MIN_HIGH = 10  # … counted over at least this many answers
MAX_FALSE_NONE = 0.06  # answerable questions left without an answer at most this often
MEASURED_BY = "docs_cv"  # the gated set whose cross-validation is this training's measure


@dataclass
class Example:
    """One question's candidates as the model sees them."""

    qid: str
    fold: int | None  # development fold of its document; None for seed questions
    answerable: bool
    x: np.ndarray
    y: np.ndarray  # 1 where the candidate holds an accepted answer from a gold document
    docs: tuple[str, ...] = ()  # the document of each candidate

    @property
    def has_answer(self) -> bool:
        """Some candidate is right."""
        return bool(self.y.any())


@dataclass
class Examples:
    """All training examples, with the fold of each development question."""

    items: list[Example] = field(default_factory=list)

    def trained_on(self, folds: Iterable[int]) -> list[Example]:
        """The seed examples and those of ``folds``."""
        wanted = set(folds)
        return [e for e in self.items if e.fold is None or e.fold in wanted]


def label(texts: Sequence[str], docs: Sequence[str], question: GoldQuestion) -> np.ndarray:
    """1 for each candidate sentence that holds an accepted answer from a gold document."""
    gold = m.gold_set(question.gold_docs)
    return np.array(
        [
            float(question.answerable and doc in gold and m.answer_hit(text, question.answers))
            for text, doc in zip(texts, docs, strict=True)
        ],
        dtype=np.float32,
    )


def collect(
    assistant: Any,
    questions: Iterable[tuple[GoldQuestion, int | None]],
    progress: bool = True,
) -> Examples:
    """Run each question through the answerer up to its features (``Assistant.examine``)."""
    out = Examples()
    items = list(questions)
    for q, fold in tqdm(items, desc="piirteet", unit="kys", disable=not progress, file=sys.stderr):
        table = assistant.examine(q.question, q.history_list or None)
        sentences = assistant.sentences_of(table)
        texts = [text for text, _ in sentences]
        docs = [doc for _, doc in sentences]
        out.items.append(
            Example(q.id, fold, q.answerable, table.x, label(texts, docs, q), tuple(docs))
        )
    return out


def _weights(examples: Sequence[Example]) -> np.ndarray:
    """Each question weighs the same in total (seed questions ``SEED_WEIGHT``)."""
    mean_rows = np.mean([len(e.x) for e in examples if len(e.x)]) if examples else 1.0
    parts = [
        np.full(len(e.x), (SEED_WEIGHT if e.fold is None else 1.0) * mean_rows / len(e.x))
        for e in examples
        if len(e.x)
    ]
    return np.concatenate(parts) if parts else np.zeros(0)


def fit_classifier(examples: Sequence[Example], seed: int | None = None) -> Any:
    """A LightGBM booster over the candidates of ``examples`` (``seed`` in place of
    ``PARAMS``'s: another draw of its row and feature sampling)."""
    import lightgbm

    rows = [e for e in examples if len(e.x)]
    x = np.concatenate([e.x for e in rows])
    y = np.concatenate([e.y for e in rows])
    data = lightgbm.Dataset(x, y, weight=_weights(rows), feature_name=list(FEATURES))
    params = PARAMS if seed is None else {**PARAMS, "seed": seed}
    return lightgbm.train(params, data, num_boost_round=ROUNDS)


def top_scores(
    booster: Any, examples: Sequence[Example], extra_ratio: float = EXTRA_RATIO
) -> list[tuple[float, bool, bool]]:
    """(best candidate's score, is the answer right, is the question answerable) per example;
    the answer is the best candidate and the runners-up ``compose`` would add to it."""
    out = []
    for e in examples:
        if not len(e.x):
            out.append((0.0, False, e.answerable))
            continue
        scores = booster.predict(e.x, num_threads=1)
        order = [int(i) for i in np.argsort(-scores, kind="stable")]
        picked = chosen(list(scores), order, e.docs, extra_ratio)
        out.append((float(scores[order[0]]), bool(e.y[picked].any()), e.answerable))
    return out


def out_of_fold(
    examples: Examples, folds: Sequence[int], seed: int | None = None
) -> list[tuple[float, bool, bool]]:
    """Top scores of each development fold's questions from a classifier fitted on the seed
    questions and the other folds: what the model does on documents it never saw."""
    out: list[tuple[float, bool, bool]] = []
    for k in folds:
        booster = fit_classifier(examples.trained_on(set(folds) - {k}), seed)
        out += top_scores(booster, [e for e in examples.items if e.fold == k])
    return out


def calibrate(tops: Sequence[tuple[float, bool, bool]]) -> tuple[list[float], list[float]]:
    """Isotonic map from the best candidate's score to the chance it is right."""
    from sklearn.isotonic import IsotonicRegression

    scores = np.array([s for s, _, _ in tops])
    right = np.array([float(r) for _, r, _ in tops])
    iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(scores, right)
    xs = [float(v) for v in iso.X_thresholds_]
    ys = [float(v) for v in iso.y_thresholds_]
    return [0.0, *xs, 1.0], [ys[0], *ys, ys[-1]]


def thresholds(
    confidences: Sequence[float], tops: Sequence[tuple[float, bool, bool]]
) -> tuple[float, float]:
    """(high, low) on held-out calibrated confidences: ``high`` the lowest bar whose answers
    (at least ``MIN_HIGH`` of them) are right at least ``HIGH_PRECISION`` of the time, 1.0 when
    none is; ``low`` the highest bar that leaves at most ``MAX_FALSE_NONE`` of the answerable
    questions without an answer."""
    conf = np.asarray(confidences)
    right = np.array([r for _, r, _ in tops])
    answerable = np.array([a for _, _, a in tops])
    bars = sorted(set(conf.tolist()))
    high = 1.0
    for t in bars:
        chosen = (conf >= t) & answerable
        above = conf >= t
        if chosen.sum() >= MIN_HIGH and right[above].mean() >= HIGH_PRECISION:
            high = t
            break
    low = 0.0
    n_answerable = max(int(answerable.sum()), 1)
    for t in bars:
        if t > high:
            break
        if ((conf < t) & answerable).sum() / n_answerable <= MAX_FALSE_NONE:
            low = t
    return high, min(low, high)


def fit(
    examples: Examples,
    folds: Sequence[int],
    meta: Mapping[str, Any] | None = None,
    seed: int | None = None,
) -> AnswerModel:
    """The answer model: classifier on the seed questions and ``folds``, calibration and
    bands from those folds' out-of-fold scores; ``seed`` overrides LightGBM's (``PARAMS``)."""
    tops = out_of_fold(examples, folds, seed)
    xs, ys = calibrate(tops)
    confidences = [float(np.interp(s, xs, ys)) for s, _, _ in tops]
    high, low = thresholds(confidences, tops)
    booster = fit_classifier(examples.trained_on(folds), seed)
    info = {"folds": list(folds), "rounds": ROUNDS, "seed_weight": SEED_WEIGHT, **(meta or {})}
    if seed is not None:
        info["seed"] = seed
    return AnswerModel(
        FEATURES, booster, tuple(xs), tuple(ys), high, low, extra_ratio=EXTRA_RATIO, meta=info
    )


def training_questions(
    folds: Sequence[int],
) -> list[tuple[GoldQuestion, int | None]]:
    """The seed training sets and the development questions of ``folds``."""
    from .devdocs import fold_questions, load_folds, question_fold

    assignment = load_folds()
    out: list[tuple[GoldQuestion, int | None]] = [
        (q, None) for path in SEED_TRAINING for q in load_gold(path)
    ]
    for q in fold_questions(folds, assignment):
        out.append((q, question_fold(q, assignment)))
    return out


def shipped_training() -> tuple[list[int], tuple[int, ...]]:
    """(development folds, folds indexed) the shipped model is fitted on: those of the gated
    set ``MEASURED_BY``, so that its cross-validated figures measure this very training."""
    from .devdocs import load_folds
    from .gate import DEFAULT_THRESHOLDS, load_gate

    indexed = {g.name: g for g in load_gate(DEFAULT_THRESHOLDS)}[MEASURED_BY].indexed
    return load_folds().development_in(indexed), indexed


def main(argv: list[str] | None = None) -> int:
    """Fit the shipped answer model on the development folds ``docs_cv`` measures."""
    from .devdocs import dev_assistant

    parser = argparse.ArgumentParser(
        prog="python -m evals.train", description="Kouluttaa vastausmallin kehitysaineistolla."
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH, help="mallitiedosto")
    parser.add_argument("--quiet", action="store_true", help="ei edistymispalkkia")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    folds, indexed = shipped_training()
    # answer_model=False: the shipped model may fit other features
    assistant = dev_assistant(answer_model=False, folds=indexed)
    examples = collect(assistant, training_questions(folds), progress=not args.quiet)
    model = fit(
        examples,
        folds,
        {"questions": len(examples.items), "rows": int(sum(len(e.x) for e in examples.items))},
    )
    model.save(args.out)
    print(
        f"Vastausmalli {args.out}: {len(examples.items)} kysymystä, "
        f"rajat high {model.high:.3f}, low {model.low:.3f}; "
        f"{time.perf_counter() - started:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
