"""Register: extraction on the real corpus and on documents written for the tests, temporal
lookup, per-document rows, persistence, CLI rows."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from assistant import register as reg_mod
from assistant.chunking import chunk_document
from assistant.ingest import Document, load_corpus
from assistant.register import (
    IN_FORCE,
    NOT_IN_FORCE,
    UNKNOWN,
    Contact,
    Period,
    Register,
    Responsibility,
    Role,
    RowCitation,
    build_register,
    document_key,
    extract_document,
    held_then,
    rows_as_dicts,
    rows_from_json,
    rows_to_json,
    validity_on,
)
from evals.register_metrics import (
    DEVDOCS_GOLD_PATH,
    HELDOUT_GOLD_PATH,
    ROLES_GOLD_PATH,
    SECOND_GOLD_PATHS,
    _head,
    agreement,
    as_register,
    evaluate,
    load_gold,
)

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data" / "register"
TODAY = date(2024, 6, 1)


def _doc(name: str, doc_date: str, publisher: str = "") -> Document:
    return _text_doc(Path(name).stem, (DATA / name).read_text("utf-8"), doc_date, publisher)


def _text_doc(doc_id: str, text: str, doc_date: str, publisher: str = "") -> Document:
    return Document(
        doc_id=doc_id,
        title=text.splitlines()[0],
        date=doc_date,
        publisher=publisher,
        kind="news",
        url="",
        text=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
    )


@pytest.fixture(scope="module")
def corpus_docs() -> list[Document]:
    return load_corpus(ROOT / "corpus").documents


@pytest.fixture(scope="module")
def corpus_register(corpus_docs: list[Document]) -> Register:
    chunks = [c for d in corpus_docs for c in chunk_document(d)]
    return build_register(chunks, {d.doc_id: d for d in corpus_docs})


@pytest.fixture(scope="module")
def test_register() -> Register:
    docs = [
        _doc("laukaa.txt", "2022-12-15", "Laukaan kunta"),
        _doc("aanekoski.txt", "2024-06-10", "Äänekosken kaupunki"),
        _doc("jamsa.txt", "2023-02-01", "Jämsän kaupunki"),
    ]
    chunks = [c for d in docs for c in chunk_document(d)]
    return build_register(chunks, {d.doc_id: d for d in docs})


def _resp(reg: Register) -> set[tuple[str, str, str | None, str | None]]:
    return {(r.actor, r.task, r.valid_from, r.valid_until) for r in reg.responsibilities}


def test_citations_are_exact_substrings_of_their_chunks(
    corpus_docs: list[Document], corpus_register: Register
) -> None:
    chunks = {c.chunk_id: c for d in corpus_docs for c in chunk_document(d)}
    rows: list[reg_mod.Row] = [*corpus_register.responsibilities, *corpus_register.roles]
    rows += [*corpus_register.contacts, *corpus_register.events]
    assert rows
    for row in rows:
        cit = row.citation
        assert chunks[cit.chunk_id].text[cit.start : cit.end] == cit.quote
        assert cit.doc_id == chunks[cit.chunk_id].doc_id


def test_corpus_precision_and_recall_meet_the_bar(corpus_register: Register) -> None:
    figures = evaluate(corpus_register, load_gold())
    for kind in ("responsibilities", "roles", "contacts"):
        assert figures[f"{kind}_precision"] >= 0.85, figures
        assert figures[f"{kind}_recall"] >= 0.85, figures
    assert figures["register_quote_support"] == 1.0


def test_corpus_temporal_split_of_social_and_health_services(corpus_register: Register) -> None:
    rows = _resp(corpus_register)
    sote = "sosiaali- ja terveyspalvelut"
    assert ("Keski-Suomen hyvinvointialue", sote, "2023-01-01", None) in rows
    assert ("kunnat", sote, None, "2022-12-31") in rows
    # "siirtyvät hyvinvointialueille ensi vuoden alussa" in a 2022 document
    assert ("hyvinvointialueet", "pelastustoimi", "2023-01-01", None) in rows
    # an interface (yhdyspinta) is not a transfer to anyone
    assert ("kunnat ja hyvinvointialueet (yhdyspinta)", "varhaiskasvatus", None, None) in rows
    assert not any(r[1] == "varhaiskasvatus" and r[0] == "hyvinvointialueet" for r in rows)


def test_corpus_events_resolve_partial_dates(corpus_register: Register) -> None:
    dates = {e.date for e in corpus_register.events}
    # "kokoontuivat tiistaina 27.9." (2022-09-28), "kokoontui 26.1." (2022-02-02)
    assert {"2022-09-27", "2022-01-26", "2022-09-13", "2022-02-09", "2022-03-01"} <= dates
    assert "2023-01-01" in dates


@pytest.mark.parametrize(
    ("question", "actor"),
    [
        ("Kuka järjesti sosiaali- ja terveyspalvelut vuonna 2022?", "kunnat"),
        (
            "Kuka järjestää sosiaali- ja terveyspalvelut vuonna 2023?",
            "Keski-Suomen hyvinvointialue",
        ),
        ("Kuka vastaa pelastustoimesta vuoden 2023 alusta?", "Keski-Suomen hyvinvointialue"),
        ("Kuka vastasi pelastustoimesta 1.6.2022?", "kunnat"),
    ],
)
def test_lookup_applies_the_question_date(
    corpus_register: Register, question: str, actor: str
) -> None:
    hits = corpus_register.lookup(question, today=TODAY)
    assert hits
    first = hits[0].row
    assert isinstance(first, Responsibility)
    assert first.actor == actor
    assert hits[0].text.startswith(actor[:1].upper() + actor[1:])


def test_lookup_now_uses_today(corpus_register: Register) -> None:
    hits = corpus_register.lookup("Kuka vastaa nyt sosiaali- ja terveyspalveluista?", today=TODAY)
    assert isinstance(hits[0].row, Responsibility)
    assert "hyvinvointialue" in hits[0].row.actor
    early = corpus_register.lookup(
        "Kuka vastaa tällä hetkellä sosiaali- ja terveyspalveluista?", today=date(2022, 5, 1)
    )
    assert isinstance(early[0].row, Responsibility) and early[0].row.actor == "kunnat"


def test_lookup_roles_contacts_and_strictness(corpus_register: Register) -> None:
    hits = corpus_register.lookup("Kuka on aluehallituksen puheenjohtaja?")
    assert isinstance(hits[0].row, Role) and hits[0].row.person == "Maria Kaisa Aula"
    hits = corpus_register.lookup("Mihin numeroon voin soittaa Jaakko Selinille?")
    assert isinstance(hits[0].row, Contact) and hits[0].row.phone == "0400 778 779"
    hits = corpus_register.lookup("Mikä on Hanna Helasteen sähköposti?")
    assert isinstance(hits[0].row, Contact) and hits[0].row.email == "hanna.helaste@jamsa.fi"
    hits = corpus_register.lookup("Mitä kunnille jää?")
    assert hits and all(isinstance(h.row, Responsibility) for h in hits)
    assert {h.row.task for h in hits} >= {"hyvinvoinnin ja terveyden edistäminen"}  # type: ignore[union-attr]
    assert corpus_register.lookup("Mikä on hyvinvointiohjelman kesto?") == []
    assert corpus_register.lookup("Kuka on Suomen presidentti?") == []
    assert corpus_register.lookup("Kuka vastaa kuun lentojen järjestämisestä?") == []


def test_held_then_is_a_dated_responsibility_at_the_named_time(
    corpus_register: Register,
) -> None:
    question = "Kuka vastasi pelastustoimesta 1.6.2022?"
    held = held_then(corpus_register.lookup(question, today=TODAY), question, today=TODAY)
    assert held is not None and isinstance(held.row, Responsibility)
    assert held.row.actor == "kunnat" and held.row.valid_until == "2022-12-31"
    # no time named, or a role asked: nothing is said to have held then
    untimed = "Kuka vastaa pelastustoimesta?"
    assert held_then(corpus_register.lookup(untimed, today=TODAY), untimed, today=TODAY) is None
    role = "Kuka oli aluehallituksen puheenjohtaja vuonna 2023?"
    assert held_then(corpus_register.lookup(role, today=TODAY), role, today=TODAY) is None


def test_contact_at_form_is_normalised(corpus_register: Register) -> None:
    helaste = [c for c in corpus_register.contacts if c.person == "Hanna Helaste"]
    assert helaste and helaste[0].email == "hanna.helaste@jamsa.fi"
    assert "(at)" in helaste[0].citation.quote
    assert helaste[0].phone == "040 074 2751"


def test_generality_on_documents_written_for_the_tests(test_register: Register) -> None:
    rows = _resp(test_register)
    assert ("Laukaan kunta", "varhaiskasvatus", None, None) in rows
    assert ("Keski-Suomen hyvinvointialue", "pelastustoimi", "2023-01-01", None) in rows
    assert ("kunnat", "työllisyyden hoito", "2025-01-01", None) in rows
    assert ("TE-toimistot", "työllisyyden hoito", None, "2024-12-31") in rows
    assert ("Äänekosken kaupunki", "kirjastopalvelut", "2025-01-01", None) in rows
    assert ("Äänekosken kaupunki", "liikuntapalvelut", "2025-01-01", None) in rows
    assert ("Jämsän kaupunki", "ympäristöterveydenhuolto", None, "2022-12-31") in rows
    assert ("Jämsän kaupunki", "ympäristöterveydenhuolto", "2023-01-01", None) in rows
    roles = {(r.person, r.role) for r in test_register.roles}
    assert roles == {
        ("Matti Meikäläinen", "kunnanjohtaja"),
        ("Liisa Virtanen", "puheenjohtaja"),
        ("Pekka Korhonen", "toimialajohtaja"),
    }
    contacts = {(c.person, c.phone, c.email) for c in test_register.contacts}
    assert contacts == {
        ("Matti Meikäläinen", "040 123 4567", "matti.meikalainen@laukaa.fi"),
        ("Pekka Korhonen", "050 987 6543", ""),
    }
    events = {e.date for e in test_register.events}
    assert {"2023-01-01", "2023-01-09", "2024-06-03", "2025-01-01"} <= events
    hits = test_register.lookup("Kuka hoitaa työllisyyspalvelut vuonna 2025?", today=TODAY)
    assert isinstance(hits[0].row, Responsibility) and hits[0].row.actor == "kunnat"
    hits = test_register.lookup("Kuka vastasi työllisyyspalveluista vuonna 2024?", today=TODAY)
    assert isinstance(hits[0].row, Responsibility) and hits[0].row.actor == "TE-toimistot"


def test_a_register_is_its_documents_rows_each_once(
    corpus_docs: list[Document], corpus_register: Register
) -> None:
    """The index stores each document's rows apart (``extract_document``) and concatenates
    them: that must be the register a whole-corpus extraction gives, each fact once."""
    rows = []
    for doc in corpus_docs:
        doc_rows = extract_document(chunk_document(doc), doc)
        keys = [reg_mod._row_key(r) for r in doc_rows]
        assert len(keys) == len(set(keys))
        assert all(r.citation.doc_id == doc.doc_id for r in doc_rows)
        assert rows_from_json(rows_to_json(doc_rows)) == doc_rows
        rows.extend(doc_rows)
    assert Register.from_rows(rows).to_dict() == corpus_register.to_dict()
    by_doc = corpus_register.by_document()
    assert set(by_doc) == {d.doc_id for d in corpus_docs}
    regrouped = Register.from_rows(r for d in corpus_docs for r in by_doc[d.doc_id])
    assert regrouped.to_dict() == corpus_register.to_dict()


def test_document_key_follows_what_rows_depend_on(corpus_docs: list[Document]) -> None:
    """A document's rows depend on its chunks, its date and its publisher (the actor of
    "we" sentences): a change of any of them extracts its rows again, nothing else does."""
    doc = next(d for d in corpus_docs if d.publisher and d.date)
    ids = [c.chunk_id for c in chunk_document(doc)]
    key = document_key(ids, doc)
    assert document_key(list(ids), Document(**vars(doc))) == key
    assert document_key(ids, Document(**{**vars(doc), "title": "Toinen otsikko"})) == key
    assert document_key(ids[:-1], doc) != key
    assert document_key(ids, Document(**{**vars(doc), "date": "1999-01-01"})) != key
    assert document_key(ids, Document(**{**vars(doc), "publisher": "Toinen kunta"})) != key


def test_rows_as_dicts_fields_and_on_filter(corpus_register: Register) -> None:
    rows = rows_as_dicts(corpus_register, None, None, None)
    fields = {
        "responsibilities": {"actor", "task", "valid_from", "valid_until", "inferred"},
        "roles": {"person", "role", "organisation"},
        "contacts": {"person", "phone", "email"},
        "events": {"date", "what"},
    }
    for kind, names in fields.items():
        part = [r for r in rows if r["kind"] == kind]
        assert part
        for r in part:
            assert set(r) == names | {"kind", "citation"}
            assert set(r["citation"]) == {"doc_id", "chunk_id", "quote"}
    on_2022 = rows_as_dicts(corpus_register, "responsibilities", None, date(2022, 6, 1))
    assert any(r["actor"] == "kunnat" and r["valid_until"] == "2022-12-31" for r in on_2022)
    assert not any(r["valid_from"] == "2023-01-01" for r in on_2022)
    on_2023 = rows_as_dicts(corpus_register, "responsibilities", None, date(2023, 6, 1))
    assert not any(r["valid_until"] == "2022-12-31" for r in on_2023)
    assert any(r["actor"] == "Keski-Suomen hyvinvointialue" for r in on_2023)
    events = rows_as_dicts(corpus_register, "events", None, date(2022, 2, 1))
    assert events and all(r["date"] <= "2022-02-01" for r in events)
    roles = rows_as_dicts(corpus_register, "roles", "Kuntaliitto", date(2022, 6, 1))
    assert roles == []  # a role carries no dates: whether it held that day is not known
    roles = rows_as_dicts(corpus_register, "roles", "Kuntaliitto", date(2022, 6, 1), UNKNOWN)
    assert [r["person"] for r in roles] == ["Minna Karhunen"]


def test_rows_without_dates_are_not_in_force_on_any_day(corpus_register: Register) -> None:
    sote = "sosiaali- ja terveyspalvelut"

    def county_sote(on: date, validity: str = IN_FORCE) -> list[dict[str, object]]:
        rows = rows_as_dicts(corpus_register, "responsibilities", None, on, validity)
        return [r for r in rows if r["task"] == sote and "hyvinvointialue" in str(r["actor"])]

    # the county took over at the start of 2023; undated rows ("siirtyessä …") are listed apart
    assert county_sote(date(2022, 6, 1)) == []
    assert county_sote(date(2022, 6, 1), UNKNOWN)
    assert all(
        r["valid_from"] is r["valid_until"] is None for r in county_sote(date(2022, 6, 1), UNKNOWN)
    )
    assert {r["valid_from"] for r in county_sote(date(2023, 6, 1))} == {"2023-01-01"}
    undated = [r for r in corpus_register.responsibilities if not (r.valid_from or r.valid_until)]
    assert undated and all(validity_on(r, date(2030, 1, 1)) == UNKNOWN for r in undated)


def _row(
    actor: str, task: str, start: str | None, end: str | None, doc: str, quote: str
) -> Responsibility:
    return Responsibility(actor, task, start, end, RowCitation(doc, f"{doc}#0", quote, 0, 9))


def test_the_register_dates_a_transfer_from_its_document_and_closes_ended_rows() -> None:
    """``Register.period``: an undated transfer takes the start its own document gives the
    same actor and task (never another document's); a row with a start is closed by the
    earliest end any document gives the same actor and task on or after that start."""
    sote, move = "sosiaali- ja terveyspalvelut", "Palveluiden siirtyessä hyvinvointialueelle."
    undated_move = _row("hyvinvointialue", sote, None, None, "a", move)
    dated = _row("Keski-Suomen hyvinvointialue", sote, "2023-01-01", None, "a", "… alkaen.")
    elsewhere = _row("hyvinvointialue", sote, None, None, "b", move)
    plain = _row("hyvinvointialue", sote, None, None, "a", "Hyvinvointialue vastaa palveluista.")
    opened = _row("kunnat", "pelastustoimi", "2020-01-01", None, "c", "Kunnat vastaavat.")
    closer = _row("kunnat", "pelastustoimi", None, "2022-12-31", "d", "… kunnilta 1.1.2023.")
    too_early = _row("kunnat", "pelastustoimi", None, "2019-12-31", "e", "… asti.")
    other_actor = _row("Keski-Suomen liitto", "pelastustoimi", "2021-01-01", None, "f", "…")
    shared = _row("kunnat (yhdyspinta)", "pelastustoimi", "2020-01-01", None, "g", "…")
    rows = [undated_move, dated, elsewhere, plain, opened, closer, too_early, other_actor, shared]
    reg = Register.from_rows(rows)
    assert reg.period(undated_move) == Period("2023-01-01", None)
    assert reg.period(elsewhere) == Period(None, None)  # no date in its own document
    assert reg.period(plain) == Period(None, None)  # not a transfer: its time is not known
    assert reg.period(opened) == Period("2020-01-01", "2022-12-31")
    assert reg.period(other_actor) == Period("2021-01-01", None)
    assert reg.period(shared) == Period("2020-01-01", None)
    assert validity_on(undated_move, date(2022, 6, 1), reg.period(undated_move)) == NOT_IN_FORCE
    assert reg.rows("responsibilities", on=date(2023, 6, 1)) == [
        undated_move,
        dated,
        other_actor,
        shared,
    ]
    assert opened in reg.rows("responsibilities", on=date(2022, 6, 1))
    listed = rows_as_dicts(reg, "responsibilities", "kunnat", date(2021, 6, 1))
    assert [(r["valid_until"], r["inferred"]) for r in listed] == [
        ("2022-12-31", True),  # opened, closed by the later text
        ("2022-12-31", False),  # the closing row itself
        (None, False),  # the shared interface
    ]


def test_cli_register_json_and_bad_date(
    corpus_register: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from assistant import store
    from assistant.cli import main

    # the register as the index stores it (test_store checks ``read_register`` itself)
    monkeypatch.setattr(store, "read_register", lambda settings: corpus_register)
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path))
    assert main(["register", "--json", "--on", "2022-06-01", "--kind", "responsibilities"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and all(r["kind"] == "responsibilities" for r in rows)
    assert {r["validity"] for r in rows} == {IN_FORCE, UNKNOWN}
    assert main(["register", "--on", "2022-06-01"]) == 0
    out = capsys.readouterr().out
    assert "Voimassaolo ei tiedossa 1.6.2022" in out
    timeline = out.split("Tapahtumat")[1].split("\n\n")[0]
    days = re.findall(r"^(\d{4}-\d\d-\d\d)  ", timeline, re.MULTILINE)
    assert len(days) > 1 and days == sorted(days), "the events print oldest first"
    assert main(["register", "--actor", "Kuntaliitto"]) == 0
    out = capsys.readouterr().out
    assert "Minna Karhunen" in out and "Roolit" in out
    assert main(["register", "--on", "1.1.2023"]) == 2
    assert "päivämäärä" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("path", "other"),
    [(DEVDOCS_GOLD_PATH, HELDOUT_GOLD_PATH), (HELDOUT_GOLD_PATH, DEVDOCS_GOLD_PATH)],
)
def test_development_register_gold_is_checkable(path: Path, other: Path) -> None:
    """The register gold of the development documents (issue 14), the one developed on and
    the held-out one: at least ten documents each, none of the untouched fold, none in both,
    every quoted sentence verbatim in its document."""
    from evals.devdocs import load_folds

    gold = load_gold(path)
    assert not {g["doc_id"] for g in gold} & {g["doc_id"] for g in load_gold(other)}
    folds = load_folds()
    docs = {g["doc_id"] for g in gold}
    assert len(docs) >= 10
    assert all(folds.fold_of[d] != folds.untouched for d in docs)
    assert {g["kind"] for g in gold} == {"responsibility", "role", "contact"}
    _assert_quoted_verbatim(gold)
    for g in gold:
        if g["kind"] == "responsibility":
            assert g["task"] in reg_mod._TASK_BY_NAME or "vocabulary" in g.get("note", ""), g


@pytest.mark.parametrize("path", [DEVDOCS_GOLD_PATH, HELDOUT_GOLD_PATH])
def test_second_annotation_covers_documents_of_the_first(path: Path) -> None:
    """A second annotator's rows are about documents the first annotated, each quoting its
    document verbatim, so that their agreement is measured on the same texts."""
    second = load_gold(SECOND_GOLD_PATHS[path])
    docs = {g["doc_id"] for g in second}
    assert len(docs) >= 5
    assert docs <= {g["doc_id"] for g in load_gold(path)}
    _assert_quoted_verbatim(second)


def test_roles_gold_is_of_other_development_documents() -> None:
    """The roles-only gold is of documents of folds 1-4 that no other gold file covers."""
    from evals.devdocs import load_folds

    gold = load_gold(ROLES_GOLD_PATH)
    docs = {g["doc_id"] for g in gold}
    assert {g["kind"] for g in gold} == {"role", "contact"}
    assert all(load_folds().fold_of[d] in {1, 2, 3, 4} for d in docs)
    others = [DEVDOCS_GOLD_PATH, HELDOUT_GOLD_PATH]
    assert not docs & {g["doc_id"] for p in others for g in load_gold(p)}
    _assert_quoted_verbatim(gold)


def _assert_quoted_verbatim(gold: list[dict[str, Any]]) -> None:
    from evals.devdocs import CORPUS as DEV_CORPUS

    docs = {g["doc_id"] for g in gold}
    texts = {
        d.doc_id: " ".join(d.text.split())
        for d in load_corpus(DEV_CORPUS).documents
        if d.doc_id in docs
    }
    for g in gold:
        assert " ".join(g["sentence"].split()) in texts[g["doc_id"]], g


def test_agreement_scores_a_second_annotator_like_the_extractor() -> None:
    """Rows equal to the first annotator's agree fully; one responsibility dated otherwise
    counts as both a wrong and a missed row, and only the second's documents count."""
    gold = load_gold(DEVDOCS_GOLD_PATH)
    doc = "a2-aanekoski-kh-strateginen-yhteistyosopimus"
    second = [dict(g) for g in gold if g["doc_id"] == doc]
    responsibilities = [g for g in second if g["kind"] == "responsibility"]
    n = len(responsibilities)
    assert n >= 2
    responsibilities[0]["valid_from"] = "1999-01-01"
    figures = agreement(gold, second, as_register(gold))
    people = figures["second annotator vs first"]
    assert people["responsibilities_recall"] == pytest.approx((n - 1) / n, abs=1e-4)
    assert people["responsibilities_precision"] == pytest.approx((n - 1) / n, abs=1e-4)
    assert people["roles_recall"] == people["roles_precision"] == 1.0
    # the first annotator's rows as the "extractor": all of the document's first rows found,
    # while its rows of other documents are no part of the comparison
    assert figures["extractor vs first"]["responsibilities_recall"] == 1.0
    assert figures["extractor vs second"]["responsibilities_recall"] == pytest.approx(
        (n - 1) / n, abs=1e-4
    )


@pytest.mark.parametrize(
    ("word", "head"),
    [
        ("kuntien", "kunta"),
        ("kunnille", "kunta"),
        ("kaupungin", "kunta"),
        ("hyvinvointialueiden", "hyvinvointialue"),
        ("kuntayhtymä", "kuntayhtym"),
    ],
)
def test_the_metrics_read_an_actor_word_in_any_case(word: str, head: str) -> None:
    """Quote support finds the actor of "Kuntien vastuulle jäivät …" (genitive plural)."""
    assert _head(word) == head


def test_roles_and_contacts_of_cards_lists_and_long_titles() -> None:
    """A contact card's lines belong to its one person, a name after a heading's colon is
    a person, each "title Name" of a list is its own person, a lower-case genitive before a
    bare title is part of it, and expert and contact-person titles are roles."""
    rows = extract_document(chunk_document(doc := _doc("yhteystiedot.txt", "2025-03-01")), doc)
    roles = {(r.person, r.role) for r in rows if isinstance(r, Role)}
    assert roles == {
        ("Sanna Esimerkki", "talouspäällikkö"),
        ("Outi Testaaja", "hyvinvointikoordinaattori"),
        ("Kalle Kokeilu", "hyvinvointialuejohtaja"),
        ("Ville Vertailu", "puheenjohtaja"),
        ("Aino Ahola", "kunnanjohtaja"),
        ("Eero Esko", "talousjohtaja"),
        ("Iida Ilola", "viestinnän yhteyshenkilö"),
        ("Olli Otava", "kehittämisasiantuntija"),
    }
    contacts = {(c.person, c.phone, c.email) for c in rows if isinstance(c, Contact)}
    # two persons in one paragraph: their phone lines are nobody's rather than the wrong one's
    assert contacts == {
        ("Sanna Esimerkki", "040 111 2222", ""),
        ("Outi Testaaja", "050 222 3333", "outi.testaaja@kunta.fi"),
    }
    card = next(c for c in rows if isinstance(c, Contact) and c.person == "Outi Testaaja")
    assert card.citation.quote.startswith("Outi Testaaja") and card.citation.quote.endswith(".fi")


def test_roles_named_in_the_essive_translative_or_plural_go_to_their_holders() -> None:
    """A role named before its holders in another case than the nominative: a plural one
    goes to every person after it (not to a deputy, whose own title has the same head), a
    singular one to the first person after it, with the organisation of a genitive before
    it and else none (not the publisher's); a surname in the genitive of a -nen name is read
    in the nominative, and a place after a name is not part of it."""
    text = (
        "Työryhmä\n\n"
        "Jäseninä ovat Aino Ahola (Testilän kunta, varajäsen Eero Esko, Koelan kunta), "
        "Iida Ilola (Malliston kaupunki) ja Olli Otava.\n\n"
        "Sen puheenjohtajana toimii Testilän kunnanjohtaja Kalle Kokeilu.\n\n"
        "Hyvinvointialueen sihteerinä toimii Ville Vertailu Koelasta.\n\n"
        "Maakuntajohtaja Pekka Hokkasen mukaan työ alkaa syksyllä.\n"
    )
    doc = _text_doc("tyoryhma", text, "2025-03-01", publisher="Malliston kaupunki")
    rows = extract_document(chunk_document(doc), doc)
    roles = {(r.person, r.role, r.organisation) for r in rows if isinstance(r, Role)}
    assert roles == {
        ("Aino Ahola", "jäsen", ""),
        ("Eero Esko", "varajäsen", "Malliston kaupunki"),
        ("Iida Ilola", "jäsen", ""),
        ("Olli Otava", "jäsen", ""),
        ("Kalle Kokeilu", "kunnanjohtaja", "Malliston kaupunki"),
        ("Kalle Kokeilu", "puheenjohtaja", ""),
        ("Ville Vertailu", "sihteeri", "Hyvinvointialue"),
        ("Pekka Hokkanen", "maakuntajohtaja", "Malliston kaupunki"),
    }


def test_a_comma_before_ja_starts_a_new_clause_with_its_own_actor_and_cue() -> None:
    """Finnish puts a comma before *ja* only between clauses: what moved to one actor and what
    stayed with another are two statements, not one list of tasks for both."""
    text = (
        "Muutokset\n\nSosiaali- ja terveydenhuolto ja pelastustoimi siirtyivät 1.1.2023 "
        "hyvinvointialueelle, ja kunnille jäivät varhaiskasvatus ja opetus.\n"
    )
    doc = _text_doc("pilkku", text, "2024-01-10")
    rows = extract_document(chunk_document(doc), doc)
    resp = {(r.actor, r.task) for r in rows if isinstance(r, Responsibility)}
    assert ("hyvinvointialue", "sosiaali- ja terveyspalvelut") in resp
    assert ("hyvinvointialue", "pelastustoimi") in resp
    assert {t for a, t in resp if a == "kunnat"} == {"varhaiskasvatus", "opetus"}
    assert not {t for a, t in resp if a == "hyvinvointialue"} & {"varhaiskasvatus", "opetus"}


def test_huolehtia_holds_a_task_and_rescue_departments_and_employment_areas_are_actors() -> None:
    """*Huolehtia* (+ elative) is the statutes' verb of responsibility, as *vastata* is; a
    rescue department and an employment area hold public tasks like a municipality does."""
    text = (
        "Tehtävät\n\nJämsän kaupunki huolehtii varhaiskasvatuksesta ja kaavoituksesta. "
        "Pohjoisen Keski-Suomen työllisyysalue järjestää työvoimapalvelut. "
        "Pelastuslaitos vastaa pelastustoimesta.\n"
    )
    doc = _text_doc("huolehtii", text, "2026-02-12")
    rows = extract_document(chunk_document(doc), doc)
    resp = {(r.actor, r.task) for r in rows if isinstance(r, Responsibility)}
    assert resp == {
        ("Jämsän kaupunki", "varhaiskasvatus"),
        ("Jämsän kaupunki", "kaavoitus"),
        ("Pohjoisen Keski-Suomen työllisyysalue", "työllisyyden hoito"),
        ("pelastuslaitos", "pelastustoimi"),
    }
