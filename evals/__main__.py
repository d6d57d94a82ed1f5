"""``python -m evals``: run a gold set, write the reports, optionally compare and gate.

Exit codes: 0 ok, 1 the gate failed, 2 the gold set or the thresholds file is unusable.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from .gate import DEFAULT_THRESHOLDS, ThresholdError, check_gate, gate_values, load_thresholds
from .gold import GoldError, load_gold
from .report import fmt, write_reports
from .runner import RETRIEVERS, evaluate

HERE = Path(__file__).resolve().parent
DEFAULT_GOLD = HERE / "gold" / "gold.jsonl"
REPORTS = HERE / "reports"
PRINTED = (
    "recall@1",
    "mrr@10",
    "answer_hit",
    "citation_recall",
    "marker_integrity",
    "abstain_recall",
    "false_abstain_rate",
    "latency_p50_ms",
    "latency_p95_ms",
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command-line options (help texts in Finnish: evaluators read them)."""
    parser = argparse.ArgumentParser(
        prog="python -m evals", description="Vastausten laadun arviointi kultajoukolla."
    )
    parser.add_argument(
        "--gold",
        type=Path,
        default=DEFAULT_GOLD,
        help="kultajoukko: .jsonl-tiedosto tai kansio (oletus evals/gold/gold.jsonl)",
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
        "--gate", action="store_true", help="epäonnistu (koodi 1), jos mittari ei täytä raja-arvoja"
    )
    parser.add_argument(
        "--thresholds",
        type=Path,
        default=DEFAULT_THRESHOLDS,
        help="raja-arvotiedosto (oletus evals/thresholds.toml)",
    )
    parser.add_argument("--quiet", action="store_true", help="ei edistymispalkkia")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None, base_settings: Any = None) -> int:
    """Run the evaluation; ``base_settings`` (tests) replaces ``Settings.from_env()``."""
    args = parse_args(argv)
    try:
        questions = load_gold(args.gold)
        thresholds = load_thresholds(args.thresholds) if args.gate else None
    except (GoldError, ThresholdError) as exc:
        print(exc, file=sys.stderr)
        return 2

    from assistant.config import Settings

    overrides = {"retriever": args.retriever} if args.retriever else {}
    if base_settings is not None:
        settings = replace(base_settings, **overrides)
    else:
        settings = Settings.from_env(**overrides)
    try:
        report = evaluate(
            settings, questions, args.gold, compare=args.compare, progress=not args.quiet
        )
    except GoldError as exc:
        print(exc, file=sys.stderr)
        return 2

    out = args.out or REPORTS / time.strftime("%Y%m%d-%H%M%S")
    paths = write_reports(report, out)
    metrics = report["metrics"]
    print(
        f"{report['n_questions']} kysymystä, haku {report['retriever']}, "
        f"vastaaja {report['answerer']}"
    )
    for key in PRINTED:
        print(f"  {key:<20} {fmt(metrics.get(key))}")
    for name, values in report["baselines"].items():
        if values:
            print(
                f"  vertailu {name:<8} answer_hit {fmt(values.get('answer_hit'))}  "
                f"recall@1 {fmt(values.get('recall@1'))}  "
                f"citation_recall {fmt(values.get('citation_recall'))}"
            )
    print(f"Raportit: {paths['html']}")

    if thresholds is not None:
        failures = check_gate(gate_values(report), thresholds)
        if report.get("register_error") and any(
            k.startswith("register_") for section in thresholds.values() for k in section
        ):
            failures.append(f"register: {report['register_error']}")
        if failures:
            print("Laatuportti ei läpäissyt:", file=sys.stderr)
            for line in failures:
                print(f"  {line}", file=sys.stderr)
            return 1
        print("Laatuportti läpäisty.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
