"""The extractive answerer: question analysis → candidate sentences → features → the answer
model's ranking → calibrated confidence band → the cited sentences."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .candidates import SentenceIndex
from .compose import MAX_SENTENCES, OTHER_DOC_RATIO, picks, ranked
from .features import FEATURES, Featurizer, Table, document_years
from .model import DEFAULT_PATH, AnswerModel, ModelError
from .nlp import NLP
from .question import QuestionTerms, analyze
from .recency import (
    asked_years,
    asks_now,
    asks_term,
    contemporary_first,
    document_dates,
    newest_first,
    states_term,
    term_statement,
)
from .vocabulary import Vocabulary

# the asked kinds of answer a responsibility's actor gives ("Kuka / Mikä taho vastasi …?")
ACTOR_TYPES = frozenset({"person", "people", "municipality", "other"})

if TYPE_CHECKING:
    from ..retrieve import Passage
    from ..store import LoadedIndex


@dataclass
class Evidence:
    """The extractive answerer's verdict before citations are validated."""

    picks: list[tuple[str, str]]  # (chunk_id, quote) in answer order
    band: str  # "high", "low" or "none"
    confidence: float  # calibrated probability that the answer is right
    as_of: str = ""  # for a question about now: the ISO date of the answer's document

    @property
    def abstain(self) -> bool:
        """True when there is no answer to give."""
        return self.band == "none"


class ExtractiveAnswerer:
    """Answers with the corpus's own sentences, ranked by the answer model."""

    def __init__(self, index: LoadedIndex, nlp: NLP, model: AnswerModel | None) -> None:
        self.nlp = nlp
        self.model = model
        self.sentences = SentenceIndex(index)
        tables = index.tables
        self.vocabulary = Vocabulary(tables.stem_df, tables.sentences, tables.words)
        self.featurizer = Featurizer(self.sentences, self.vocabulary)

    @staticmethod
    def load_model(path: Path | None = None) -> AnswerModel | None:
        """The answer model at ``path`` (the shipped one by default); None when the shipped
        one has not been trained yet (``python -m evals.train`` writes it)."""
        if path is None and not DEFAULT_PATH.exists():
            return None
        return AnswerModel.load(path or DEFAULT_PATH, FEATURES)

    def with_synonyms(self, terms: Sequence[str]) -> list[str]:
        """Terms plus the corpus synonyms of those the corpus never uses (for retrieval)."""
        return self.vocabulary.with_synonyms(terms)

    def examine(
        self,
        question: str,
        terms: QuestionTerms,
        query_vector: np.ndarray,
        passages: Sequence[Passage],
        boosted: Sequence[tuple[str, str]] = (),
    ) -> Table:
        """The question's candidate sentences and their features (what the model sees)."""
        q = analyze(question, terms, self.vocabulary, self.nlp.analyze(question))
        candidates = self.sentences.gather(passages)
        years = document_years(passages, self.sentences)
        return self.featurizer.table(q, candidates, query_vector, years, boosted)

    def select(
        self,
        question: str,
        terms: QuestionTerms,
        query_vector: np.ndarray,
        passages: Sequence[Passage],
        boosted: Sequence[tuple[str, str]] = (),
        asked: str = "",
        held: tuple[str, str] | None = None,
    ) -> Evidence:
        """Choose the sentences that answer ``question``, with the confidence band.
        ``asked`` is the user's own words when ``question`` carries words of earlier turns:
        only they say whether the question is about now. ``held`` is the register's sentence
        of a responsibility dated to hold at the time the question names: it answers (as
        unsure) a question asking who when the model finds no answer."""
        if self.model is None:
            raise ModelError("Vastausmallia ei ole koulutettu: aja python -m evals.train (README).")
        table = self.examine(question, terms, query_vector, passages, boosted)
        confidence, band = 0.0, "none"
        if table.candidates:
            scores = self.model.score(table.x)
            order = ranked(table, scores)
            confidence = self.model.confidence(float(scores[order[0]]))
            band = self.model.band(confidence)
        if band == "none":
            if held is not None and table.question.qtype in ACTOR_TYPES:
                return Evidence([held], "low", confidence)
            return Evidence([], band, confidence)
        as_of = ""
        own_words = asked or question
        now = asks_now(own_words)
        years = None if now else asked_years(own_words)
        if now or years is not None:
            dated = document_dates(passages)
            dates = [dated.get(self.sentences.doc_id(c.row), "") for c in table.candidates]
            coverage: list[tuple[float, float]] = []
            if table.question.qtype != "reason":
                focus, places = table.column("focus"), table.column("places_doc")
                coverage = list(zip(focus.tolist(), places.tolist(), strict=True))
            args = (order, list(scores), dates, OTHER_DOC_RATIO)
            timely = (
                newest_first(*args, coverage)
                if years is None
                else contemporary_first(*args, years, coverage)
            )
            if timely[0] != order[0]:
                # the model did not rank it first: it may not be sure of it
                order = timely
                confidence = self.model.confidence(float(scores[order[0]]))
                band = "high" if self.model.band(confidence) == "high" else "low"
            if now:
                as_of = dates[order[0]]
        chosen = picks(table, scores, order, self.sentences, self.model.extra_ratio)
        term = self._term(table, order[0]) if asks_term(own_words) else None
        if term is not None and term not in chosen:
            # the model did not choose it (it was not even a candidate, perhaps)
            chosen = [term, *chosen][:MAX_SENTENCES]
            band = "low"
        return Evidence(chosen, band, confidence, as_of)

    def _term(self, table: Table, best: int) -> tuple[str, str] | None:
        """(chunk id, quote) of the sentence of the best candidate's document that states
        how long what was asked about holds, when the best sentence states no term."""
        s = self.sentences
        row = table.candidates[best].row
        if states_term(s.text(row)):
            return None
        rows = [r for _, r in s.doc_order[s.doc_id(row)] if states_term(s.text(r))]
        q = table.question
        focus = frozenset(lemma for noun, whose in q.focus for lemma in (noun, *whose))
        found = term_statement([(s.text(r), s.parsed[r].lemmas) for r in rows], q.lemmas, focus)
        return None if found is None else s.quote(rows[found])
