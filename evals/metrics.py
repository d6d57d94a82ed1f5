"""Pure metric functions: answer matching, retrieval (via ir-measures), citations, abstention.

Every function here takes plain data and returns numbers, so each can be checked on tiny
hand-computed cases. ``None`` means "undefined for this set" (e.g. abstention recall on a
category without unanswerable questions); such metrics are left out of per-category tables.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import ir_measures
import numpy as np
from ir_measures import RR, R, nDCG

METRIC_KEYS = (
    "recall@1",
    "recall@3",
    "recall@5",
    "recall@10",
    "mrr@10",
    "ndcg@10",
    "answer_hit",
    "answer_f1",
    "citation_precision",
    "citation_recall",
    "marker_integrity",
    "abstain_precision",
    "abstain_recall",
    "abstain_f1",
    "false_abstain_rate",
    "high_share",
    "high_precision",
    "low_share",
    "unanswerable_high",
    "latency_p50_ms",
    "latency_p95_ms",
)

RETRIEVAL_MEASURES = {
    "recall@1": R @ 1,
    "recall@3": R @ 3,
    "recall@5": R @ 5,
    "recall@10": R @ 10,
    "mrr@10": RR @ 10,
    "ndcg@10": nDCG @ 10,
}

# Hyphens, dashes and minus signs: "Vuopionperä‑Kovanen", "2021–2024", "sosiaali- ja".
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH_RE = re.compile(f"[{re.escape(_DASHES)}]")
_SPACE_RE = re.compile(r"\s+")
_TOKEN_RE = re.compile(r"\w+")


def normalise(text: str) -> str:
    """Text for matching: NFC, no soft hyphens, dashes as spaces, casefolded, one space per run."""
    text = unicodedata.normalize("NFC", text).replace("\u00ad", "")
    text = _DASH_RE.sub(" ", text).casefold()
    return _SPACE_RE.sub(" ", text).strip()


def answer_hit(answer: str, aliases: Iterable[str]) -> bool:
    """True when any accepted alias occurs (after :func:`normalise`) in the answer."""
    norm_answer = normalise(answer)
    for alias in aliases:
        norm_alias = normalise(alias)
        if norm_alias and norm_alias in norm_answer:
            return True
    return False


def tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (letters and digits; punctuation dropped)."""
    return _TOKEN_RE.findall(normalise(text))


