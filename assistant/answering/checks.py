"""Evidence checks: does a sentence say what the question asks, or only something near it?

Each check is a general reading of Finnish questions and sentences ("Milloin valtuusto
hyväksyi …?" needs a sentence that says the approving; "Mitkä olivat ne neljä …?" needs four
items listed; "who is the X of Y" needs X and Y said). They were abstention rules; now each is
a feature the answer model weighs (see ``features.py``), so none decides alone.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..lexical import STOPWORDS, is_foreign, municipalities_in, standardize, stems, words
from .patterns import (
    ASKS_FOR_NAME,
    BOUNDARY_DATE,
    CHOSEN,
    CONJ_RE,
    COUNT_WORDS,
    DATE_RE,
    EVENT_NOUN,
    EVENT_VERBS,
    FINITE,
    HELD,
    LEADER,
    MET,
    N_ITEMS,
    PAST,
    SEQUENCE,
    WHEN,
    YEAR_RE,
    YES_NO,
    counted_noun,
    led_object,
    role_phrase,
)
from .vocabulary import Vocabulary, compound_match


def lists_as_many(question: str, sentence: str) -> bool:
    """ "Mitkä olivat ne neljä alatyöryhmää?": a sentence that gives the count itself
    ("alatyöryhmiä on neljä") must also list that many items to answer."""
    match = N_ITEMS.search(standardize(question))
    if not match:
        return True
    word = match.group(1).lower()
    if not re.search(rf"\b{word[:4]}\w*", sentence, re.IGNORECASE):
        return True
    items = 1 + sentence.count(",") + len(CONJ_RE.findall(sentence))
    return items >= COUNT_WORDS[word[:4]] + 1


def names_listed(sentence: str) -> bool:
    """A list of names has capitalised words beyond the sentence's first word."""
    return sum(1 for w in sentence.split()[1:] if w[:1].isupper()) >= 2


def says_sequence(question: str, sentence: str) -> bool:
    """ "Milloin … seuraavan kerran / ensimmäisen kerran?": the sentence must say next,
    first or last too — a date of some other meeting does not answer."""
    wanted = SEQUENCE.findall(standardize(question))
    if not wanted:
        return True
    said = {m.lower()[:4] for m in SEQUENCE.findall(sentence)}
    return all(w.lower()[:4] in said for w in wanted)


def states_outcome(question: str, sentence: str) -> bool:
    """ "Hyväksyikö aluevaltuusto …?": the sentence must say it with the verb itself
    ("hyväksyttiin", "hyväksyi"), not name it ("ehdottaa … hyväksymistä")."""
    first = words(standardize(question))[:1]
    if not first or not YES_NO.match(first[0]) or first[0][:2] in ("on", "ov", "ol"):
        return True
    verb = first[0][:-2]
    if len(verb) < 5:
        return True
    return any(w[:5] == verb[:5] and FINITE.search(w) for w in words(sentence))


def names_event(question: str, sentence: str, label: frozenset[str]) -> bool:
    """ "Milloin valtuusto hyväksyi …?": the sentence with the date says the event's verb
    in some form ("hyväksyi", "hyväksyttiin"), or the question has no such verb. ``label``:
    the heading stems a minutes' label line stands for."""
    text = standardize(question)
    asked = WHEN.search(text)
    clause = re.split(r"[,;?]", text[asked.end() :] if asked else text)[0]
    verbs = [w[:5] for w in words(clause) if len(w) >= 6 and w not in STOPWORDS and PAST.search(w)]
    if not verbs:
        return True
    wanted = {v for verb in verbs for v in EVENT_VERBS.get(verb, (verb,))}
    said = words(sentence) + sorted(label)
    return any(w.startswith(v) for v in wanted for w in said)


def speaks_of_event(question: str, qtype: str, sentence: str) -> bool:
    """ "Milloin / missä tilaisuus pidetään?": the sentence that dates or places it names
    the event or says that someone met."""
    if qtype not in ("date", "day", "place"):
        return True
    if not (HELD.search(question) and EVENT_NOUN.search(question)):
        return True
    return bool(MET.search(sentence))


