"""Ingestion: corpus files + sources.toml → cleaned ``Document`` objects."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Document:
    """One source document after cleaning; ``text`` is what chunks and quotes index into."""

    doc_id: str
    title: str
    date: str  # ISO 8601, "" when unknown
    publisher: str
    kind: str
    url: str  # "" when unknown
    text: str
    sha256: str  # of the raw file bytes
    language: str = "fi"
