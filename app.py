"""The Finnish web chat (Gradio): a thin UI around ``Assistant``; every answer comes from it.

``python app.py`` serves on ``settings.host:settings.port`` (127.0.0.1:7860 by default).
Everything a user reads is Finnish; everything a user typed is escaped before any markup of
ours is added, so HTML or script in a question is shown as text, never run.
"""

from __future__ import annotations

import os

# Before gradio is imported: no analytics calls, no telemetry, no model downloads.
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import hmac
import html
import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from assistant.admin import LoginGuard, wait_message
from assistant.answer import Answer, Citation
from assistant.config import Settings
from assistant.embeddings import EmbeddingError
from assistant.feedback import FeedbackRecord, FeedbackStore
from assistant.ingest import SUPPORTED_SUFFIXES
from assistant.metadata import (
    DATE_KIND_LABELS,
    KIND_LABELS,
    UNKNOWN_LABEL,
    date_label,
    source_line,
)
from assistant.retrieve import Passage
from assistant.sources import EDITABLE_KEYS, SourcesError, current_metadata, write_entry
from assistant.uploads import UploadError, save_upload, validate_upload

if TYPE_CHECKING:
    from assistant import Assistant

logger = logging.getLogger("assistant.app")

TITLE = "Keski-Suomen yhteistyörakenteet – kysy aineistosta"
ERROR_TEXT = "Pahoittelut, vastaamisessa tapahtui virhe. Yritä hetken kuluttua uudelleen."
RESIDENT_EXAMPLES = (
    "Kuka vastaa pelastustoimesta vuoden 2023 alusta?",
    "Mitä tehtäviä kunnille jää sote-uudistuksen jälkeen?",
    "Kuka järjestää sosiaali- ja terveyspalvelut Keski-Suomessa?",
)
OFFICIAL_EXAMPLES = (
    "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?",
    "Mikä on kuntien ja hyvinvointialueen yhdyspintajaosto?",
    "Mistä kuntien ja hyvinvointialueen puitesopimus sopii?",
)
MARKER = re.compile(r"\[(\d+)\]")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~])")

SYSTEM_FONTS = [
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "Roboto",
    "Helvetica",
    "Arial",
    "sans-serif",
]
MONO_FONTS = ["ui-monospace", "Consolas", "Menlo", "monospace"]

HEAD = """
<meta name="description"
  content="Kysy Keski-Suomen kuntien, liiton ja hyvinvointialueen yhteistyöstä.">
<script>
document.documentElement.setAttribute('lang', 'fi');
// [n] markers in answers jump to their source card and mark it, whatever the router does.
document.addEventListener('click', function (event) {
  const link = event.target.closest ? event.target.closest('a.viite') : null;
  if (!link) { return; }
  const id = (link.getAttribute('href') || '').replace(/^#/, '');
  const card = document.getElementById(id);
  event.preventDefault();
  event.stopPropagation();
  if (!card) { return; }
  const details = card.closest('details');
  if (details) { details.open = true; }
  document.querySelectorAll('.lahde.valittu').forEach(function (c) {
    c.classList.remove('valittu');
  });
  card.classList.add('valittu');
  card.scrollIntoView({block: 'center'});
}, true);
</script>
"""

JS_ON_LOAD = "() => { document.documentElement.setAttribute('lang', 'fi'); }"

CSS = """
.lahde { border: 1px solid #c9d3e0; border-radius: 8px; padding: 0.6em 0.8em; margin: 0.5em 0;
  background: #fff; }
.lahde.valittu { outline: 3px solid #f2b705; box-shadow: 0 0 0 4px #fff3c4; }
.lahde .nro { font-weight: 700; color: #0b4f8a; margin-right: 0.3em; }
.lahde .meta { color: #4a5563; font-size: 0.9em; }
.lahde .katkelma { white-space: pre-wrap; font-size: 0.92em; margin: 0.5em 0; padding-left: 0.6em;
  border-left: 3px solid #c9d3e0; color: #333; }
.lahde mark, .asiakirja mark.lainaus { background: #ffe066; color: #000; padding: 0 1px; }
.lahde.lahin { border-style: dashed; background: #f7f7f7; }
.lahimmat-huom { color: #6b4e00; background: #fff8e1; padding: 0.4em 0.6em; border-radius: 6px; }
.ilmoitus { color: #0b4f8a; background: #e8f1fb; padding: 0.4em 0.6em; border-radius: 6px; }
.virhe { color: #8a1c1c; background: #fdecec; padding: 0.4em 0.6em; border-radius: 6px; }
a.viite { font-weight: 700; text-decoration: none; color: #0b4f8a; }
.epavarma { border-left: 4px dashed #b7791f; padding-left: 0.6em; color: #4a3b10;
  font-style: italic; }
.asiakirja .teksti { white-space: pre-wrap; line-height: 1.5; }
.asiakirja .kohta { background: #fff8d6; }
button.avaa-asiakirja { margin-top: 0.3em; font-size: 0.85em; padding: 0.2em 0.6em;
  border: 1px solid #0b4f8a; border-radius: 6px; background: #fff; color: #0b4f8a;
  cursor: pointer; }
"""

SOURCES_JS = """
element.addEventListener('click', function (event) {
  const button = event.target.closest ? event.target.closest('button.avaa-asiakirja') : null;
  if (!button) { return; }
  trigger('click', {chunk_id: button.dataset.chunk, start: Number(button.dataset.start),
                    end: Number(button.dataset.end)});
});
"""

DOCUMENT_JS = """
watch('value', function () {
  const target = element.querySelector('mark.lainaus') || element.querySelector('.kohta');
  if (target) { target.scrollIntoView({block: 'center'}); }
});
"""


