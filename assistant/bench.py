"""``python -m assistant bench [--scale N]``: index build and query figures on this machine
(a benchmark, not a test).

Without ``--scale`` it indexes the corpus and times retrieval and ``ask``. With ``--scale N`` it
indexes a synthetic corpus of about N chunks (:mod:`assistant.synthetic`) and measures what
grows with the corpus: build time per stage, size on disk, load time, memory, ``ask`` latency
against the seed corpus's in the same run, and adding one document.
"""

from __future__ import annotations

import contextlib
import hashlib
import multiprocessing
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from . import store
from .answering.nlp import NLP, Parsed, load_nlp
from .chunking import Chunk, chunk_document
from .config import Settings
from .embeddings import AnyEmbeddings, ArrayEmbeddings, make_embeddings
from .ingest import load_corpus
from .synthetic import DEVDOCS, compose_document, source_sentences, write_corpus

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


# ----------------------------------------------------------------------------- scale


def _text_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())


class PooledEmbeddings(ArrayEmbeddings):
    """Passage vectors drawn from a pool of real ones (chosen by a hash of the text, with a
    small deterministic jitter so that no two texts tie); questions are embedded for real.
    Lets the scale benchmark index N chunks in minutes; the real throughput is measured
    separately and the build time projected from it."""

    def __init__(self, real: AnyEmbeddings, pool: np.ndarray) -> None:
        self._real = real
        self._pool = pool
        self.model_id = real.model_id  # an index it builds opens with the real model
        self.dim = int(pool.shape[1])

    def embed_array(self, texts: Sequence[str], *, query: bool = False) -> np.ndarray:
        """Real question vectors; pooled passage vectors."""
        if query:
            return self._real.embed_array(texts, query=True)
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            digest = _text_hash(text)
            noise = np.random.default_rng(digest).normal(0.0, 0.01, self.dim)
            vector = self._pool[digest % len(self._pool)] + noise
            out[i] = vector / np.linalg.norm(vector)
        return out


class PooledNLP(NLP):
    """Sentence analyses drawn from a pool of real ones by a hash of the text; questions are
    analysed for real. The scale benchmark's counterpart of :class:`PooledEmbeddings`."""

    def __init__(self, real: NLP, pool: Sequence[Parsed]) -> None:
        super().__init__(real.status, real.model_id, real._nlp, real._lemmas)
        self._real = real
        self._pool = list(pool)

    def analyze(self, text: str) -> Parsed:
        """A question: analysed for real."""
        return self._real.analyze(text)

    def pipe(self, texts: Iterable[str], batch_size: int = 64) -> Iterable[Parsed]:
        """Index-time sentences: pooled."""
        for text in texts:
            yield self._pool[_text_hash(text) % len(self._pool)]


@dataclass(frozen=True)
class Rates:
    """Real throughput of the stages the scale benchmark pools, measured on a sample."""

    embed_chunks_per_s: float
    embed_sentences_per_s: float
    nlp_sentences_per_s: float


def _index_dir_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def _sample_chunks(settings: Settings, limit: int) -> list[Chunk]:
    """The first ``limit`` chunks of the corpus, as ``update`` would cut them."""
    chunks: list[Chunk] = []
    for doc in load_corpus(settings.corpus_dir).documents:
        chunks += chunk_document(
            doc, settings.chunk_tokens, settings.chunk_overlap, settings.max_chunk_tokens
        )
        if len(chunks) >= limit:
            break
    return chunks[:limit]


def _measure_rates(
    settings: Settings, embeddings: AnyEmbeddings, nlp: NLP, n_chunks: int, n_sentences: int
) -> tuple[Rates, np.ndarray, list[Parsed]]:
    """Embed and analyse a sample for real: the throughput, and the pools of vectors and
    analyses the pooled build draws from."""
    chunks = _sample_chunks(settings, n_chunks)
    sentences = [c.text[a:b] for c in chunks for a, b in c.sentences][:n_sentences]
    started = time.perf_counter()
    chunk_vectors = embeddings.embed_array([c.context for c in chunks])
    chunk_s = time.perf_counter() - started
    started = time.perf_counter()
    sentence_vectors = embeddings.embed_array(sentences)
    sentence_s = time.perf_counter() - started
    started = time.perf_counter()
    parses = list(nlp.pipe(sentences))
    nlp_s = time.perf_counter() - started
    rates = Rates(len(chunks) / chunk_s, len(sentences) / sentence_s, len(sentences) / nlp_s)
    return rates, np.concatenate([chunk_vectors, sentence_vectors]), parses


