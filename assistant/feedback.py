"""User feedback (👍/👎 + comment) on answers, stored in SQLite, exportable as gold-set drafts.

Evaluators turn real questions into eval cases: ``export_gold`` writes one JSON object a
line in the gold-set format of DESIGN.md. ``answers`` is left empty for a person to fill.
``gold_docs`` holds the documents the answer cited (grade 1) only when the user gave 👍,
because a 👎 says the cited sources may be wrong; ``answerable`` is ``not abstained``.
Each line also carries a ``feedback`` object (rating, comment, the assistant's answer,
time) as context for the person completing the case; the eval loader ignores it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RATINGS = (1, -1)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (1, -1)),
    comment TEXT NOT NULL DEFAULT '',
    question TEXT NOT NULL,
    standalone_question TEXT NOT NULL DEFAULT '',
    history TEXT NOT NULL DEFAULT '[]',
    answer TEXT NOT NULL DEFAULT '',
    abstained INTEGER NOT NULL DEFAULT 0,
    citations TEXT NOT NULL DEFAULT '[]'
)
"""


@dataclass(frozen=True)
class FeedbackRecord:
    """One rating of one answer, with everything needed to replay the question."""

    rating: int  # 1 = 👍, -1 = 👎
    question: str
    answer: str
    history: list[dict[str, str]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    abstained: bool = False
    standalone_question: str = ""
    comment: str = ""
    created_at: str = ""  # ISO 8601 UTC; filled in by ``FeedbackStore.add`` when empty
    id: int | None = None


class FeedbackStore:
    """SQLite-backed feedback store in WAL mode (readers never block the app's writers).

    A connection is opened per call, so one store can be shared by every request thread.
    """

    def __init__(self, path: Path) -> None:
        """Open (creating if needed) the database at ``path`` and switch it to WAL mode."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as conn:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=10.0)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            with conn:
                yield conn
        finally:
            conn.close()

    def journal_mode(self) -> str:
        """The database's journal mode (``wal`` once opened by this class)."""
        with self._connect() as conn:
            return str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()

    def add(self, record: FeedbackRecord) -> int:
        """Store one rating and return its id; raises ``ValueError`` for a rating not ±1."""
        if record.rating not in RATINGS:
            raise ValueError("Palautteen arvion on oltava 1 (👍) tai -1 (👎).")
        created = record.created_at or datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as conn:
            cursor = conn.execute(
                "INSERT INTO feedback (created_at, rating, comment, question, standalone_question,"
                " history, answer, abstained, citations) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    created,
                    record.rating,
                    record.comment.strip(),
                    record.question,
                    record.standalone_question,
                    json.dumps(record.history, ensure_ascii=False),
                    record.answer,
                    int(record.abstained),
                    json.dumps(record.citations, ensure_ascii=False),
                ),
            )
            return int(cursor.lastrowid or 0)

    def all(self) -> list[FeedbackRecord]:
        """Every stored rating, oldest first."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT id, created_at, rating, comment, question, standalone_question, history,"
                " answer, abstained, citations FROM feedback ORDER BY id"
            ).fetchall()
        return [
            FeedbackRecord(
                id=row[0],
                created_at=row[1],
                rating=row[2],
                comment=row[3],
                question=row[4],
                standalone_question=row[5],
                history=json.loads(row[6]),
                answer=row[7],
                abstained=bool(row[8]),
                citations=json.loads(row[9]),
            )
            for row in rows
        ]


def to_gold_case(record: FeedbackRecord) -> dict[str, Any]:
    """One feedback record as a draft gold case (see the module docstring for the rules)."""
    gold_docs: dict[str, int] = {}
    if record.rating > 0 and not record.abstained:
        for citation in record.citations:
            doc_id = str(citation.get("doc_id", ""))
            if doc_id:
                gold_docs[doc_id] = 1
    case: dict[str, Any] = {
        "id": f"fb{record.id:04d}" if record.id is not None else "fb",
        "category": "feedback",
        "question": record.question,
    }
    if record.history:
        case["history"] = record.history
    case.update(
        {
            "gold_docs": gold_docs,
            "answers": [],
            "answerable": not record.abstained,
            "feedback": {
                "rating": record.rating,
                "comment": record.comment,
                "answer": record.answer,
                "created_at": record.created_at,
            },
        }
    )
    return case


def export_gold(store: FeedbackStore, out: Path | None = None) -> list[str]:
    """Write every feedback record as a JSONL gold-case draft to ``out``; return the lines.

    With ``out`` None nothing is written (the CLI prints the lines instead).
    """
    lines = [json.dumps(to_gold_case(r), ensure_ascii=False) for r in store.all()]
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return lines
