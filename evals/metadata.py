"""Metadata from text (assistant/metadata.py): fit the scorers and measure them by fold.

    python -m evals.metadata              # cross-validated by development fold + seed corpus
    python -m evals.metadata --fit        # also write assistant/metadata_model.json (all of them)
    python -m evals.metadata --untouched  # also fold 5 with the shipped model (once, at the end)
    python -m evals.metadata --errors     # list the misses of the development folds (never fold 5)

Each development fold (1–4, 6–9) is predicted by scorers fitted on the others; fold 5
(untouched) is only ever read with ``--untouched``. The truth is evals/devdocs/metadata.toml;
the seed corpus (corpus/ + sources.toml) is a second check that is never trained on.
"""

from __future__ import annotations

import argparse
import json
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression

from assistant import metadata as md
from assistant.ingest import _derived_title, load_document

from .devdocs import load_folds

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "evals" / "devdocs"
SEEDS = ROOT / "corpus"
FIELDS = ("title", "title_soft", "title_tok", "date", "date_kind", "publisher", "kind")
TITLE_JACCARD = 0.8  # a training line is a positive title when this close to the truth
DATE_THRESHOLD = 0.5  # below this the best date is not trusted: date "" and kind "none"
TITLE_THRESHOLD = 0.0  # a title is always given (the best line)
C_TITLE = 10.0  # inverse regularisation; CV on folds 1-4 moved by one doc between 1 and 100
C_DATE = 10.0


@dataclass(frozen=True)
class Doc:
    """A document's cleaned text, file name and true metadata."""

    doc_id: str
    filename: str
    text: str
    truth: Mapping[str, str]


def _folds() -> tuple[dict[int, list[str]], int]:
    assignment = load_folds()
    folds: dict[int, list[str]] = {}
    for doc_id, fold in assignment.fold_of.items():
        folds.setdefault(fold, []).append(doc_id)
    return folds, assignment.untouched


def _load(ids: Iterable[str], folder: Path, truth: Mapping[str, Mapping[str, Any]]) -> list[Doc]:
    files = {p.stem: p for p in folder.iterdir() if p.suffix != ".toml"}
    out = []
    for doc_id in ids:
        path = files[doc_id]
        t = {k: str(truth[doc_id].get(k, "")) for k in ("title", "date", "publisher", "kind")}
        t["date_kind"] = str(truth[doc_id].get("date_kind", ""))
        out.append(Doc(doc_id, path.name, load_document(path).text, t))
    return out


def jaccard(a: str, b: str) -> float:
    """Token-set overlap of two strings after normalisation."""
    sa, sb = set(md.normalise(a).split()), set(md.normalise(b).split())
    return len(sa & sb) / len(sa | sb) if sa | sb else 1.0


def same_title(a: str, b: str) -> bool:
    """Equal after casefold, whitespace collapse, trailing punctuation and a leading item
    number ("§ 52 ", which ``clean_title`` strips and some writers kept) stripped."""

    def key(s: str) -> str:
        return " ".join(re.sub(r"^§\s*\d+\s*", "", s.strip()).casefold().split()).rstrip(".!?:;,… ")

    return key(a) == key(b)


