"""The development documents (issue 12): new in-domain documents in folds, and their questions.

``evals/devdocs/corpus/`` holds 48 documents written for testing (fixtures, not the product
corpus), ``questions/<doc id>.jsonl`` the questions about each, ``folds.toml`` which fold each
document belongs to and which fold is the untouched one, ``metadata.toml`` the documents'
metadata as their writers recorded it. The documents are evaluated the way officials add
documents: together with the seed corpus, without a ``sources.toml`` entry of their own.
"""

from __future__ import annotations

import shutil
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .gold import GoldError, GoldQuestion, load_gold

if TYPE_CHECKING:
    from assistant import Assistant, Settings

HERE = Path(__file__).resolve().parent / "devdocs"
CORPUS = HERE / "corpus"
QUESTIONS = HERE / "questions"
FOLDS = HERE / "folds.toml"
METADATA = HERE / "metadata.toml"


@dataclass(frozen=True)
class Folds:
    """Which fold each development document is in; ``untouched`` is the fold kept unread."""

    fold_of: dict[str, int]
    untouched: int

    @property
    def numbers(self) -> list[int]:
        """All fold numbers, ascending."""
        return sorted(set(self.fold_of.values()))

    @property
    def development(self) -> list[int]:
        """The folds used while developing (all but the untouched one)."""
        return [n for n in self.numbers if n != self.untouched]

    def documents(self, folds: Iterable[int]) -> list[str]:
        """Document ids of the given folds, sorted."""
        wanted = set(folds)
        return sorted(d for d, n in self.fold_of.items() if n in wanted)


def load_folds(path: Path = FOLDS) -> Folds:
    """The fold assignment (Finnish :class:`GoldError` when it is malformed)."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        fold_of = {
            str(doc): int(number)
            for number, entry in raw["folds"].items()
            for doc in entry["documents"]
        }
        return Folds(fold_of=fold_of, untouched=int(raw["untouched"]))
    except (OSError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise GoldError(f"Jakotiedostoa {path} ei voi lukea: {exc}") from exc


def fold_questions(
    folds: Iterable[int], assignment: Folds | None = None, questions: Path = QUESTIONS
) -> list[GoldQuestion]:
    """The questions about the documents of the given folds, in document order."""
    assignment = assignment or load_folds()
    out: list[GoldQuestion] = []
    for doc_id in assignment.documents(folds):
        path = questions / f"{doc_id}.jsonl"
        if path.exists():
            out.extend(load_gold(path))
    return out


def question_fold(question: GoldQuestion, assignment: Folds) -> int:
    """The fold of the document a question was written about (its id starts with the
    document's prefix, e.g. ``a3-q07``; unanswerable questions name no document)."""
    prefix = question.id.split("-", 1)[0] + "-"
    for doc_id, number in assignment.fold_of.items():
        if doc_id.startswith(prefix):
            return number
    raise GoldError(f"Kysymyksen {question.id} asiakirjaa ei löydy jaosta.")


def build_corpus(target: Path, seed_corpus: Path) -> Path:
    """``target`` holding the seed corpus (with its ``sources.toml``) and every development
    document (without an entry), refreshed so that it matches both folders exactly."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {
        p.name: p for folder in (seed_corpus, CORPUS) for p in folder.iterdir() if p.is_file()
    }
    for existing in target.iterdir():
        if existing.name not in wanted:
            existing.unlink()
    for name, source in wanted.items():
        copy = target / name
        if not copy.exists() or copy.read_bytes() != source.read_bytes():
            shutil.copy2(source, copy)
    return target


def dev_settings(base: Settings | None = None) -> Settings:
    """Settings for the development corpus: the seed corpus and every development document,
    indexed under ``<index dir>/evals-devdocs`` (generated, git-ignored)."""
    from dataclasses import replace

    from assistant import Settings

    base = base or Settings.from_env()
    root = base.index_dir / "evals-devdocs"
    corpus = build_corpus(root / "corpus", base.corpus_dir)
    return replace(base, corpus_dir=corpus, index_dir=root / "index")


def dev_assistant(base: Settings | None = None) -> Assistant:
    """An assistant over the development corpus (built or brought up to date on first use)."""
    from assistant import Assistant

    return Assistant.load(dev_settings(base))
