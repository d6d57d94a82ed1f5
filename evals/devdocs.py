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
from collections.abc import Collection, Iterable, Sequence
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
# questions whose answer depends on time, by three writers: time_questions.jsonl (59, about
# all development folds but the untouched one), time_questions_b.jsonl (60, mainly folds 1-2)
# and time_questions_c.jsonl (60, mainly folds 3-4)
TIME_QUESTIONS = tuple(sorted(HERE.glob("time_questions*.jsonl")))


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

    def development_in(self, indexed: Iterable[int] = ()) -> list[int]:
        """The development folds among ``indexed`` (the folds an index holds; () all)."""
        wanted = set(indexed)
        return [n for n in self.development if not wanted or n in wanted]

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


def gold_folds(question: GoldQuestion, assignment: Folds) -> frozenset[int]:
    """The development folds of every document a question names as gold (seed documents
    have none): a question spanning documents is held out only when all of them are."""
    return frozenset(
        assignment.fold_of[doc] for doc in question.gold_docs if doc in assignment.fold_of
    )


def time_questions(paths: Iterable[Path] = TIME_QUESTIONS) -> list[GoldQuestion]:
    """The questions whose answer depends on time (which document is newer, what held in a
    given year), written about documents of the development folds and the seeds."""
    return [q for path in paths for q in load_gold(path)]


def build_corpus(target: Path, seed_corpus: Path, documents: Collection[str] | None = None) -> Path:
    """``target`` holding the seed corpus (with its ``sources.toml``) and the development
    documents (without an entry; all, or those whose ids are in ``documents``), refreshed so
    that it holds exactly those files."""
    target.mkdir(parents=True, exist_ok=True)
    wanted = {p.name: p for p in seed_corpus.iterdir() if p.is_file()}
    wanted.update(
        (p.name, p)
        for p in CORPUS.iterdir()
        if p.is_file() and (documents is None or p.stem in documents)
    )
    for existing in target.iterdir():
        if existing.name not in wanted:
            existing.unlink()
    for name, source in wanted.items():
        copy = target / name
        if not copy.exists() or copy.read_bytes() != source.read_bytes():
            shutil.copy2(source, copy)
    return target


def dev_settings(base: Settings | None = None, folds: Sequence[int] = ()) -> Settings:
    """Settings for the development corpus: the seed corpus and every development document
    (with ``folds``, only the documents of those folds), indexed under
    ``<index dir>/evals-devdocs`` (``evals-devdocs-1-2-3-4-5`` for folds; generated, ignored)."""
    from dataclasses import replace

    from assistant import Settings

    base = base or Settings.from_env()
    root = base.index_dir / "-".join(["evals-devdocs", *map(str, sorted(folds))])
    documents = set(load_folds().documents(folds)) if folds else None
    corpus = build_corpus(root / "corpus", base.corpus_dir, documents)
    return replace(base, corpus_dir=corpus, index_dir=root / "index")


def dev_assistant(
    base: Settings | None = None, answer_model: bool = True, folds: Sequence[int] = ()
) -> Assistant:
    """An assistant over the development corpus (built or brought up to date on first use;
    ``folds`` as in :func:`dev_settings`); without ``answer_model`` it reads no answer model
    (for training one)."""
    from assistant import Assistant

    return Assistant.load(dev_settings(base, folds), answer_model=answer_model)
