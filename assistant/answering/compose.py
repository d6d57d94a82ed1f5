"""Composing the cited answer from the ranked candidates: the best sentence (with the one
before it when it points back), then close runners-up from the same document."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .candidates import SentenceIndex
from .features import Table
from .patterns import ANAPHORA

MAX_SENTENCES = 3
OTHER_DOC_RATIO = 0.6
HEDGE = "En ole varma, mutta tämä kohta voi vastata kysymykseesi:"
# closes the answer to a question about now: as of when the answer holds
AS_OF = "Vastaus perustuu {date} päivättyyn asiakirjaan."


def with_antecedent(row: int, sentences: SentenceIndex) -> list[tuple[str, str]]:
    """The sentence, preceded by the one before it when it opens by pointing back
    ("Tästä syystä …", "Siksi …"): the reason or subject is in that previous sentence."""
    quote = sentences.quote(row)
    if not ANAPHORA.match(quote[1]):
        return [quote]
    previous = sentences.previous(row)
    return [quote] if previous is None else [sentences.quote(previous), quote]


def ranked(table: Table, scores: np.ndarray) -> list[int]:
    """Candidate indices best first; ties by passage rank, then reading order (stable)."""
    keys = [
        (-float(scores[i]), c.rank, c.chunk_pos, c.start) for i, c in enumerate(table.candidates)
    ]
    return sorted(range(len(keys)), key=keys.__getitem__)


def chosen(
    scores: Sequence[float], order: Sequence[int], docs: Sequence[str], extra_ratio: float
) -> list[int]:
    """The candidates the answer is made of: the first one, then up to two runners-up that
    score at least ``extra_ratio`` of the best score — from another document only when they
    score at least ``OTHER_DOC_RATIO`` of it (a second source must be nearly as good). The
    bar is the model's best, not the first candidate's: a newer document's sentence moved
    first (``recency``) may score far less, and must not let weak runners-up in."""
    best = order[0]
    top = max(float(scores[i]) for i in order)
    out = [best]
    for i in order[1:MAX_SENTENCES]:
        ratio = extra_ratio if docs[i] == docs[best] else max(extra_ratio, OTHER_DOC_RATIO)
        if float(scores[i]) >= ratio * top:
            out.append(i)
    return out


def picks(
    table: Table,
    scores: np.ndarray,
    order: Sequence[int],
    sentences: SentenceIndex,
    extra_ratio: float,
) -> list[tuple[str, str]]:
    """(chunk id, quote) in answer order for the :func:`chosen` candidates, the best one
    preceded by its antecedent when it points back."""
    rows = [c.row for c in table.candidates]
    docs = [sentences.doc_id(row) for row in rows]
    indices = chosen(list(scores), order, docs, extra_ratio)
    out = with_antecedent(rows[indices[0]], sentences)
    for i in indices[1:]:
        quote = sentences.quote(rows[i])
        if quote not in out:
            out.append(quote)
    return out[:MAX_SENTENCES]