# ---------------------------------------------------------------- rendering (pure functions)


def escape_text(text: str) -> str:
    """Text a user or a document wrote, made safe for the chat's Markdown+HTML renderer.

    HTML is escaped (``<script>`` shows as text) and Markdown punctuation is backslash-
    escaped so that e.g. a leading "- " in a quote is not turned into a list.
    """
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=True))


def render_answer(text: str, turn: int, confidence: str = "high") -> str:
    """The answer text with every ``[n]`` turned into a link to source card ``n`` of ``turn``;
    an uncertain answer (``low``) is set apart, so that it reads as a possible answer."""
    if confidence == "low":
        return f'<div class="epavarma">{render_answer(text, turn)}</div>'
    parts: list[str] = []
    pos = 0
    for match in MARKER.finditer(text):
        parts.append(escape_text(text[pos : match.start()]))
        n = match.group(1)
        parts.append(f'<a class="viite" href="#lahde-{turn}-{n}" title="Näytä lähde {n}">[{n}]</a>')
        pos = match.end()
    parts.append(escape_text(text[pos:]))
    return "".join(parts)


def _highlight(passage_text: str, start: int, end: int, quote: str) -> str:
    """The passage with ``quote`` (at ``start:end``) wrapped in ``<mark>``, all escaped."""
    if not (0 <= start < end <= len(passage_text)) or passage_text[start:end] != quote:
        found = passage_text.find(quote) if quote else -1
        if found < 0:
            return f"<mark>{html.escape(quote)}</mark>"
        start, end = found, found + len(quote)
    return (
        html.escape(passage_text[:start])
        + f"<mark>{html.escape(passage_text[start:end])}</mark>"
        + html.escape(passage_text[end:])
    )


def _meta_line(publisher: str, iso_date: str, date_kind: str = "") -> str:
    """Publisher and date of a source, each shown as unknown when the document gives none."""
    return html.escape(source_line(publisher, iso_date, date_kind))


def _address(url: str) -> str:
    if not url:
        return ""
    safe = html.escape(url, quote=True)
    if not url.startswith(("http://", "https://")):
        return f'<div class="osoite">Osoite: {safe}</div>'
    return (
        f'<div class="osoite">Osoite: <a href="{safe}" target="_blank" '
        f'rel="noopener noreferrer">{safe}</a></div>'
    )


def render_citation_card(citation: Citation, passage_text: str, turn: int) -> str:
    """One source card: title, publisher, date, the quote highlighted in its passage, address."""
    title = html.escape(citation.title or citation.doc_id)
    meta = _meta_line(citation.publisher, citation.date, citation.date_kind)
    return (
        f'<article class="lahde" id="lahde-{turn}-{citation.n}">'
        f'<div><span class="nro">[{citation.n}]</span><strong>{title}</strong></div>'
        f'<div class="meta">{meta}</div>'
        f'<blockquote class="katkelma">'
        f"{_highlight(passage_text, citation.start, citation.end, citation.quote)}</blockquote>"
        f"{_address(citation.url)}"
        f'<button class="avaa-asiakirja" data-chunk="{html.escape(citation.chunk_id, quote=True)}"'
        f' data-start="{citation.start}" data-end="{citation.end}">Avaa asiakirjassa</button>'
        f"</article>"
    )


def render_nearest_card(passage: Passage, index: int) -> str:
    """A closest passage after an abstention: visibly not a citation (no number, no mark)."""
    title = html.escape(passage.title or passage.doc_id)
    return (
        f'<article class="lahde lahin" id="lahin-{index}">'
        f"<div><strong>{title}</strong></div>"
        f'<div class="meta">{_meta_line(passage.publisher, passage.date, passage.date_kind)}</div>'
        f'<blockquote class="katkelma">{html.escape(passage.text)}</blockquote>'
        f"{_address(passage.url)}"
        f'<button class="avaa-asiakirja" data-chunk="{html.escape(passage.chunk_id, quote=True)}"'
        f' data-start="0" data-end="0">Avaa asiakirjassa</button>'
        f"</article>"
    )


def render_turn_sources(answer: Answer, turn: int, chunk_texts: dict[str, str]) -> str:
    """The sources section of one answer: citation cards, or "Lähimmät lähteet" on abstention."""
    out: list[str] = []
    if answer.notice:
        out.append(f'<p class="ilmoitus">ℹ️ {html.escape(answer.notice)}</p>')
    if answer.citations:
        out.extend(
            render_citation_card(c, chunk_texts.get(c.chunk_id, c.quote), turn)
            for c in answer.citations
        )
    elif answer.abstained and answer.passages:
        out.append("<h4>Lähimmät lähteet</h4>")
        out.append(
            '<p class="lahimmat-huom">Aineistosta ei löytynyt vastausta. Nämä kohdat ovat '
            "lähimpiä osumia, eivät vastauksen lähteitä.</p>"
        )
        out.extend(render_nearest_card(p, i) for i, p in enumerate(answer.passages, 1))
    else:
        out.append("<p>Tällä vastauksella ei ole lähteitä.</p>")
    return "".join(out)


def render_panel(sections: list[tuple[int, str, str]]) -> str:
    """All turns' source sections, newest first and open; older ones folded."""
    if not sections:
        return '<p class="meta">Vastausten lähteet näkyvät tässä.</p>'
    parts: list[str] = ['<div class="lahteet">']
    for i, (turn, question, body) in enumerate(reversed(sections)):
        heading = f"Lähteet kysymykseen {turn}: {html.escape(question)}"
        if i == 0:
            parts.append(f'<section id="vuoro-{turn}"><h3>{heading}</h3>{body}</section>')
        else:
            parts.append(f'<details id="vuoro-{turn}"><summary>{heading}</summary>{body}</details>')
    parts.append("</div>")
    return "".join(parts)