def _build_pooled(settings: Settings, sample_chunks: int) -> dict[str, Any]:
    """Child process: measure the real rates, then build the whole index with pooled vectors
    and analyses. Returns the report, the rates and this process's peak RSS."""
    embeddings = make_embeddings(settings.embeddings, settings)
    nlp = load_nlp(settings.nlp_model)
    rates, vectors, parses = _measure_rates(
        settings, embeddings, nlp, sample_chunks, 4 * sample_chunks
    )
    started = time.perf_counter()
    pooled = PooledEmbeddings(embeddings, vectors)
    report = store.update(settings, pooled, nlp=PooledNLP(nlp, parses))
    return {
        "build_s": time.perf_counter() - started,
        "chunks": report.chunks,
        "sentences": report.sentences,
        "stage_seconds": report.stage_seconds,
        "rates": asdict(rates),
        "rss_build_mib": _peak_rss_mb(),
    }


def _build_real(settings: Settings) -> dict[str, Any]:
    """Child process: build the index with the real models (the seed corpus)."""
    embeddings = make_embeddings(settings.embeddings, settings)
    started = time.perf_counter()
    report = store.update(settings, embeddings)
    return {"build_s": time.perf_counter() - started, "chunks": report.chunks}


def _serve(settings: Settings, n_queries: int, new_document: str | None) -> dict[str, Any]:
    """Child process: load the assistant as the app does, time ``ask``, then add one document
    and time the incremental update (its own embedding and analysis reported apart)."""
    from .assistant import Assistant

    started = time.perf_counter()
    assistant = Assistant.load(settings)
    figures: dict[str, Any] = {"load_s": time.perf_counter() - started}
    questions = [BENCH_QUESTIONS[i % len(BENCH_QUESTIONS)] for i in range(n_queries)]
    assistant.ask(questions[0])
    timings = []
    for q in questions:
        t = time.perf_counter()
        assistant.ask(q)
        timings.append((time.perf_counter() - t) * 1000)
    figures["ask_p50_ms"] = float(np.percentile(timings, 50))
    figures["ask_p95_ms"] = float(np.percentile(timings, 95))
    figures["rss_app_mib"] = _peak_rss_mb()
    if new_document is not None:
        (settings.corpus_dir / "lisatty-asiakirja.md").write_text(new_document, "utf-8")
        started = time.perf_counter()
        report = assistant.reindex()
        figures["add_one_doc_s"] = time.perf_counter() - started
        own = ("embed_chunks", "embed_sentences", "nlp")
        figures["add_one_doc_own_s"] = sum(report.stage_seconds.get(k, 0.0) for k in own)
        figures["add_one_doc_stages"] = report.stage_seconds
        figures["add_one_doc_embedded"] = report.embedded
        figures["documents_after_add"] = len(assistant.documents())
    return figures


@contextlib.contextmanager
def _chroma_server(path: Path) -> Iterator[int]:
    """A ``chroma run`` of the benchmark's own on a free loopback port (never a shared one:
    a full build resets the collection); stopped by pid afterwards."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    chroma = Path(sys.executable).parent / "chroma"
    command = [str(chroma), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError as exc:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("Chroma-palvelin ei käynnistynyt.") from exc
                time.sleep(0.3)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def _in_child(function: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
    """Run ``function`` in a fresh process, so that its peak RSS is its own."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return dict(pool.apply(function, args))


