"""End to end over HTTP: the real app (``python app.py``) on the real corpus, via gradio_client."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from gradio_client import Client

from assistant.answer import ABSTAIN_TEXT, Citation

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # app.py is a script at the repository root, not in the package

from app import (  # noqa: E402
    escape_text,
    parse_history,
    render_answer,
    render_citation_card,
    render_document,
)

if TYPE_CHECKING:
    from conftest import AppServer

CHAIR_Q = "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?"
PHONE_Q = "Mikä on hänen puhelinnumeronsa?"
UNANSWERABLE_Q = "Mikä on Keski-Suomen hyvinvointialueen talousarvio vuodelle 2025?"


@pytest.fixture(scope="module")
def client(app_server: AppServer) -> Iterator[Client]:
    c = Client(app_server.url, verbose=False)
    yield c
    c.close()


def _ask(client: Client, question: str, history: list[dict[str, str]] | None = None) -> Any:
    result = client.predict(question, json.dumps(history or []), api_name="/ask")
    return json.loads(result) if isinstance(result, str) else result


def _check_integrity(answer: dict[str, Any]) -> None:
    numbers = [c["n"] for c in answer["citations"]]
    assert numbers == list(range(1, len(numbers) + 1))
    for n in numbers:
        assert f"[{n}]" in answer["answer"]
    texts = {p["chunk_id"]: p["text"] for p in answer["passages"]}
    for c in answer["citations"]:
        if c["chunk_id"] in texts:
            assert texts[c["chunk_id"]][c["start"] : c["end"]] == c["quote"]


@pytest.mark.slow
def test_question_then_follow_up_with_history(client: Client) -> None:
    first = _ask(client, CHAIR_Q)
    assert set(first) >= {"question", "standalone_question", "answer", "abstained", "citations"}
    assert first["abstained"] is False
    assert "Maria Kaisa Aula" in first["answer"]
    assert first["citations"] and any("Aula" in c["quote"] for c in first["citations"])
    _check_integrity(first)

    history = [
        {"role": "user", "content": CHAIR_Q},
        {"role": "assistant", "content": first["answer"]},
    ]
    follow = _ask(client, PHONE_Q, history)
    assert follow["abstained"] is False
    assert "050 530 9697" in follow["answer"]
    assert follow["standalone_question"] != PHONE_Q
    _check_integrity(follow)


@pytest.mark.slow
def test_abstention(client: Client) -> None:
    answer = _ask(client, UNANSWERABLE_Q)
    assert answer["abstained"] is True
    assert answer["answer"] == ABSTAIN_TEXT
    assert answer["citations"] == []
    assert answer["passages"], "closest passages are still listed for 'Lähimmät lähteet'"


@pytest.mark.slow
def test_bad_history_gets_a_finnish_error_and_the_server_keeps_answering(client: Client) -> None:
    with pytest.raises(Exception) as info:
        client.predict(CHAIR_Q, "{ei json", api_name="/ask")
    assert "JSON" in str(info.value)
    assert "Traceback" not in str(info.value)
    assert _ask(client, CHAIR_Q)["abstained"] is False


@pytest.mark.slow
def test_feedback_is_stored_and_exported_in_gold_format(
    client: Client, app_server: AppServer, tmp_path: Any
) -> None:
    answer = _ask(client, CHAIR_Q)
    history = [{"role": "user", "content": "Hei"}, {"role": "assistant", "content": "Hei!"}]
    result = client.predict(
        CHAIR_Q,
        json.dumps(answer, ensure_ascii=False),
        "up",
        "Oikea henkilö.",
        json.dumps(history),
        api_name="/feedback",
    )
    assert result["stored"] is True
    with sqlite3.connect(app_server.feedback_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        row = conn.execute(
            "SELECT question, rating, comment, history, answer, citations, created_at"
            " FROM feedback WHERE id = ?",
            (result["id"],),
        ).fetchone()
    assert row[0] == CHAIR_Q and row[1] == 1 and row[2] == "Oikea henkilö."
    assert json.loads(row[3]) == history
    assert "Maria Kaisa Aula" in row[4]
    assert json.loads(row[5]) == answer["citations"]
    assert row[6]

    out = tmp_path / "palaute.jsonl"
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "feedback", "export", "--out", str(out)],
        cwd=ROOT,
        env=app_server.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    cases = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    case = next(c for c in cases if c["id"] == f"fb{result['id']:04d}")
    assert case["question"] == CHAIR_Q
    assert case["history"] == history
    assert case["answers"] == []
    assert case["answerable"] is True
    assert case["gold_docs"] == {c["doc_id"]: 1 for c in answer["citations"]}


# --- pure rendering helpers (fast) -------------------------------------------------------


def test_user_text_is_escaped_and_markers_become_links() -> None:
    shown = escape_text("<script>alert(1)</script> *x*")
    assert "<script>" not in shown and "&lt;script&gt;" in shown
    assert "\\*x\\*" in shown
    rendered = render_answer("Aula <b>on</b> puheenjohtaja [1] ja [2].", turn=3)
    assert '<a class="viite" href="#lahde-3-1"' in rendered
    assert '<a class="viite" href="#lahde-3-2"' in rendered
    assert "<b>" not in rendered


def test_document_highlight_marks_exactly_the_quote() -> None:
    text = "Alku. Passage <one> here. Loppu."
    html_doc = render_document("T", "m", text, (6, 25, 14, 19))
    assert "<mark class='lainaus'>&lt;one&gt;</mark>" in html_doc
    assert "<span class='kohta' id='korostettu-kohta'>Passage " in html_doc


def test_parse_history_rejects_bad_items() -> None:
    assert parse_history("") == []
    assert parse_history('[{"role": "user", "content": "x"}]') == [{"role": "user", "content": "x"}]
    for bad in ("{}", "[1]", '[{"role": "system", "content": "x"}]', "nope"):
        with pytest.raises(ValueError):
            parse_history(bad)


def test_source_card_shows_the_date_with_its_kind_and_says_what_is_unknown() -> None:
    known = Citation(1, "d", "T", "2025-11-24", "Hankasalmen kunta", "", "d:0", "Lause.", 0, 6)
    assert "Hankasalmen kunta · 24.11.2025</div>" in render_citation_card(known, "Lause.", 1)
    dated = render_citation_card(
        Citation(1, "d", "O", "2025-11-24", "", "", "d:0", "Lause.", 0, 6, date_kind="meeting"),
        "Lause.",
        1,
    )
    assert "julkaisija ei tiedossa · 24.11.2025 (kokouspäivä)" in dated
    unknown = render_citation_card(Citation(1, "d", "", "", "", "", "d:0", "L.", 0, 2), "L.", 1)
    assert "julkaisija ei tiedossa · päiväys ei tiedossa" in unknown
    assert "<strong>d</strong>" in unknown  # no title: the document id, never an invented one