def render_document(
    title: str, meta: str, text: str, spans: tuple[int, int, int, int] | None
) -> str:
    """A document's cleaned text; with ``spans`` (passage start/end, quote start/end, all
    offsets in the document text) the passage is shaded and the quote marked."""
    head = f"<h3>{html.escape(title)}</h3><p class='meta'>{html.escape(meta)}</p>"
    if spans is None:
        return f"<div class='asiakirja'>{head}<div class='teksti'>{html.escape(text)}</div></div>"
    p_start, p_end, q_start, q_end = spans
    p_start, p_end = max(0, p_start), min(len(text), p_end)
    q_start, q_end = max(p_start, q_start), min(p_end, q_end)
    if q_end > q_start:
        inner = (
            html.escape(text[p_start:q_start])
            + f"<mark class='lainaus'>{html.escape(text[q_start:q_end])}</mark>"
            + html.escape(text[q_end:p_end])
        )
    else:
        inner = html.escape(text[p_start:p_end])
    body = (
        html.escape(text[:p_start])
        + f"<span class='kohta' id='korostettu-kohta'>{inner}</span>"
        + html.escape(text[p_end:])
    )
    return f"<div class='asiakirja'>{head}<div class='teksti'>{body}</div></div>"


def parse_history(raw: str | None) -> list[dict[str, str]]:
    """The ``history`` argument of the /ask API: a JSON list of {role, content} turns."""
    if raw is None or not str(raw).strip():
        return []
    try:
        value = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError("Keskusteluhistorian on oltava JSON-lista.") from exc
    if not isinstance(value, list):
        raise ValueError("Keskusteluhistorian on oltava JSON-lista.")
    history: list[dict[str, str]] = []
    for item in value:
        if (
            not isinstance(item, dict)
            or item.get("role") not in ("user", "assistant")
            or not isinstance(item.get("content"), str)
        ):
            raise ValueError(
                "Jokaisen historian kohdan on oltava muotoa "
                '{"role": "user" tai "assistant", "content": "teksti"}.'
            )
        history.append({"role": item["role"], "content": item["content"]})
    return history


def _new_session() -> dict[str, Any]:
    return {"history": [], "turns": [], "sections": []}


# ---------------------------------------------------------------- the app


def build_app(assistant: Assistant, feedback: FeedbackStore | None = None) -> gr.Blocks:
    """Build the whole UI around ``assistant`` (chat, documents, register, admin, /ask API).

    The returned Blocks is already queued with ``settings.concurrency`` workers; launch it
    with ``launch_options(settings)`` for the theme, CSS and page language.
    """
    settings: Settings = assistant.settings
    store = feedback or FeedbackStore(settings.feedback_path)
    with gr.Blocks(title=TITLE, analytics_enabled=False) as demo:
        gr.Markdown(
            f"# {TITLE}\nKysy suomeksi Keski-Suomen kuntien, Keski-Suomen liiton ja "
            "hyvinvointialueen yhteistyöstä. Jokainen vastaus viittaa lähteeseensä [n]; "
            "napsauta viitettä nähdäksesi lainatun virkkeen."
        )
        with gr.Tabs() as tabs:
            with gr.Tab("Keskustelu", id="keskustelu"):
                chat_sources = _chat_tab(assistant, store)
            with gr.Tab("Asiakirjat", id="asiakirjat"):
                documents = _documents_tab(assistant)
            with gr.Tab("Vastuut ja yhteystiedot", id="vastuut"):
                register_sources = _register_tab(assistant, demo)
            if settings.admin_user and settings.admin_password:
                with gr.Tab("Ylläpito", id="yllapito"):
                    _admin_tab(assistant, documents)
        # a source card, in the chat or the register, opens its document at the quote
        for cards in (chat_sources, register_sources):
            cards.click(
                documents.open_from_card, None, [tabs, documents.view], api_visibility="private"
            )
        gr.api(_ask_api(assistant), api_name="ask")
        gr.api(_feedback_api(store), api_name="feedback")

    demo.queue(default_concurrency_limit=settings.concurrency)
    return demo