def _title_rows(docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for d in docs:
        for c in md.title_candidates(d.text, d.filename):
            cleaned = md.clean_title(c.text)
            pos = same_title(cleaned, d.truth["title"]) or (
                jaccard(cleaned, d.truth["title"]) >= TITLE_JACCARD
            )
            xs.append(c.features)
            ys.append(1 if pos else 0)
    return np.array(xs, dtype=float), np.array(ys)


def _date_rows(docs: Sequence[Doc]) -> tuple[np.ndarray, np.ndarray]:
    xs, ys = [], []
    for d in docs:
        for c in md.date_candidates(d.text):
            xs.append(c.features)
            ys.append(1 if c.iso == d.truth["date"] else 0)
    return np.array(xs, dtype=float), np.array(ys)


def _fit_lr(x: np.ndarray, y: np.ndarray, c: float) -> LogisticRegression:
    # Balanced classes: a document has one or two true candidates among tens of lines.
    lr = LogisticRegression(C=c, max_iter=5000, class_weight="balanced")
    lr.fit(x, y)
    return lr


def fit(docs: Sequence[Doc]) -> dict[str, Any]:
    """Fit the title and date scorers on documents; returns the JSON-able model."""
    model: dict[str, Any] = {
        "about": (
            "Logistic regressions of assistant/metadata.py, fitted by python -m evals.metadata "
            f"--fit on the development folds ({len(docs)} documents); p = sigmoid(intercept + "
            "coef . features)."
        )
    }
    for part, rows, names, threshold, c in (
        ("title", _title_rows, md.TITLE_FEATURES, TITLE_THRESHOLD, C_TITLE),
        ("date", _date_rows, md.DATE_FEATURES, DATE_THRESHOLD, C_DATE),
    ):
        x, y = rows(docs)
        lr = _fit_lr(x, y, c)
        model[part] = {
            "features": list(names),
            "coef": [round(float(c), 6) for c in lr.coef_[0]],
            "intercept": round(float(lr.intercept_[0]), 6),
            "threshold": threshold,
            "rows": len(y),
            "positives": int(y.sum()),
        }
    return model


def judge(pred: md.TextMetadata, truth: Mapping[str, str]) -> dict[str, float]:
    """Per-field hits (1/0) of one prediction against the truth."""
    return {
        "title": float(same_title(pred.title, truth["title"])),
        "title_soft": float(jaccard(pred.title, truth["title"]) >= TITLE_JACCARD),
        "title_tok": jaccard(pred.title, truth["title"]),
        "date": float(pred.date == truth["date"]),
        "date_kind": float(pred.date_kind == (truth["date_kind"] or "none")),
        "publisher": float(md.normalise(pred.publisher) == md.normalise(truth["publisher"])),
        "kind": float(pred.kind == truth["kind"]),
    }


BASE_FIELDS = ("title", "title_soft", "title_tok")


def _baseline(doc: Doc) -> dict[str, float]:
    """Hits of the product's current title (ingest._derived_title: first heading/line)."""
    base = _derived_title(doc.text)
    return {
        "title": float(same_title(base, doc.truth["title"])),
        "title_soft": float(jaccard(base, doc.truth["title"]) >= TITLE_JACCARD),
        "title_tok": jaccard(base, doc.truth["title"]),
    }


def _row(label: str, hits: Sequence[Mapping[str, float]], fields: Sequence[str] = FIELDS) -> str:
    cells = []
    for f in fields:
        vals = [h[f] for h in hits]
        cells.append(f"{sum(vals) / len(vals):5.2f}" if vals else "   - ")
    return f"{label:<22}" + "  ".join(f"{c:>10}" for c in cells) + f"   n={len(hits)}"


def _header(fields: Sequence[str] = FIELDS) -> str:
    return f"{'':<22}" + "  ".join(f"{f:>10}" for f in fields)


def _show_errors(doc: Doc, pred: md.TextMetadata, hits: Mapping[str, float]) -> None:
    for f in ("title", "date", "date_kind", "publisher", "kind"):
        if not hits[f]:
            got = getattr(pred, f)
            print(f"  {doc.doc_id[:40]:<40} {f:<9} got {got!r:.90}  want {doc.truth[f]!r:.90}")


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: fit, cross-validate and report (see the module docstring)."""
    ap = argparse.ArgumentParser(prog="python -m evals.metadata", description=__doc__)
    ap.add_argument("--fit", action="store_true", help="write assistant/metadata_model.json")
    ap.add_argument("--untouched", action="store_true", help="measure fold 5 (once)")
    ap.add_argument("--errors", action="store_true", help="list misses on the development folds")
    args = ap.parse_args(argv)

    folds, untouched = _folds()
    truth = tomllib.loads((DEV / "metadata.toml").read_text(encoding="utf-8"))["documents"]
    dev = {k: _load(v, DEV / "corpus", truth) for k, v in folds.items() if k != untouched}
    train_all = [d for k in sorted(dev) for d in dev[k]]

    print("Metadata from text: cross-validated on folds", ", ".join(map(str, sorted(dev))))
    print(_header())
    all_hits: list[dict[str, float]] = []
    base_hits: list[dict[str, float]] = []
    for k in sorted(dev):
        model = fit([d for j in sorted(dev) if j != k for d in dev[j]])
        hits = []
        for d in dev[k]:
            pred = md.read_metadata(d.text, d.filename, model=model)
            h = judge(pred, d.truth)
            hits.append(h)
            if args.errors:
                _show_errors(d, pred, h)
            base_hits.append(_baseline(d))
        all_hits += hits
        print(_row(f"fold {k}", hits))
    print(_row("all folds (pooled)", all_hits))
    print(_row("_derived_title base", base_hits, BASE_FIELDS))

    final = fit(train_all)
    if args.fit:
        path = md.MODEL_PATH
        path.write_text(json.dumps(final, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        md.load_model.cache_clear()
        print(f"wrote {path.relative_to(ROOT)}")

    seeds_truth = tomllib.loads((SEEDS / "sources.toml").read_text(encoding="utf-8"))["documents"]
    seeds = _load(sorted(seeds_truth), SEEDS, seeds_truth)
    shipped = md.load_model()
    seed_fields = ("title", "title_soft", "title_tok", "date", "publisher", "kind")
    seed_hits, seed_base = [], []
    for d in seeds:
        pred = md.read_metadata(d.text, d.filename, model=shipped)
        seed_hits.append(judge(pred, d.truth))
        if args.errors:
            _show_errors(d, pred, seed_hits[-1])
        seed_base.append(_baseline(d))
    print("\nSeed corpus (corpus/, sources.toml), shipped model:")
    print(_header(seed_fields))
    print(_row("seeds", seed_hits, seed_fields))
    print(_row("_derived_title base", seed_base, BASE_FIELDS))

    if args.untouched:
        held = _load(folds[untouched], DEV / "corpus", truth)
        hits = [judge(md.read_metadata(d.text, d.filename, model=shipped), d.truth) for d in held]
        base5 = [_baseline(d) for d in held]
        print(f"\nFold {untouched} (untouched), shipped model:")
        print(_header())
        print(_row(f"fold {untouched}", hits))
        print(_row("_derived_title base", base5, BASE_FIELDS))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
