"""``bench --scale``: the scale benchmark runs end to end and reports what the issue asks."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.bench import run_scale
from assistant.config import Settings

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_scale_benchmark_reports_its_figures(tmp_path: Path) -> None:
    settings = Settings(corpus_dir=ROOT / "corpus", index_dir=tmp_path / "unused")
    figures = run_scale(settings, 60, n_queries=5, sample_chunks=4)
    for key in (
        "chunks",
        "build_s",
        "embed_chunks_per_s",
        "load_s",
        "rss_app_mib",
        "ask_p50_ms",
        "ask_p95_ms",
        "ask_p50_ms_seed",
        "add_one_doc_s",
    ):
        assert figures[key] > 0, key
    assert 30 <= figures["chunks"] <= 120
    assert figures["sentences"] > figures["chunks"]
    # the added document went in incrementally: only its own chunks were embedded
    assert figures["documents_after_add"] == figures["documents"] + 1
    assert 0 < figures["add_one_doc_embedded"] < figures["chunks"] / 2
    assert figures["build_projected_s"] > figures["build_s"]
    assert not (tmp_path / "unused").exists()  # the benchmark builds in its own folder
