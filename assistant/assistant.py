"""``Assistant``: the one public entry point — load once, then ``ask`` (or ``ask_stream``)."""

from __future__ import annotations

import logging
import re
import time
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

import numpy as np

from . import store
from .answer import ABSTAIN_TEXT, Answer, Citation
from .answering.compose import AS_OF, HEDGE, MAX_SENTENCES, with_antecedent
from .answering.extractive import Evidence, ExtractiveAnswerer
from .answering.features import Table
from .answering.model import AnswerModel
from .answering.nlp import NLP, load_nlp
from .answering.question import QuestionTerms
from .chunking import Chunk
from .citations import SourceRef, finalize
from .config import Settings
from .embeddings import AnyEmbeddings, make_embeddings
from .followup import Standalone, condense, split_questions
from .metadata import fi_date
from .register import Register, RegisterHit, held_then
from .retrieve import Passage, Retriever

log = logging.getLogger(__name__)

EMPTY_QUESTION = "Kirjoita kysymys, niin etsin vastauksen aineistosta."
TOO_LONG = "Kysymys on liian pitkä (enintään {limit} merkkiä). Lyhennä kysymystä ja kysy uudelleen."
LLM_FALLBACK = "Näytetään aineistosta poimittu vastaus."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class StreamEvent:
    """A piece of a streamed answer; the last event carries the final ``Answer``."""

    delta: str
    answer: Answer | None = None


def clean_question(question: str) -> str:
    """NFC, control characters removed, whitespace collapsed."""
    text = unicodedata.normalize("NFC", question or "")
    text = _CONTROL.sub(" ", text)
    return " ".join(text.split())