def covers_years(question: str, years: set[str]) -> bool:
    """ "Kuka oli puheenjohtaja vuonna 2016?": the evidence's document mentions a year the
    question names (``years``: the years of its text and its date)."""
    asked = set(YEAR_RE.findall(question))
    return not asked or bool(asked & years)  # "vuodenvaihteessa 2022–2023": one will do


def dates_what_was_asked(
    question: str, terms: Sequence[str], sentence: str, vocabulary: Vocabulary
) -> bool:
    """A date in a clause of its own ("…, miten yhteistyötä jatketaan 1.1.2023 jälkeen")
    dates that clause: some clause with a date must mention what the question asks about.
    When is something held: a date that only bounds a period ("1.1.2023 alkaen") is not
    a day it is held on."""
    if (
        HELD.search(question)
        and not BOUNDARY_DATE.search(question)
        and not DATE_RE.search(BOUNDARY_DATE.sub(" ", sentence))
    ):
        return False
    parts = re.split(r"[,;:]", sentence)
    clauses = [c for c in parts if DATE_RE.search(c)]
    if len(clauses) == len(parts):
        return True  # every clause is dated (one-clause sentences included)
    weighted = [(t, 1.0) for t in terms]
    return any(vocabulary.mentioned(weighted, frozenset(stems(standardize(c)))) for c in clauses)


def new_municipality(question: str, sentence: str) -> bool:
    """ "Mihin kuntaan … Jyväskylän jälkeen?": the answer names a municipality the question
    does not already name."""
    return bool(municipalities_in(sentence) - municipalities_in(question))


def role_said(question: str, sentence: str, have: frozenset[str]) -> float:
    """For "who is the X of Y" and "who leads Y": 1 when the sentence says the role and whose
    it is ("Keski-Suomen aluehallituksen puheenjohtaja") or who leads Y, 0 when it names
    another role or body; 0.5 when the question names no role. ``have``: the sentence's stems
    (with the heading of a label line)."""

    def said(terms: Sequence[str]) -> bool:
        return all(any(compound_match(term, s) for s in have) for term in terms)

    foreign = is_foreign(question)
    led = None if foreign else led_object(question)
    if led is not None:
        return 1.0 if LEADER.search(sentence) and said(led) else 0.0
    phrase = None if foreign else role_phrase(question)
    if phrase is not None:
        return 1.0 if said(phrase) else 0.0
    return 0.5


def asks_for_name(question: str) -> bool:
    """ "Kuka on X:n puheenjohtaja?", "Kuka valittiin …?": the answer is a person's name."""
    return bool(ASKS_FOR_NAME.search(question) or CHOSEN.search(question))


def counts_what_was_asked(
    question: str, known: Sequence[str], entities: Sequence[str], have: frozenset[str]
) -> bool:
    """For "how many" questions: the sentence with the number must name what is counted —
    the noun after "montako"/"kuinka monta" when there is one, otherwise some question
    term other than a proper name — not merely share the place."""
    topic = [s for s in known if s not in entities and not s.isdigit()]
    said = [s for s in topic if any(compound_match(s, h) for h in have)]
    noun = counted_noun(question)
    if noun:
        # what is counted, or much of the rest of the question, said in other words
        return (
            any(compound_match(noun, h) for h in have) or len([s for s in said if s != noun]) >= 2
        )
    return bool(said) or not topic


def missing_entities(entities: Sequence[str], doc_words: str) -> int:
    """Names in the question that the evidence's document never mentions (``doc_words``:
    the document's words joined, with a leading space)."""
    return sum(1 for e in entities if " " + e[: max(4, len(e) - 2)] not in doc_words)


def event_in_question(question: str) -> bool:
    """The question asks when or where something is held ("Milloin tilaisuus pidetään?")."""
    return bool(HELD.search(question) and EVENT_NOUN.search(question))
