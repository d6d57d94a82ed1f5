"""Finnish analysis from spaCy's Finnish pipeline, with a clear fallback to Snowball stems.

``spacy-fi-experimental-web-md`` gives tokens, lemmas (through Voikko), part of speech,
morphology, a dependency parse and named entities. Its lemmatizer needs Debian's
``libvoikko1`` and ``voikko-fi``; without them the pipeline runs without lemmas (the parse
and entities remain), and without the model at all every analysis falls back to Snowball
stems and no parse — the answerer still works, with weaker evidence. ``NLP.status`` says
which of the three is in use (shown by ``python -m assistant stats``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..lexical import stems, words

log = logging.getLogger(__name__)

MODEL = "spacy_fi_experimental_web_md"
STATUS_FULL = "spaCy + Voikko"
STATUS_NO_LEMMAS = "spaCy ilman Voikkoa (perusmuodot Snowball-vartaloina)"
STATUS_STEMS = "Snowball-vartalot (spaCy-mallia ei ole asennettu)"


@dataclass(frozen=True)
class Token:
    """One analysed word."""

    text: str
    lemma: str  # Voikko's base form, lower case; a Snowball stem when lemmas are missing
    pos: str  # Universal POS ("" in the stem fallback)
    dep: str  # dependency relation ("" in the stem fallback)
    head: int  # index of the head token (itself for the root)
    case: str  # morphological case ("Gen", "Ine", …) or ""


@dataclass(frozen=True)
class Entity:
    """A named entity: its label (PERSON, ORG, GPE, LOC, DATE, …) and token span."""

    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Parsed:
    """One analysed text."""

    tokens: tuple[Token, ...] = ()
    entities: tuple[Entity, ...] = ()

    @property
    def lemmas(self) -> frozenset[str]:
        """The lemmas of its content words (no punctuation)."""
        return frozenset(t.lemma for t in self.tokens if t.lemma and t.pos != "PUNCT")

    def labels(self) -> frozenset[str]:
        """The entity labels it contains."""
        return frozenset(e.label for e in self.entities)

    def to_list(self) -> list[Any]:
        """Compact JSON form: tokens as lists, entities as lists."""
        return [
            [[t.text, t.lemma, t.pos, t.dep, t.head, t.case] for t in self.tokens],
            [[e.label, e.start, e.end, e.text] for e in self.entities],
        ]

    @classmethod
    def from_list(cls, data: Sequence[Any]) -> Parsed:
        """Inverse of :meth:`to_list`."""
        tokens, entities = data
        return cls(
            tuple(
                Token(str(a), str(b), str(c), str(d), int(e), str(f)) for a, b, c, d, e, f in tokens
            ),
            tuple(Entity(str(a), int(b), int(c), str(d)) for a, b, c, d in entities),
        )


@dataclass
class NLP:
    """The analyser in use; build with :func:`load_nlp`."""

    status: str
    model_id: str
    _nlp: Any = field(default=None, repr=False)
    _lemmas: bool = False

    def analyze(self, text: str) -> Parsed:
        """Analyse one text (a question)."""
        return next(iter(self.pipe([text])))

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Parsed]:
        """Analyse many texts (sentences at index time)."""
        if self._nlp is None:
            for text in texts:
                yield _stemmed(text)
            return
        for doc in self._nlp.pipe(texts, batch_size=batch_size):
            yield self._convert(doc)

    def _convert(self, doc: Any) -> Parsed:
        tokens = []
        for t in doc:
            if self._lemmas and t.lemma_:
                lemma = t.lemma_.lower()
            else:
                lemma = (stems(t.text) or [t.text.lower()])[0]
            case = t.morph.get("Case")
            tokens.append(Token(t.text, lemma, t.pos_, t.dep_, t.head.i, case[0] if case else ""))
        entities = tuple(Entity(e.label_, e.start, e.end, e.text) for e in doc.ents)
        return Parsed(tuple(tokens), entities)


def _stemmed(text: str) -> Parsed:
    return Parsed(
        tuple(Token(w, (stems(w) or [w])[0], "", "", i, "") for i, w in enumerate(words(text)))
    )


# The vocabulary's lookup tables hold only word probabilities (500,000 rows, 2.2 s to load);
# no pipe reads them, and the analyses are identical without them.
_UNUSED = ["lookups"]


@functools.lru_cache(maxsize=4)
def load_nlp(model: str = MODEL) -> NLP:
    """The best analyser this machine has: spaCy with Voikko lemmas, spaCy without them, or
    Snowball stems (``model=""`` chooses the stems). Logs a warning when it degrades. Loaded
    once per process and model (the spaCy pipeline takes seconds to load)."""
    if not model:
        return NLP(STATUS_STEMS, "stems")
    try:
        import spacy
    except ImportError:
        log.warning("spaCy puuttuu: suomen analyysi käyttää Snowball-vartaloita.")
        return NLP(STATUS_STEMS, "stems")
    try:
        nlp = spacy.load(model, exclude=_UNUSED)
        return NLP(STATUS_FULL, f"{model}+voikko", nlp, True)
    except OSError as exc:
        if "voikko" not in str(exc).lower():
            log.warning(
                "spaCy-mallia %s ei voi ladata (%s): käytetään Snowball-vartaloita.", model, exc
            )
            return NLP(STATUS_STEMS, "stems")
    except Exception as exc:  # libvoikko raises its own errors when the system library is missing
        if "voikko" not in (str(exc) + type(exc).__name__).lower():
            log.warning(
                "spaCy-mallia %s ei voi ladata (%s): käytetään Snowball-vartaloita.", model, exc
            )
            return NLP(STATUS_STEMS, "stems")
    log.warning(
        "Voikko puuttuu (apt install libvoikko1 voikko-fi): perusmuodot Snowball-vartaloina."
    )
    nlp = spacy.load(model, exclude=[*_UNUSED, "lemmatizer"])
    return NLP(STATUS_NO_LEMMAS, model, nlp, False)
