"""The answerer's corpus-wide tables, counted one document at a time at index time.

The answerer weighs question terms by idf over the corpus's distinct sentences (stems and
lemmas), tells names from common words by the words the corpus writes in lower case, and maps
misspellings onto the words the corpus uses. Counting those over every sentence when an index
is opened takes minutes at 100k chunks, so ``document_tables`` counts each document once when it
is indexed (kept while the document is unchanged), ``total`` sums them and ``finish`` makes the
``CorpusTables`` a loaded index reads.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..lexical import standardize, stems, words
from .nlp import Parsed
from .patterns import ADDRESS_RE, PREFIX_MARK

if TYPE_CHECKING:
    from ..chunking import Chunk

_LOWER_WORD = re.compile(r"\b[a-zåäö]+\b")


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop leading dashes, bullets and spaces: the quote starts at the sentence's first word."""
    while start < end and (text[start] in "-–—•*·" or text[start].isspace()):
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_stems(sentence: str) -> frozenset[str]:
    """The stems a sentence is matched with (spoken forms standardised first)."""
    return frozenset(stems(standardize(sentence)))


def lower_words(text: str) -> set[str]:
    """Words written in lower case, e-mail addresses and links aside ("hanna.helaste(at)…")."""
    return set(_LOWER_WORD.findall(ADDRESS_RE.sub(" ", text)))


@dataclass(frozen=True)
class DocumentTables:
    """One document's share of the corpus tables (its distinct sentences counted once)."""

    sentences: int  # distinct sentences (overlapping chunks repeat some)
    stem_df: dict[str, int]  # sentences that contain each stem
    lemma_df: dict[str, int]  # sentences that contain each content-word lemma
    heading_stems: list[str]  # stems of its chunks' titles and headings
    lower: list[str]  # words it writes in lower case
    words: list[str]  # every word of its chunks (with titles and headings)

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DocumentTables:
        """Inverse of :meth:`to_dict`."""
        return cls(**data)


def document_tables(chunks: Sequence[Chunk], parses: Sequence[Parsed]) -> DocumentTables:
    """Count one document: ``chunks`` in order, ``parses`` one per sentence of the chunks in
    order (the rows of the index's sentence tables)."""
    stem_df: Counter[str] = Counter()
    lemma_df: Counter[str] = Counter()
    seen: set[int] = set()
    row = 0
    for chunk in chunks:
        for span in chunk.sentences:
            start, end = trim_span(chunk.text, *span)
            if chunk.start + start not in seen:
                seen.add(chunk.start + start)
                stem_df.update(sentence_stems(chunk.text[start:end]))
                lemma_df.update(parses[row].lemmas)
            row += 1
    lower: set[str] = set()
    all_words: set[str] = set()
    headings: set[str] = set()
    for chunk in chunks:
        lower |= lower_words(chunk.text)
        all_words.update(words(chunk.context))
        headings.update(stems(f"{chunk.title} {chunk.heading}"))
    return DocumentTables(
        sentences=len(seen),
        stem_df=dict(stem_df),
        lemma_df=dict(lemma_df),
        heading_stems=sorted(headings),
        lower=sorted(lower),
        words=sorted(all_words),
    )


@dataclass(frozen=True)
class CorpusTables:
    """What the answerer reads of the whole corpus."""

    sentences: int  # distinct sentences
    stem_df: dict[str, int]  # heading-only stems count once
    lemma_df: dict[str, int]
    common: frozenset[str]  # lower-case words, and their six-letter beginnings marked
    words: list[str]  # sorted

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {**asdict(self), "common": sorted(self.common)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CorpusTables:
        """Inverse of :meth:`to_dict`."""
        return cls(**{**data, "common": frozenset(data["common"])})


def total(
    documents: Iterable[DocumentTables], start: DocumentTables | None = None
) -> DocumentTables:
    """Sum documents' tables (onto ``start``, an earlier sum): counts add, word lists unite.
    Adding documents to a kept sum is what lets an update count a new document alone."""
    n = start.sentences if start else 0
    stem_df: Counter[str] = Counter(start.stem_df if start else {})
    lemma_df: Counter[str] = Counter(start.lemma_df if start else {})
    headings: set[str] = set(start.heading_stems if start else ())
    lower: set[str] = set(start.lower if start else ())
    all_words: set[str] = set(start.words if start else ())
    for doc in documents:
        n += doc.sentences
        stem_df.update(doc.stem_df)
        lemma_df.update(doc.lemma_df)
        headings.update(doc.heading_stems)
        lower.update(doc.lower)
        all_words.update(doc.words)
    return DocumentTables(
        sentences=n,
        stem_df=dict(sorted(stem_df.items())),
        lemma_df=dict(sorted(lemma_df.items())),
        heading_stems=sorted(headings),
        lower=sorted(lower),
        words=sorted(all_words),
    )


def finish(summed: DocumentTables) -> CorpusTables:
    """The corpus tables of the documents ``summed`` by :func:`total`."""
    stem_df = dict(summed.stem_df)
    for stem in set(summed.heading_stems) - set(stem_df):
        stem_df[stem] = 1  # titles and headings are vocabulary too
    return CorpusTables(
        sentences=summed.sentences,
        stem_df=dict(sorted(stem_df.items())),
        lemma_df=summed.lemma_df,
        common=frozenset(summed.lower + [PREFIX_MARK + w[:6] for w in summed.lower if len(w) >= 7]),
        words=summed.words,
    )


def tables_code_id() -> str:
    """Digest of the code the tables are counted with: tables counted by other code are
    counted again."""
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for path in (here / "tables.py", here / "patterns.py", here.parent / "lexical.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