def _chat_tab(assistant: Assistant, store: FeedbackStore) -> gr.HTML:
    """The chat tab: questions, streamed answers, example questions, feedback; returns the
    sources panel (its cards open documents)."""
    session = gr.State(_new_session())

    def chunk_texts(answer: Answer) -> dict[str, str]:
        texts = {p.chunk_id: p.text for p in answer.passages}
        for c in answer.citations:
            if c.chunk_id not in texts:
                try:
                    texts[c.chunk_id] = assistant.chunk(c.chunk_id).text
                except Exception:  # a missing chunk only loses the context around a quote
                    logger.warning("chunk %s not found for a source card", c.chunk_id)
        return texts

    def respond(
        question: str, chat: list[dict[str, Any]], session: dict[str, Any]
    ) -> Iterator[tuple[Any, Any, Any, Any]]:
        """Stream one answer into the chat and then show its sources."""
        question = question or ""
        if not question.strip():
            yield chat, gr.skip(), session, ""
            return
        turn = len(session["turns"]) + 1
        chat = [
            *chat,
            {"role": "user", "content": escape_text(question)},
            {"role": "assistant", "content": "…"},
        ]
        panel = render_panel(session["sections"])
        yield chat, panel, session, ""
        streamed = ""
        final: Answer | None = None
        try:
            for event in assistant.ask_stream(question, list(session["history"])):
                if event.delta:
                    streamed += event.delta
                    chat[-1] = {"role": "assistant", "content": render_answer(streamed, turn)}
                    yield chat, gr.skip(), session, ""
                if event.answer is not None:
                    final = event.answer
            if final is None:
                raise RuntimeError("ask_stream ended without a final Answer")
            body = render_turn_sources(final, turn, chunk_texts(final))
        except Exception as exc:
            logger.exception("answering failed for a question of %d chars", len(question))
            # an unreachable embeddings server has its own Finnish message; the rest stay generic
            error = str(exc) if isinstance(exc, EmbeddingError) else ERROR_TEXT
            chat[-1] = {"role": "assistant", "content": escape_text(error)}
            session["turns"].append(None)
            yield chat, panel + f'<p class="virhe">{html.escape(error)}</p>', session, ""
            return
        chat[-1] = {
            "role": "assistant",
            "content": render_answer(final.answer, turn, final.confidence),
        }
        session["history"].extend(
            [{"role": "user", "content": question}, {"role": "assistant", "content": final.answer}]
        )
        session["turns"].append(
            {
                "question": question,
                "history": session["history"][:-2],
                "answer": final.to_dict(),
            }
        )
        session["sections"].append((turn, question, body))
        yield chat, render_panel(session["sections"]), session, ""

    def clear() -> tuple[list[dict[str, Any]], str, dict[str, Any], str]:
        return [], render_panel([]), _new_session(), ""

    def store_feedback(turn: dict[str, Any] | None, rating: int, comment: str) -> str:
        if not turn:
            return "Tähän vastaukseen ei voi antaa palautetta."
        answer = turn["answer"]
        store.add(
            FeedbackRecord(
                rating=rating,
                question=turn["question"],
                standalone_question=str(answer.get("standalone_question", "")),
                history=list(turn["history"]),
                answer=str(answer.get("answer", "")),
                abstained=bool(answer.get("abstained", False)),
                citations=list(answer.get("citations", [])),
                comment=comment or "",
            )
        )
        return "Kiitos palautteesta!"

    def rate_latest(rating: int) -> Any:
        def handler(session: dict[str, Any], comment: str) -> tuple[str, str]:
            if not session["turns"]:
                return "Kysy ensin jotain, niin voit arvioida vastauksen.", comment
            try:
                return store_feedback(session["turns"][-1], rating, comment), ""
            except Exception:
                logger.exception("storing feedback failed")
                return "Palautteen tallennus epäonnistui. Yritä uudelleen.", comment

        return handler

    def on_like(session: dict[str, Any], comment: str, event: gr.LikeData) -> tuple[str, str]:
        index = event.index[0] if isinstance(event.index, (list, tuple)) else event.index
        turn_no = int(index) // 2
        if event.liked is None or not 0 <= turn_no < len(session["turns"]):
            return "", comment
        try:
            rating = 1 if event.liked else -1
            return store_feedback(session["turns"][turn_no], rating, comment), ""
        except Exception:
            logger.exception("storing feedback failed")
            return "Palautteen tallennus epäonnistui. Yritä uudelleen.", comment

    with gr.Row():
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="Keskustelu",
                height=480,
                elem_id="keskustelu",
                placeholder="Kysy jotain aineistosta – esimerkiksi alla olevilla kysymyksillä.",
                buttons=["copy"],
            )
            question = gr.Textbox(
                label="Kysymys",
                placeholder="Kirjoita kysymyksesi suomeksi ja paina Enter…",
                elem_id="kysymys",
                max_lines=6,
            )
            with gr.Row():
                ask_button = gr.Button("Kysy", variant="primary", elem_id="kysy")
                clear_button = gr.Button("Tyhjennä keskustelu", elem_id="tyhjenna")
            gr.Markdown("**Esimerkkikysymyksiä asukkaille**")
            with gr.Row():
                resident_buttons = [
                    gr.Button(q, size="sm", elem_classes=["esimerkki"]) for q in RESIDENT_EXAMPLES
                ]
            gr.Markdown("**Esimerkkikysymyksiä viranhaltijoille**")
            with gr.Row():
                official_buttons = [
                    gr.Button(q, size="sm", elem_classes=["esimerkki"]) for q in OFFICIAL_EXAMPLES
                ]
            with gr.Accordion("Anna palautetta viimeisimmästä vastauksesta", open=False):
                comment = gr.Textbox(
                    label="Kommentti (vapaaehtoinen)",
                    placeholder="Mikä vastauksessa oli hyvää tai pielessä?",
                    elem_id="kommentti",
                )
                with gr.Row():
                    up_button = gr.Button("👍 Hyödyllinen", elem_id="peukku-ylos")
                    down_button = gr.Button("👎 Ei hyödyllinen", elem_id="peukku-alas")
                feedback_status = gr.Markdown(elem_id="palaute-tila")
        with gr.Column(scale=2):
            gr.Markdown("### Lähteet")
            sources = gr.HTML(render_panel([]), elem_id="lahteet", js_on_load=SOURCES_JS)

    outputs = [chatbot, sources, session, question]
    question.submit(respond, [question, chatbot, session], outputs, api_visibility="private")
    ask_button.click(respond, [question, chatbot, session], outputs, api_visibility="private")
    for button in [*resident_buttons, *official_buttons]:
        button.click(lambda q: q, button, question, queue=False, api_visibility="private").then(
            respond, [question, chatbot, session], outputs, api_visibility="private"
        )
    clear_button.click(clear, None, outputs, queue=False, api_visibility="private")
    up_button.click(
        rate_latest(1), [session, comment], [feedback_status, comment], api_visibility="private"
    )
    down_button.click(
        rate_latest(-1),
        [session, comment],
        [feedback_status, comment],
        api_visibility="private",
    )
    chatbot.like(on_like, [session, comment], [feedback_status, comment], api_visibility="private")
    return sources


