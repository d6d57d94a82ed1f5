"""Candidate sentences: every sentence of the retrieved passages that could answer.

``SentenceIndex`` reads a loaded index's sentences: each sentence's span (trimmed of bullets),
stems, Finnish analysis and reading order, computed when the answerer first looks at it.
``gather`` turns the retrieved passages into ``Candidate`` sentences, one per distinct sentence
of the corpus, in passage order.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from ..lexical import standardize, stems, words
from .nlp import Parsed
from .patterns import RECORD_RE, YEAR_RE, has_name
from .tables import sentence_stems, trim_span

K = TypeVar("K")
V = TypeVar("V")

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


class Lazy(Generic[K, V]):
    """A table filled one key at a time, on first use, keeping the latest ``size`` entries:
    what the answerer reads of a 100k-chunk index is what its questions touch."""

    def __init__(
        self,
        compute: Callable[[K], V],
        known: Callable[[K], bool] | None = None,
        size: int = 1 << 15,
    ) -> None:
        self._compute = compute
        self._known = known
        self._size = size
        self._cache: dict[K, V] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: K) -> V:
        try:
            return self._cache[key]
        except KeyError:
            pass
        value = self._compute(key)
        with self._lock:
            if len(self._cache) >= self._size:
                del self._cache[next(iter(self._cache))]
            self._cache[key] = value
        return value

    def get(self, key: K, default: V) -> V:
        """The value of ``key``, or ``default`` for a key the table does not have."""
        return self[key] if self._known is None or self._known(key) else default


class SentenceIndex:
    """The sentences of a loaded index, with what the answerer reads of each (computed when
    first read), and the corpus tables counted at index time."""

    def __init__(self, index: LoadedIndex) -> None:
        self.index = index
        self.tables = index.tables
        self.row_of: dict[tuple[int, int], int] = {k: r for r, k in enumerate(index.sentence_keys)}
        self.doc_chunks: dict[str, list[int]] = {}  # chunk positions of each document
        for pos, chunk in enumerate(index.chunks):
            self.doc_chunks.setdefault(chunk.doc_id, []).append(pos)
        self.common = index.tables.common
        self.spans: Lazy[int, tuple[int, int]] = Lazy(self._span, size=1 << 17)
        self.stems: Lazy[int, frozenset[str]] = Lazy(lambda r: sentence_stems(self.text(r)))
        self.label_of: Lazy[int, frozenset[str]] = Lazy(self._label)  # heading stems of labels
        self.parsed: Lazy[int, Parsed] = Lazy(index.sentence_parses.__getitem__)
        self.chunk_stems: Lazy[int, frozenset[str]] = Lazy(
            lambda pos: frozenset(stems(index.chunks[pos].context))
        )
        known = self.doc_chunks.__contains__
        self.doc_words: Lazy[str, str] = Lazy(self._doc_words, known, size=256)
        self.doc_years: Lazy[str, frozenset[str]] = Lazy(self._doc_years, known, size=1024)
        self.doc_lemmas: Lazy[str, frozenset[str]] = Lazy(self._doc_lemmas, known, size=256)
        # sentences of each document in reading order, for the sentence before a given one
        self.doc_order: Lazy[str, list[tuple[int, int]]] = Lazy(self._doc_order, size=256)

    def _span(self, row: int) -> tuple[int, int]:
        chunk_pos, i = self.index.sentence_keys[row]
        chunk = self.index.chunks[chunk_pos]
        return trim_span(chunk.text, *chunk.sentences[i])

    def _label(self, row: int) -> frozenset[str]:
        # "Kh 10.10.2022 § 237" under an item's heading is about that item
        chunk = self.index.chunks[self.index.sentence_keys[row][0]]
        if chunk.heading and is_label_line(self.text(row)):
            return frozenset(stems(standardize(chunk.heading)))
        return frozenset()

    def _doc_rows(self, doc: str) -> list[int]:
        chunks = self.index.chunks
        rows = (
            self.row_of.get((pos, i))
            for pos in self.doc_chunks.get(doc, ())
            for i in range(len(chunks[pos].sentences))
        )
        return [r for r in rows if r is not None]

    def _doc_words(self, doc: str) -> str:
        chunks = self.index.chunks
        return " " + " ".join(w for pos in self.doc_chunks[doc] for w in words(chunks[pos].context))

    def _doc_years(self, doc: str) -> frozenset[str]:
        """The years the document mentions."""
        chunks = self.index.chunks
        return frozenset(
            y for pos in self.doc_chunks[doc] for y in YEAR_RE.findall(chunks[pos].context)
        )

    def _doc_lemmas(self, doc: str) -> frozenset[str]:
        return frozenset().union(*(self.parsed[row].lemmas for row in self._doc_rows(doc)))

    def _doc_order(self, doc: str) -> list[tuple[int, int]]:
        chunks = self.index.chunks
        return sorted(
            (chunks[self.index.sentence_keys[row][0]].start + self.spans[row][0], row)
            for row in self._doc_rows(doc)
        )

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
        rows = len(self.index.sentence_keys)
        i = bisect.bisect_right(order, (chunk.start + self.spans[row][0], rows))
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
