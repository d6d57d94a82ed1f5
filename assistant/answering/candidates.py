"""Candidate sentences: every sentence of the retrieved passages that could answer.

``SentenceIndex`` is built once per loaded index: each sentence's span (trimmed of bullets),
stems, Finnish analysis and reading order. ``gather`` turns the retrieved passages into
``Candidate`` sentences, one per distinct sentence of the corpus, in passage order.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..lexical import standardize, stems, words
from .nlp import Parsed
from .patterns import ADDRESS_RE, PREFIX_MARK, RECORD_RE, YEAR_RE, has_name

if TYPE_CHECKING:
    from ..retrieve import Passage
    from ..store import LoadedIndex


@dataclass(frozen=True)
class Candidate:
    """One sentence that may answer: where it is and how its passage was retrieved."""

    row: int  # row of the index's sentence tables
    chunk_pos: int
    sentence: int  # ordinal of the sentence in its chunk
    start: int  # inside the chunk text, leading dashes/bullets trimmed
    end: int
    rank: int  # rank of the passage it came from (0 = best)
    passage_score: float
    passage_dense: float | None
    passage_bm25: float | None


class SentenceIndex:
    """The sentences of a loaded index, with what the answerer reads of each."""

    def __init__(self, index: LoadedIndex, parsed: Sequence[Parsed]) -> None:
        self.index = index
        self.row_of: dict[tuple[int, int], int] = {k: r for r, k in enumerate(index.sentence_keys)}
        self.spans: list[tuple[int, int]] = []
        self.stems: list[frozenset[str]] = []
        self.label_of: list[frozenset[str]] = []  # heading stems of label lines
        self.parsed = list(parsed)
        self.unique: list[int] = []  # one row per distinct sentence of a document
        seen: set[tuple[str, int]] = set()
        for chunk_pos, i in index.sentence_keys:
            chunk = index.chunks[chunk_pos]
            start, end = trim_span(chunk.text, *chunk.sentences[i])
            self.spans.append((start, end))
            sentence = chunk.text[start:end]
            self.stems.append(frozenset(stems(standardize(sentence))))
            # "Kh 10.10.2022 § 237" under an item's heading is about that item
            self.label_of.append(
                frozenset(stems(standardize(chunk.heading)))
                if chunk.heading and is_label_line(sentence)
                else frozenset()
            )
            key = (chunk.doc_id, chunk.start + start)
            if key not in seen:
                seen.add(key)
                self.unique.append(len(self.spans) - 1)
        self.chunk_stems = [frozenset(stems(c.context)) for c in index.chunks]
        # words seen in lower case, e-mail addresses and links aside ("hanna.helaste(at)…")
        lower = set(
            re.findall(
                r"\b[a-zåäö]+\b", ADDRESS_RE.sub(" ", " ".join(c.text for c in index.chunks))
            )
        )
        self.common = frozenset(lower | {PREFIX_MARK + w[:6] for w in lower if len(w) >= 7})
        doc_words: dict[str, list[str]] = {}
        self.doc_years: dict[str, set[str]] = {}  # the years each document mentions
        for c in index.chunks:
            doc_words.setdefault(c.doc_id, []).extend(words(c.context))
            self.doc_years.setdefault(c.doc_id, set()).update(YEAR_RE.findall(c.context))
        self.doc_words = {d: " " + " ".join(ws) for d, ws in doc_words.items()}
        self.doc_lemmas: dict[str, frozenset[str]] = {}
        for row, (chunk_pos, _) in enumerate(index.sentence_keys):
            doc = index.chunks[chunk_pos].doc_id
            self.doc_lemmas[doc] = self.doc_lemmas.get(doc, frozenset()) | self.parsed[row].lemmas
        # sentences of each document in reading order, for the sentence before a given one
        self.doc_order: dict[str, list[tuple[int, int]]] = {}
        for row, (chunk_pos, _) in enumerate(index.sentence_keys):
            chunk = index.chunks[chunk_pos]
            self.doc_order.setdefault(chunk.doc_id, []).append(
                (chunk.start + self.spans[row][0], row)
            )
        for order in self.doc_order.values():
            order.sort()

    def text(self, row: int) -> str:
        """The sentence at ``row``, as quoted."""
        chunk_pos, _ = self.index.sentence_keys[row]
        start, end = self.spans[row]
        return self.index.chunks[chunk_pos].text[start:end]

    def quote(self, row: int) -> tuple[str, str]:
        """(chunk id, sentence) of ``row``: what a citation points at."""
        chunk_pos, _ = self.index.sentence_keys[row]
        return self.index.chunks[chunk_pos].chunk_id, self.text(row)

    def doc_id(self, row: int) -> str:
        """The document of the sentence at ``row``."""
        return self.index.chunks[self.index.sentence_keys[row][0]].doc_id

    def previous(self, row: int) -> int | None:
        """The row of the sentence before ``row`` in its document, if any."""
        chunk_pos, _ = self.index.sentence_keys[row]
        chunk = self.index.chunks[chunk_pos]
        order = self.doc_order[chunk.doc_id]
        i = bisect.bisect_left(order, (chunk.start + self.spans[row][0], -1))
        return order[i - 1][1] if i > 0 else None

    def following(self, row: int) -> int | None:
        """The row of the sentence after ``row`` in its document, if any."""
        chunk_pos, _ = self.index.sentence_keys[row]
        chunk = self.index.chunks[chunk_pos]
        order = self.doc_order[chunk.doc_id]
        i = bisect.bisect_right(order, (chunk.start + self.spans[row][0], len(self.spans)))
        return order[i][1] if i < len(order) else None

    def gather(self, passages: Sequence[Passage]) -> list[Candidate]:
        """The answer-like sentences of the passages, each distinct sentence once."""
        out: list[Candidate] = []
        seen: set[tuple[str, int]] = set()
        for rank, passage in enumerate(passages):
            pos = self.index.chunk_pos.get(passage.chunk_id)
            if pos is None:
                continue
            chunk = self.index.chunks[pos]
            for i in range(len(chunk.sentences)):
                row = self.row_of.get((pos, i))
                if row is None:
                    continue
                start, end = self.spans[row]
                key = (chunk.doc_id, chunk.start + start)
                if key in seen or not is_answer_sentence(chunk.text[start:end]):
                    continue
                seen.add(key)
                out.append(
                    Candidate(
                        row,
                        pos,
                        i,
                        start,
                        end,
                        rank,
                        passage.score,
                        passage.dense_score,
                        passage.bm25_score,
                    )
                )
        return out


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading dashes, bullets and spaces: the quote starts at the sentence's first word."""
    while start < end and (text[start] in "-–—•*·" or text[start].isspace()):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def is_answer_sentence(sentence: str) -> bool:
    """Headings and fragments ("Lisätietoja:", "Seuraava kokous") never answer anything;
    signature lines with a name or a number do."""
    n_words = len(sentence.split())
    if RECORD_RE.search(sentence):
        return True  # a record number line says which matter it is
    if n_words >= 3 and sentence.rstrip()[-1:] in ".!?":
        return True
    if n_words >= 5:
        return True
    # "Esittelijä Kunnanjohtaja Helena Vuopionperä-Kovanen": a signature line says who
    return (n_words >= 2 and bool(re.search(r"\d", sentence))) or (
        n_words >= 3 and has_name(sentence)
    )


def is_label_line(sentence: str) -> bool:
    """A minutes' label line ("Kh 10.10.2022 § 237", "Esittelijä Kunnanjohtaja …"): short and
    not ended like a sentence."""
    return len(sentence.split()) <= 10 and sentence.rstrip()[-1:] not in ".!?"
