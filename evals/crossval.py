"""Document-level cross-validation: the answer model measured on documents it never saw.

For each development fold, a model is fitted (``evals.train.fit``) on the seed questions and
the other folds' questions — calibration and bands from those folds only — and the fold's
questions are asked with it, through the same ``Assistant`` (index shared, model swapped).
The report pools every fold's answers and gives each fold's metrics apart.

Questions whose gold documents lie in several folds (the time questions of issue 14) are held
out by every fold they touch: ``python -m evals.crossval`` answers each with a model fitted
without all of them (``held_out_groups``, ``evaluate_spanning``).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from .devdocs import HERE, Folds, fold_questions, gold_folds, load_folds, time_questions
from .gate import GatedSet
from .gold import GoldQuestion, load_gold
from .report import REPORTS, write_reports
from .runner import AssistantSystem, QuestionResult, evaluate, make_report, run_system, score
from .train import collect, fit, shipped_training, training_questions


def fitted_without(
    folds: Sequence[int], assignment: Folds, indexed: Sequence[int] = ()
) -> dict[int, list[int]]:
    """For each asked fold, the development folds its cross-validated model is fitted on:
    all of them (or those of ``indexed``, the folds whose documents the index holds) but
    that fold; the untouched fold never."""
    pool = assignment.development_in(indexed)
    return {k: [f for f in pool if f != k] for k in folds}


def evaluate_folds(
    assistant: Any,
    folds: Sequence[int],
    cv: bool,
    gold_path: Path,
    progress: bool = True,
    indexed: Sequence[int] = (),
    seeds: Sequence[int] = (),
) -> dict[str, Any]:
    """Ask the questions of ``folds``: with ``cv`` each fold with a model fitted on the seed
    questions and every other development fold the index holds (``indexed``; () all), never
    on its own documents; otherwise all with the assistant's own (shipped) model. The report
    has ``folds``.

    With ``seeds`` each fold's model is fitted once per LightGBM seed and the questions are
    asked of each: the report pools every seed's answers (each question once per seed), so
    its metrics are the mean over the seeds, with each seed's metrics in ``seeds``. One
    refit's figures move by a few questions whenever a training feature changes at all (a
    fresh draw of the same chaos as another seed); their mean moves less."""
    assignment = load_folds()
    plan = fitted_without(folds, assignment, indexed)
    draws: Sequence[int | None] = tuple(seeds) if cv and seeds else (None,)
    per_fold: dict[int, list[QuestionResult]] = {k: [] for k in folds}
    per_seed: dict[int | None, list[QuestionResult]] = {s: [] for s in draws}
    examples = None
    if cv:
        trained = sorted({f for fs in plan.values() for f in fs})
        examples = collect(assistant, training_questions(trained), progress)
    for k in folds:
        questions = fold_questions([k], assignment)
        for seed in draws:
            system = assistant
            if examples is not None:
                system = assistant.with_model(fit(examples, plan[k], seed=seed))
            label = f"osa {k}" if seed is None else f"osa {k}, siemen {seed}"
            results = run_system(AssistantSystem(system), questions, label, progress)
            for r in results:
                r.seed = seed
            per_fold[k] += results
            per_seed[seed] += results
    results = [r for k in folds for r in per_fold[k]]
    report = make_report(results, gold_path, assistant.settings)
    report["folds"] = {str(k): score(per_fold[k])[0] for k in folds}
    report["cross_validated"] = cv
    if draws != (None,):
        report["seeds"] = {str(s): score(per_seed[s])[0] for s in draws}
        report["n_questions"] = len(results) // len(draws)
    return report


def held_out_groups(
    questions: Sequence[GoldQuestion], folds: Sequence[int], assignment: Folds
) -> dict[frozenset[int], list[GoldQuestion]]:
    """The questions grouped by the ``folds`` their gold documents lie in: each group is
    answered by a model fitted without those folds (the empty group: by one fitted on all).

    A question whose gold documents lie in every fold (the answer in two new documents, the
    outdated state in two old ones) would leave nothing to fit on: it is held out by the folds
    of the documents that hold its answer (grade 2), the old ones' folds staying in training."""
    every = frozenset(folds)
    groups: dict[frozenset[int], list[GoldQuestion]] = {}
    for q in questions:
        held = gold_folds(q, assignment) & every
        if held == every:
            answer = replace(q, gold_docs={d: g for d, g in q.gold_docs.items() if g >= 2})
            held = gold_folds(answer, assignment) & every
        if held == every:
            raise ValueError(f"{q.id}: the documents of its answer lie in every fold")
        groups.setdefault(held, []).append(q)
    return dict(sorted(groups.items(), key=lambda kv: sorted(kv[0])))


