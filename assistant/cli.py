"""Command line: ``python -m assistant index|ask|stats|bench|register|feedback``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from . import store
from .config import RETRIEVERS, Settings
from .embeddings import EmbeddingError, make_embeddings
from .metadata import date_label, fi_date, source_line


class _Bars:
    """tqdm bars for the index stages, one per stage label."""

    def __init__(self) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        self._bars: dict[str, Any] = {}

    def __call__(self, label: str, done: int, total: int) -> None:
        bar = self._bars.get(label)
        if bar is None:
            bar = self._bars[label] = self._tqdm(total=total, desc=label, unit="kpl", leave=True)
        bar.total = total
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def cmd_index(settings: Settings, args: argparse.Namespace) -> int:
    """Build or update the index, with progress bars and a summary line."""
    embeddings = make_embeddings(settings.embeddings, settings)
    bars = _Bars()
    try:
        report = store.update(settings, embeddings, rebuild=args.rebuild, progress=bars)
    finally:
        bars.close()
    for problem in report.problems:
        print(f"Varoitus: {problem}", file=sys.stderr)
    print(report.summary())
    return 0


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    """Answer one question; ``--json`` prints the Answer JSON."""
    from .assistant import Assistant

    if args.k:
        settings = replace(settings, top_k=args.k)
    if args.retriever:
        settings = replace(settings, retriever=args.retriever)
    assistant = Assistant.load(settings)
    history = json.loads(args.history) if args.history else None
    answer = assistant.ask(args.question, history)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False, indent=2))
        return 0
    print(answer.answer)
    if answer.notice:
        print(f"\n({answer.notice})")
    if answer.citations:
        print("\nLähteet:")
        for c in answer.citations:
            print(f"[{c.n}] {c.title} — {source_line(c.publisher, c.date, c.date_kind)}")
            print(f"    ”{c.quote}”")
    elif answer.passages:
        print("\nLähimmät lähteet:")
        for p in answer.passages:
            print(f"- {p.title} ({date_label(p.date, p.date_kind)}), pistemäärä {p.score:.3f}")
    return 0


def cmd_stats(settings: Settings, args: argparse.Namespace) -> int:
    """Documents and chunks in the index."""
    from .assistant import Assistant

    assistant = Assistant.load(settings)
    docs = assistant.documents()
    if args.json:
        print(
            json.dumps([{**d.__dict__, "text": None} for d in docs], ensure_ascii=False, indent=2)
        )
        return 0
    print(f"Asiakirjoja {len(docs)}, paloja {sum(d.n_chunks for d in docs)}")
    print(f"Suomen kielen analyysi: {assistant.nlp.status}")
    for d in docs:
        print(
            f"- {d.doc_id}: {d.title} ({source_line(d.publisher, d.date, d.date_kind)}), "
            f"{d.n_chunks} palaa"
        )
    return 0


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    """Print index build and query figures (a benchmark, not a test); ``--scale N`` on a
    synthetic corpus of about N chunks, ``--json`` as one JSON object."""
    from .bench import print_scale, run_bench, run_scale

    if args.scale is None:
        run_bench(settings, n_queries=args.queries)
        return 0
    if args.scale < 1:
        raise ValueError("--scale on palojen määrä: anna positiivinen kokonaisluku.")
    figures = run_scale(
        settings, args.scale, n_queries=args.queries, chroma_server=args.chroma_server
    )
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print_scale(figures)
    return 0


def cmd_feedback(settings: Settings, args: argparse.Namespace) -> int:
    """``feedback export``: stored 👍/👎 ratings as gold-set JSONL drafts (answers left empty)."""
    from pathlib import Path

    from .feedback import FeedbackStore, export_gold

    if not settings.feedback_path.exists():
        print(f"Palautetta ei ole vielä tallennettu ({settings.feedback_path}).", file=sys.stderr)
        lines: list[str] = []
    else:
        lines = export_gold(FeedbackStore(settings.feedback_path), None)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        print(f"Kirjoitettu {len(lines)} palautetta tiedostoon {out}.", file=sys.stderr)
    else:
        for line in lines:
            print(line)
    return 0


def cmd_register(settings: Settings, args: argparse.Namespace) -> int:
    """``register``: the cited table of responsibilities, roles, contacts and events."""
    from datetime import date

    from .register import IN_FORCE, UNKNOWN, rows_as_dicts

    on = None
    if args.on:
        try:
            on = date.fromisoformat(args.on)
        except ValueError:
            print(
                f"Virhe: päivämäärä {args.on!r} ei kelpaa; anna muodossa VVVV-KK-PP.",
                file=sys.stderr,
            )
            return 2
    register = store.read_register(settings)
    if register is None:
        from .assistant import Assistant

        register = Assistant.load(settings).register
    rows = rows_as_dicts(register, args.kind, args.actor, on)
    unknown = rows_as_dicts(register, args.kind, args.actor, on, UNKNOWN) if on else []
    if args.json:
        if on:
            rows = [{**r, "validity": IN_FORCE} for r in rows]
            rows += [{**r, "validity": UNKNOWN} for r in unknown]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    _print_register_tables(rows)
    if not rows:
        print("Ei rivejä näillä ehdoilla.")
    if unknown and on is not None:
        print(
            f"\nVoimassaolo ei tiedossa {fi_date(on.isoformat())} ({len(unknown)} riviä: "
            "teksti ei kerro, mistä mihin ne ovat voimassa)"
        )
        _print_register_tables(unknown)
    return 0


_REGISTER_TABLES = {
    "responsibilities": ("Vastuut", ("actor", "task", "valid_from", "valid_until")),
    "roles": ("Roolit", ("person", "role", "organisation")),
    "contacts": ("Yhteystiedot", ("person", "phone", "email")),
    "events": ("Tapahtumat", ("date", "what")),
}
_REGISTER_HEADERS = {
    "actor": "toimija",
    "task": "tehtävä",
    "valid_from": "alkaen",
    "valid_until": "asti",
    "person": "henkilö",
    "role": "rooli",
    "organisation": "organisaatio",
    "phone": "puhelin",
    "email": "sähköposti",
    "date": "päivä",
    "what": "mitä",
}


def _print_register_tables(rows: list[dict[str, Any]]) -> None:
    """One plain-text table per row kind, with each row's source document; the events as a
    timeline, oldest first (as the register tab shows them)."""
    for kind, (title, cols) in _REGISTER_TABLES.items():
        part = [r for r in rows if r["kind"] == kind]
        if not part:
            continue
        if kind == "events":
            part.sort(key=lambda r: str(r["date"]))
        table = [[_REGISTER_HEADERS[c] for c in cols] + ["lähde"]]
        table += [[str(r[c] or "–") for c in cols] + [r["citation"]["doc_id"]] for r in part]
        widths = [min(60, max(len(row[i]) for row in table)) for i in range(len(table[0]))]
        print(f"\n{title} ({len(part)})")
        for i, row in enumerate(table):
            print("  ".join(cell[:60].ljust(w) for cell, w in zip(row, widths, strict=True)))
            if i == 0:
                print("  ".join("-" * w for w in widths))


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (Finnish help texts)."""
    parser = argparse.ArgumentParser(
        prog="python -m assistant", description="Keski-Suomen yhteistyörakenteiden kysymysavustaja"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("index", help="rakenna tai päivitä hakemisto")
    p.add_argument("--rebuild", action="store_true", help="rakenna kaikki alusta")
    p.set_defaults(func=cmd_index)
    p = sub.add_parser("ask", help="kysy kysymys")
    p.add_argument("question", help="kysymys suomeksi")
    p.add_argument("--json", action="store_true", help="tulosta vastaus JSON-muodossa")
    p.add_argument("-k", type=int, default=0, help="haettavien kohtien määrä")
    p.add_argument("--retriever", choices=RETRIEVERS, help="hakutapa")
    p.add_argument("--history", help="aiempi keskustelu JSON-listana")
    p.set_defaults(func=cmd_ask)
    p = sub.add_parser("stats", help="hakemiston tilastot")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_stats)
    p = sub.add_parser("bench", help="mittaa indeksoinnin ja haun nopeus")
    p.add_argument("--queries", type=int, default=200, help="kyselyjen määrä")
    p.add_argument(
        "--scale", type=int, help="mittaa synteettisellä aineistolla, jossa on noin N palaa"
    )
    p.add_argument("--json", action="store_true", help="tulosta luvut JSON-oliona (--scale)")
    p.add_argument(
        "--chroma-server",
        action="store_true",
        help="pidä synteettinen hakemisto omassa Chroma-palvelimessa (--scale)",
    )
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("register", help="vastuut, roolit, yhteystiedot ja tapahtumat lähteineen")
    p.add_argument("--json", action="store_true", help="tulosta rivit JSON-muodossa")
    p.add_argument("--actor", help="vain tämän toimijan, organisaation tai henkilön rivit")
    p.add_argument(
        "--on",
        help="vain tänä päivänä voimassa olevat rivit (VVVV-KK-PP); rivit, joiden "
        "voimassaoloa teksti ei kerro, luetellaan erikseen",
    )
    p.add_argument(
        "--kind", choices=("responsibilities", "roles", "contacts", "events"), help="rivilaji"
    )
    p.set_defaults(func=cmd_register)
    p = sub.add_parser("feedback", help="käyttäjien palaute")
    feedback_sub = p.add_subparsers(dest="feedback_command", required=True)
    p = feedback_sub.add_parser("export", help="vie palaute kultajoukon JSONL-muodossa")
    p.add_argument("--out", help="tiedosto (oletus: tulosta)")
    p.set_defaults(func=cmd_feedback)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m assistant``."""
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return int(args.func(settings, args))
    except (ValueError, EmbeddingError, store.IndexBuildError) as exc:
        print(f"Virhe: {exc}", file=sys.stderr)
        return 2
