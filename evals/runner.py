"""Run a gold set through the assistant (and the baselines) and build the report dict.

Only the public entry point is used: ``Assistant.load(settings)``, ``.ask``, ``.retrieve``,
``.documents`` and ``.chunk``. Every system — the assistant with each retriever and the
naive RAG — is scored by the same code, so the numbers side by side are comparable.
"""

from __future__ import annotations

import importlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from tqdm import tqdm

from assistant.answer import Answer

from . import metrics as m
from .baselines import NaiveRAG
from .gold import GoldQuestion, check_doc_ids

RETRIEVERS = ("bm25", "dense", "hybrid")
RETRIEVAL_K = 10

# Verdicts (Finnish: evaluators read them). Passing ones start with "oikein".
OK = "oikein"
OK_ABSTAINED = "oikein: aineisto ei vastaa, ja avustaja kertoi sen"
BAD_MARKERS = "virhe: viitemerkinnät eivät noudata sääntöä"
FALSE_ABSTAIN = "virhe: avustaja ei vastannut, vaikka aineisto vastaa"
NO_HIT = "virhe: vastauksessa ei ole hyväksyttyä vastausta"
WRONG_SOURCE = "virhe: yksikään lähde ei ole kultadokumentista"
ANSWERED_UNANSWERABLE = "virhe: avustaja vastasi, vaikka aineisto ei vastaa"


class System(Protocol):
    """What the runner needs from a system under test."""

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer: ...

    def retrieved_docs(self, question: str) -> list[str]: ...

    def chunk_text(self, chunk_id: str) -> str | None: ...


class AssistantSystem:
    """The assistant behind the :class:`System` protocol, through its public methods only."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """``Assistant.ask``."""
        answer: Answer = self.assistant.ask(question, history)
        return answer

    def retrieved_docs(self, question: str) -> list[str]:
        """Ranked unique documents of the top-10 passages of the configured retriever."""
        passages = self.assistant.retrieve(
            question, k=RETRIEVAL_K, retriever=self.assistant.settings.retriever
        )
        return m.doc_ranking([p.doc_id for p in passages], RETRIEVAL_K)

    def chunk_text(self, chunk_id: str) -> str | None:
        """Stored chunk text, ``None`` when the chunk id is unknown."""
        try:
            return str(self.assistant.chunk(chunk_id).text)
        except (KeyError, IndexError):
            return None


class NaiveSystem:
    """The naive RAG baseline behind the :class:`System` protocol."""

    def __init__(self, naive: NaiveRAG) -> None:
        self.naive = naive

    def ask(self, question: str, history: list[dict[str, str]] | None = None) -> Answer:
        """Naive answer (history ignored)."""
        return self.naive.ask(question, history)

    def retrieved_docs(self, question: str) -> list[str]:
        """Documents of the top-10 naive chunks."""
        return self.naive.retrieved_docs(question, RETRIEVAL_K)

    def chunk_text(self, chunk_id: str) -> str | None:
        """Naive chunk text, ``None`` when unknown."""
        try:
            return self.naive.chunk_text(chunk_id)
        except KeyError:
            return None


@dataclass
class QuestionResult:
    """One question's outcome, everything the report shows about it."""

    id: str
    category: str
    question: str
    history: list[dict[str, str]]
    answerable: bool
    gold_docs: dict[str, int]
    answers: list[str]
    answer: str
    standalone_question: str
    abstained: bool
    hit: bool
    f1: float
    citations: list[dict[str, Any]]
    integrity_problems: list[str]
    retrieved_docs: list[str]
    latency_ms: float
    confidence: str = "high"
    verdict: str = ""
    passed: bool = False
    retrieval: dict[str, float] = field(default_factory=dict)
    seed: int | None = None  # the LightGBM seed of a refitted model (cross-validated sets)

    def outcome(self) -> m.Outcome:
        """The metric view of this result."""
        return m.Outcome(
            qid=self.id,
            answerable=self.answerable,
            abstained=self.abstained,
            hit=self.hit,
            f1=self.f1,
            gold_docs=self.gold_docs,
            citations=[
                m.CitedDoc(c["doc_id"], c["chunk_id"], c["quote"], c["start"], c["end"])
                for c in self.citations
            ],
            integrity_ok=not self.integrity_problems,
            latency_ms=self.latency_ms,
            band=self.confidence,
            passed=self.passed,
        )

    def to_dict(self) -> dict[str, Any]:
        """The ``questions[]`` entry of report.json."""
        return {
            "id": self.id,
            "category": self.category,
            "question": self.question,
            "history": self.history,
            "answerable": self.answerable,
            "gold_docs": self.gold_docs,
            "accepted_answers": self.answers,
            "answer": self.answer,
            "standalone_question": self.standalone_question,
            "abstained": self.abstained,
            "confidence": self.confidence,
            "hit": self.hit,
            "f1": round(self.f1, 4),
            "citations": [
                {"n": c["n"], "doc_id": c["doc_id"], "quote": c["quote"], "chunk_id": c["chunk_id"]}
                for c in self.citations
            ],
            "integrity_problems": self.integrity_problems,
            "verdict": self.verdict,
            "passed": self.passed,
            "retrieved_docs": self.retrieved_docs,
            "retrieval": self.retrieval,
            "latency_ms": round(self.latency_ms, 2),
            **({"seed": self.seed} if self.seed is not None else {}),
        }


