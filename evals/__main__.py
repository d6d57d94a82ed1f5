"""``python -m evals``: run a question set (or every gated set), write the reports, gate.

Exit codes: 0 ok, 1 the gate failed, 2 a question set or the thresholds file is unusable.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .crossval import evaluate_gated
from .devdocs import dev_settings
from .gate import (
    DEFAULT_THRESHOLDS,
    GatedSet,
    ThresholdError,
    check_gate,
    gate_values,
    load_gate,
)
from .gold import GoldError, load_gold
from .report import REPORTS, fmt, write_reports, write_summary
from .runner import RETRIEVERS, evaluate, load_assistant

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE / "sets" / "seed_gold.jsonl"
PRINTED = (
    "recall@1",
    "mrr@10",
    "answer_hit",
    "citation_recall",
    "marker_integrity",
    "abstain_recall",
    "false_abstain_rate",
    "high_share",
    "high_precision",
    "unanswerable_high",
    "latency_p50_ms",
    "latency_p95_ms",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (help texts in Finnish: evaluators read them)."""
    parser = argparse.ArgumentParser(
        prog="python -m evals", description="Vastausten laadun arviointi kysymysjoukoilla."
    )
    parser.add_argument(
        "--gold",
        type=Path,
        default=None,
        help="kysymysjoukko: .jsonl-tiedosto tai kansio (oletus evals/sets/seed_gold.jsonl)",
    )
    parser.add_argument(
        "--retriever", choices=RETRIEVERS, default=None, help="hakutapa (oletus asetuksista)"
    )
    parser.add_argument(
        "--out", type=Path, default=None, help="raporttikansio (oletus evals/reports/<aikaleima>/)"
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="vertaa bm25-, dense-, hybrid- ja naiivia RAG-ratkaisua samoilla kysymyksillä",
    )
    parser.add_argument(
        "--gate",
        action="store_true",
        help="aja raja-arvotiedoston joukot ja epäonnistu (koodi 1), jos jokin raja ei täyty",
    )
    parser.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=None,
        metavar="NIMI",
        help="portitettava joukko raja-arvotiedostosta (toistettavissa; oletus kaikki)",
    )
    parser.add_argument(
        "--thresholds",
        type=Path,
        default=DEFAULT_THRESHOLDS,
        help="raja-arvotiedosto (oletus evals/thresholds.toml)",
    )
    parser.add_argument("--quiet", action="store_true", help="ei edistymispalkkia")
    return parser.parse_args(argv)


def _selected(args: argparse.Namespace) -> list[GatedSet]:
    """The gated sets to run: all of the thresholds file, or those named with ``--set``."""
    gated = load_gate(args.thresholds)
    if not args.sets:
        return gated
    by_name = {g.name: g for g in gated}
    unknown = [name for name in args.sets if name not in by_name]
    if unknown:
        raise ThresholdError(
            f"{args.thresholds}: ei joukkoa {', '.join(unknown)} (joukot: {', '.join(by_name)})."
        )
    return [by_name[name] for name in args.sets]


def _print_summary(report: dict[str, Any], paths: dict[str, Path], label: str) -> None:
    metrics = report["metrics"]
    print(
        f"{label}{report['n_questions']} kysymystä, haku {report['retriever']}, "
        f"vastaaja {report['answerer']}"
    )
    for key in PRINTED:
        print(f"  {key:<20} {fmt(metrics.get(key))}")
    for fold, values in (report.get("folds") or {}).items():
        print(
            f"  osa {fold}: answer_hit {fmt(values.get('answer_hit'))}  "
            f"false_abstain {fmt(values.get('false_abstain_rate'))}  "
            f"abstain_recall {fmt(values.get('abstain_recall'))}  "
            f"high {fmt(values.get('high_share'))} ({fmt(values.get('high_precision'))} oikein)"
        )
    for seed, values in (report.get("seeds") or {}).items():
        print(
            f"  siemen {seed}: answer_hit {fmt(values.get('answer_hit'))}  "
            f"citation_precision {fmt(values.get('citation_precision'))}  "
            f"abstain_recall {fmt(values.get('abstain_recall'))}  "
            f"high {fmt(values.get('high_share'))} ({fmt(values.get('high_precision'))} oikein)"
        )
    for name, values in report["baselines"].items():
        if values:
            print(
                f"  vertailu {name:<8} answer_hit {fmt(values.get('answer_hit'))}  "
                f"recall@1 {fmt(values.get('recall@1'))}  "
                f"citation_recall {fmt(values.get('citation_recall'))}"
            )
    print(f"Raportit: {paths['html']}")


def _gate_failures(report: dict[str, Any], gated: GatedSet) -> list[str]:
    failures = check_gate(gate_values(report), gated.bars)
    if report.get("register_error") and any(
        k.startswith("register_") for section in gated.bars.values() for k in section
    ):
        failures.append(f"register: {report['register_error']}")
    return failures


def main(argv: list[str] | None = None, base_settings: Any = None) -> int:
    """Run the evaluation; ``base_settings`` (tests) replaces ``Settings.from_env()``."""
    args = parse_args(argv)
    if args.gate and args.gold is not None:
        print(
            "--gold ja --gate eivät käy yhdessä: portti lukee joukot raja-arvotiedostosta "
            "(valitse joukko valitsimella --set).",
            file=sys.stderr,
        )
        return 2
    try:
        gated = _selected(args) if args.gate else []
        runs = [(g.name, g.gold, [] if g.corpus == "devdocs" else load_gold(g.gold)) for g in gated]
        if not args.gate:
            gold = args.gold or DEFAULT_GOLD
            runs = [("", gold, load_gold(gold))]
    except (GoldError, ThresholdError) as exc:
        print(exc, file=sys.stderr)
        return 2

    from assistant.config import Settings

    overrides = {"retriever": args.retriever} if args.retriever else {}
    if base_settings is not None:
        settings = replace(base_settings, **overrides)
    else:
        settings = Settings.from_env(**overrides)
    assistants: dict[tuple[str, tuple[int, ...]], Any] = {}
    out = args.out or REPORTS / time.strftime("%Y%m%d-%H%M%S")
    failed: dict[str, list[str]] = {}
    reports: dict[str, dict[str, Any]] = {}
    for i, (name, gold_path, questions) in enumerate(runs):
        g = gated[i] if args.gate else None
        try:
            corpus = g.corpus if g is not None else "seed"
            key = (corpus, g.indexed if g is not None else ())
            if key not in assistants:
                assistants[key] = load_assistant(
                    dev_settings(settings, key[1]) if corpus == "devdocs" else settings
                )
            if g is not None:
                report = evaluate_gated(
                    g, assistants[key], progress=not args.quiet, compare=args.compare
                )
            else:
                report = evaluate(
                    settings,
                    questions,
                    gold_path,
                    compare=args.compare,
                    progress=not args.quiet,
                    assistant=assistants[key],
                )
        except GoldError as exc:
            print(exc, file=sys.stderr)
            return 2
        paths = write_reports(report, out / name if name else out)
        _print_summary(report, paths, f"[{name}] " if name else "")
        reports[name or gold_path.stem] = report
        if args.gate:
            failures = _gate_failures(report, gated[i])
            if failures:
                failed[name] = failures
    if len(reports) > 1:
        print(f"Yhteenveto: {write_summary(reports, out)}")
    if failed:
        print("Laatuportti ei läpäissyt:", file=sys.stderr)
        for name, failures in failed.items():
            for line in failures:
                print(f"  [{name}] {line}", file=sys.stderr)
        return 1
    if args.gate:
        print(f"Laatuportti läpäisty ({len(runs)} joukkoa).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
