"""sources.toml written by the admin: an official's corrections to a document's metadata.

``ingest`` reads the file; this module changes one document's entry and leaves everything
else in the file — other entries, comments, keys the form does not edit — as it was. The file
is replaced atomically and only after the new text has been read back as valid TOML, so a
failure never leaves a half-written or broken file behind.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from datetime import date
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from .ingest import (
    ISO_DATE,
    SOURCES_FILE,
    SUPPORTED_SUFFIXES,
    IngestError,
    load_document,
    read_sources,
)

EDITABLE_KEYS: tuple[str, ...] = ("title", "date", "publisher", "kind")
"""The keys the admin form edits; an emptied one is removed (and derived from the text again)."""
UNKNOWN_KIND = "document"  # what ingest gives a document whose kind nobody stated
_MAX_VALUE = 500


class SourcesError(ValueError):
    """sources.toml cannot be read or written, or a value is not accepted (Finnish message)."""


def document_path(corpus_dir: Path, doc_id: str) -> Path | None:
    """The corpus file whose stem is ``doc_id`` (one of the supported types), if any."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        return None
    for path in sorted(corpus_dir.iterdir()):
        if path.is_file() and path.stem == doc_id and path.suffix.lower() in SUPPORTED_SUFFIXES:
            return path
    return None


def entry_of(corpus_dir: Path, doc_id: str) -> dict[str, str]:
    """The document's own entry in sources.toml ({} when it has none or the file is bad)."""
    entry = read_sources(Path(corpus_dir), problems=[]).get(doc_id, {})
    return {k: str(v) for k, v in entry.items()}


def current_metadata(corpus_dir: Path, doc_id: str) -> dict[str, str]:
    """Title, date, publisher and kind to show the official, as indexing reads them: the
    sources.toml entry where it has a key, otherwise what the text gives (``load_document``);
    unknown ones empty. ``date_kind`` says what a date read from the text is."""
    path = document_path(corpus_dir, doc_id)
    if path is None:
        raise SourcesError(f'Asiakirjaa "{doc_id}" ei löydy aineistokansiosta.')
    entry = entry_of(corpus_dir, doc_id)
    try:
        document = load_document(path, entry)
    except IngestError as exc:
        raise SourcesError(str(exc)) from exc
    meta = {key: str(getattr(document, key)) for key in EDITABLE_KEYS}
    if meta["kind"] == UNKNOWN_KIND:
        meta["kind"] = ""
    meta["date_kind"] = "" if entry.get("date") else document.date_kind
    return meta


def clean_values(values: Mapping[str, str | None]) -> dict[str, str]:
    """The form's values checked and trimmed; raises ``SourcesError`` for a bad one."""
    out: dict[str, str] = {}
    for key in EDITABLE_KEYS:
        value = " ".join(str(values.get(key) or "").split())
        if len(value) > _MAX_VALUE:
            raise SourcesError(f"Kenttä {key} on liian pitkä (enintään {_MAX_VALUE} merkkiä).")
        if key == "date" and value and not _valid_date(value):
            raise SourcesError(
                f'Päivämäärä "{value}" ei kelpaa: kirjoita se muodossa VVVV-KK-PP '
                "(tai VVVV-KK tai VVVV)."
            )
        out[key] = value
    return out


def _valid_date(value: str) -> bool:
    if not ISO_DATE.match(value):
        return False
    try:
        date.fromisoformat((value + "-01-01")[:10])  # a year or month: its first day
    except ValueError:
        return False
    return True


def write_entry(corpus_dir: Path, doc_id: str, values: Mapping[str, str | None]) -> Path:
    """Set the editable keys of ``doc_id``'s entry in ``corpus_dir/sources.toml`` (an empty
    value removes its key); everything else in the file is kept. Returns the file's path."""
    if document_path(corpus_dir, doc_id) is None:
        raise SourcesError(f'Asiakirjaa "{doc_id}" ei löydy aineistokansiosta.')
    cleaned = clean_values(values)
    path = Path(corpus_dir) / SOURCES_FILE
    try:
        old = path.read_text("utf-8") if path.is_file() else ""
        document = tomlkit.parse(old)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourcesError(f"{SOURCES_FILE} ei ole luettavissa UTF-8-tekstinä: {exc}") from exc
    except TOMLKitError as exc:
        raise SourcesError(
            f"{SOURCES_FILE} on virheellinen TOML ({exc}); korjaa se ensin. Mitään ei muutettu."
        ) from exc
    documents = document.get("documents")
    if documents is None:
        documents = tomlkit.table(is_super_table=True)
        document["documents"] = documents
    elif not isinstance(documents, dict):
        raise SourcesError(f"{SOURCES_FILE}: [documents] ei ole taulukko. Mitään ei muutettu.")
    entry = documents.get(doc_id)
    if entry is None:
        entry = tomlkit.table()
        documents[doc_id] = entry
    elif not isinstance(entry, dict):
        raise SourcesError(f'{SOURCES_FILE}: merkintä "{doc_id}" ei ole taulukko.')
    for key, value in cleaned.items():
        if value:
            entry[key] = value
        elif key in entry:
            del entry[key]
    text = tomlkit.dumps(document)
    read_back = tomllib.loads(text)["documents"][doc_id]
    assert all(read_back.get(k, "") == v for k, v in cleaned.items()), "sources.toml round trip"
    _write_atomic(path, text)
    return path


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, "utf-8")
    os.replace(tmp, path)
