"""The scale benchmark's synthetic corpus: real sentences recombined, varied, sized to order."""

from __future__ import annotations

import random
from pathlib import Path

from assistant.chunking import chunk_document
from assistant.ingest import load_corpus
from assistant.synthetic import source_sentences, vary, write_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_vary_redraws_numbers_and_municipalities_keeping_their_form() -> None:
    rng = random.Random(1)
    sentence = "Jyväskylän kaupunginhallitus päätti 12.3.2024 myöntää 45000 euroa Laukaalle."
    varied = {vary(sentence, rng) for _ in range(30)}
    assert len(varied) > 20  # different documents, not copies
    for text in varied:
        words = text.split()
        assert words[0].endswith("n") and words[0][0].isupper()  # a genitive stays a genitive
        day, month, year = words[3].split(".")
        assert 2016 <= int(year) <= 2026 and 1 <= int(day) and 1 <= int(month)
        assert len(words[5]) == 5  # a five-digit sum stays five digits
        assert text.endswith("Laukaalle.")  # a form the varier does not know is left alone


def test_written_corpus_chunks_into_about_the_asked_size(tmp_path: Path) -> None:
    sentences = source_sentences([ROOT / "corpus"])
    assert len(sentences) > 50
    corpus = write_corpus(tmp_path / "synteettinen", sentences, 120, seed=3)
    documents = load_corpus(corpus.directory).documents
    assert len(documents) == corpus.documents >= 5
    chunks = sum(len(chunk_document(d)) for d in documents)
    assert 80 <= chunks <= 160
    again = write_corpus(tmp_path / "uudelleen", sentences, 120, seed=3)
    first = sorted(p.read_text("utf-8") for p in corpus.directory.iterdir())
    assert first == sorted(p.read_text("utf-8") for p in again.directory.iterdir())