@dataclass(frozen=True)
class _Documents:
    """What the other tabs need of the documents tab."""

    table: gr.Dataframe  # the indexed documents
    rows: Callable[[], list[list[Any]]]  # its rows, read anew (after a re-index)
    view: gr.HTML  # the open document
    open_from_card: Callable[[gr.EventData], tuple[Any, str]]  # → (selected tab, document)


def _documents_tab(assistant: Assistant) -> _Documents:
    """The documents tab: every indexed document with its metadata, and its cleaned text."""

    def document_rows() -> list[list[Any]]:
        return [
            [
                d.title,
                d.publisher or UNKNOWN_LABEL,
                date_label(d.date, d.date_kind),
                KIND_LABELS.get(d.kind, d.kind),
                d.n_chunks,
                d.doc_id,
            ]
            for d in assistant.documents()
        ]

    def show_document(doc_id: str, spans_from_chunk: tuple[str, int, int] | None = None) -> str:
        docs = {d.doc_id: d for d in assistant.documents()}
        doc = docs.get(doc_id)
        if doc is None:
            return '<p class="virhe">Asiakirjaa ei löytynyt.</p>'
        meta = " · ".join(b for b in (doc.publisher, doc.date, doc.kind, doc.url) if b)
        spans = None
        if spans_from_chunk is not None:
            chunk_id, start, end = spans_from_chunk
            chunk = assistant.chunk(chunk_id)
            spans = (chunk.start, chunk.end, chunk.start + start, chunk.start + end)
        return render_document(doc.title or doc.doc_id, meta, doc.text, spans)

    def on_document_select(event: gr.SelectData) -> str:
        try:
            row = event.row_value
            return show_document(str(row[-1]))
        except Exception:
            logger.exception("opening a document failed")
            return '<p class="virhe">Asiakirjan avaaminen epäonnistui.</p>'

    def open_from_card(event: gr.EventData) -> tuple[Any, str]:
        data = getattr(event, "_data", None) or {}
        try:
            chunk_id = str(data["chunk_id"])
            chunk = assistant.chunk(chunk_id)
            html_doc = show_document(
                chunk.doc_id, (chunk_id, int(data.get("start", 0)), int(data.get("end", 0)))
            )
        except Exception:
            logger.exception("opening a document from a source card failed")
            return gr.Tabs(selected="asiakirjat"), (
                '<p class="virhe">Asiakirjan avaaminen epäonnistui.</p>'
            )
        return gr.Tabs(selected="asiakirjat"), html_doc

    gr.Markdown("Valitse asiakirja taulukosta nähdäksesi sen puhdistetun tekstin.")
    documents = gr.Dataframe(
        value=document_rows(),
        headers=["Otsikko", "Julkaisija", "Päivämäärä", "Tyyppi", "Paloja", "Tunniste"],
        interactive=False,
        wrap=True,
        column_widths=["38%", "18%", "11%", "10%", "7%", "16%"],
        elem_id="asiakirjat-taulukko",
        label="Hakemiston asiakirjat",
    )
    document_view = gr.HTML(
        "<p class='meta'>Ei valittua asiakirjaa.</p>",
        elem_id="asiakirja",
        js_on_load=DOCUMENT_JS,
    )
    documents.select(on_document_select, None, document_view, api_visibility="private")
    return _Documents(documents, document_rows, document_view, open_from_card)


