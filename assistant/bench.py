"""``python -m assistant bench``: index build and query figures on this machine (not a test)."""

from __future__ import annotations

import os
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import store
from .config import Settings
from .embeddings import make_embeddings

# Questions cycled over for the latency runs: a mix of kinds, all about the corpus's topics.
BENCH_QUESTIONS = (
    "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?",
    "Kuka vastaa pelastustoimesta vuoden 2023 alusta?",
    "Mitä tehtäviä kunnille jää sote-uudistuksen jälkeen?",
    "Milloin yhdyspintajaosto kokoontui?",
    "Missä sote-johtajat kokoontuivat?",
    "Montako asukasta Keski-Suomessa on?",
    "Mikä on puitesopimuksen tarkoitus?",
    "Who chairs the regional government of Central Finland?",
    "Paljonko hyvinvointialueen talousarvio on?",
    "Mitä Kuntaliitto ehdottaa hyvinvointialueille?",
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_bench(settings: Settings, n_queries: int = 200) -> dict[str, float]:
    """Build a fresh index of the corpus in a temporary folder and time it, then time
    retrieval, query embedding and full extractive ``ask`` over ``n_queries`` questions."""
    from .assistant import Assistant

    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        bench_settings = replace(
            settings, index_dir=Path(tmp) / "index", chroma_host=None, llm_base_url=None
        )
        embeddings = make_embeddings(bench_settings.embeddings, bench_settings)
        started = time.perf_counter()
        report = store.update(bench_settings, embeddings)
        build = time.perf_counter() - started
        figures.update(build_s=build, chunks=report.chunks, chunks_per_s=report.chunks / build)
        figures.update({f"stage_{k}_s": v for k, v in report.stage_seconds.items()})

        assistant = Assistant(bench_settings, embeddings, store.load(bench_settings, embeddings))
        questions = [BENCH_QUESTIONS[i % len(BENCH_QUESTIONS)] for i in range(n_queries)]
        assistant.ask(questions[0])  # warm caches once
        timings: dict[str, list[float]] = {"embed": [], "retrieve": [], "ask": []}
        for q in questions:
            t = time.perf_counter()
            embeddings.embed_array([q], query=True)
            timings["embed"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.retrieve(q)
            timings["retrieve"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assistant.ask(q)
            timings["ask"].append((time.perf_counter() - t) * 1000)
        for name, values in timings.items():
            figures[f"{name}_p50_ms"] = float(np.percentile(values, 50))
            figures[f"{name}_p95_ms"] = float(np.percentile(values, 95))
        figures["ask_to_embed_ratio"] = figures["ask_p50_ms"] / figures["embed_p50_ms"]
        figures["peak_rss_mb"] = _peak_rss_mb()

    print(f"Kone: {os.cpu_count()} ydintä; upotusmalli {embeddings.model_id}")
    print(
        f"Indeksointi: {figures['chunks']:.0f} palaa {figures['build_s']:.2f} s "
        f"({figures['chunks_per_s']:.1f} palaa/s, sisältää lauseupotukset)"
    )
    stages = ", ".join(f"{k} {v:.2f} s" for k, v in report.stage_seconds.items())
    print(f"Vaiheittain: {stages}")
    for name, label in (("embed", "kysymyksen upotus"), ("retrieve", "haku"), ("ask", "ask")):
        print(
            f"{label}: p50 {figures[name + '_p50_ms']:.1f} ms, "
            f"p95 {figures[name + '_p95_ms']:.1f} ms ({n_queries} kyselyä)"
        )
    print(f"ask p50 / upotus p50 = {figures['ask_to_embed_ratio']:.2f}")
    print(f"Muistin huippu (RSS): {figures['peak_rss_mb']:.0f} MiB")
    return figures