def integrity_problems(answer: Answer, chunk_text: Callable[[str], str | None]) -> list[str]:
    """Ways the answer breaks the DESIGN.md citation rule (the teammate's checker)."""
    from assistant.citations import check_integrity

    texts: dict[str, str] = {}
    for c in answer.citations:
        text = chunk_text(c.chunk_id)
        if text is not None:
            texts[c.chunk_id] = text
    return list(check_integrity(answer.answer, list(answer.citations), texts))


def verdict(r: QuestionResult) -> str:
    """The one-line verdict: the first thing that went wrong, or why it is right."""
    if r.integrity_problems:
        return BAD_MARKERS
    if not r.answerable:
        return OK_ABSTAINED if r.abstained else ANSWERED_UNANSWERABLE
    if r.abstained:
        return FALSE_ABSTAIN
    if not r.hit:
        return NO_HIT
    gold = m.gold_set(r.gold_docs)
    if gold and not any(c["doc_id"] in gold for c in r.citations):
        return WRONG_SOURCE
    return OK


def run_system(
    system: System, questions: Sequence[GoldQuestion], label: str, progress: bool = True
) -> list[QuestionResult]:
    """Ask every question, retrieve for the retrieval metrics, and score each answer."""
    results: list[QuestionResult] = []
    if questions:  # warm-up, not timed: lazy model/index loading is not the latency of `ask`
        system.ask(questions[0].question, questions[0].history_list or None)
    for q in tqdm(questions, desc=label, unit="kys", disable=not progress, file=sys.stderr):
        started = time.perf_counter()
        answer = system.ask(q.question, q.history_list or None)
        latency = (time.perf_counter() - started) * 1000
        retrieval_question = answer.standalone_question or q.question
        retrieved = system.retrieved_docs(retrieval_question) if q.answerable else []
        r = QuestionResult(
            id=q.id,
            category=q.category,
            question=q.question,
            history=q.history_list,
            answerable=q.answerable,
            gold_docs=dict(q.gold_docs),
            answers=list(q.answers),
            answer=answer.answer,
            standalone_question=answer.standalone_question,
            abstained=bool(answer.abstained),
            hit=m.answer_hit(answer.answer, q.answers) if q.answerable else False,
            f1=m.best_f1(answer.answer, q.answers) if q.answerable else 0.0,
            citations=[
                {
                    "n": c.n,
                    "doc_id": c.doc_id,
                    "chunk_id": c.chunk_id,
                    "quote": c.quote,
                    "start": c.start,
                    "end": c.end,
                }
                for c in answer.citations
            ],
            integrity_problems=integrity_problems(answer, system.chunk_text),
            retrieved_docs=retrieved,
            latency_ms=latency,
            confidence=answer.confidence,
        )
        results.append(r)
    per_query = m.retrieval_per_query(
        {r.id: r.retrieved_docs for r in results if r.answerable},
        {r.id: r.gold_docs for r in results if r.answerable},
    )
    for r in results:
        r.retrieval = per_query.get(r.id, {})
        r.verdict = verdict(r)
        r.passed = r.verdict.startswith(OK)
    return results


