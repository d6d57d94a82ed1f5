"""The index: incremental updates, model change, interrupted runs, Chroma server mode."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant import Settings, store
from assistant.chunking import chunk_document
from assistant.embeddings import E5Embeddings
from assistant.ingest import load_corpus
from assistant.sentence_db import SentenceDB

ROOT = Path(__file__).resolve().parent.parent


def spy(log: list[Any], record: Callable[..., Any], real: Callable[..., Any]) -> Callable[..., Any]:
    """``real``, appending ``record(*args)`` to ``log`` at every call: which inputs reached it."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        log.append(record(*args, **kwargs))
        return real(*args, **kwargs)

    return wrapper


@pytest.fixture(scope="module")
def embeddings() -> E5Embeddings:
    return E5Embeddings()


def expected_ids(settings: Settings) -> dict[str, list[str]]:
    """Chunk ids a clean build of ``settings.corpus_dir`` must hold, per document."""
    corpus = load_corpus(settings.corpus_dir)
    return {
        d.doc_id: [
            c.chunk_id
            for c in chunk_document(
                d, settings.chunk_tokens, settings.chunk_overlap, settings.max_chunk_tokens
            )
        ]
        for d in corpus.documents
    }


def chroma_ids(settings: Settings, embeddings: E5Embeddings) -> set[str]:
    return set(store.open_vectorstore(settings, embeddings).get(include=[])["ids"])


def all_ids(by_doc: dict[str, list[str]]) -> set[str]:
    return {c for ids in by_doc.values() for c in ids}


