"""Features of (question, candidate sentence) pairs that mean the same in any document.

Each row describes one candidate: how close it is in meaning (dense similarity), how much of
the question it carries (idf-weighted stems and lemmas), whether it has the kind of answer
asked for (patterns and named entities), whether it names the same places, bodies and years
as the question, how its passage was retrieved, and what the evidence checks say. A few
columns describe the question itself, so the model can learn how far to trust each kind of
evidence for each kind of question. Nothing here names a document or a question.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..lexical import standardize, stems
from . import checks
from .candidates import Candidate, Lazy, SentenceIndex, is_label_line
from .patterns import ANAPHORA, PHONE_RE, YEAR_RE, has_name, type_match
from .question import Question, content_lemmas, places
from .vocabulary import Vocabulary

QTYPES = (
    "record",
    "email",
    "address",
    "contact",
    "money",
    "number",
    "day",
    "date",
    "role",
    "people",
    "person",
    "municipality",
    "list",
    "place",
    "reason",
    "other",
)
# entity labels that carry each kind of answer
_TYPE_LABELS = {
    "person": {"PERSON"},
    "people": {"PERSON", "ORG"},
    "date": {"DATE"},
    "day": {"DATE"},
    "place": {"GPE", "LOC", "FAC"},
    "municipality": {"GPE"},
    "money": {"MONEY"},
    "number": {"CARDINAL", "QUANTITY", "PERCENT", "MONEY"},
}
FEATURES: tuple[str, ...] = (
    *(f"q_{t}" for t in QTYPES),
    "q_yes_no",
    "q_unknown_share",
    "q_long_unknown",
    "q_terms",
    "q_year",
    "q_entities",
    "q_carried",
    "q_asks_name",
    "q_event",
    "q_places",
    "dense",
    "dense_gap",
    "dense_rank",
    "support",
    "strict",
    "support_gap",
    "support_rank",
    "lemmas",
    "lemma_gap",
    "lemma_rank",
    "typed_rank",
    "title_support",
    "typed",
    "typed_new",
    "typed_ner",
    "novelty",
    "verbs",
    "names",
    "prev_support",
    "prev_question_line",
    "next_support",
    "rank",
    "passage_dense",
    "passage_bm25",
    "in_register",
    "label_line",
    "question_line",
    "words",
    "anaphora",
    "contact_line",
    "entities_missing",
    "places_sentence",
    "places_doc",
    "other_place",
    "focus",
    "focus_whose",
    "year_doc",
    "sequence",
    "outcome",
    "event_named",
    "event_spoken",
    "date_clause",
    "new_municipality",
    "role",
    "counts",
    "lists_as_many",
    "names_listed",
)
INDEX = {name: i for i, name in enumerate(FEATURES)}
_WORD = re.compile(r"[^\W\d_][\w-]*")


@dataclass(frozen=True)
class Table:
    """The candidates of one question and their feature rows (same order)."""

    question: Question
    candidates: tuple[Candidate, ...]
    x: np.ndarray  # (len(candidates), len(FEATURES)), float32

    def column(self, name: str) -> np.ndarray:
        """One feature over all candidates."""
        return self.x[:, INDEX[name]]


class Featurizer:
    """Computes :class:`Table` rows against one loaded index."""

    def __init__(self, sentences: SentenceIndex, vocabulary: Vocabulary) -> None:
        self.sentences = sentences
        self.vocabulary = vocabulary
        tables = sentences.tables
        n = max(tables.sentences, 1)
        self._lemma_idf = {t: math.log((n + 1) / (df + 0.5)) for t, df in tables.lemma_df.items()}
        self._max_lemma_idf = math.log((n + 1) / 0.5)
        chunks = sentences.index.chunks
        self._title_stems: Lazy[int, frozenset[str]] = Lazy(
            lambda pos: frozenset(stems(standardize(f"{chunks[pos].title} {chunks[pos].heading}")))
        )

    def table(
        self,
        q: Question,
        candidates: Sequence[Candidate],
        query_vector: np.ndarray,
        doc_years: dict[str, set[str]],
        boosted: Sequence[tuple[str, str]] = (),
    ) -> Table:
        """Feature rows for every candidate of ``q``; ``doc_years``: the years each retrieved
        document speaks of (its text and its date); ``boosted``: register rows that match."""
        s = self.sentences
        n = len(candidates)
        x = np.zeros((n, len(FEATURES)), dtype=np.float32)
        if n == 0:
            return Table(q, (), x)
        rows = [c.row for c in candidates]
        dense = s.index.sentence_vectors[rows] @ query_vector
        q_lemmas = {lemma: self._lemma_idf.get(lemma, self._max_lemma_idf) for lemma in q.lemmas}
        lemma_mass = sum(q_lemmas.values()) or 1.0
        context: dict[int, frozenset[str]] = {}
        bm25_max = max((c.passage_bm25 or 0.0) for c in candidates) or 1.0
        boost = set(boosted)
        dense_rank = _ranks(dense)

        question_cols = self._question_columns(q)
        q_stems = frozenset(stems(standardize(q.text)))
        who = q.qtype in ("person", "people", "role")
        strict_of: dict[int, float] = {}
        title_of: dict[int, float] = {}

        def row_support(row: int) -> float:
            if row not in strict_of:
                strict_of[row] = self.vocabulary.support(
                    q.weighted, s.stems[row], frozenset(), s.label_of[row], q.verbal, q.alternatives
                )[1]
            return strict_of[row]

        for i, c in enumerate(candidates):
            f = x[i]
            f[: len(question_cols)] = question_cols
            text = s.text(c.row)
            have = s.stems[c.row] | s.label_of[c.row]
            parsed = s.parsed[c.row]
            doc = s.doc_id(c.row)
            if c.chunk_pos not in context:
                context[c.chunk_pos] = self.vocabulary.mentioned(
                    q.weighted, s.chunk_stems[c.chunk_pos]
                )
            support, strict = self.vocabulary.support(
                q.weighted,
                s.stems[c.row],
                context[c.chunk_pos],
                s.label_of[c.row],
                q.verbal,
                q.alternatives,
            )
            sentence_lemmas = parsed.lemmas
            lemmas = (
                sum(w for lemma, w in q_lemmas.items() if lemma_in(lemma, sentence_lemmas))
                / lemma_mass
            )
            if c.chunk_pos not in title_of:
                title_of[c.chunk_pos] = self.vocabulary.support(
                    q.weighted, self._title_stems[c.chunk_pos], frozenset()
                )[0]
            title = title_of[c.chunk_pos]
            labels = parsed.labels()
            sentence_places = places(parsed)
            doc_places = s.doc_lemmas.get(doc, frozenset())
            chunk_id = s.index.chunks[c.chunk_pos].chunk_id
            f[INDEX["dense"]] = dense[i]
            f[INDEX["dense_rank"]] = dense_rank[i]
            f[INDEX["support"]] = support
            f[INDEX["strict"]] = strict
            f[INDEX["lemmas"]] = lemmas
            f[INDEX["title_support"]] = title
            f[INDEX["typed"]] = type_match(q.qtype, text, s.common)
            residue = residue_of(text, q_stems)
            f[INDEX["typed_new"]] = type_match(q.qtype, residue, s.common)
            f[INDEX["typed_ner"]] = float(bool(labels & _TYPE_LABELS.get(q.qtype, set())))
            own = s.stems[c.row]
            f[INDEX["novelty"]] = len(own - q_stems) / len(own) if own else 0.0
            if q.verbs:
                f[INDEX["verbs"]] = sum(1 for v in q.verbs if v in sentence_lemmas) / len(q.verbs)
            if q.names:
                f[INDEX["names"]] = sum(1 for v in q.names if lemma_in(v, sentence_lemmas)) / len(
                    q.names
                )
            previous = s.previous(c.row)
            if previous is not None:
                f[INDEX["prev_support"]] = row_support(previous)
                f[INDEX["prev_question_line"]] = s.text(previous).rstrip().endswith("?")
            following = s.following(c.row)
            if following is not None:
                f[INDEX["next_support"]] = row_support(following)
            f[INDEX["rank"]] = c.rank
            f[INDEX["passage_dense"]] = c.passage_dense if c.passage_dense is not None else 0.0
            f[INDEX["passage_bm25"]] = (c.passage_bm25 or 0.0) / bm25_max
            f[INDEX["in_register"]] = any(
                cid == chunk_id and (quote in text or text in quote) for cid, quote in boost
            )
            f[INDEX["label_line"]] = is_label_line(text)
            f[INDEX["question_line"]] = text.rstrip().endswith("?")
            f[INDEX["words"]] = len(text.split())
            f[INDEX["anaphora"]] = bool(ANAPHORA.match(text))
            f[INDEX["contact_line"]] = bool(PHONE_RE.search(text)) and has_name(text, s.common)
            f[INDEX["entities_missing"]] = checks.missing_entities(q.entities, s.doc_words[doc])
            if q.places:
                f[INDEX["places_sentence"]] = len(q.places & sentence_lemmas) / len(q.places)
                f[INDEX["places_doc"]] = len(q.places & doc_places) / len(q.places)
                f[INDEX["other_place"]] = bool(sentence_places - q.places)
            if q.focus:
                f[INDEX["focus"]] = sum(1 for noun, _ in q.focus if noun in sentence_lemmas) / len(
                    q.focus
                )
                whose = [m for _, mods in q.focus for m in mods]
                if whose:
                    f[INDEX["focus_whose"]] = sum(1 for m in whose if m in sentence_lemmas) / len(
                        whose
                    )
            years = doc_years.get(doc, set())
            f[INDEX["year_doc"]] = checks.covers_years(q.text, years)
            f[INDEX["sequence"]] = checks.says_sequence(q.text, text)
            f[INDEX["outcome"]] = checks.states_outcome(q.text, text)
            f[INDEX["event_named"]] = checks.names_event(q.text, text, s.label_of[c.row])
            f[INDEX["event_spoken"]] = checks.speaks_of_event(q.text, q.qtype, text)
            if q.qtype in ("date", "day"):
                f[INDEX["date_clause"]] = checks.dates_what_was_asked(
                    q.text, q.known, text, self.vocabulary
                )
            else:
                f[INDEX["date_clause"]] = 1.0
            if q.qtype == "municipality":
                f[INDEX["new_municipality"]] = checks.new_municipality(q.text, text)
            else:
                f[INDEX["new_municipality"]] = 1.0
            f[INDEX["role"]] = checks.role_said(q.text, text, have) if who else 0.5
            if q.qtype == "number":
                f[INDEX["counts"]] = checks.counts_what_was_asked(q.text, q.known, q.entities, have)
            else:
                f[INDEX["counts"]] = 1.0
            f[INDEX["lists_as_many"]] = checks.lists_as_many(q.text, text)
            f[INDEX["names_listed"]] = checks.names_listed(text)
        x[:, INDEX["dense_gap"]] = dense.max() - dense
        x[:, INDEX["support_gap"]] = x[:, INDEX["support"]].max() - x[:, INDEX["support"]]
        x[:, INDEX["lemma_gap"]] = x[:, INDEX["lemmas"]].max() - x[:, INDEX["lemmas"]]
        x[:, INDEX["support_rank"]] = _ranks(x[:, INDEX["support"]])
        x[:, INDEX["lemma_rank"]] = _ranks(x[:, INDEX["lemmas"]])
        # among the sentences that carry the asked kind of answer, how close to the question
        typed_support = x[:, INDEX["support"]] + x[:, INDEX["typed_new"]]
        x[:, INDEX["typed_rank"]] = _ranks(typed_support)
        return Table(q, tuple(candidates), x)

    @staticmethod
    def _question_columns(q: Question) -> np.ndarray:
        cols = [float(q.qtype == t) for t in QTYPES]
        cols += [
            float(q.yes_no),
            q.unknown_share,
            float(q.long_unknown),
            float(len(q.weighted)),
            float(bool(q.years)),
            float(len(q.entities)),
            float(q.carried),
            float(q.asks_name),
            float(q.event),
            float(len(q.places)),
        ]
        return np.asarray(cols, dtype=np.float32)


def _ranks(values: np.ndarray) -> np.ndarray:
    """0 for the largest value, 1 for the next, …; ties share the better rank."""
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[order] = np.arange(len(values), dtype=np.float32)
    for i in range(1, len(order)):
        if values[order[i]] == values[order[i - 1]]:
            ranks[order[i]] = ranks[order[i - 1]]
    return ranks


def lemma_in(lemma: str, lemmas: frozenset[str]) -> bool:
    """The lemma, or a compound ending in it ("valtuusto" in "kunnanvaltuusto")."""
    return lemma in lemmas or (len(lemma) >= 5 and any(x.endswith(lemma) for x in lemmas))


def residue_of(sentence: str, question_stems: frozenset[str]) -> str:
    """The sentence with the question's own words blanked: what it says beyond the question
    (a name, a date, a number the question does not already contain)."""
    return _WORD.sub(
        lambda m: " " if (stems(m.group()) or [""])[0] in question_stems else m.group(), sentence
    )


def document_years(passages: Sequence[object], sentences: SentenceIndex) -> dict[str, set[str]]:
    """The years each retrieved document speaks of: in its text, and its publication date."""
    out: dict[str, set[str]] = {}
    for p in passages:
        doc = getattr(p, "doc_id", "")
        years = out.setdefault(doc, set(sentences.doc_years.get(doc, frozenset())))
        years.update(YEAR_RE.findall(getattr(p, "date", "")))
    return out


__all__ = ["FEATURES", "Featurizer", "Table", "content_lemmas", "document_years"]