def score(results: Sequence[QuestionResult]) -> tuple[dict[str, float | None], dict[str, Any]]:
    """Overall metrics and per-category metrics (``n`` + every metric defined there)."""
    retrieval = {r.id: r.retrieval for r in results if r.retrieval}
    overall = m.summarise([r.outcome() for r in results], retrieval)
    by_category: dict[str, Any] = {}
    for category in sorted({r.category for r in results}):
        subset = [r for r in results if r.category == category]
        values = m.summarise([r.outcome() for r in subset], retrieval)
        entry: dict[str, Any] = {
            "n": len(subset),
            "passed": sum(r.passed for r in subset) / len(subset),
        }
        entry.update({k: v for k, v in values.items() if v is not None})
        by_category[category] = entry
    return overall, by_category


def load_assistant(settings: Any) -> Any:
    """``Assistant.load(settings)`` — imported late so the metric code works without it."""
    from assistant import Assistant

    return Assistant.load(settings)


def register_metrics(assistant: Any) -> tuple[dict[str, float] | None, str]:
    """``evals.register_metrics.evaluate_register`` when the module exists: (metrics, error)."""
    try:
        module = importlib.import_module("evals.register_metrics")
    except ModuleNotFoundError as exc:
        if exc.name == "evals.register_metrics":
            return None, ""
        return None, f"Rekisterin arviointia ei voi ladata: {type(exc).__name__}: {exc}"
    except Exception as exc:  # a broken sibling module must not cost the whole run
        return None, f"Rekisterin arviointia ei voi ladata: {type(exc).__name__}: {exc}"
    try:
        values = module.evaluate_register(assistant)
    except Exception as exc:  # reported and gated, not hidden
        return None, f"Rekisterin arviointi epäonnistui: {type(exc).__name__}: {exc}"
    return {str(k): float(v) for k, v in dict(values).items()}, ""


def evaluate(
    settings: Any,
    questions: Sequence[GoldQuestion],
    gold_path: Path,
    compare: bool = False,
    progress: bool = True,
    assistant: Any = None,
) -> dict[str, Any]:
    """Run the set through the assistant (and with ``compare`` the baselines); the report dict.

    ``assistant`` is an already loaded ``Assistant`` for ``settings`` (loaded when omitted).
    Raises :class:`evals.gold.GoldError` (before asking anything) when the set names
    documents the index does not have.
    """
    assistant = assistant or load_assistant(settings)
    check_doc_ids(questions, [d.doc_id for d in assistant.documents()])
    results = run_system(AssistantSystem(assistant), questions, settings.retriever, progress)
    overall = score(results)[0]

    baselines: dict[str, Any] = {name: {} for name in (*RETRIEVERS, "naive")}
    if compare:
        for name in RETRIEVERS:
            if name == settings.retriever:
                baselines[name] = overall
                continue
            other = load_assistant(replace(settings, retriever=name))
            baselines[name] = score(run_system(AssistantSystem(other), questions, name, progress))[
                0
            ]
        naive = NaiveSystem(NaiveRAG.from_assistant(assistant))
        baselines["naive"] = score(run_system(naive, questions, "naive", progress))[0]

    report = make_report(results, gold_path, settings, baselines)
    register, error = register_metrics(assistant)
    if register is not None:
        report["register"] = register
    if error:
        report["register_error"] = error
    return report


def make_report(
    results: Sequence[QuestionResult],
    gold_path: Path,
    settings: Any,
    baselines: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report dict of a run: metrics overall and per category, every question."""
    overall, by_category = score(results)
    order = sorted(results, key=lambda r: (r.passed, r.category, r.id))
    return {
        "n_questions": len(results),
        "gold": str(gold_path),
        "retriever": settings.retriever,
        "answerer": "llm" if settings.llm_base_url else "extractive",
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "metrics": overall,
        "by_category": by_category,
        "baselines": baselines or {name: {} for name in (*RETRIEVERS, "naive")},
        "questions": [r.to_dict() for r in order],
    }