def _register_tab(assistant: Assistant, demo: gr.Blocks) -> gr.HTML:
    """The register tab ("Vastuut ja yhteystiedot"): its rows filtered by actor and day, each
    row's source on a click; returns that source's card (it opens the document)."""

    def register_tables(actor: str, on_text: str) -> tuple[Any, ...]:
        """Filtered register rows as four tables, plus the rows themselves for row clicks."""
        from assistant.register import UNKNOWN, rows_as_dicts

        on: date | None = None
        if (on_text or "").strip():
            try:
                on = date.fromisoformat(on_text.strip())
            except ValueError:
                message = "Anna päivämäärä muodossa VVVV-KK-PP, esimerkiksi 2023-01-01."
                return (gr.skip(),) * 5 + (f'<p class="virhe">{message}</p>',)
        who = (actor or "").strip() or None
        try:
            rows = rows_as_dicts(assistant.register, None, who, on)
            unknown = len(rows_as_dicts(assistant.register, None, who, on, UNKNOWN)) if on else 0
        except Exception:
            logger.exception("reading the register failed")
            message = "Rekisterin lukeminen epäonnistui."
            return (gr.skip(),) * 5 + (f'<p class="virhe">{message}</p>',)
        by_kind: dict[str, list[dict[str, Any]]] = {
            k: [] for k in ("responsibilities", "roles", "contacts", "events")
        }
        for row in rows:
            by_kind.setdefault(row["kind"], []).append(row)
        if by_kind["events"]:
            by_kind["events"].sort(key=lambda r: str(r.get("date") or ""))
        columns = {
            "responsibilities": ("actor", "task", "valid_from", "valid_until"),
            "roles": ("person", "role", "organisation"),
            "contacts": ("person", "phone", "email"),
            "events": ("date", "what"),
        }
        tables = [
            [
                [i, *[r.get(c) or "" for c in columns[k]], r["citation"]["quote"]]
                for i, r in enumerate(by_kind[k])
            ]
            for k in columns
        ]
        info = (
            f"<p class='meta'>Vastuita {len(tables[0])}, rooleja {len(tables[1])}, "
            f"yhteystietoja {len(tables[2])}, tapahtumia {len(tables[3])}. "
            + (
                f"Lisäksi {unknown} riviä, joiden voimassaoloa teksti ei kerro, ei ole mukana "
                "(näet ne tyhjentämällä päivämäärän). "
                if unknown
                else ""
            )
            + "Valitse rivi nähdäksesi sen lähteen.</p>"
        )
        return (*tables, by_kind, info)

    def register_source(kind: str) -> Any:
        def handler(rows: dict[str, list[dict[str, Any]]], event: gr.SelectData) -> str:
            try:
                row = rows[kind][int(event.row_value[0])]
                cit = row["citation"]
                chunk = assistant.chunk(cit["chunk_id"])
                start = max(chunk.text.find(cit["quote"]), 0)
                docs = {d.doc_id: d for d in assistant.documents()}
                doc = docs.get(cit["doc_id"])
                card = Citation(
                    n=1,
                    doc_id=cit["doc_id"],
                    title=doc.title if doc else cit["doc_id"],
                    date=doc.date if doc else "",
                    publisher=doc.publisher if doc else "",
                    url=doc.url if doc else "",
                    chunk_id=cit["chunk_id"],
                    quote=cit["quote"],
                    start=start,
                    end=start + len(cit["quote"]),
                    date_kind=doc.date_kind if doc else "",
                    kind=doc.kind if doc else "",
                )
                return "<h4>Rivin lähde</h4>" + render_citation_card(card, chunk.text, 0)
            except Exception:
                logger.exception("showing a register row's source failed")
                return '<p class="virhe">Rivin lähdettä ei voitu näyttää.</p>'

        return handler

    register_rows = gr.State({})
    gr.Markdown(
        "Kuka vastaa mistäkin ja milloin: asiakirjoista poimitut vastuut, roolit, "
        "yhteystiedot ja tapahtumat. Jokainen rivi perustuu lainaukseen."
    )
    with gr.Row():
        actor_filter = gr.Textbox(label="Toimija tai henkilö", placeholder="esim. hyvinvointialue")
        on_filter = gr.Textbox(
            label="Voimassa päivänä (VVVV-KK-PP)",
            placeholder="esim. 2023-01-01",
            elem_id="rekisteri-paiva",
        )
        register_button = gr.Button("Suodata", variant="primary")
    register_info = gr.HTML()
    responsibilities_table = _rows_table(
        "Vastuut",
        ["Toimija", "Tehtävä", "Alkaen", "Päättyen"],
        ["18%", "22%", "9%", "9%", "38%"],
        elem_id="vastuut-taulukko",
    )
    roles_table = _rows_table(
        "Roolit", ["Henkilö", "Rooli", "Organisaatio"], ["16%", "16%", "20%", "44%"]
    )
    contacts_table = _rows_table(
        "Yhteystiedot", ["Henkilö", "Puhelin", "Sähköposti"], ["16%", "14%", "20%", "46%"]
    )
    events_table = _rows_table("Aikajana", ["Päivämäärä", "Tapahtuma"], ["10%", "36%", "50%"])
    register_source_view = gr.HTML(elem_id="rekisteri-lahde", js_on_load=SOURCES_JS)

    register_outputs = [
        responsibilities_table,
        roles_table,
        contacts_table,
        events_table,
        register_rows,
        register_info,
    ]
    for trigger in (register_button.click, actor_filter.submit, on_filter.submit):
        trigger(
            register_tables,
            [actor_filter, on_filter],
            register_outputs,
            api_visibility="private",
        )
    demo.load(
        register_tables, [actor_filter, on_filter], register_outputs, api_visibility="private"
    )
    for table, kind in (
        (responsibilities_table, "responsibilities"),
        (roles_table, "roles"),
        (contacts_table, "contacts"),
        (events_table, "events"),
    ):
        table.select(
            register_source(kind),
            [register_rows],
            register_source_view,
            api_visibility="private",
        )
    return register_source_view


def _rows_table(
    label: str, columns: list[str], widths: list[str], elem_id: str | None = None
) -> gr.Dataframe:
    """One register table: a row number, ``columns``, then the quoted source (``widths``
    for all but the number)."""
    return gr.Dataframe(
        headers=["#", *columns, "Lähde"],
        interactive=False,
        wrap=True,
        label=label,
        column_widths=["4%", *widths],
        elem_id=elem_id,
    )


