"""Chunking: Finnish sentences → token-bounded chunks with stable ids."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of one document.

    ``text`` is exactly ``document.text[start:end]``; ``sentences`` are (start, end) spans
    inside ``text``, one per sentence, so answers can quote single sentences.
    """

    chunk_id: str
    doc_id: str
    ordinal: int
    text: str
    start: int
    end: int
    title: str
    heading: str
    sentences: tuple[tuple[int, int], ...]
    n_tokens: int

    @property
    def context(self) -> str:
        """Text that is embedded and BM25-indexed: title and heading give the chunk its topic."""
        head = self.title if not self.heading or self.heading == self.title else f"{self.title} — {self.heading}"
        return f"{head}\n{self.text}"
