"""Question analysis: what a question asks for and about what, from its words and its parse.

The rules of ``patterns.py`` give the kind of answer asked for (a person, a date, a number, …);
spaCy's parse gives the nouns the question is about, with the genitives that say whose they
are ("Keski-Suomen liiton maakuntajohtaja"), and the places and names it mentions; the
vocabulary maps its words onto the corpus's and weighs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..lexical import standardize
from .checks import asks_for_name, event_in_question
from .nlp import Parsed
from .patterns import YEAR_RE, YES_NO, asked_kind, counted_noun, question_type, verb_stems
from .vocabulary import Vocabulary

# how much a term carried over from the conversation weighs against the question's own
CARRIED_WEIGHT = 0.5
# an unknown stem this long is a specific term the corpus lacks, not a stray word form
UNKNOWN_LEN = 8
_NOUNS = frozenset({"NOUN", "PROPN"})
_PLACE_LABELS = frozenset({"GPE", "LOC"})


@dataclass(frozen=True)
class QuestionTerms:
    """Stems of a question: its own (weight 1) and those carried from history (lower weight)."""

    own: tuple[str, ...]
    carried: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()  # stems of the proper names the question itself uses


@dataclass(frozen=True)
class Question:
    """Everything the features read of a question."""

    text: str
    qtype: str
    weighted: tuple[tuple[str, float], ...]  # known stems and their idf weights
    known: tuple[str, ...]  # the question's own known stems
    unknown: tuple[str, ...]  # its own stems the corpus never uses (verbs and short ones out)
    entities: tuple[str, ...]
    verbal: frozenset[str]
    alternatives: dict[str, frozenset[str]] = field(default_factory=dict)
    unknown_share: float = 0.0
    long_unknown: bool = False
    parsed: Parsed = field(default_factory=Parsed)
    lemmas: frozenset[str] = frozenset()  # content lemmas (nouns, verbs, adjectives, names)
    focus: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (noun lemma, its genitives' lemmas)
    places: frozenset[str] = frozenset()  # lemmas of the places and regions it names
    verbs: frozenset[str] = frozenset()  # lemmas of its verbs (what happened)
    names: frozenset[str] = frozenset()  # lemmas of its proper nouns
    years: frozenset[str] = frozenset()
    yes_no: bool = False
    asks_name: bool = False
    event: bool = False
    carried: bool = False


def analyze(text: str, terms: QuestionTerms, vocabulary: Vocabulary, parsed: Parsed) -> Question:
    """Analyse ``text`` (the standalone question) with its stems and its parse."""
    qtype = question_type(text)
    own_known, own_unknown = vocabulary.resolve_terms(terms.own)
    # An inflected verb the corpus lacks ("palkattavaksi", "yhdistyy") says what happens,
    # in words of its own; it is no sign that the documents lack the subject.
    verbal = verb_stems(text)
    # a stem of four letters or fewer is what the stemmer left of a short word, not a term
    own_unknown = [s for s in own_unknown if s not in verbal and len(s) > 4]
    carried_known, _ = vocabulary.resolve_terms(terms.carried)
    weighted = [(s, vocabulary.weight(s)) for s in dict.fromkeys(own_known)]
    weighted += [
        (s, CARRIED_WEIGHT * vocabulary.weight(s))
        for s in dict.fromkeys(carried_known)
        if s not in own_known
    ]
    unknown_mass = vocabulary.max_idf * len(own_unknown)
    known_mass = sum(w for s, w in weighted if s in own_known)
    # the noun naming what is asked or counted ("Mitä puoluetta", "kuinka monesta
    # jäsenestä"): when the documents never use it, they hold no such thing
    kinds = {asked_kind(text), counted_noun(text)}
    long_unknown = any(len(term) >= UNKNOWN_LEN for term in own_unknown) or any(
        kind in own_unknown for kind in kinds if kind
    )
    first = standardize(text).split()[:1]
    return Question(
        text=text,
        qtype=qtype,
        weighted=tuple(weighted),
        known=tuple(own_known),
        unknown=tuple(own_unknown),
        entities=terms.entities,
        verbal=verbal,
        alternatives={term: vocabulary.alternatives(term) for term, _ in weighted},
        unknown_share=unknown_mass / (unknown_mass + known_mass) if unknown_mass else 0.0,
        long_unknown=long_unknown,
        parsed=parsed,
        lemmas=content_lemmas(parsed),
        focus=focus_nouns(parsed),
        places=places(parsed),
        verbs=frozenset(
            t.lemma for t in parsed.tokens if t.pos == "VERB" and t.lemma not in ("olla",)
        ),
        names=frozenset(t.lemma for t in parsed.tokens if t.pos == "PROPN" and len(t.lemma) > 2),
        years=frozenset(YEAR_RE.findall(text)),
        yes_no=bool(first and YES_NO.match(first[0].lower())),
        asks_name=asks_for_name(text),
        event=event_in_question(text),
        carried=bool(carried_known),
    )


def content_lemmas(parsed: Parsed) -> frozenset[str]:
    """Lemmas of the words that carry content: nouns, names, verbs, adjectives, numbers."""
    kept = {"NOUN", "PROPN", "VERB", "ADJ", "NUM"}
    return frozenset(
        t.lemma
        for t in parsed.tokens
        if t.lemma and (t.pos in kept or not t.pos) and len(t.lemma) > 2
    )


def focus_nouns(parsed: Parsed) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each noun the question is about, with the lemmas of the genitives that say whose it is
    ("Keski-Suomen liiton maakuntajohtajana" → ("maakuntajohtaja", ("liitto", "keski-suomi")))."""
    tokens = parsed.tokens
    out = []
    for i, t in enumerate(tokens):
        if t.pos not in _NOUNS or t.dep.startswith("nmod:poss"):
            continue
        mods: list[str] = []
        frontier = [i]
        while frontier:
            head = frontier.pop()
            for j, m in enumerate(tokens):
                if j != head and m.head == head and m.dep.startswith("nmod:poss"):
                    mods.append(m.lemma)
                    frontier.append(j)
        out.append((t.lemma, tuple(mods)))
    return tuple(out)


def places(parsed: Parsed) -> frozenset[str]:
    """Lemmas of the places and regions a text names: place entities and the proper nouns
    in them ("Keski-Suomen" → "keski-suomi", "Muuramen" → "muurame")."""
    found: set[str] = set()
    for e in parsed.entities:
        if e.label in _PLACE_LABELS:
            found.update(t.lemma for t in parsed.tokens[e.start : e.end] if t.pos in _NOUNS)
    found.update(t.lemma for t in parsed.tokens if t.pos == "PROPN" and "-" in t.text)
    return frozenset(f for f in found if f)