def _admin_tab(assistant: Assistant, documents: _Documents) -> None:
    """The admin tab: a rate-limited login, uploads, metadata corrections written to
    sources.toml, and a re-index that refreshes the documents table."""
    settings = assistant.settings
    admin_enabled = bool(settings.admin_user and settings.admin_password)
    guard = LoginGuard()

    def login(
        user: str, password: str, admin: dict[str, bool], request: gr.Request
    ) -> tuple[Any, Any, str, Any]:
        client = _client_of(request)
        wait = guard.wait_s(client)
        if wait > 0:
            logger.warning("admin login refused (too many failures): user %r from %s", user, client)
            return gr.skip(), gr.skip(), wait_message(wait), {"ok": False}
        expected_user = (settings.admin_user or "").encode()
        expected_password = (settings.admin_password or "").encode()
        ok_user = hmac.compare_digest((user or "").encode(), expected_user)
        ok_password = hmac.compare_digest((password or "").encode(), expected_password)
        if admin_enabled and ok_user and ok_password:
            guard.succeeded(client)
            logger.info("admin login: user %r from %s", user, client)
            admin = {"ok": True}
            return gr.Column(visible=False), gr.Column(visible=True), "Kirjauduttu sisään.", admin
        failures = guard.failed(client)
        logger.warning(
            "failed admin login: user %r from %s (%d in %.0f s)",
            user,
            client,
            failures,
            guard.window_s,
        )
        return gr.skip(), gr.skip(), "Väärä käyttäjätunnus tai salasana.", {"ok": False}

    def logout() -> tuple[Any, Any, str, dict[str, bool]]:
        return gr.Column(visible=True), gr.Column(visible=False), "Kirjauduttu ulos.", {"ok": False}

    def corpus_ids() -> list[str]:
        if not settings.corpus_dir.is_dir():
            return []
        return sorted(
            p.stem
            for p in settings.corpus_dir.iterdir()
            if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
        )

    def metadata_fields(doc_id: str | None) -> tuple[Any, ...]:
        """The form's fields filled with the document's metadata as indexing would read it."""
        if not doc_id:
            return (*(gr.update(value="") for _ in EDITABLE_KEYS), "")
        try:
            meta = current_metadata(settings.corpus_dir, doc_id)
        except SourcesError as exc:
            return (*(gr.update(value="") for _ in EDITABLE_KEYS), f"❌ {exc}")
        shown = [gr.update(value=meta[key]) for key in EDITABLE_KEYS]
        notes = []
        if meta["date_kind"] in DATE_KIND_LABELS:
            notes.append(f"Päivämäärä on tekstin mukaan {DATE_KIND_LABELS[meta['date_kind']]}.")
        unknown = [LABELS[key].lower() for key in EDITABLE_KEYS if not meta[key]]
        if unknown:
            notes.append(f"Ei tiedossa: {', '.join(unknown)}.")
        return (*shown, " ".join(notes))

    def upload(file_path: str | None, admin: dict[str, bool]) -> tuple[Any, ...]:
        if not admin.get("ok"):
            return "Kirjaudu ensin sisään.", gr.skip(), *(gr.skip() for _ in EDITABLE_KEYS), ""
        if not file_path:
            return "Valitse ensin tiedosto.", gr.skip(), *(gr.skip() for _ in EDITABLE_KEYS), ""
        try:
            path = Path(file_path)
            with path.open("rb") as handle:
                data = handle.read(settings.max_upload_bytes + 1)
            valid = validate_upload(path.name, data, settings.corpus_dir, settings.max_upload_bytes)
            saved = save_upload(valid)
        except UploadError as exc:
            return f"❌ {exc}", gr.skip(), *(gr.skip() for _ in EDITABLE_KEYS), ""
        except Exception:
            logger.exception("saving an upload failed")
            status = "❌ Tiedoston tallennus epäonnistui."
            return status, gr.skip(), *(gr.skip() for _ in EDITABLE_KEYS), ""
        logger.info("admin uploaded %s (%s)", saved.name, valid.sha256)
        status = (
            f"✅ Tallennettu {saved.name}. Tarkista alla sen tiedot ja päivitä sitten hakemisto, "
            "jotta asiakirja tulee haettavaksi."
        )
        choice = gr.update(choices=corpus_ids(), value=saved.stem)
        return status, choice, *metadata_fields(saved.stem)

    def save_metadata(admin: dict[str, bool], doc_id: str | None, *values: str) -> str:
        if not admin.get("ok"):
            return "Kirjaudu ensin sisään."
        if not doc_id:
            return "Valitse ensin asiakirja."
        try:
            write_entry(settings.corpus_dir, doc_id, dict(zip(EDITABLE_KEYS, values, strict=True)))
        except SourcesError as exc:
            return f"❌ {exc}"
        except OSError:
            logger.exception("writing sources.toml failed")
            return "❌ Tietojen tallennus epäonnistui; sources.toml on ennallaan."
        logger.info("admin corrected the metadata of %s", doc_id)
        return (
            f"✅ Asiakirjan {doc_id} tiedot tallennettu sources.toml-tiedostoon. "
            "Päivitä hakemisto, jotta ne tulevat käyttöön."
        )

    def reindex(admin: dict[str, bool], progress: gr.Progress = gr.Progress()) -> tuple[str, Any]:  # noqa: B008
        if not admin.get("ok"):
            return "Kirjaudu ensin sisään.", gr.skip()

        def report(stage: str, done: int, total: int) -> None:
            progress((done, max(total, 1)), desc=stage)

        try:
            result = assistant.reindex(report)
        except Exception:
            logger.exception("re-index failed")
            return (
                "❌ Hakemiston päivitys epäonnistui; aiempi hakemisto on edelleen käytössä.",
                gr.skip(),
            )
        lines = [
            f"✅ Hakemisto päivitetty {result.seconds:.1f} sekunnissa: uusia {result.added}, "
            f"muuttuneita {result.changed}, poistettuja {result.removed}, "
            f"ennallaan {result.unchanged}; paloja yhteensä {result.chunks}."
        ]
        lines.extend(f"- ⚠️ {p}" for p in result.problems)
        return "\n".join(lines), documents.rows()

    admin_state = gr.State({"ok": False})
    with gr.Column(visible=True) as login_box:
        gr.Markdown("Ylläpito on vain viranhaltijoille. Kirjaudu sisään.")
        admin_user = gr.Textbox(label="Käyttäjätunnus", elem_id="admin-tunnus")
        admin_password = gr.Textbox(label="Salasana", type="password", elem_id="admin-salasana")
        login_button = gr.Button("Kirjaudu", variant="primary")
    login_status = gr.Markdown()
    with gr.Column(visible=False) as admin_box:
        upload_file = gr.File(
            label="Lisää asiakirja (" + ", ".join(sorted(SUPPORTED_SUFFIXES)) + ")",
            file_types=sorted(SUPPORTED_SUFFIXES),
            type="filepath",
            elem_id="lataa-asiakirja",
        )
        upload_button = gr.Button("Tallenna aineistoon")
        upload_status = gr.Markdown()
        gr.Markdown(
            "**Asiakirjan tiedot.** Kentissä on tekstistä luettu ehdotus (tai "
            "sources.toml-tiedoston tieto). Tarkista ja korjaa ne ja tallenna "
            "ennen hakemiston päivitystä; tallentamattomat tiedot luetaan "
            "tekstistä kuten ennenkin."
        )
        meta_doc = gr.Dropdown(
            choices=corpus_ids(), value=None, label="Asiakirja", elem_id="meta-doc"
        )
        meta_fields = [
            gr.Textbox(label=LABELS[key], elem_id=f"meta-{key}", placeholder=HINTS[key])
            for key in EDITABLE_KEYS
        ]
        meta_note = gr.Markdown()
        meta_button = gr.Button("Tallenna tiedot")
        meta_status = gr.Markdown()
        reindex_button = gr.Button("Päivitä hakemisto", variant="primary")
        reindex_status = gr.Markdown()
        logout_button = gr.Button("Kirjaudu ulos", size="sm")

    login_button.click(
        login,
        [admin_user, admin_password, admin_state],
        [login_box, admin_box, login_status, admin_state],
        api_visibility="private",
    )
    logout_button.click(
        logout,
        None,
        [login_box, admin_box, login_status, admin_state],
        api_visibility="private",
    )
    upload_button.click(
        upload,
        [upload_file, admin_state],
        [upload_status, meta_doc, *meta_fields, meta_note],
        api_visibility="private",
    )
    meta_doc.change(metadata_fields, meta_doc, [*meta_fields, meta_note], api_visibility="private")
    meta_button.click(
        save_metadata,
        [admin_state, meta_doc, *meta_fields],
        meta_status,
        api_visibility="private",
    )
    reindex_button.click(
        reindex, [admin_state], [reindex_status, documents.table], api_visibility="private"
    )


