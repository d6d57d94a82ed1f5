"""Document-level cross-validation: the answer model measured on documents it never saw.

For each development fold, a model is fitted (``evals.train.fit``) on the seed questions and
the other folds' questions — calibration and bands from those folds only — and the fold's
questions are asked with it, through the same ``Assistant`` (index shared, model swapped).
The report pools every fold's answers and gives each fold's metrics apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .devdocs import fold_questions, load_folds
from .gate import GatedSet
from .gold import load_gold
from .runner import AssistantSystem, QuestionResult, evaluate, make_report, run_system, score
from .train import collect, fit, training_questions


def evaluate_folds(
    assistant: Any,
    folds: Sequence[int],
    cv: bool,
    gold_path: Path,
    progress: bool = True,
) -> dict[str, Any]:
    """Ask the questions of ``folds``: with ``cv`` each fold with a model fitted without it,
    otherwise all with the assistant's own (shipped) model. The report has ``folds``."""
    assignment = load_folds()
    per_fold: dict[int, list[QuestionResult]] = {}
    examples = collect(assistant, training_questions(folds), progress) if cv else None
    for k in folds:
        questions = fold_questions([k], assignment)
        system = assistant
        if examples is not None:
            system = assistant.with_model(fit(examples, [f for f in folds if f != k]))
        per_fold[k] = run_system(AssistantSystem(system), questions, f"osa {k}", progress)
    results = [r for k in folds for r in per_fold[k]]
    report = make_report(results, gold_path, assistant.settings)
    report["folds"] = {str(k): score(per_fold[k])[0] for k in folds}
    report["cross_validated"] = cv
    return report


def evaluate_gated(
    g: GatedSet, assistant: Any, progress: bool = True, compare: bool = False
) -> dict[str, Any]:
    """The report of one gated set: a seed set through ``assistant`` (with ``compare`` the
    baselines too), or the development folds (``assistant`` then indexes the development
    corpus)."""
    if g.corpus == "devdocs":
        return evaluate_folds(assistant, g.folds, g.cv, g.gold, progress)
    return evaluate(
        assistant.settings,
        load_gold(g.gold),
        g.gold,
        compare=compare,
        progress=progress,
        assistant=assistant,
    )
