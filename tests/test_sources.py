"""sources.toml written by the admin form: one entry changed, everything else kept."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from assistant.ingest import load_corpus
from assistant.metadata import read_metadata
from assistant.sources import SourcesError, current_metadata, write_entry

EXISTING = """# Metadata of the corpus documents.
# (a comment the officials wrote; it must survive)

[documents."vanha"]
# why this title
title = "Vanha otsikko"
date = "2022-09-28"
url = "https://example.fi/vanha"
"""


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    (tmp_path / "vanha.txt").write_text("Vanha otsikko\n\nTekstiä vanhasta asiasta.", "utf-8")
    (tmp_path / "uusi.md").write_text(
        "# Hyvinvointialueen tiedote\n\nAluehallitus päätti asiasta 3.3.2025.", "utf-8"
    )
    (tmp_path / "sources.toml").write_text(EXISTING, "utf-8")
    return tmp_path


def test_new_entry_is_added_and_the_rest_kept_byte_for_byte(corpus: Path) -> None:
    write_entry(
        corpus,
        "uusi",
        {"title": " Tiedote  yhteistyöstä ", "date": "2025-03-03", "publisher": "", "kind": "news"},
    )
    text = (corpus / "sources.toml").read_text("utf-8")
    assert text.startswith(EXISTING)
    entry = tomllib.loads(text)["documents"]["uusi"]
    assert entry == {"title": "Tiedote yhteistyöstä", "date": "2025-03-03", "kind": "news"}
    loaded = {d.doc_id: d for d in load_corpus(corpus).documents}
    assert loaded["uusi"].title == "Tiedote yhteistyöstä"
    assert loaded["uusi"].kind == "news"
    assert loaded["vanha"].url == "https://example.fi/vanha"


def test_existing_entry_is_corrected_in_place(corpus: Path) -> None:
    write_entry(
        corpus, "vanha", {"title": "Uusi otsikko", "date": "", "publisher": "Joutsan kunta"}
    )
    text = (corpus / "sources.toml").read_text("utf-8")
    assert "# why this title" in text and "# (a comment the officials wrote" in text
    entry = tomllib.loads(text)["documents"]["vanha"]
    # an emptied field is removed (derived again), keys the form does not edit stay
    assert entry == {
        "title": "Uusi otsikko",
        "url": "https://example.fi/vanha",
        "publisher": "Joutsan kunta",
    }
    assert text.count('[documents."vanha"]') == 1


def test_file_is_created_when_missing(tmp_path: Path) -> None:
    (tmp_path / "uusi.txt").write_text("Otsikko\n\nTeksti.", "utf-8")
    write_entry(tmp_path, "uusi", {"title": "Oikea otsikko", "date": "2026"})
    data = tomllib.loads((tmp_path / "sources.toml").read_text("utf-8"))
    assert data == {"documents": {"uusi": {"title": "Oikea otsikko", "date": "2026"}}}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"date": "3.3.2025"}, "VVVV-KK-PP"),
        ({"date": "2025-02-30"}, "VVVV-KK-PP"),
        ({"title": "x" * 501}, "liian pitkä"),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(
    corpus: Path, values: dict[str, str], message: str
) -> None:
    with pytest.raises(SourcesError, match=message):
        write_entry(corpus, "uusi", values)
    assert (corpus / "sources.toml").read_text("utf-8") == EXISTING


def test_unknown_document_and_broken_file_are_refused(corpus: Path) -> None:
    with pytest.raises(SourcesError, match="ei löydy"):
        write_entry(corpus, "puuttuva", {"title": "X"})
    broken = EXISTING + "\n[documents.\n"
    (corpus / "sources.toml").write_text(broken, "utf-8")
    with pytest.raises(SourcesError, match="virheellinen TOML"):
        write_entry(corpus, "uusi", {"title": "X"})
    assert (corpus / "sources.toml").read_text("utf-8") == broken
    assert not list(corpus.glob(".sources.toml*"))


def test_current_metadata_prefers_the_entry_and_reads_the_rest(corpus: Path) -> None:
    assert current_metadata(corpus, "vanha") == {
        "title": "Vanha otsikko",
        "date": "2022-09-28",
        "publisher": "",
        "kind": "",  # ingest's "document" means nobody stated it
        "date_kind": "",  # the entry's date: its kind is not read
    }
    (corpus / "tiedote.txt").write_text(
        "Hyväksy kaikki evästeet\nSiirry suoraan sisältöön\nTIEDOTE 18.6.2025\n"
        "Aluehallitus hyväksyi yhteistyösopimuksen kuntien kanssa\n\n"
        "Keski-Suomen hyvinvointialueen aluehallitus hyväksyi kokouksessaan "
        "yhteistyösopimuksen kuntien kanssa. Sopimus tulee voimaan syksyllä.",
        "utf-8",
    )
    read = current_metadata(corpus, "tiedote")
    text = {d.doc_id: d.text for d in load_corpus(corpus).documents}["tiedote"]
    expected = read_metadata(text, "tiedote.txt")  # no entry: everything read from the text
    assert read == {
        "title": expected.title,
        "date": expected.date,
        "publisher": expected.publisher,
        "kind": expected.kind,
        "date_kind": expected.date_kind,
    }
    assert read["date"] == "2025-06-18" and read["date_kind"] == "dateline"
    assert read["kind"] == "press_release"
    with pytest.raises(SourcesError):
        current_metadata(corpus, "puuttuva")
