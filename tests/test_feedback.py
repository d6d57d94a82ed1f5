"""Feedback store: ratings persist in a WAL-mode SQLite file and export as gold-set drafts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from assistant.feedback import FeedbackRecord, FeedbackStore, export_gold

CITATION = {
    "n": 1,
    "doc_id": "2022-09-28-jyvaskyla-aluehallitus",
    "chunk_id": "c1",
    "quote": "Aluehallituksen puheenjohtaja Maria Kaisa Aula kertoi kokouksessa.",
}


def test_store_roundtrip_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "feedback.sqlite3"
    store = FeedbackStore(path)
    assert store.journal_mode() == "wal"
    history = [{"role": "user", "content": "Kuka?"}, {"role": "assistant", "content": "Aula."}]
    rid = store.add(
        FeedbackRecord(
            rating=1,
            question="Mikä on hänen puhelinnumeronsa?",
            answer="050 530 9697 [1]",
            history=history,
            citations=[CITATION],
            comment="  hyvä  ",
        )
    )
    # a second store on the same file sees the row (persisted, not cached)
    records = FeedbackStore(path).all()
    assert [r.id for r in records] == [rid]
    record = records[0]
    assert record.history == history
    assert record.citations == [CITATION]
    assert record.comment == "hyvä"
    assert record.created_at.endswith("+00:00")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_invalid_rating_is_refused(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError):
        store.add(FeedbackRecord(rating=5, question="q", answer="a"))
    assert store.all() == []


def test_export_in_gold_format(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.add(FeedbackRecord(rating=1, question="Kuka?", answer="Aula [1]", citations=[CITATION]))
    store.add(FeedbackRecord(rating=-1, question="Väärin?", answer="X [1]", citations=[CITATION]))
    store.add(
        FeedbackRecord(
            rating=1,
            question="Talousarvio 2025?",
            answer="En löytänyt aineistosta vastausta tähän kysymykseen.",
            abstained=True,
            history=[{"role": "user", "content": "Hei"}],
        )
    )
    out = tmp_path / "out" / "feedback.jsonl"
    lines = export_gold(store, out)
    cases = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(lines) == len(cases) == 3
    for case in cases:
        assert {"id", "category", "question", "gold_docs", "answers", "answerable"} <= set(case)
        assert case["answers"] == []
        assert all(isinstance(v, int) for v in case["gold_docs"].values())
    assert len({c["id"] for c in cases}) == 3
    assert cases[0]["gold_docs"] == {CITATION["doc_id"]: 1} and cases[0]["answerable"] is True
    assert "history" not in cases[0]
    assert cases[1]["gold_docs"] == {}  # 👎: cited sources are not trusted as gold
    assert cases[1]["feedback"]["rating"] == -1
    assert cases[2]["answerable"] is False and cases[2]["gold_docs"] == {}
    assert cases[2]["history"] == [{"role": "user", "content": "Hei"}]