def test_incremental_add_change_delete(tmp_corpus: Path, tmp_path: Path, embeddings) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    first = store.update(settings, embeddings)
    assert (first.added, first.changed, first.removed) == (5, 0, 0)
    assert chroma_ids(settings, embeddings) == all_ids(expected_ids(settings))
    assert first.embedded == first.chunks

    again = store.update(settings, embeddings)
    assert (again.added, again.changed, again.removed, again.unchanged) == (0, 0, 0, 5)
    assert again.embedded == 0

    # add
    (tmp_corpus / "uusi.md").write_text(
        "# Laukaan tiedote\n\nLaukaan kunta järjestää varhaiskasvatuksen jatkossakin itse. "
        "Lisätietoja antaa sivistysjohtaja.\n",
        encoding="utf-8",
    )
    added = store.update(settings, embeddings)
    want = expected_ids(settings)
    assert (added.added, added.changed, added.removed) == (1, 0, 0)
    assert added.embedded == len(want["uusi"])
    assert chroma_ids(settings, embeddings) == all_ids(want)

    # change
    path = tmp_corpus / "2022-kuntaliitto-yhteistyo.txt"
    path.write_text(
        path.read_text(encoding="utf-8") + "\nLisäys: uusi kappale loppuun.\n", encoding="utf-8"
    )
    before = all_ids(want)
    changed = store.update(settings, embeddings)
    want = expected_ids(settings)
    assert (changed.added, changed.changed, changed.removed) == (0, 1, 0)
    assert chroma_ids(settings, embeddings) == all_ids(want)
    assert changed.embedded == len(all_ids(want) - before)

    # delete
    (tmp_corpus / "uusi.md").unlink()
    removed = store.update(settings, embeddings)
    want = expected_ids(settings)
    assert (removed.added, removed.changed, removed.removed) == (0, 0, 1)
    assert chroma_ids(settings, embeddings) == all_ids(want)
    manifest = json.loads((settings.index_dir / "manifest.json").read_text(encoding="utf-8"))
    assert {k: v["chunk_ids"] for k, v in manifest["documents"].items()} == want

    loaded = store.load(settings, embeddings)
    assert [c.chunk_id for c in loaded.chunks] == [c for ids in want.values() for c in ids]
    # every sentence's vector is its own text's, and removed sentences' vectors are gone
    keys, texts = store._sentences(loaded.chunks)
    sample = list(range(0, len(keys), max(1, len(keys) // 12)))
    assert np.allclose(
        loaded.sentence_vectors[sample],
        embeddings.embed_array([texts[r] for r in sample]),
        atol=1e-5,
    )
    db = SentenceDB(settings.index_dir / "sentences.sqlite")
    assert db.vector_keys() == set(keys)
    db.close()


def test_sentence_vectors_of_an_older_index_move_into_the_database(
    tmp_corpus: Path, tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An index that kept its sentence vectors in ``sentences.npz`` opens without embedding
    a sentence again: the vectors move into ``sentences.sqlite`` and the file goes."""
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    loaded = store.load(settings, embeddings)
    keys, _ = store._sentences(loaded.chunks)
    rows = list(range(len(keys)))
    vectors = loaded.sentence_vectors[rows]
    legacy = settings.index_dir / "sentences.npz"
    store._save_npz(legacy, keys, vectors, "old")
    db = SentenceDB(settings.index_dir / "sentences.sqlite")
    with db.writing() as writer:
        writer.clear("vectors")
        writer.set_meta("vectors", "")
    db.close()
    assert store.index_status(settings, embeddings) == "stale"

    def no_passages(texts: list[str], *, query: bool = False) -> np.ndarray:
        raise AssertionError(f"embedded {len(texts)} passages again")

    monkeypatch.setattr(embeddings, "embed_array", no_passages)
    moved = store.load(settings, embeddings)
    monkeypatch.undo()
    assert np.array_equal(moved.sentence_vectors[rows], vectors)
    assert not legacy.exists()
    assert store.index_status(settings, embeddings) == "ok"


def set_in_manifest(settings: Settings, key: str, value: str) -> None:
    """Pretend the index was built under other conditions."""
    path = settings.index_dir / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    manifest[key] = value
    path.write_text(json.dumps(manifest), encoding="utf-8")


def test_model_change_rebuilds_everything(tmp_corpus: Path, tmp_path: Path, embeddings) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    set_in_manifest(settings, "model_id", "some-other-model")
    assert store.index_status(settings, embeddings) == "stale"
    report = store.update(settings, embeddings)
    assert report.rebuilt
    assert report.embedded == report.chunks
    assert (report.added, report.unchanged) == (5, 0)
    assert chroma_ids(settings, embeddings) == all_ids(expected_ids(settings))
    assert store.index_status(settings, embeddings) == "ok"


def test_lexicon_change_rebuilds_bm25_without_embedding(
    tmp_corpus: Path, tmp_path: Path, embeddings
) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    set_in_manifest(settings, "lexicon", "an-older-stopword-list")
    assert store.index_status(settings, embeddings) == "stale"
    report = store.update(settings, embeddings)
    assert report.embedded == 0 and not report.rebuilt
    assert store.index_status(settings, embeddings) == "ok"


def test_corrected_metadata_re_embeds_only_that_document(
    tmp_corpus: Path, tmp_path: Path, embeddings
) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    doc_id = "2022-09-28-jyvaskyla-aluehallitus"
    sources = tmp_corpus / "sources.toml"
    old_title = (
        "Jyväskylän kaupunginhallitus ja Keski-Suomen aluehallitus keskustelivat yhteistyöstä"
    )
    assert old_title in sources.read_text("utf-8")
    sources.write_text(
        sources.read_text("utf-8").replace(old_title, "Korjattu otsikko"), encoding="utf-8"
    )
    assert store.index_status(settings, embeddings) == "stale"
    report = store.update(settings, embeddings)
    n_chunks = len(expected_ids(settings)[doc_id])
    assert (report.changed, report.unchanged, report.embedded) == (1, 4, n_chunks)
    loaded = store.load(settings, embeddings)
    assert loaded.documents[doc_id].title == "Korjattu otsikko"
    assert {c.title for c in loaded.chunks if c.doc_id == doc_id} == {"Korjattu otsikko"}
    assert store.index_status(settings, embeddings) == "ok"


def test_unchanged_files_are_not_read_or_cut_again(
    tmp_corpus: Path, tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update reads and chunks only new and changed documents; the rest come from the last
    run, and the index equals a fresh read of the folder."""
    from assistant import ingest

    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    (tmp_corpus / "uusi.md").write_text(
        "# Uusi\n\nKeski-Suomen liitto ja kunnat sopivat uudesta yhteistyöstä.\n", "utf-8"
    )
    sources = tmp_corpus / "sources.toml"
    sources.write_text(
        sources.read_text("utf-8").replace(
            "Jyväskylän kaupunginhallitus ja Keski-Suomen aluehallitus keskustelivat yhteistyöstä",
            "Korjattu otsikko",
        ),
        encoding="utf-8",
    )
    read: list[str] = []
    cut: list[str] = []
    real_load, real_chunk = ingest.load_document, store.chunk_document
    monkeypatch.setattr(ingest, "load_document", spy(read, lambda p, m=None: p.stem, real_load))
    monkeypatch.setattr(store, "chunk_document", spy(cut, lambda d, *a, **k: d.doc_id, real_chunk))
    report = store.update(settings, embeddings)
    changed = ["2022-09-28-jyvaskyla-aluehallitus", "uusi"]
    assert (report.added, report.changed, report.unchanged) == (1, 1, 4)
    assert sorted(read) == sorted(cut) == changed
    # other reading or chunking code: every file is read and cut again
    read.clear()
    monkeypatch.setattr(store, "_reader_code_id", lambda: "toinen")
    store.update(settings, embeddings)
    assert len(read) == 6
    monkeypatch.undo()
    loaded = store.load(settings, embeddings)
    fresh = load_corpus(tmp_corpus).documents
    assert [
        {k: v for k, v in vars(d).items() if k != "n_chunks"} for d in loaded.documents.values()
    ] == [vars(d) for d in fresh]
    by_doc: dict[str, list[str]] = {}
    for c in loaded.chunks:
        by_doc.setdefault(c.doc_id, []).append(c.chunk_id)
    assert by_doc == expected_ids(settings)


@pytest.mark.parametrize("key", ["lexicon", "metadata", "register"])
def test_an_index_of_another_lexicon_metadata_reader_or_register_is_brought_up_to_date_on_load(
    tmp_corpus: Path, tmp_path: Path, embeddings, key: str
) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    set_in_manifest(settings, key, "an-older-one")
    assert store.index_status(settings, embeddings) == "stale"
    store.load(settings, embeddings)
    assert store.index_status(settings, embeddings) == "ok"


def test_chunks_ids_are_stable_across_runs(tmp_corpus: Path, tmp_path: Path, embeddings) -> None:
    a = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "a")
    b = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "b")
    store.update(a, embeddings)
    store.update(b, embeddings)
    assert chroma_ids(a, embeddings) == chroma_ids(b, embeddings)


def test_interrupted_index_is_repaired(tmp_corpus: Path, tmp_path: Path, embeddings) -> None:
    """Kill ``index`` while it embeds; the next run leaves exactly a clean build's chunks."""
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    # A bigger corpus so that the run is surely still embedding when it is killed.
    for i in range(6):
        text = "\n\n".join(
            f"Kunta {i} järjestää palvelun {j} yhdessä hyvinvointialueen kanssa vuonna 202{j % 10}."
            for j in range(120)
        )
        (tmp_corpus / f"lisa-{i}.txt").write_text(text, encoding="utf-8")
    env = {
        **os.environ,
        "ASSISTANT_CORPUS_DIR": str(tmp_corpus),
        "ASSISTANT_INDEX_DIR": str(settings.index_dir),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "assistant", "index"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # Wait until the first chunks are in Chroma, then kill it mid-run.
    deadline = time.monotonic() + 300
    chroma_dir = settings.index_dir / "chroma"
    while time.monotonic() < deadline and proc.poll() is None:
        if chroma_dir.exists() and any(chroma_dir.rglob("*.bin")):
            break
        time.sleep(0.2)
    assert proc.poll() is None, "index finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert not (settings.index_dir / "manifest.json").exists()

    status = store.index_status(settings, embeddings)
    assert status in ("missing", "broken")
    loaded = store.load(settings, embeddings)  # repairs
    want = expected_ids(settings)
    assert [c.chunk_id for c in loaded.chunks] == [c for ids in want.values() for c in ids]
    assert chroma_ids(settings, embeddings) == all_ids(want)
    assert store.index_status(settings, embeddings) == "ok"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_chroma_server_mode(tmp_path: Path, embeddings) -> None:
    """Index and query through a real ``chroma run`` on loopback."""
    chroma = Path(sys.executable).parent / "chroma"
    port = _free_port()
    server = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("chroma run did not start")
        settings = Settings(
            corpus_dir=ROOT / "corpus",
            index_dir=tmp_path / "index",
            chroma_host="127.0.0.1",
            chroma_port=port,
        )
        report = store.update(settings, embeddings)
        assert report.chunks > 0
        assert not (settings.index_dir / "chroma").exists()  # nothing embedded locally
        assert chroma_ids(settings, embeddings) == all_ids(expected_ids(settings))

        from assistant import Assistant

        assistant = Assistant(settings, embeddings, store.load(settings, embeddings))
        passages = assistant.retrieve(
            "Kuka on Keski-Suomen aluehallituksen puheenjohtaja?", retriever="dense"
        )
        assert passages and passages[0].doc_id == "2022-09-28-jyvaskyla-aluehallitus"
        bad = replace(settings, chroma_port=_free_port())
        with pytest.raises(store.IndexBuildError):
            store.open_vectorstore(bad, embeddings).get(include=[])
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_a_new_document_is_analysed_and_counted_alone(
    tmp_corpus: Path, tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An update analyses only the new document's sentences, counts only its tables, stems
    only its chunks for BM25 and extracts only its register rows; the corpus tables, BM25 and
    register then equal a build from scratch's, and so does the index ``reindex`` opens from
    memory (without reading chunks.json back)."""
    from assistant import register as register_module
    from assistant.answering import tables as tables_module
    from assistant.answering.nlp import load_nlp

    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    nlp = load_nlp("")  # Snowball analyses: fast, and enough to count with
    store.update(settings, embeddings, nlp=nlp)
    current = store.load(settings, embeddings, nlp)
    db_path = settings.index_dir / "sentences.sqlite"
    db = SentenceDB(db_path)
    keys_before = db.document_keys()
    db.close()
    (tmp_corpus / "uusi.md").write_text(
        "# Uusi\n\nKeski-Suomen liitto ja kunnat sopivat uudesta yhteistyöstä. "
        "Sopimus tulee voimaan vuoden 2027 alusta.\n",
        "utf-8",
    )
    counted: list[int] = []
    real_pipe, real_count = nlp.pipe, tables_module.document_tables
    batches: list[list[str]] = []
    monkeypatch.setattr(nlp, "pipe", spy(batches, list, lambda texts: real_pipe(batches[-1])))
    monkeypatch.setattr(store, "document_tables", spy(counted, lambda c, p: len(c), real_count))
    stemmed: list[str] = []
    real_tokens = store.bm25_tokens
    monkeypatch.setattr(store, "bm25_tokens", spy(stemmed, lambda c: c.doc_id, real_tokens))
    extracted: list[str] = []
    real_extract = register_module.extract_chunk
    monkeypatch.setattr(
        register_module, "extract_chunk", spy(extracted, lambda c, d: c.doc_id, real_extract)
    )
    monkeypatch.setattr(store, "_chunk_from_dict", lambda _: pytest.fail("chunks.json read"))
    report, reopened = store.reindex(settings, embeddings, current, nlp=nlp)
    monkeypatch.undo()
    assert (report.added, report.unchanged) == (1, len(current.documents))
    assert stemmed and set(stemmed) == {"uusi"}
    assert extracted and set(extracted) == {"uusi"}  # the others' rows from the database
    analysed = [text for batch in batches for text in batch]
    assert analysed and all(
        text in (tmp_corpus / "uusi.md").read_text("utf-8") for text in analysed
    )
    assert len(counted) == 1
    db = SentenceDB(db_path)
    assert {k: v for k, v in db.document_keys().items() if k != "uusi"} == keys_before
    grown = db.corpus_tables()
    db.close()

    fresh = replace(settings, index_dir=tmp_path / "fresh")
    store.update(fresh, embeddings, nlp=nlp)
    db = SentenceDB(fresh.index_dir / "sentences.sqlite")
    assert grown == db.corpus_tables()
    db.close()
    ours, theirs = store.load(settings, embeddings, nlp), store.load(fresh, embeddings, nlp)
    question = ["kunt", "yhteistyö", "sopimuks"]
    for index in (ours, reopened):
        assert np.array_equal(index.bm25.get_scores(question), theirs.bm25.get_scores(question))
        assert index.register.to_dict() == theirs.register.to_dict()
        assert index.chunks == theirs.chunks and index.documents == theirs.documents
        assert np.array_equal(index.chunk_vectors, theirs.chunk_vectors)
        assert index.generation == theirs.generation
        assert index.tables == theirs.tables
    stored = store.read_register(settings)  # what ``register`` in the CLI reads
    assert stored is not None and stored.to_dict() == theirs.register.to_dict()


def test_opening_reads_the_kept_chunk_vectors_not_chroma(
    tmp_corpus: Path, tmp_path: Path, embeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(corpus_dir=tmp_corpus, index_dir=tmp_path / "index")
    store.update(settings, embeddings)
    chroma = store.open_vectorstore(settings, embeddings)
    loaded = store.load(settings, embeddings)
    from_chroma = store._chunk_vectors(chroma, loaded.chunk_pos)
    assert from_chroma is not None
    assert np.array_equal(loaded.chunk_vectors, from_chroma)

    def no_chroma(*_: object) -> None:
        raise AssertionError("Chroma opened")

    monkeypatch.setattr(store, "open_vectorstore", no_chroma)
    assert np.array_equal(store.load(settings, embeddings).chunk_vectors, from_chroma)
    # without the kept vectors (an index written before they were kept) Chroma is read
    (settings.index_dir / "chunk_vectors.npz").unlink()
    monkeypatch.undo()
    assert np.array_equal(store.load(settings, embeddings).chunk_vectors, from_chroma)
