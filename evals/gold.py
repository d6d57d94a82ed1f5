"""Gold question sets: load ``*.jsonl`` files, validate every line, check document ids.

The format is the one in DESIGN.md, so another team's set runs unchanged. Every problem is
reported in Finnish (the reader is an evaluator) and names ``file:line``; all problems of a
set are collected into one :class:`GoldError` instead of stopping at the first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROLES = ("user", "assistant")


class GoldError(ValueError):
    """The gold set cannot be used as is; the message (Finnish) lists every problem."""


@dataclass(frozen=True)
class GoldQuestion:
    """One gold question, validated."""

    id: str
    category: str
    question: str
    gold_docs: dict[str, int]
    answers: tuple[str, ...]
    answerable: bool
    history: tuple[dict[str, str], ...] = ()
    source: str = ""  # "file:line", for messages
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def history_list(self) -> list[dict[str, str]]:
        """The history as the list of dicts ``Assistant.ask`` takes."""
        return [dict(turn) for turn in self.history]


def gold_files(path: Path) -> list[Path]:
    """The ``.jsonl`` files of ``path``: the file itself, or a folder's files sorted by name."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.jsonl") if p.is_file())
        if not files:
            raise GoldError(f"Kansiossa {path} ei ole yhtään .jsonl-tiedostoa.")
        return files
    if not path.exists():
        raise GoldError(f"Kultajoukkoa {path} ei löydy.")
    return [path]


def load_gold(path: Path) -> list[GoldQuestion]:
    """Read and validate a gold file or folder; one :class:`GoldError` lists all problems."""
    questions: list[GoldQuestion] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for file in gold_files(path):
        try:
            lines = file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{file}: tiedostoa ei voi lukea UTF-8-tekstinä ({exc}).")
            continue
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            where = f"{file}:{number}"
            question, errors = parse_line(line, where)
            problems.extend(f"{where}: {e}" for e in errors)
            if question is None:
                continue
            if question.id in seen:
                problems.append(
                    f"{where}: tunniste {question.id!r} on jo rivillä {seen[question.id]}."
                )
                continue
            seen[question.id] = where
            questions.append(question)
    if not problems and not questions:
        problems.append(f"{path}: kultajoukossa ei ole yhtään kysymystä.")
    if problems:
        raise GoldError("Kultajoukossa on virheitä:\n" + "\n".join(problems))
    return questions


def parse_line(line: str, where: str = "") -> tuple[GoldQuestion | None, list[str]]:
    """Parse one JSONL line: ``(question, [])`` when valid, ``(None, problems)`` otherwise."""
    try:
        raw = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, [f"rivi ei ole kelvollista JSONia ({exc.msg}, sarake {exc.colno})."]
    if not isinstance(raw, dict):
        return None, ["rivin pitää olla JSON-olio."]
    errors: list[str] = []
    for key in ("id", "category", "question"):
        if not isinstance(raw.get(key), str) or not raw[key].strip():
            errors.append(f"kenttä {key!r} puuttuu tai ei ole ei-tyhjä merkkijono.")
    answerable = raw.get("answerable")
    if not isinstance(answerable, bool):
        errors.append("kentän 'answerable' pitää olla true tai false.")
    gold_docs = raw.get("gold_docs")
    if not isinstance(gold_docs, dict) or not all(
        isinstance(k, str) and k and type(v) is int and v >= 0 for k, v in gold_docs.items()
    ):
        errors.append("kentän 'gold_docs' pitää olla olio {dokumentti: kokonaisluku ≥ 0}.")
        gold_docs = {}
    answers = raw.get("answers")
    if not isinstance(answers, list) or not all(isinstance(a, str) and a.strip() for a in answers):
        errors.append("kentän 'answers' pitää olla lista ei-tyhjiä merkkijonoja.")
        answers = []
    if answerable is True and not answers:
        errors.append("vastattavalla kysymyksellä pitää olla ainakin yksi hyväksytty vastaus.")
    if answerable is False and (answers or gold_docs):
        errors.append("vastaamattomalla kysymyksellä 'gold_docs' ja 'answers' ovat tyhjiä.")
    history = raw.get("history", [])
    if not isinstance(history, list) or not all(_valid_turn(t) for t in history):
        errors.append(
            "kentän 'history' pitää olla lista olioita "
            '{"role": "user"|"assistant", "content": merkkijono}.'
        )
        history = []
    if errors:
        return None, errors
    known = {"id", "category", "question", "gold_docs", "answers", "answerable", "history"}
    return (
        GoldQuestion(
            id=raw["id"],
            category=raw["category"].strip(),
            question=raw["question"],
            gold_docs=dict(gold_docs),
            answers=tuple(answers),
            answerable=bool(answerable),
            history=tuple({"role": t["role"], "content": t["content"]} for t in history),
            source=where,
            extra={k: v for k, v in raw.items() if k not in known},
        ),
        [],
    )


def _valid_turn(turn: object) -> bool:
    return (
        isinstance(turn, dict)
        and turn.get("role") in ROLES
        and isinstance(turn.get("content"), str)
    )


def check_doc_ids(questions: Iterable[GoldQuestion], known_ids: Iterable[str]) -> None:
    """Raise ONE :class:`GoldError` listing every gold document id the index does not have."""
    known = set(known_ids)
    missing: dict[str, list[str]] = {}
    for q in questions:
        for doc_id in q.gold_docs:
            if doc_id not in known:
                missing.setdefault(doc_id, []).append(q.id)
    if missing:
        lines = [
            f"  {doc_id} (kysymykset: {', '.join(ids)})" for doc_id, ids in sorted(missing.items())
        ]
        raise GoldError(
            f"Kultajoukon {len(missing)} dokumenttitunnistetta puuttuu indeksistä:\n"
            + "\n".join(lines)
            + f"\nIndeksin dokumentit: {', '.join(sorted(known)) or '(ei yhtään)'}"
        )
