"""The answerer's corpus tables: counted per document at index time, summed at load."""

from __future__ import annotations

from collections import Counter

from assistant.answering.tables import (
    CorpusTables,
    DocumentTables,
    finish,
    lower_words,
    sentence_stems,
    total,
    trim_span,
)
from assistant.lexical import stems, words


def test_the_summed_tables_equal_a_count_over_the_whole_corpus(assistant) -> None:
    """Per-document counts summed = every distinct sentence of the corpus counted once."""
    index = assistant._extractive.sentences.index
    stem_df: Counter[str] = Counter()
    lemma_df: Counter[str] = Counter()
    seen: set[tuple[str, int]] = set()
    for row, (pos, i) in enumerate(index.sentence_keys):
        chunk = index.chunks[pos]
        start, end = trim_span(chunk.text, *chunk.sentences[i])
        if (chunk.doc_id, chunk.start + start) not in seen:
            seen.add((chunk.doc_id, chunk.start + start))
            stem_df.update(sentence_stems(chunk.text[start:end]))
            lemma_df.update(index.sentence_parses[row].lemmas)
    for chunk in index.chunks:
        for stem in set(stems(f"{chunk.title} {chunk.heading}")) - set(stem_df):
            stem_df[stem] = 1
    lower = lower_words(" ".join(c.text for c in index.chunks))
    tables = index.tables
    assert tables.sentences == len(seen) > 100
    assert tables.stem_df == dict(stem_df)
    assert tables.lemma_df == dict(lemma_df)
    assert lower <= tables.common and "^yhteis" in tables.common
    assert tables.words == sorted({w for c in index.chunks for w in words(c.context)})


def _doc(sentences: int, stem_df: dict[str, int], headings: list[str]) -> DocumentTables:
    return DocumentTables(sentences, stem_df, {"kunta": 1}, headings, ["kunnat"], ["kunnat"])


def test_merge_adds_documents_and_counts_a_heading_only_stem_once() -> None:
    merged = finish(
        total([_doc(2, {"kunt": 2}, ["otsikko", "kunt"]), _doc(3, {"kunt": 1}, ["otsikko"])])
    )
    assert merged.sentences == 5
    assert merged.stem_df == {"kunt": 3, "otsikko": 1}
    assert merged.lemma_df == {"kunta": 2}
    assert merged.common == frozenset({"kunnat"})
    assert CorpusTables.from_dict(merged.to_dict()) == merged
    assert DocumentTables.from_dict(_doc(1, {}, []).to_dict()) == _doc(1, {}, [])


def test_synonyms_are_found_in_the_corpus_words_as_by_a_full_scan(assistant) -> None:
    """The corpus form of each thesaurus word, found by scanning the joined word list, is the
    one a scan of every word finds."""
    from assistant.lexical import SYNONYMS, normalize

    vocabulary = assistant._extractive.vocabulary
    corpus_words = assistant._extractive.sentences.tables.words
    found = 0
    for member in {m for group in SYNONYMS for m in group}:
        word = normalize(member)
        key = word[:-3] if word.endswith("nen") else word[: max(4, len(word) - 1)]
        assert vocabulary._words_containing(key) == [w for w in corpus_words if key in w]
        found += bool(vocabulary._corpus_stem(member))
    assert found > 10