def run_scale(
    settings: Settings,
    n_chunks: int,
    *,
    n_queries: int = 200,
    sample_chunks: int = 128,
    chroma_server: bool = False,
) -> dict[str, Any]:
    """Index a synthetic corpus of about ``n_chunks`` chunks and measure build, size, load,
    memory, ``ask`` latency and adding one document; the seed corpus's ``ask`` in the same
    run (embedded Chroma) is the yardstick. Vectors and analyses are pooled from a real
    sample (whose throughput gives the projected build time of real ones). With
    ``chroma_server`` the big index lives in a ``chroma run`` the benchmark starts."""
    figures: dict[str, Any] = {
        "machine_cores": os.cpu_count(),
        "sample_chunks": sample_chunks,
        "chroma": "server" if chroma_server else "embedded",
    }
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        base = replace(settings, chroma_host=None, llm_base_url=None, feedback_db=None)
        seed = replace(base, index_dir=Path(tmp) / "seed-index")
        _in_child(_build_real, seed)
        figures["ask_p50_ms_seed"] = _in_child(_serve, seed, n_queries, None)["ask_p50_ms"]

        started = time.perf_counter()
        sentences = source_sentences([settings.corpus_dir, DEVDOCS])
        corpus = write_corpus(
            Path(tmp) / "corpus", sentences, n_chunks, chunk_tokens=settings.chunk_tokens
        )
        figures["generate_s"] = time.perf_counter() - started
        figures["documents"] = corpus.documents
        figures["source_sentences"] = corpus.source_sentences
        scale = replace(base, corpus_dir=corpus.directory, index_dir=Path(tmp) / "index")
        if chroma_server:
            port = stack.enter_context(_chroma_server(Path(tmp) / "chroma-server"))
            scale = replace(scale, chroma_host="127.0.0.1", chroma_port=port)
        built = _in_child(_build_pooled, scale, sample_chunks)
        rates = built.pop("rates")
        figures.update(built)
        figures.update(rates)
        figures["index_mib"] = _index_dir_mib(scale.index_dir) + (
            _index_dir_mib(Path(tmp) / "chroma-server") if chroma_server else 0.0
        )
        # the pooled build (Chroma insertion and file writes included) plus the real work
        # the pools stood in for
        figures["build_projected_s"] = (
            built["build_s"]
            + built["chunks"] / rates["embed_chunks_per_s"]
            + built["sentences"] / rates["embed_sentences_per_s"]
            + built["sentences"] / rates["nlp_sentences_per_s"]
        )
        new_document = compose_document(sentences, 60, random.Random(n_chunks))
        figures.update(_in_child(_serve, scale, n_queries, new_document))
    return figures


def print_scale(figures: dict[str, Any]) -> None:
    """The scale benchmark's figures in Finnish."""
    f = figures
    chroma = "Chroma-palvelimessa" if f["chroma"] == "server" else "sulautetussa Chromassa"
    print(
        f"Synteettinen aineisto ({chroma}): {f['documents']} asiakirjaa, {f['chunks']} palaa, "
        f"{f['sentences']} lausetta ({f['source_sentences']} lähdelauseesta, numerot ja "
        f"kunnat vaihdeltu); kone: {f['machine_cores']} ydintä"
    )
    stages = ", ".join(f"{k} {v:.1f} s" for k, v in f["stage_seconds"].items())
    print(f"Indeksointi {f['build_s']:.1f} s ({stages})")
    print(f"  muistin huippu {f['rss_build_mib']:.0f} MiB")
    print(
        f"  Upotukset ja analyysit otettiin {f['sample_chunks']} palan todellisesta otoksesta "
        "(poolista); todelliset nopeudet: "
        f"palat {f['embed_chunks_per_s']:.1f}/s, lauseet {f['embed_sentences_per_s']:.1f}/s, "
        f"analyysi {f['nlp_sentences_per_s']:.1f} lausetta/s"
    )
    print(
        f"  Arvioitu täysi indeksointi todellisilla upotuksilla: {f['build_projected_s']:.0f} s "
        f"({f['build_projected_s'] / 3600:.2f} h)"
    )
    print(f"Hakemiston koko levyllä {f['index_mib']:.0f} MiB; lataus {f['load_s']:.1f} s")
    print(
        f"ask: p50 {f['ask_p50_ms']:.1f} ms, p95 {f['ask_p95_ms']:.1f} ms "
        f"(siemenaineistolla p50 {f['ask_p50_ms_seed']:.1f} ms); "
        f"ladatun sovelluksen muisti {f['rss_app_mib']:.0f} MiB"
    )
    print(
        f"Yhden asiakirjan lisäys: {f['add_one_doc_s']:.1f} s, "
        f"josta sen omat upotukset ja analyysi {f['add_one_doc_own_s']:.1f} s"
    )