def token_f1(answer: str, alias: str) -> float:
    """SQuAD-style token F1 between an answer and one alias (multiset overlap)."""
    a, g = tokens(answer), tokens(alias)
    if not a or not g:
        return 0.0
    common = sum((Counter(a) & Counter(g)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(a), common / len(g)
    return 2 * precision * recall / (precision + recall)


def best_f1(answer: str, aliases: Iterable[str]) -> float:
    """Token F1 against the best-matching alias (0.0 without aliases)."""
    return max((token_f1(answer, alias) for alias in aliases), default=0.0)


def doc_ranking(passage_doc_ids: Sequence[str], k: int = 10) -> list[str]:
    """Unique document ids in first-seen order from the top-``k`` passages."""
    ranking: list[str] = []
    for doc_id in passage_doc_ids[:k]:
        if doc_id not in ranking:
            ranking.append(doc_id)
    return ranking


def retrieval_per_query(
    rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, float]]:
    """Per-question R@1/3/5/10, RR@10, nDCG@10 from ir-measures, keyed like ``METRIC_KEYS``.

    Only questions with at least one gold document of grade ≥ 1 are scored (recall is
    undefined without one); a question whose ranking is empty scores 0 on every measure.
    """
    scored = {
        qid: {doc: int(g) for doc, g in docs.items()}
        for qid, docs in qrels.items()
        if any(g >= 1 for g in docs.values())
    }
    run = {
        qid: {doc: float(len(ranking) - i) for i, doc in enumerate(ranking)}
        for qid, ranking in rankings.items()
        if qid in scored and ranking
    }
    by_measure = {m: name for name, m in RETRIEVAL_MEASURES.items()}
    out = {qid: dict.fromkeys(RETRIEVAL_MEASURES, 0.0) for qid in scored}
    if run:
        for metric in ir_measures.iter_calc(list(RETRIEVAL_MEASURES.values()), scored, run):
            out[metric.query_id][by_measure[metric.measure]] = float(metric.value)
    return out


@dataclass(frozen=True)
class CitedDoc:
    """The parts of a citation the metrics need."""

    doc_id: str
    chunk_id: str = ""
    quote: str = ""
    start: int = 0
    end: int = 0


@dataclass(frozen=True)
class Outcome:
    """One question's result, as far as the aggregate metrics are concerned."""

    qid: str
    answerable: bool
    abstained: bool
    hit: bool
    f1: float
    gold_docs: Mapping[str, int] = field(default_factory=dict)
    citations: Sequence[CitedDoc] = ()
    integrity_ok: bool = True
    latency_ms: float = 0.0
    band: str = ""  # "high", "low" or "none"; "" means high unless abstained
    passed: bool = False  # the answer is right: accepted answer, gold source, citation rule

    @property
    def confidence(self) -> str:
        """The band, derived from ``abstained`` when not recorded."""
        return self.band or ("none" if self.abstained else "high")


def unique_citations(citations: Iterable[CitedDoc]) -> list[CitedDoc]:
    """Citations with exact duplicates (same doc, chunk, span and quote) counted once."""
    return list(dict.fromkeys(citations))


def gold_set(gold_docs: Mapping[str, int]) -> set[str]:
    """Documents that count as gold: grade ≥ 1."""
    return {doc for doc, grade in gold_docs.items() if grade >= 1}


def citation_precision(outcomes: Iterable[Outcome]) -> float | None:
    """Share of (de-duplicated) citations of answerable answers that point into a gold document.

    Questions without gold documents are left out: no citation of theirs can be judged.
    """
    total = good = 0
    seen_any = False
    for o in outcomes:
        gold = gold_set(o.gold_docs)
        if not o.answerable or not gold:
            continue
        seen_any = True
        for c in unique_citations(o.citations):
            total += 1
            good += c.doc_id in gold
    if not seen_any:
        return None
    return good / total if total else 0.0


def citation_recall(outcomes: Iterable[Outcome]) -> float | None:
    """Share of answerable questions (with gold documents) citing at least one gold document."""
    flags = [
        any(c.doc_id in gold_set(o.gold_docs) for c in o.citations)
        for o in outcomes
        if o.answerable and gold_set(o.gold_docs)
    ]
    return sum(flags) / len(flags) if flags else None


def abstention(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """Precision/recall/F1 of abstaining on unanswerable questions; false-abstention rate."""
    unanswerable = [o for o in outcomes if not o.answerable]
    answerable = [o for o in outcomes if o.answerable]
    tp = sum(o.abstained for o in unanswerable)
    fp = sum(o.abstained for o in answerable)
    out: dict[str, float | None] = {
        "abstain_precision": None,
        "abstain_recall": None,
        "abstain_f1": None,
        "false_abstain_rate": fp / len(answerable) if answerable else None,
    }
    if unanswerable:
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / len(unanswerable)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        out.update(abstain_precision=precision, abstain_recall=recall, abstain_f1=f1)
    return out


def bands(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """Confidence bands: the share of answerable questions answered ``high`` and ``low``, how
    often an answerable ``high`` answer is right, and the share of unanswerable questions that
    got a ``high`` answer (``none`` on answerable questions is ``false_abstain_rate``)."""
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    high = [o for o in answerable if o.confidence == "high"]
    return {
        "high_share": len(high) / len(answerable) if answerable else None,
        "high_precision": sum(o.passed for o in high) / len(high) if high else None,
        "low_share": (
            sum(o.confidence == "low" for o in answerable) / len(answerable) if answerable else None
        ),
        "unanswerable_high": (
            sum(o.confidence == "high" for o in unanswerable) / len(unanswerable)
            if unanswerable
            else None
        ),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (linear interpolation), ``None`` for no values."""
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else None


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean, ``None`` for no values."""
    return float(sum(values) / len(values)) if values else None


def summarise(
    outcomes: Sequence[Outcome], retrieval: Mapping[str, Mapping[str, float]]
) -> dict[str, float | None]:
    """All metrics of ``METRIC_KEYS`` for one set of outcomes.

    ``retrieval`` is :func:`retrieval_per_query`'s output; only the outcomes' own questions
    are averaged, so the same call serves the whole set and each category.
    """
    metrics: dict[str, float | None] = {}
    scored = [retrieval[o.qid] for o in outcomes if o.answerable and o.qid in retrieval]
    for name in RETRIEVAL_MEASURES:
        metrics[name] = mean([s[name] for s in scored])
    answerable = [o for o in outcomes if o.answerable]
    metrics["answer_hit"] = mean([float(o.hit) for o in answerable])
    metrics["answer_f1"] = mean([o.f1 for o in answerable])
    metrics["citation_precision"] = citation_precision(outcomes)
    metrics["citation_recall"] = citation_recall(outcomes)
    metrics["marker_integrity"] = mean([float(o.integrity_ok) for o in outcomes])
    metrics.update(abstention(outcomes))
    metrics.update(bands(outcomes))
    latencies = [o.latency_ms for o in outcomes]
    metrics["latency_p50_ms"] = percentile(latencies, 50)
    metrics["latency_p95_ms"] = percentile(latencies, 95)
    return {key: metrics[key] for key in METRIC_KEYS}
