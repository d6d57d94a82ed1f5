"""Shared fixtures. Append new fixtures below; do not rewrite others'."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Settings pointing at the real corpus and a session-wide temporary index."""
    from assistant import Settings

    index_dir = tmp_path_factory.mktemp("index")
    return Settings(corpus_dir=CORPUS, index_dir=index_dir)


@pytest.fixture(scope="session")
def assistant(corpus_settings):  # type: ignore[no-untyped-def]
    """One Assistant over the real corpus, loaded (and indexed) once per test session."""
    from assistant import Assistant

    return Assistant.load(corpus_settings)


@pytest.fixture()
def tmp_corpus(tmp_path: Path) -> Iterator[Path]:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    yield target
