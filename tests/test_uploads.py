"""Upload validation: every bad upload is refused in Finnish and leaves the corpus unchanged."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from assistant.uploads import UploadError, save_upload, validate_upload

MAX = 1000


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "olemassa.txt").write_text("Keski-Suomen liitto on maakunnan liitto.\n", "utf-8")
    (folder / "sources.toml").write_text("# lähteet\n", "utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("ohje.exe", b"MZ...", "ei tueta"),
        ("kuva.png", b"\x89PNG", "ei tueta"),
        ("ilman_paatetta", b"teksti", "ei tueta"),
        ("iso.txt", b"x" * (MAX + 1), "liian suuri"),
        ("tyhja.txt", b"", "tyhjä"),
        ("../ulos.txt", b"teksti", "kansioita"),
        ("..\\ulos.txt", b"teksti", "kansioita"),
        ("alikansio/tiedosto.txt", b"teksti", "kansioita"),
        ("/etc/passwd.txt", b"teksti", "kansioita"),
        ("..", b"teksti", "kansioita"),
        (".piilo.txt", b"teksti", "pisteellä"),
        ("rivin\nvaihto.txt", b"teksti", "ohjausmerkkejä"),
        ("nolla\x00.txt", b"teksti", "ohjausmerkkejä"),
        ("", b"teksti", "nimi"),
        ("olemassa.txt", b"eri sisalto", "jo tiedosto"),
    ],
)
def test_bad_uploads_are_refused_and_change_nothing(
    corpus: Path, name: str, data: bytes, fragment: str
) -> None:
    before = _snapshot(corpus)
    with pytest.raises(UploadError) as info:
        validate_upload(name, data, corpus, MAX)
    assert fragment in str(info.value)
    assert _snapshot(corpus) == before
    assert not list(corpus.parent.glob("ulos.txt"))


def test_duplicate_content_is_detected_by_hash_under_any_name(corpus: Path) -> None:
    before = _snapshot(corpus)
    same = (corpus / "olemassa.txt").read_bytes()
    with pytest.raises(UploadError) as info:
        validate_upload("uusi-nimi.md", same, corpus, MAX)
    assert "olemassa.txt" in str(info.value)
    assert _snapshot(corpus) == before


def test_valid_upload_is_saved_atomically(corpus: Path) -> None:
    data = "Uusi asiakirja hyvinvointialueen yhteistyöstä.\n".encode()
    upload = validate_upload("Yhteistyö 2024.md", data, corpus, MAX)
    assert upload.sha256 == hashlib.sha256(data).hexdigest()
    path = save_upload(upload)
    assert path == corpus / "Yhteistyö 2024.md"
    assert path.read_bytes() == data
    # no temporary files left behind, and a second identical upload is now a duplicate
    assert sorted(p.name for p in corpus.iterdir()) == [
        "Yhteistyö 2024.md",
        "olemassa.txt",
        "sources.toml",
    ]
    with pytest.raises(UploadError):
        validate_upload("toinen.md", data, corpus, MAX)


def test_suffix_check_is_case_insensitive(corpus: Path) -> None:
    upload = validate_upload("RAPORTTI.TXT", b"Raportti.", corpus, MAX)
    assert upload.target == corpus / "RAPORTTI.TXT"