class Assistant:
    """Answers Finnish questions about Central Finland's cooperation structures, with citations."""

    def __init__(
        self,
        settings: Settings,
        embeddings: AnyEmbeddings,
        index: store.LoadedIndex,
        nlp: NLP | None = None,
        model: AnswerModel | None = None,
        answer_model: bool = True,
    ) -> None:
        self.settings = settings
        self._embeddings = embeddings
        self.nlp = nlp or load_nlp(settings.nlp_model)
        if model is None and answer_model:
            model = ExtractiveAnswerer.load_model(settings.answer_model)
        self.answer_model = model
        self._set_index(index)
        self._llm = None
        if settings.llm_base_url:
            from .llm import LLMAnswerer

            self._llm = LLMAnswerer(settings)

    def _set_index(self, index: store.LoadedIndex) -> None:
        self._index = index
        self._retriever = Retriever(index, self.settings)
        self._extractive = ExtractiveAnswerer(index, self.nlp, self.answer_model)

    @classmethod
    def load(
        cls,
        settings: Settings | None = None,
        model: AnswerModel | None = None,
        answer_model: bool = True,
    ) -> Assistant:
        """Read settings (from the environment by default), open the index — building or
        repairing it when needed — and load the models once. ``model`` replaces the answer
        model of ``settings.answer_model`` (the shipped one by default); without
        ``answer_model`` none is read: what training needs, whose features may no longer
        fit the shipped model."""
        settings = settings or Settings.from_env()
        embeddings = make_embeddings(settings.embeddings, settings)
        nlp = load_nlp(settings.nlp_model)
        index = store.load(settings, embeddings, nlp)
        return cls(settings, embeddings, index, nlp, model, answer_model)

    def with_model(self, model: AnswerModel) -> Assistant:
        """The same assistant (index, embeddings, analyser shared) with another answer model:
        how the evals measure a model fitted without the documents it is tested on."""
        return Assistant(self.settings, self._embeddings, self._index, self.nlp, model)

    # -- the index, for the app and the evals ----------------------------------------------

    @property
    def register(self) -> Register:
        """Responsibilities, roles, contacts and events extracted at index time."""
        return self._index.register

    def documents(self) -> list[store.DocumentInfo]:
        """The indexed documents, in corpus order."""
        return list(self._index.documents.values())

    def chunk(self, chunk_id: str) -> Chunk:
        """One stored chunk by id (KeyError when unknown)."""
        return self._index.chunks[self._index.chunk_pos[chunk_id]]

    def reindex(
        self, progress: store.Progress | None = None, *, rebuild: bool = False
    ) -> store.IndexReport:
        """Incremental re-index of the corpus folder; then answer from the updated index."""
        report, index = store.reindex(
            self.settings,
            self._embeddings,
            self._index,
            rebuild=rebuild,
            progress=progress,
            nlp=self.nlp,
        )
        self._set_index(index)
        return report

    # -- asking ------------------------------------------------------------------------------

    def retrieve(
        self, question: str, k: int | None = None, retriever: str | None = None
    ) -> list[Passage]:
        """Top passages for a question (no answering)."""
        standalone = condense(clean_question(question), None)
        return self._retrieve(standalone, k or self.settings.top_k, retriever)[0]

    def _retrieve(
        self, standalone: Standalone, k: int, method: str | None = None
    ) -> tuple[list[Passage], np.ndarray | None]:
        method = method or self.settings.retriever
        vector = self._embed(standalone.text) if method != "bm25" else None
        terms = self._extractive.with_synonyms([*standalone.own_stems, *standalone.carried_stems])
        return self._retriever.search(vector, terms, k, method), vector

    def _embed(self, text: str) -> np.ndarray:
        return self._embeddings.embed_array([text], query=True)[0]

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Answer a question (with the conversation so far), citing exact sentences."""
        final: Answer | None = None
        for event in self.ask_stream(question, history):
            final = event.answer or final
        assert final is not None
        return final

    def ask_stream(
        self, question: str, history: list[dict[str, str]] | None = None
    ) -> Iterator[StreamEvent]:
        """Like ``ask`` but yields the answer as it is written; the last event has the Answer."""
        started = time.perf_counter()
        text = clean_question(question)
        refusal = self._refusal(text)
        if refusal:
            yield StreamEvent(refusal, Answer(text, text, refusal, True, timings_ms={"total": 0.0}))
            return
        history = _clean_history(history)
        standalone = self._standalone(text, history)
        t0 = time.perf_counter()
        passages, vector = self._retrieve(standalone, self.settings.top_k)
        t_retrieve = time.perf_counter() - t0

        t1 = time.perf_counter()
        answer_text, band, notice = "", "none", ""
        citations: tuple[Citation, ...] = ()
        if self._llm is not None:
            try:
                deltas: list[str] = []
                for delta in self._llm.stream(standalone.text, passages, history):
                    deltas.append(delta)
                    yield StreamEvent(delta)
                answer_text, citations, abstained = self._llm.finalize("".join(deltas), passages)
                band = "none" if abstained else "high"
            except Exception as exc:  # any LLM failure falls back to the extractive answer
                log.warning("LLM failed: %s", exc)
                reason = str(exc).splitlines()[0] if str(exc) else "Kielimalli ei vastannut."
                notice = f"{reason} {LLM_FALLBACK}"
                answer_text = ""
        if not answer_text:
            answer_text, citations, band, passages = self._extract(standalone, vector, passages)
        total = time.perf_counter() - started
        answer = Answer(
            question=text,
            standalone_question=standalone.text,
            answer=answer_text,
            abstained=band == "none",
            citations=tuple(citations),
            passages=tuple(passages),
            timings_ms={
                "retrieve": round(t_retrieve * 1000, 2),
                "answer": round((time.perf_counter() - t1) * 1000, 2),
                "total": round(total * 1000, 2),
            },
            notice=notice,
            confidence=band,
        )
        yield StreamEvent("" if self._llm is not None and not notice else answer_text, answer)

    def _refusal(self, text: str) -> str:
        if not text:
            return EMPTY_QUESTION
        if len(text) > self.settings.max_question_chars:
            return TOO_LONG.format(limit=self.settings.max_question_chars)
        return ""

    def _standalone(self, text: str, history: list[dict[str, str]]) -> Standalone:
        standalone = condense(text, history)
        if self._llm is not None and history and standalone.carried_stems:
            try:
                rewritten = clean_question(self._llm.condense(text, history))
                if rewritten:
                    return replace(standalone, text=rewritten)
            except Exception as exc:
                log.warning("LLM condense failed: %s", exc)
        return standalone

    def examine(self, question: str, history: list[dict[str, str]] | None = None) -> Table:
        """The candidate sentences and features the answer model would see for ``question``
        (what ``python -m evals.train`` learns from)."""
        standalone = self._standalone(clean_question(question), _clean_history(history))
        passages, vector = self._retrieve(standalone, self.settings.top_k)
        boosted = [_quote_of(hit) for hit in self.register.lookup(standalone.text)[:3]]
        passages = self._with_chunks(passages, [chunk_id for chunk_id, _ in boosted])
        assert vector is not None or self.settings.retriever == "bm25"
        return self._extractive.examine(
            standalone.text,
            QuestionTerms(standalone.own_stems, standalone.carried_stems, standalone.entities),
            vector if vector is not None else self._embed(standalone.text),
            passages,
            boosted,
        )

    def sentences_of(self, table: Table) -> list[tuple[str, str]]:
        """(text, document id) of each candidate of ``table``, in its order; the text is what
        an answer made of it would quote (with the sentence before it when it points back)."""
        s = self._extractive.sentences
        return [
            (" ".join(quote for _, quote in with_antecedent(c.row, s)), s.doc_id(c.row))
            for c in table.candidates
        ]

    def _extract(
        self, standalone: Standalone, vector: np.ndarray | None, passages: list[Passage]
    ) -> tuple[str, tuple[Citation, ...], str, list[Passage]]:
        if vector is None:
            vector = self._embed(standalone.text)
        hits = self.register.lookup(standalone.text)
        boosted = [_quote_of(hit) for hit in hits[:3]]
        held = held_then(hits, standalone.text)
        passages = self._with_chunks(passages, [chunk_id for chunk_id, _ in boosted])
        parts = split_questions(standalone.text)
        evidence: list[Evidence] = []
        if len(parts) == 1:
            terms = QuestionTerms(
                standalone.own_stems, standalone.carried_stems, standalone.entities
            )
            evidence.append(
                self._extractive.select(
                    standalone.text,
                    terms,
                    vector,
                    passages,
                    boosted,
                    standalone.asked,
                    None if held is None else _quote_of(held),
                )
            )
        else:
            # each part on its own; the second leans on the first ("… ja kuka sen julkaisi?")
            for i, part in enumerate(parts):
                sub = condense(part, [{"role": "user", "content": parts[0]}] if i else None)
                carried = tuple(dict.fromkeys([*sub.carried_stems, *standalone.carried_stems]))
                terms = QuestionTerms(sub.own_stems, carried, sub.entities)
                evidence.append(
                    self._extractive.select(
                        sub.text, terms, self._embed(sub.text), passages, boosted, sub.asked
                    )
                )
        band = evidence[0].band  # the first question is the main one: without it, no answer
        if band == "none":
            return ABSTAIN_TEXT, (), "none", passages
        answered = [pick for ev in evidence if not ev.abstain for pick in ev.picks]
        picks = list(dict.fromkeys(answered))[:MAX_SENTENCES]
        passages = self._with_chunks(passages, [chunk_id for chunk_id, _ in picks])
        refs = {i: SourceRef(chunk_id, quote) for i, (chunk_id, quote) in enumerate(picks, 1)}
        draft = " ".join(f"{quote} [{i}]" for i, (_, quote) in enumerate(picks, 1))
        text, citations = finalize(draft, refs, passages)
        if not citations:
            return ABSTAIN_TEXT, (), "none", passages
        if evidence[0].as_of:
            text = f"{text} {AS_OF.format(date=fi_date(evidence[0].as_of))}"
        return (f"{HEDGE} {text}" if band == "low" else text), citations, band, passages

    def _with_chunks(self, passages: list[Passage], chunk_ids: Sequence[str]) -> list[Passage]:
        have = {p.chunk_id for p in passages}
        extra = [
            self._retriever.passage_for(self._index.chunk_pos[c], 0.0)
            for c in dict.fromkeys(chunk_ids)
            if c not in have and c in self._index.chunk_pos
        ]
        return [*passages, *extra]


def _quote_of(hit: RegisterHit) -> tuple[str, str]:
    """(chunk id, quote) of a register row: what the answerer cites it by."""
    return hit.row.citation.chunk_id, hit.row.citation.quote


def _clean_history(history: list[dict[str, str]] | None) -> list[dict[str, str]]:
    out = []
    for turn in history or []:
        if isinstance(turn, dict) and turn.get("role") in ("user", "assistant"):
            content = clean_question(str(turn.get("content") or ""))
            if content:
                out.append({"role": str(turn["role"]), "content": content})
    return out[-6:]
