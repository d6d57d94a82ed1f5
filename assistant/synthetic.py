"""A synthetic corpus of any size for the scale benchmark, recombined from real Finnish text.

Sentences of the corpus (and of the development documents, when the checkout has them) are
drawn into new documents of about a dozen chunks each. Years, other numbers and municipality
names are varied, so that BM25 statistics, vectors and the register see many distinct
documents rather than copies of five.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .chunking import count_tokens, split_sentences
from .ingest import load_corpus

DEVDOCS = Path(__file__).resolve().parent.parent / "evals" / "devdocs" / "corpus"

# The municipalities of Central Finland (base forms); a name is varied with its ending kept.
_TOWNS = (
    "Jyväskylä Jämsä Äänekoski Laukaa Muurame Keuruu Saarijärvi Viitasaari Kannonkoski "
    "Karstula Kinnula Kivijärvi Konnevesi Kuhmoinen Kyyjärvi Luhanka Multia Petäjävesi "
    "Pihtipudas Toivakka Uurainen Hankasalmi Joutsa"
).split()
_TOWN_RE = re.compile(r"\b(" + "|".join(_TOWNS) + r")(n|ssa|ssä|sta|stä|lla|llä|lta|ltä)?\b")
_NUMBER_RE = re.compile(r"\d+")
_KINDS = (
    "Kunnanhallituksen pöytäkirja",
    "Aluehallituksen pöytäkirja",
    "Tiedote",
    "Yhteistyösopimus",
    "Usein kysytyt kysymykset",
    "Lausunto",
)


@dataclass(frozen=True)
class SyntheticCorpus:
    """What :func:`write_corpus` wrote."""

    directory: Path
    documents: int
    sentences: int
    source_sentences: int


def source_sentences(corpus_dirs: Iterable[Path]) -> list[str]:
    """Every distinct sentence of the documents in ``corpus_dirs`` (headings left out)."""
    seen: dict[str, None] = {}
    for directory in corpus_dirs:
        if not directory.is_dir():
            continue
        for doc in load_corpus(directory).documents:
            for a, b in split_sentences(doc.text):
                sentence = doc.text[a:b].strip()
                if len(sentence.split()) >= 4 and sentence[-1:] in ".?!:":
                    seen.setdefault(sentence, None)
    return list(seen)


def _vary_number(match: re.Match[str], rng: random.Random) -> str:
    digits = match.group(0)
    value = int(digits)
    if len(digits) == 4 and 1990 <= value <= 2035:
        return str(rng.randint(2016, 2026))
    if len(digits) == 1:
        return str(rng.randint(1, 9))
    low = 10 ** (len(digits) - 1)
    return str(rng.randint(low, 10 * low - 1))


def vary(sentence: str, rng: random.Random) -> str:
    """``sentence`` with its numbers redrawn (years stay years) and its Central Finland
    municipalities swapped for others, case endings kept."""
    sentence = _NUMBER_RE.sub(lambda m: _vary_number(m, rng), sentence)
    return _TOWN_RE.sub(lambda m: rng.choice(_TOWNS) + (m.group(2) or ""), sentence)


def compose_document(sentences: Sequence[str], n_sentences: int, rng: random.Random) -> str:
    """One Markdown document: a title, a date line, sections of varied sentences."""
    town = rng.choice(_TOWNS)
    year = rng.randint(2016, 2026)
    lines = [
        f"# {rng.choice(_KINDS)}: {town} {year}",
        "",
        f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.{year}",
        "",
    ]
    written = 0
    while written < n_sentences:
        heading = vary(rng.choice(sentences), rng).rstrip(".?!:")
        lines += [f"## {' '.join(heading.split()[:6])}", ""]
        for _ in range(rng.randint(2, 4)):
            size = min(rng.randint(2, 5), n_sentences - written)
            if size <= 0:
                break
            lines += [" ".join(vary(rng.choice(sentences), rng) for _ in range(size)), ""]
            written += size
    return "\n".join(lines)


def write_corpus(
    directory: Path,
    sentences: Sequence[str],
    n_chunks: int,
    *,
    chunk_tokens: int = 200,
    chunks_per_document: int = 12,
    seed: int = 0,
) -> SyntheticCorpus:
    """Write documents that chunk into about ``n_chunks`` chunks of ``chunk_tokens``."""
    if not sentences:
        raise ValueError("Lähdelauseita ei löytynyt: synteettistä aineistoa ei voi koota.")
    rng = random.Random(seed)
    sample = rng.sample(list(sentences), min(len(sentences), 400))
    mean_tokens = sum(count_tokens(s) for s in sample) / len(sample)
    # a chunk of ``chunk_tokens`` repeats one sentence of the previous chunk
    per_chunk = max(1.0, chunk_tokens / mean_tokens - 1)
    total = round(n_chunks * per_chunk)
    per_document = max(1, round(chunks_per_document * per_chunk))
    directory.mkdir(parents=True, exist_ok=True)
    documents = 0
    written = 0
    while written < total:
        n = min(per_document, total - written)
        text = compose_document(sentences, n, rng)
        (directory / f"synteettinen-{documents:06d}.md").write_text(text, encoding="utf-8")
        documents += 1
        written += n
    return SyntheticCorpus(directory, documents, written, len(sentences))