def _ask_api(assistant: Assistant) -> Callable[[str, str], dict[str, Any]]:
    """The /ask endpoint's function."""

    def ask_api(question: str, history: str = "[]") -> dict[str, Any]:
        """Answer one question; ``history`` is a JSON list of {role, content}; returns the
        Answer JSON."""
        try:
            turns = parse_history(history)
        except ValueError as exc:
            raise gr.Error(str(exc)) from exc
        try:
            return assistant.ask(question or "", turns).to_dict()
        except Exception as exc:
            logger.exception("API answering failed")
            raise gr.Error(ERROR_TEXT) from exc

    return ask_api


def _feedback_api(store: FeedbackStore) -> Callable[..., dict[str, Any]]:
    """The /feedback endpoint's function."""

    def feedback_api(
        question: str, answer: str, rating: str, comment: str = "", history: str = "[]"
    ) -> dict[str, Any]:
        """Store 👍 (rating "up") or 👎 ("down") for an Answer JSON returned by /ask."""
        try:
            turns = parse_history(history)
            parsed = json.loads(answer) if answer else {}
            if not isinstance(parsed, dict):
                raise ValueError("Vastauksen on oltava /ask-rajapinnan palauttama JSON-olio.")
            value = {"up": 1, "down": -1, "1": 1, "-1": -1}.get(str(rating).strip())
            if value is None:
                raise ValueError('Arvion on oltava "up" (👍) tai "down" (👎).')
        except (ValueError, json.JSONDecodeError) as exc:
            raise gr.Error(str(exc)) from exc
        record_id = store.add(
            FeedbackRecord(
                rating=value,
                question=question or str(parsed.get("question", "")),
                standalone_question=str(parsed.get("standalone_question", "")),
                history=turns,
                answer=str(parsed.get("answer", "")),
                abstained=bool(parsed.get("abstained", False)),
                citations=list(parsed.get("citations", [])),
                comment=comment or "",
            )
        )
        return {"stored": True, "id": record_id}

    return feedback_api


LABELS = {"title": "Otsikko", "date": "Päivämäärä", "publisher": "Julkaisija", "kind": "Laji"}
HINTS = {
    "title": "asiakirjan oma otsikko",
    "date": "VVVV-KK-PP (kokous-, julkaisu- tai päivityspäivä)",
    "publisher": "esim. Joutsan kunta",
    "kind": "minutes, news, press_release, faq, web_page, agreement tai document",
}


def _client_of(request: gr.Request | None) -> str:
    """The address a login attempt came from (its own key in the login guard)."""
    client = getattr(request, "client", None)
    return str(getattr(client, "host", None) or "tuntematon")


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for ``launch``: offline theme (system fonts), CSS, ``lang="fi"``."""
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "show_error": False,
        "theme": gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS),
        "css": CSS,
        "head": HEAD,
        "js": JS_ON_LOAD,
        "ssr_mode": False,
        "footer_links": ["api"],
        "max_file_size": 2 * settings.max_upload_bytes,
    }


def main() -> None:
    """Load the assistant (building the index if missing) and serve the web chat."""
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from assistant import Assistant

    settings = Settings.from_env()
    assistant = Assistant.load(settings)
    demo = build_app(assistant)
    logger.info("serving on http://%s:%d", settings.host, settings.port)
    demo.launch(**launch_options(settings))


if __name__ == "__main__":
    main()
