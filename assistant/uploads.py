"""Officials' document uploads: validation and atomic saving, as pure functions.

The web app's admin tab calls these; nothing here knows about Gradio. A rejected upload
raises ``UploadError`` with a Finnish message and leaves the corpus folder untouched.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .ingest import SUPPORTED_SUFFIXES

MAX_NAME_CHARS = 200


class UploadError(ValueError):
    """An upload that must not be saved; ``str(error)`` is a Finnish message for the user."""


@dataclass(frozen=True)
class ValidUpload:
    """An upload that passed every check and may be written to ``target``."""

    filename: str
    data: bytes
    sha256: str
    target: Path


def safe_filename(filename: str) -> str:
    """Return ``filename`` if it is a plain, visible file name, else raise ``UploadError``.

    Only a bare name is accepted (no folders, no ``..``, no control characters, no hidden
    files), so an upload can never be written outside the corpus folder.
    """
    name = unicodedata.normalize("NFC", filename or "")
    if not name.strip():
        raise UploadError("Tiedostolta puuttuu nimi.")
    if "/" in name or "\\" in name or ".." in name:
        raise UploadError(
            f"Tiedoston nimi {name!r} ei kelpaa: nimessä ei saa olla kansioita eikä '..'."
        )
    if any(unicodedata.category(ch)[0] == "C" for ch in name):
        raise UploadError("Tiedoston nimessä ei saa olla ohjausmerkkejä.")
    if name.startswith(".") or name != name.strip():
        raise UploadError(
            f"Tiedoston nimi {name!r} ei kelpaa: nimi ei saa alkaa pisteellä eikä välilyönnillä."
        )
    if len(name) > MAX_NAME_CHARS:
        raise UploadError(f"Tiedoston nimi on liian pitkä (enintään {MAX_NAME_CHARS} merkkiä).")
    return name


def _corpus_hashes(corpus_dir: Path) -> dict[str, str]:
    """sha256 → file name of every supported document already in the corpus."""
    hashes: dict[str, str] = {}
    if not corpus_dir.is_dir():
        return hashes
    for path in sorted(corpus_dir.iterdir()):
        if path.is_file() and path.suffix.lower() in SUPPORTED_SUFFIXES:
            hashes[hashlib.sha256(path.read_bytes()).hexdigest()] = path.name
    return hashes


def validate_upload(filename: str, data: bytes, corpus_dir: Path, max_bytes: int) -> ValidUpload:
    """Check an upload's name, type, size and novelty before anything is written.

    Raises ``UploadError`` (Finnish message) for a bad name, an unsupported type, an
    empty or oversized file, a name already taken, or content identical (sha256) to a
    document already in ``corpus_dir``.
    """
    name = safe_filename(filename)
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        allowed = ", ".join(sorted(SUPPORTED_SUFFIXES))
        raise UploadError(
            f"Tiedostotyyppiä {suffix or '(ei päätettä)'} ei tueta. Sallitut tyypit: {allowed}."
        )
    if not data:
        raise UploadError("Tiedosto on tyhjä.")
    if len(data) > max_bytes:
        raise UploadError(
            f"Tiedosto on liian suuri ({len(data) / 1_048_576:.1f} Mt); "
            f"enimmäiskoko on {max_bytes / 1_048_576:.1f} Mt."
        )
    digest = hashlib.sha256(data).hexdigest()
    existing = _corpus_hashes(corpus_dir)
    if digest in existing:
        raise UploadError(f"Sama asiakirja on jo aineistossa tiedostona {existing[digest]}.")
    target = corpus_dir / name
    if target.exists():
        raise UploadError(f"Aineistossa on jo tiedosto nimeltä {name}. Nimeä uusi tiedosto toisin.")
    return ValidUpload(filename=name, data=data, sha256=digest, target=target)


def save_upload(upload: ValidUpload) -> Path:
    """Write a validated upload atomically (temporary file + rename) and return its path.

    A reader never sees a half-written document, and a failed write leaves no file behind.
    """
    folder = upload.target.parent
    folder.mkdir(parents=True, exist_ok=True)
    if upload.target.exists():
        raise UploadError(f"Aineistossa on jo tiedosto nimeltä {upload.filename}.")
    fd, tmp_name = tempfile.mkstemp(prefix=".upload-", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(upload.data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, upload.target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return upload.target
