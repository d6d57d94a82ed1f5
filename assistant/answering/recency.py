"""Time in answers: the newest document answers for now, the one written at the time for
a past year.

The answer model ranks sentences by how well they answer, not by when they were written, and
an older document often matches a question best ("Kuka on hyvinvointialuejohtaja tällä
hetkellä?" → the 2022 news of the first director's election, where a 2026 page names the
acting one). For a question about the present, this step runs after the ranking: among the
candidates that score nearly as well as the best one (the same bar a second source must
clear in the composed answer) or speak of the same thing (name the question's focus nouns
and places as fully), the best of the newest dated document goes first. Questions asking
why or how are not moved: a reason holds as written, whatever came later.

A question about a past time ("Kuka oli aluehallituksen puheenjohtaja vuonna 2022?") is the
mirror case: a later document tells how things stand later (the next chair), so among the same
candidates the best one whose document was written in the asked years goes first.

A question about how long something holds ("Mihin asti puitesopimus on voimassa?", "Onko
se vielä voimassa?") is answered by the sentence of the chosen document that states the
term ("Sopimus on voimassa 31.12.2025 saakka."), when the best sentence states none: such a
sentence rarely repeats what it is about, so it scores low or is not even retrieved.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from .features import lemma_in
from .patterns import DAY_RE, YEAR_RE

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
_YEAR = r"(?:19|20)\d\d"
# years that name a thing, not the time asked about: "vuoden 2022 puitesopimus" (but
# "vuoden 2022 ajan" is a time), "vuonna 2022 hyväksytty / 14.6.2022 hyväksymä strategia" (a
# participle follows), "suunnitelma vuosille 2022–2025", a law's number "1386/2010", a name
# "Keski-Suomi 2020 -uudistus"
_NAMING_YEARS = re.compile(
    rf"\bvuoden\s+{_YEAR}\s+(?!aja|aika|alu|alk|lop|jälk|puol)\w"
    rf"|(?<!\d){_YEAR}\s+(?:\w+n\s+)?\w+(?:tt?[uy]\w{{0,3}}|n[uy]t|neet|neen|m[aä]n?)\b"
    rf"|\b(?:vuosille|vuodelle|vuosiksi|vuosien|kaudelle|kauden)\s+{_YEAR}(?:\s*[–-]\s*{_YEAR})?"
    rf"|/{_YEAR}\b|\b{_YEAR}\s?-\s?[a-zåäö]",
    re.IGNORECASE,
)
# "ennen vuotta 2023": the last year before it
_BEFORE_YEAR = re.compile(rf"\bennen\s+vuotta\s+({_YEAR})\b", re.IGNORECASE)
# a year said as a time: "vuonna 2022", "vuosina 2021–2022", "syksyllä 2022", "1.3.2022" (a
# bare year after a noun names the thing: "palveluverkkosuunnitelma 2026–2030")
_TIME_YEARS = re.compile(
    rf"\b(?:vuonna|vuosina|vuoden|vuodenvaihteessa|(?:alku|loppu)vuo(?:nna|desta)|"
    rf"\w*(?:syksyllä|keväällä|kesällä|talvella|kaudella|kuussa)|\d{{1,2}}\.\s?\d{{1,2}}\.)"
    rf"\s*({_YEAR})(?:\s*[–-]\s*({_YEAR}))?",
    re.IGNORECASE,
)

# a question about how long something holds; "voimassa oleva X" asks about X, not its term
_ASKS_TERM = re.compile(
    r"\bmihin\s+(?:päivään\s+|vuoteen\s+)?(?:asti|saakka)\b|\bmiltä\s+ajalta\b|"
    r"\bkuinka\s+(?:pitkään|kauan|pitkäksi\s+(?:aikaa|ajaksi))\b|\bkauanko\b|"
    r"\bmilloin\b[^?]*\b(?:päätty|loppu|umpeutu)\w*|\bonko\b[^?]*\bvoimassa\b(?!\s+olev)",
    re.IGNORECASE,
)
# the end of a term: "31.12.2025 saakka", "valtuustokauden loppuun", "päättyi", "toistaiseksi"
# ("vuoden 2027 loppuun mennessä" is a deadline)
_TERM_END = re.compile(
    r"\b(?:asti|saakka|päätty\w*|loppuun(?!\s+mennessä)|loppu(?:u|i|vat)|umpeutu\w*|"
    r"toistaiseksi)\b",
    re.IGNORECASE,
)


def _times(question: str) -> str:
    """``question`` with the years that name a thing blanked: the years left are times."""
    return _NAMING_YEARS.sub(" ", question)


def asks_now(question: str) -> bool:
    """True when ``question`` asks how things stand now: a word of the present and no year
    of a time ("vielä vuonna 2022" asks about 2022; "onko vuoden 2022 sopimus vielä
    voimassa" about now)."""
    if YEAR_RE.search(_times(question)):
        return False
    return bool(_NOW.search(_NOT_NOW.sub(" ", question)))


def asked_years(question: str) -> tuple[int, int] | None:
    """The years a question about a given time asks about, first and last ("vuonna 2022"
    → (2022, 2022), "vuosina 2021–2022" → (2021, 2022), "ennen vuotta 2023" → (2022, 2022));
    None when it says no year as a time ("vuonna 2022 hyväksytty puitesopimus", "suunnitelma
    2026–2030")."""
    text = _BEFORE_YEAR.sub(lambda m: f"vuonna {int(m.group(1)) - 1}", question)
    years = [int(y) for m in _TIME_YEARS.finditer(_times(text)) for y in m.groups() if y]
    return (min(years), max(years)) if years else None


def asks_term(question: str) -> bool:
    """True when ``question`` asks how long something holds or whether it still does."""
    return bool(_ASKS_TERM.search(question))


def states_term(sentence: str) -> bool:
    """True when ``sentence`` states when something ends: an end word with a date or year
    ("voimassa 31.12.2025 saakka", "päättyi vuonna 2022"), or "toistaiseksi"."""
    if not _TERM_END.search(sentence):
        return False
    return bool(DAY_RE.search(sentence) or YEAR_RE.search(sentence)) or "toistaiseksi" in (
        sentence.lower()
    )


def term_statement(
    sentences: Sequence[tuple[str, frozenset[str]]],
    question_lemmas: frozenset[str],
    focus: frozenset[str],
) -> int | None:
    """Index of the sentence (text, lemmas) of a document that states a term, names a
    ``focus`` lemma of the question (the noun asked about or whose it is) and shares the
    most of its lemmas; a compound counts for its last part ("sopimus" for
    "yhteistyösopimus"). The first of ties; None when no sentence qualifies."""
    best, most = None, 0
    for i, (text, lemmas) in enumerate(sentences):
        if not states_term(text) or not any(_shares(f, lemmas) for f in focus):
            continue
        shared = sum(1 for lemma in question_lemmas if _shares(lemma, lemmas))
        if shared > most:
            best, most = i, shared
    return best


def _shares(lemma: str, lemmas: frozenset[str]) -> bool:
    """:func:`~.features.lemma_in` both ways: the lemma, a compound ending in it, or it a
    compound ending in one of ``lemmas`` (both of 5+ letters)."""
    return lemma_in(lemma, lemmas) or any(
        len(other) >= 5 and lemma.endswith(other) for other in lemmas
    )


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
    near = _near(order, scores, dates, ratio, coverage)
    if not near:
        return list(order)
    newest = max(near, key=dates.__getitem__)  # the first, i.e. best, of ties
    if not _newer(dates[newest], dates[order[0]]):
        return list(order)
    return [newest, *(i for i in order if i != newest)]


def contemporary_first(
    order: Sequence[int],
    scores: Sequence[float],
    dates: Sequence[str],
    ratio: float,
    years: tuple[int, int],
    coverage: Sequence[tuple[float, float]] = (),
) -> list[int]:
    """``order`` with the best candidate of a document written in the asked ``years``
    (first, last) moved to the front, when the best candidate's document was written at
    another time and, as in :func:`newest_first`, it is nearly as good or speaks of the
    same thing. A document of another time tells of its own time or looks back on the
    asked one; one written then tells how things stood."""
    near = _near(order, scores, dates, ratio, coverage)

    def then(i: int) -> bool:
        return years[0] <= int(dates[i][:4]) <= years[1]

    if not near or then(order[0]):
        return list(order)
    found = next((i for i in near if then(i)), None)
    if found is None:
        return list(order)
    return [found, *(i for i in order if i != found)]


def _near(
    order: Sequence[int],
    scores: Sequence[float],
    dates: Sequence[str],
    ratio: float,
    coverage: Sequence[tuple[float, float]],
) -> list[int]:
    """The dated candidates that may stand in for the best one (best first): those scoring
    at least ``ratio`` of it or speaking of the same thing; [] when the best is undated."""
    best = order[0]
    if not dates[best]:
        return []
    top = float(scores[best])

    def close(i: int) -> bool:
        if float(scores[i]) >= ratio * top:
            return True
        return bool(coverage) and same_thing(coverage[i], coverage[best])

    return [i for i in order if dates[i] and close(i)]


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


__all__ = [
    "asked_years",
    "asks_now",
    "asks_term",
    "contemporary_first",
    "document_dates",
    "newest_first",
    "same_thing",
    "states_term",
    "term_statement",
]
