"""Questions about now: the newest document that speaks of the thing has the answer.

The answer model ranks sentences by how well they answer, not by when they were written, and
an older document often matches a question best ("Kuka on hyvinvointialuejohtaja tällä
hetkellä?" → the 2022 news of the first director's election, where a 2026 page names the
acting one). For a question about the present, this step runs after the ranking: among the
candidates that score nearly as well as the best one (the same bar a second source must
clear in the composed answer) or speak of the same thing (name the question's focus nouns
and places as fully), the best of the newest dated document goes first. Questions asking
why or how are not moved: a reason holds as written, whatever came later.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .patterns import YEAR_RE

if TYPE_CHECKING:
    from ..retrieve import Passage

# words that ask about the present state of things ("nyt", "tällä hetkellä", "vielä voimassa")
_NOW = re.compile(
    r"\b(?:nyt|nykyään|nykyisin|tätä nykyä|tällä hetkellä|tänä päivänä|vielä|vieläkin|yhä|"
    r"edelleen|enää|nykyi(?:nen|sen|stä|sessä|sellä|seen|set|siä|sten|siin)|"
    r"voimassa olev\w*)\b",
    re.IGNORECASE,
)
# "jo nyt", "juuri nyt": about acting now; "yhä enemmän", "vielä paremmin" (a comparative):
# more and more. Neither asks about the state things are in now.
_NOT_NOW = re.compile(
    r"\b(?:(?:jo|juuri|vasta)\s+nyt|"
    r"(?:yhä|vielä|entistä)\s+\w+m(?:pi|p[aä]{2}|m[aä]n|min|m[aä]t|m[aä]ksi))\b",
    re.IGNORECASE,
)
# "vuoden 2022 puitesopimus" names a thing by its year; "vuoden 2022 ajan" is a time
_NAMING_YEAR = re.compile(
    r"\bvuoden\s+(?:19|20)\d\d\s+(?!aja|aika|alu|alk|lop|jälk|puol)\w", re.IGNORECASE
)


def asks_now(question: str) -> bool:
    """True when ``question`` asks how things stand now: a word of the present and no year
    of a time ("vielä vuonna 2022" asks about 2022; "onko vuoden 2022 sopimus vielä
    voimassa" about now)."""
    if YEAR_RE.search(_NAMING_YEAR.sub(" ", question)):
        return False
    return bool(_NOW.search(_NOT_NOW.sub(" ", question)))


def newest_first(
    order: Sequence[int],
    scores: Sequence[float],
    dates: Sequence[str],
    ratio: float,
    coverage: Sequence[tuple[float, float]] = (),
) -> list[int]:
    """``order`` (candidate indices best first) with the best candidate of the newest dated
    document moved to the front, when its document is newer than the best one's and it
    scores at least ``ratio`` of the best candidate or (with ``coverage``, each candidate's
    (focus, places) shares) speaks of the same thing (:func:`same_thing`). ``dates`` are ISO
    dates ("" unknown, "2022" a year); the best candidate of an undated document stays first."""
    best = order[0]
    if not dates[best]:
        return list(order)
    top = float(scores[best])

    def close(i: int) -> bool:
        if float(scores[i]) >= ratio * top:
            return True
        return bool(coverage) and same_thing(coverage[i], coverage[best])

    near = [i for i in order if dates[i] and close(i)]
    newest = max(near, key=dates.__getitem__, default=best)  # the first, i.e. best, of ties
    if not _newer(dates[newest], dates[best]):
        return list(order)
    return [newest, *(i for i in order if i != newest)]


def same_thing(candidate: tuple[float, float], best: tuple[float, float]) -> bool:
    """True when a candidate speaks of what the best one does: its sentence names at least
    the share of the question's focus nouns the best one names (the best naming at least
    half of them), and its document at least the share of the question's places. A newer
    document's sentence on the same thing often scores far below an older one's (10–30 %):
    the model ranks how well a sentence answers, not whether its answer still holds."""
    focus, places = candidate
    best_focus, best_places = best
    return best_focus >= 0.5 and focus >= best_focus and places >= best_places


def _newer(date: str, than: str) -> bool:
    """True when ISO ``date`` is surely later than ``than``: compared at the precision both
    have ("2022-10-10" is not newer than "2022", which may be any day of 2022)."""
    n = min(len(date), len(than))
    return date[:n] > than[:n]


def document_dates(passages: Sequence[Passage]) -> Mapping[str, str]:
    """Each retrieved document's date ("" unknown)."""
    return {p.doc_id: p.date or "" for p in passages}


__all__ = ["asks_now", "document_dates", "newest_first", "same_thing"]