def evaluate_spanning(
    assistant: Any,
    questions: Sequence[GoldQuestion],
    folds: Sequence[int],
    gold_path: Path,
    progress: bool = True,
) -> dict[str, Any]:
    """Ask questions whose gold documents may lie in several folds (the time questions), each
    answered by a model fitted without every fold its gold documents are in; those naming no
    development document (unanswerable ones, those about the seeds) by a model fitted on all
    ``folds``, never on them. The report gives each held-out combination of folds apart."""
    examples = collect(assistant, training_questions(folds), progress)
    by_id: dict[str, QuestionResult] = {}
    report_groups: dict[str, Any] = {}
    for held, group in held_out_groups(questions, folds, load_folds()).items():
        model = fit(examples, [f for f in folds if f not in held])
        name = "+".join(map(str, sorted(held))) or "-"
        results = run_system(AssistantSystem(assistant.with_model(model)), group, name, progress)
        by_id.update((r.id, r) for r in results)
        report_groups[name] = {"questions": len(group), **score(results)[0]}
    report = make_report([by_id[q.id] for q in questions], gold_path, assistant.settings)
    report["held_out_folds"] = report_groups
    report["cross_validated"] = True
    return report


def evaluate_gated(
    g: GatedSet, assistant: Any, progress: bool = True, compare: bool = False
) -> dict[str, Any]:
    """The report of one gated set: a seed set through ``assistant`` (with ``compare`` the
    baselines too), or the development folds (``assistant`` then indexes the development
    corpus)."""
    if g.corpus == "devdocs":
        return evaluate_folds(assistant, g.folds, g.cv, g.gold, progress, g.indexed, g.seeds)
    return evaluate(
        assistant.settings,
        load_gold(g.gold),
        g.gold,
        compare=compare,
        progress=progress,
        assistant=assistant,
    )


def main(argv: list[str] | None = None) -> int:
    """Measure the time questions on documents the model never saw (not gated yet)."""
    from .devdocs import dev_assistant

    parser = argparse.ArgumentParser(
        prog="python -m evals.crossval",
        description="Aikaan sidotut kysymykset: kukin vastataan mallilla, jota ei ole "
        "sovitettu sen asiakirjojen osiin.",
    )
    parser.add_argument(
        "--out", type=Path, help="raporttikansio (oletus evals/reports/<aikaleima>-aika/)"
    )
    parser.add_argument("--quiet", action="store_true", help="ei edistymispalkkia")
    args = parser.parse_args(argv)
    folds, indexed = shipped_training()
    assistant = dev_assistant(folds=indexed)
    report = evaluate_spanning(
        assistant,
        time_questions(),
        folds,
        HERE,
        progress=not args.quiet,
    )
    paths = write_reports(report, args.out or REPORTS / time.strftime("%Y%m%d-%H%M%S-aika"))
    metrics = report["metrics"]
    names = ("answer_hit", "citation_recall", "false_abstain_rate", "abstain_recall", "high_share")
    print(
        f"{report['n_questions']} kysymystä: "
        + ", ".join(f"{n} {metrics[n]:.3f}" for n in names if metrics.get(n) is not None)
    )
    for name, group in report["held_out_folds"].items():
        hit = group.get("answer_hit")
        print(
            f"  osat {name} pois: {group['questions']} kysymystä, answer_hit "
            + (f"{hit:.3f}" if hit is not None else "–")
        )
    print(f"Raportit: {paths['html']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
