"""Answers with and without sentence vectors, on documents nobody tuned on (issue 15).

Embedding every sentence at index time costs about as much as embedding every chunk. The
answerer reads a sentence's vector for one group of features (its cosine with the question,
its gap to the best candidate, its rank). This run asks the development folds of ``docs_cv``
twice through the same index: once as shipped, once with every sentence vector read as
zeros, so those features say nothing. Each fold is answered by a model fitted without that
fold's documents, refitted for each variant, so the second row is what an index built without
sentence vectors would answer.

    python -m evals.ablation [--folds 1,2,3,4] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from assistant import Assistant
from assistant.sentence_db import Vectors

from .crossval import evaluate_folds
from .devdocs import dev_assistant
from .gate import DEFAULT_THRESHOLDS, load_gate

_SHOWN = ("recall@1", "answer_hit", "citation_recall", "abstain_recall", "false_abstain_rate")


class NoVectors(Vectors):
    """Sentence vectors that are all zeros: the dense features of every candidate vanish."""

    def __init__(self, dim: int) -> None:
        self.dim = dim

    def __getitem__(self, rows: Sequence[int]) -> np.ndarray:
        return np.zeros((len(rows), self.dim), dtype=np.float32)


def without_sentence_vectors(assistant: Assistant) -> Assistant:
    """``assistant`` over the same index, chunks and models, with no sentence vectors."""
    index = assistant._index
    blank = replace(index, sentence_vectors=NoVectors(index.sentence_vectors.dim))
    return Assistant(
        assistant.settings, assistant._embeddings, blank, assistant.nlp, assistant.answer_model
    )


def main(argv: list[str] | None = None) -> int:
    """Print the cross-validated metrics of both variants."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--folds", default="", help="kehityskansion osat, esim. 1,2,3,4")
    parser.add_argument("--json", action="store_true", help="tulokset JSON-muodossa")
    args = parser.parse_args(argv)
    gated = {g.name: g for g in load_gate(DEFAULT_THRESHOLDS)}["docs_cv"]
    folds = [int(f) for f in args.folds.split(",") if f] or list(gated.folds)
    shipped = dev_assistant(folds=gated.indexed)
    rows: dict[str, dict[str, Any]] = {}
    for name, assistant in (
        ("lausevektorit", shipped),
        ("ilman lausevektoreita", without_sentence_vectors(shipped)),
    ):
        report = evaluate_folds(
            assistant, folds, True, gated.gold, progress=not args.json, indexed=gated.indexed
        )
        rows[name] = {"metrics": report["metrics"], "folds": report["folds"]}
    if args.json:
        json.dump(rows, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    print(f"Osat {folds}, {report['n_questions']} kysymystä, kukin osa ilman omia asiakirjojaan:")
    print(f"  {'':24}" + "".join(f"{k:>20}" for k in _SHOWN))
    for name, row in rows.items():
        values = (row["metrics"].get(k) for k in _SHOWN)
        print(
            f"  {name:24}"
            + "".join(f"{v:>20.3f}" if v is not None else f"{'–':>20}" for v in values)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
