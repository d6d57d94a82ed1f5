"""The Answer JSON: what ``Assistant.ask`` returns, whichever answerer wrote it (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .retrieve import Passage

ABSTAIN_TEXT = "En löytänyt aineistosta vastausta tähän kysymykseen."
CONFIDENCE_BANDS = ("high", "low", "none")


@dataclass(frozen=True)
class Citation:
    """One numbered source: ``quote`` is exactly ``chunk.text[start:end]``."""

    n: int
    doc_id: str
    title: str
    date: str
    publisher: str
    url: str
    chunk_id: str
    quote: str
    start: int
    end: int
    date_kind: str = ""  # what ``date`` is (meeting, dateline, published, updated, signed)
    kind: str = ""  # the document's kind (minutes, news, press_release, …)

    def to_dict(self) -> dict[str, object]:
        """The citation as in the Answer JSON."""
        return {
            "n": self.n,
            "doc_id": self.doc_id,
            "title": self.title,
            "date": self.date,
            "date_kind": self.date_kind,
            "publisher": self.publisher,
            "kind": self.kind,
            "url": self.url,
            "chunk_id": self.chunk_id,
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
        }


@dataclass(frozen=True)
class Answer:
    """What ``Assistant.ask`` returns; ``to_dict()`` is the Answer JSON of DESIGN.md."""

    question: str
    standalone_question: str
    answer: str
    abstained: bool
    citations: tuple[Citation, ...] = ()
    passages: tuple[Passage, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    notice: str = ""  # one Finnish line for the user (e.g. "LLM unavailable"), not part of the JSON
    confidence: str = ""  # "high", "low" or "none"; derived from ``abstained`` when not given

    def __post_init__(self) -> None:
        if not self.confidence:
            object.__setattr__(self, "confidence", "none" if self.abstained else "high")
        if self.confidence not in CONFIDENCE_BANDS or self.abstained != (self.confidence == "none"):
            raise ValueError(
                f"confidence {self.confidence!r} does not fit abstained={self.abstained}"
            )

    def to_dict(self) -> dict[str, object]:
        """Exactly the Answer JSON."""
        return {
            "question": self.question,
            "standalone_question": self.standalone_question,
            "answer": self.answer,
            "abstained": self.abstained,
            "confidence": self.confidence,
            "citations": [c.to_dict() for c in self.citations],
            "passages": [p.to_dict() for p in self.passages],
            "timings_ms": dict(self.timings_ms),
        }
