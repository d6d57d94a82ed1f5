"""The index: Chroma (chunk vectors) + BM25 over Finnish stems + sentence vectors + register.

Layout under ``Settings.index_dir`` (see index/README.md). ``update`` is incremental: it embeds
only chunks that Chroma does not hold yet, deletes chunks of removed or changed documents, and
rebuilds everything when the embedding model changed. Derived files carry the generation
(a hash of the chunk ids) they were built for; ``manifest.json`` is written last, so a run killed
mid-way leaves the previous manifest, which ``open_index`` detects as out of step and repairs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import bm25s
import numpy as np
import orjson
from langchain_core.embeddings import Embeddings

from . import bm25, chunking, ingest, metadata
from .answering.nlp import NLP, Parsed, load_nlp
from .answering.tables import (
    CorpusTables,
    DocumentTables,
    document_tables,
    finish,
    tables_code_id,
    total,
)
from .chunking import Chunk, chunk_document
from .config import Settings
from .embeddings import AnyEmbeddings
from .ingest import Document, load_corpus
from .lexical import LEXICON_ID, stems, with_prefixes
from .metadata import metadata_id
from .register import (
    Register,
    Row,
    document_key,
    extract_document,
    extractor_version,
    rows_from_json,
    rows_to_json,
)
from .sentence_db import Parses, SentenceDB, Vectors

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""progress(stage label in Finnish, done, total)."""

COLLECTION = "chunks"
MANIFEST_VERSION = 1
_EMBED_BATCH = 32
_COMMIT_ROWS = 1024  # sentence vectors written per transaction


class IndexBuildError(RuntimeError):
    """The index cannot be opened or built (message in Finnish)."""


@dataclass(frozen=True)
class DocumentInfo:
    """An indexed document as the app and the evals see it."""

    doc_id: str
    title: str
    date: str
    publisher: str
    kind: str
    url: str
    language: str
    text: str
    sha256: str
    n_chunks: int
    date_kind: str = ""  # what ``date`` is; "" unknown (and in indexes built before it existed)
    context_title: str = ""  # the title its chunks are embedded with ("" = ``title``)


@dataclass(frozen=True)
class IndexReport:
    """What one ``update`` did."""

    added: int
    changed: int
    removed: int
    unchanged: int
    chunks: int
    embedded: int
    seconds: float
    sentences: int = 0
    rebuilt: bool = False
    problems: list[str] = field(default_factory=list)
    stage_seconds: dict[str, float] = field(default_factory=dict)  # time per build stage

    def summary(self) -> str:
        """One Finnish summary line for the CLI and the admin tab."""
        return (
            f"Lisätty {self.added}, muuttunut {self.changed}, poistettu {self.removed}, "
            f"ennallaan {self.unchanged}; paloja {self.chunks} (upotettu {self.embedded}); "
            f"{self.seconds:.1f} s" + (" (täysi uudelleenrakennus)" if self.rebuilt else "")
        )


@dataclass
class LoadedIndex:
    """Everything the retriever and the answerer read, loaded once."""

    documents: dict[str, DocumentInfo]
    chunks: list[Chunk]
    chunk_pos: dict[str, int]
    sentence_keys: list[tuple[int, int]]  # (chunk position, sentence ordinal) per sentence row
    sentence_vectors: Vectors  # each sentence's vector, same rows (read on use)
    sentence_parses: Sequence[Parsed]  # Finnish analysis of each sentence, same rows (lazy)
    tables: CorpusTables  # what the answerer counts over the whole corpus
    bm25: bm25s.BM25
    register: Register
    chunk_vectors: np.ndarray  # unit-length chunk vectors from Chroma, one row per chunk
    model_id: str
    generation: str = ""  # of the chunks it holds (``generation_of``)


@dataclass
class _Fresh:
    """What ``update`` holds in memory when it ends: enough to open the index it wrote
    without reading the files back."""

    generation: str
    documents: list[DocumentInfo]
    chunks: list[Chunk]
    chunk_vectors: np.ndarray
    register: Register
    bm25: bm25s.BM25


# ----------------------------------------------------------------------------- paths & files


def _paths(index_dir: Path) -> dict[str, Path]:
    return {
        "manifest": index_dir / "manifest.json",
        "chunks": index_dir / "chunks.json",
        "legacy_sentences": index_dir / "sentences.npz",  # vectors before sentences.sqlite
        "chunk_vectors": index_dir / "chunk_vectors.npz",
        "db": index_dir / "sentences.sqlite",
        "bm25": index_dir / "bm25",
        "chroma": index_dir / "chroma",
    }


def _write_json_atomic(path: Path, data: object) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(orjson.dumps(data))
    os.replace(tmp, path)


def _read_json(path: Path) -> Any:
    try:
        return orjson.loads(path.read_bytes())
    except (OSError, ValueError):
        return None


def generation_of(chunk_ids: Iterable[str]) -> str:
    """A short hash naming one exact set of chunks."""
    return hashlib.sha256("\n".join(sorted(chunk_ids)).encode()).hexdigest()[:16]


def _chunk_to_dict(chunk: Chunk) -> dict[str, Any]:
    return dict(vars(chunk))  # shallow: ``asdict`` deep-copies, seconds at 100k chunks


def _chunk_from_dict(data: dict[str, Any]) -> Chunk:
    return Chunk(**{**data, "sentences": tuple((int(a), int(b)) for a, b in data["sentences"])})


# ----------------------------------------------------------------------------- Chroma


def open_vectorstore(settings: Settings, embeddings: AnyEmbeddings) -> Any:
    """The Chroma collection: embedded under ``index/chroma`` or on a Chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    try:
        if settings.chroma_host:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        else:
            path = _paths(settings.index_dir)["chroma"]
            path.mkdir(parents=True, exist_ok=True)
            client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
        return Chroma(
            collection_name=COLLECTION,
            embedding_function=cast(Embeddings, embeddings),  # every AnyEmbeddings is one
            client=client,
            collection_metadata={"hnsw:space": "cosine"},
        )
    except Exception as exc:
        where = (
            f"Chroma-palvelimeen {settings.chroma_host}:{settings.chroma_port}"
            if settings.chroma_host
            else f"Chroma-hakemistoon {settings.index_dir / 'chroma'}"
        )
        raise IndexBuildError(f"Yhteys {where} ei onnistunut: {exc}".splitlines()[0]) from exc


def _chroma_ids(vectorstore: Any) -> set[str]:
    return set(vectorstore.get(include=[])["ids"])


_READ_BATCH = 5000


def _chunk_vectors(vectorstore: Any, chunk_pos: dict[str, int]) -> np.ndarray | None:
    """The stored vector of every chunk in index order, scaled to unit length; None when
    Chroma lacks one. Read once at load so that dense search is exact and deterministic
    (an HNSW graph is approximate and depends on the order and threads it was built with)."""
    vectors: np.ndarray | None = None
    filled = np.zeros(len(chunk_pos), dtype=bool)
    offset = 0
    while True:
        got = vectorstore.get(include=["embeddings"], limit=_READ_BATCH, offset=offset)
        ids = got["ids"]
        if not ids:
            break
        batch = np.asarray(got["embeddings"], dtype=np.float32)
        if vectors is None:
            vectors = np.zeros((len(chunk_pos), batch.shape[1]), dtype=np.float32)
        for chunk_id, vector in zip(ids, batch, strict=True):
            pos = chunk_pos.get(chunk_id)
            if pos is not None:
                vectors[pos] = vector
                filled[pos] = True
        offset += len(ids)
    if not filled.all():
        return None
    if vectors is None:  # an empty corpus
        return np.zeros((0, 0), dtype=np.float32)
    return _unit(vectors)


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _write_chunk_vectors(
    path: Path,
    vectorstore: Any,
    chunks: Sequence[Chunk],
    previous: dict[str, np.ndarray] | None,
    generation: str,
) -> np.ndarray:
    """Keep every chunk's unit vector beside Chroma, so that opening the index reads one
    array instead of the whole collection: the last run's rows, Chroma's for new chunks.
    Returns them."""
    previous = previous or {}
    need = [c.chunk_id for c in chunks if c.chunk_id not in previous]
    vectors: np.ndarray | None
    if len(need) > _READ_BATCH:  # a build: paging through the collection is faster
        vectors = _chunk_vectors(vectorstore, {c.chunk_id: i for i, c in enumerate(chunks)})
    else:
        known = dict(previous)
        if need:
            got = vectorstore.get(ids=need, include=["embeddings"])
            known.update(
                zip(got["ids"], _unit(np.asarray(got["embeddings"], dtype=np.float32)), strict=True)
            )
        vectors = (
            None
            if any(c.chunk_id not in known for c in chunks)
            else np.stack([known[c.chunk_id] for c in chunks])
            if chunks
            else np.zeros((0, 0), dtype=np.float32)
        )
    if vectors is None:
        raise IndexBuildError("Chromasta puuttuu juuri upotettuja paloja.")
    _save_npz(path, [c.chunk_id for c in chunks], vectors, generation)
    return vectors


def _save_npz(path: Path, keys: Sequence[str], vectors: np.ndarray, generation: str) -> None:
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez(tmp, keys=np.array(keys, dtype=str), vectors=vectors, generation=np.array(generation))
    os.replace(tmp, path)


def _cached_chunk_vectors(
    path: Path, chunks: Sequence[Chunk], generation: str
) -> np.ndarray | None:
    """The vectors :func:`_write_chunk_vectors` kept, when they are this index's."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["generation"]) != generation or data["keys"].tolist() != [
                c.chunk_id for c in chunks
            ]:
                return None
            return np.asarray(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError):
        return None


# ----------------------------------------------------------------------------- update


def _chunk_corpus(documents: Sequence[Document], settings: Settings) -> dict[str, list[Chunk]]:
    return {
        doc.doc_id: chunk_document(
            doc,
            chunk_tokens=settings.chunk_tokens,
            overlap=settings.chunk_overlap,
            max_tokens=settings.max_chunk_tokens,
        )
        for doc in documents
    }


def _chunking_params(settings: Settings) -> dict[str, int]:
    return {
        "chunk_tokens": settings.chunk_tokens,
        "chunk_overlap": settings.chunk_overlap,
        "max_chunk_tokens": settings.max_chunk_tokens,
    }


def bm25_tokens(chunk: Chunk) -> list[str]:
    """What BM25 indexes for a chunk: stems (and truncated stems) of its title, heading, text."""
    return with_prefixes(stems(chunk.context))


def update(
    settings: Settings,
    embeddings: AnyEmbeddings,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    nlp: NLP | None = None,
) -> IndexReport:
    """Bring the index in step with the corpus; embed and analyse only what is new.
    ``nlp`` is the Finnish analyser (``settings.nlp_model``'s when omitted)."""
    return _update(settings, embeddings, rebuild, progress, nlp, None)[0]


def reindex(
    settings: Settings,
    embeddings: AnyEmbeddings,
    current: LoadedIndex | None,
    *,
    rebuild: bool = False,
    progress: Progress | None = None,
    nlp: NLP | None = None,
) -> tuple[IndexReport, LoadedIndex]:
    """``update``, then the updated index opened: what the app does when documents change.
    ``current`` (the index the app answers from) spares rereading what it already holds;
    the result is the index ``load`` would open, without reading the files back."""
    report, fresh = _update(settings, embeddings, rebuild, progress, nlp, current)
    return report, _open(settings, embeddings, fresh)


def _update(
    settings: Settings,
    embeddings: AnyEmbeddings,
    rebuild: bool,
    progress: Progress | None,
    nlp: NLP | None,
    current: LoadedIndex | None,
) -> tuple[IndexReport, _Fresh]:
    started = time.perf_counter()
    nlp = nlp or load_nlp(settings.nlp_model)
    paths = _paths(settings.index_dir)
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - clock
        clock = now

    old = _read_json(paths["manifest"]) or {}
    same_model = old.get("model_id") == embeddings.model_id and old.get("dim") == embeddings.dim
    full = rebuild or not same_model
    rebuilt = bool(old) and full
    same_chunking = old.get("chunking") == _chunking_params(settings)
    old_docs: dict[str, dict[str, Any]] = old.get("documents", {}) if not full else {}
    if current is not None and (
        full or not old_docs or current.generation != old.get("generation")
    ):
        current = None  # not the index the manifest describes: nothing of it is reused
    # what the last run read and cut, reused for files it saw unchanged by the same code
    reader = _reader_code_id()
    known, known_chunks = (
        _previous_run(paths, old, current)
        if old_docs and old.get("reader_code") == reader
        else ({}, {})
    )

    corpus = load_corpus(settings.corpus_dir, known)
    for problem in corpus.problems:
        log.warning(problem)
    lap("ingest")

    vectorstore = open_vectorstore(settings, embeddings)
    if full:
        vectorstore.reset_collection()
    lap("chroma")

    added = changed = unchanged = 0
    by_doc: dict[str, list[Chunk]] = {}
    meta_digests = {doc.doc_id: _meta_digest(doc) for doc in corpus.documents}
    for doc in corpus.documents:
        previous = old_docs.get(doc.doc_id)
        if previous is None:
            added += 1
        elif (
            previous.get("sha256") != doc.sha256
            or previous.get("meta") != meta_digests[doc.doc_id]
            or not same_chunking
        ):
            changed += 1
        else:
            unchanged += 1
            if doc.doc_id in known_chunks:
                by_doc[doc.doc_id] = known_chunks[doc.doc_id]
    fresh = [d for d in corpus.documents if d.doc_id not in by_doc]
    by_doc.update(_chunk_corpus(fresh, settings))
    lap("chunking")
    removed = len(set(old_docs) - {d.doc_id for d in corpus.documents})

    chunks = [c for doc in corpus.documents for c in by_doc[doc.doc_id]]
    wanted = {c.chunk_id for c in chunks}
    present = _chroma_ids(vectorstore)
    missing = [c for c in chunks if c.chunk_id not in present]
    lap("chroma")
    _embed_into_chroma(vectorstore, missing, progress)
    lap("embed_chunks")

    generation = generation_of(wanted)
    if full:
        old_vectors = None
    elif current is not None:
        old_vectors = dict(
            zip((c.chunk_id for c in current.chunks), current.chunk_vectors, strict=True)
        )
    else:
        old_vectors = _load_vectors(paths["chunk_vectors"])
    chunk_vectors = _write_chunk_vectors(
        paths["chunk_vectors"], vectorstore, chunks, old_vectors, generation
    )
    del old_vectors
    lap("chroma")
    documents = [DocumentInfo(**vars(d), n_chunks=len(by_doc[d.doc_id])) for d in corpus.documents]
    _write_json_atomic(
        paths["chunks"],
        {
            "generation": generation,
            "documents": [vars(d) for d in documents],
            "chunks": [_chunk_to_dict(c) for c in chunks],
        },
    )
    lap("chunking")
    keys, texts = _sentences(chunks)
    db = SentenceDB(paths["db"])
    try:
        _embed_sentences(
            db, keys, texts, embeddings, full, paths["legacy_sentences"], lap, progress
        )
        analysed = _analyse(db, keys, texts, nlp, full, progress)
        lap("nlp")
        _count_tables(db, by_doc, analysed, generation, progress)
        del analysed
        lap("tables")
        bm25_index = _update_bm25(db, chunks)
        _write_bm25(paths["bm25"], bm25_index, generation)
        lap("bm25")
        current_register = (
            current.register
            if current is not None and db.meta("register_generation") == current.generation
            else None
        )
        register = _update_register(
            db, corpus.documents, by_doc, generation, full, current_register, progress
        )
        lap("register")
    finally:
        db.close()
    # where analyses and register rows were kept before sentences.sqlite held them
    for legacy in ("parses.json", "register.json", "register_chunks.json"):
        (settings.index_dir / legacy).unlink(missing_ok=True)

    _write_json_atomic(
        paths["manifest"],
        {
            "version": MANIFEST_VERSION,
            "model_id": embeddings.model_id,
            "dim": embeddings.dim,
            "chunking": _chunking_params(settings),
            "lexicon": LEXICON_ID,
            "nlp": nlp.model_id,
            "metadata": metadata_id(),
            "register": extractor_version(),
            "reader_code": reader,
            "generation": generation,
            "n_chunks": len(chunks),
            "documents": {
                doc.doc_id: {
                    "sha256": doc.sha256,
                    "meta": meta_digests[doc.doc_id],
                    "source": corpus.source_keys.get(doc.doc_id, ""),
                    "chunk_ids": [c.chunk_id for c in by_doc[doc.doc_id]],
                }
                for doc in corpus.documents
            },
        },
    )
    stale = sorted(present - wanted)
    for i in range(0, len(stale), 500):
        vectorstore.delete(ids=stale[i : i + 500])

    report = IndexReport(
        added=added,
        changed=changed,
        removed=removed,
        unchanged=unchanged,
        chunks=len(chunks),
        embedded=len(missing),
        seconds=time.perf_counter() - started,
        sentences=sum(len(c.sentences) for c in chunks),
        rebuilt=rebuilt,
        problems=list(corpus.problems),
        stage_seconds={k: round(v, 3) for k, v in stages.items()},
    )
    return report, _Fresh(generation, documents, chunks, chunk_vectors, register, bm25_index)


def _reader_code_id() -> str:
    """Digest of the code that turns files into documents and chunks (and of the metadata
    model): an update reuses the last run's documents and chunks only under the same code."""
    digest = hashlib.sha256(metadata_id().encode())
    for module in (ingest, chunking, metadata):
        digest.update(Path(str(module.__file__)).read_bytes())
    return digest.hexdigest()[:16]


def _previous_run(
    paths: dict[str, Path], manifest: dict[str, Any], current: LoadedIndex | None
) -> tuple[dict[str, Document], dict[str, list[Chunk]]]:
    """The documents the last completed run read (by source key) and its chunks (by document),
    from ``current`` (the open index it wrote) or else from ``chunks.json`` when that is the
    one its manifest names; else nothing to reuse."""
    infos: Iterable[dict[str, Any]]
    chunks: dict[str, list[Chunk]] = {}
    if current is not None:
        infos = (vars(d) for d in current.documents.values())
        for chunk in current.chunks:
            chunks.setdefault(chunk.doc_id, []).append(chunk)
    else:
        data = _read_json(paths["chunks"])
        if not isinstance(data, dict) or data.get("generation") != manifest.get("generation"):
            return {}, {}
        infos = data["documents"]
        for item in data["chunks"]:
            chunks.setdefault(item["doc_id"], []).append(_chunk_from_dict(item))
    sources = {k: v.get("source", "") for k, v in manifest.get("documents", {}).items()}
    known: dict[str, Document] = {}
    for info in infos:
        key = sources.get(info["doc_id"])
        try:
            if key:
                known[key] = Document(**{k: v for k, v in info.items() if k != "n_chunks"})
        except TypeError:  # written when documents had other fields: read the file again
            continue
    return known, chunks


def _embed_into_chroma(
    vectorstore: Any, chunks: Sequence[Chunk], progress: Progress | None
) -> None:
    total = len(chunks)
    for i in range(0, total, _EMBED_BATCH):
        batch = chunks[i : i + _EMBED_BATCH]
        vectorstore.add_texts(
            texts=[c.context for c in batch],
            metadatas=[
                {"doc_id": c.doc_id, "ordinal": c.ordinal, "title": c.title, "heading": c.heading}
                for c in batch
            ],
            ids=[c.chunk_id for c in batch],
        )
        if progress:
            progress("Upotetaan paloja", min(i + len(batch), total), total)
    if progress and total == 0:
        progress("Upotetaan paloja", 0, 0)


def _sentence_key(chunk: Chunk, i: int) -> str:
    return f"{chunk.chunk_id}#{i}"


def _load_vectors(path: Path) -> dict[str, np.ndarray] | None:
    """Vectors by key from a ``.npz`` this module wrote; None when unreadable."""
    try:
        with np.load(path, allow_pickle=False) as data:
            return dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    except (OSError, ValueError, KeyError):
        return None


def _sentences(chunks: Sequence[Chunk]) -> tuple[list[str], list[str]]:
    """Key and text of every sentence of ``chunks``, in order (vectors and parses share them)."""
    keys = [_sentence_key(c, i) for c in chunks for i in range(len(c.sentences))]
    return keys, [c.text[a:b] for c in chunks for a, b in c.sentences]


def _embed_sentences(
    db: SentenceDB,
    keys: Sequence[str],
    texts: Sequence[str],
    embeddings: AnyEmbeddings,
    full: bool,
    legacy: Path,
    lap: Callable[[str], None],
    progress: Progress | None,
) -> None:
    """Embed the sentences without a stored vector (all of them on a full build or under
    another model) and drop the vectors of removed sentences. Batches are committed as they
    are embedded, so an interrupted update resumes where it stopped. The vectors an older
    index kept in ``sentences.npz`` move into the database rather than being embedded
    again. Embedding time goes to the stage "embed_sentences", reading and writing to
    "vectors"."""
    renew = full or db.meta("vectors") != embeddings.model_id
    have = set() if renew else db.vector_keys()
    with db.writing() as writer:
        if renew:
            writer.clear("vectors")
        writer.delete_vectors(sorted(have - set(keys)))
        if legacy.exists() and not full:
            kept = _load_vectors(legacy) or {}
            moved = [k for k in keys if k in kept and k not in have]
            if moved:
                writer.put_vectors(moved, np.stack([kept[k] for k in moved]))
            have.update(moved)
            del kept
        writer.set_meta("vectors", embeddings.model_id)
    legacy.unlink(missing_ok=True)
    todo = [i for i, k in enumerate(keys) if k not in have]
    lap("vectors")
    for start in range(0, len(todo), _COMMIT_ROWS):
        rows = todo[start : start + _COMMIT_ROWS]
        vectors = np.zeros((len(rows), embeddings.dim), dtype=np.float32)
        for at in range(0, len(rows), _EMBED_BATCH):
            batch = rows[at : at + _EMBED_BATCH]
            vectors[at : at + len(batch)] = embeddings.embed_array([texts[r] for r in batch])
            if progress:
                progress("Upotetaan lauseita", start + at + len(batch), len(todo))
        lap("embed_sentences")
        with db.writing() as writer:
            writer.put_vectors([keys[r] for r in rows], vectors)
        lap("vectors")


def _analyse(
    db: SentenceDB,
    keys: Sequence[str],
    texts: Sequence[str],
    nlp: NLP,
    full: bool,
    progress: Progress | None,
) -> dict[str, Parsed]:
    """Analyse the sentences (``keys``, ``texts``) not analysed yet (all of them on a full
    build or another analyser) and drop those of removed chunks. Returns the new analyses by
    sentence key."""
    renew = full or db.meta("nlp") != nlp.model_id
    have = set() if renew else db.parse_keys()
    todo = [i for i, k in enumerate(keys) if k not in have]
    fresh: dict[str, Parsed] = {}
    for done, (i, parsed) in enumerate(zip(todo, nlp.pipe(texts[i] for i in todo), strict=True)):
        fresh[keys[i]] = parsed
        if progress and (done % 64 == 63 or done == len(todo) - 1):
            progress("Analysoidaan lauseita", done + 1, len(todo))
    with db.writing() as writer:
        if renew:
            writer.clear("parses")
            writer.clear("documents")  # counted from the old analyses
        writer.put_parses(fresh.items())
        writer.delete_parses(sorted(have - set(keys)))
        writer.set_meta("nlp", nlp.model_id)
    return fresh


def _count_tables(
    db: SentenceDB,
    by_doc: dict[str, list[Chunk]],
    fresh: dict[str, Parsed],
    generation: str,
    progress: Progress | None,
) -> None:
    """Count the answerer's tables of the documents not counted yet, drop those of removed
    documents and store the corpus's sums (:mod:`assistant.answering.tables`). When documents
    were only added, their tables are added to the kept sum instead of summing every
    document again."""
    counted = db.document_keys() if db.meta("tables_code") == tables_code_id() else {}
    todo = [
        (doc_id, doc_chunks, key)
        for doc_id, doc_chunks in by_doc.items()
        if counted.get(doc_id) != (key := generation_of(c.chunk_id for c in doc_chunks))
    ]
    removed = sorted(set(counted) - set(by_doc))
    kept_sum = db.meta("tables_sum")
    with db.writing() as writer:
        if not counted:
            writer.clear("documents")
        new: list[DocumentTables] = []
        for done, (doc_id, doc_chunks, key) in enumerate(todo):
            keys = _sentences(doc_chunks)[0]
            parses = [fresh.get(k) or db.parse(k) or Parsed() for k in keys]
            new.append(document_tables(doc_chunks, parses))
            writer.put_document(doc_id, key, new[-1])
            if progress and (done % 16 == 15 or done == len(todo) - 1):
                progress("Lasketaan vastaustaulukoita", done + 1, len(todo))
        writer.delete_documents(removed)
        if todo or removed or not counted or kept_sum is None:
            only_added = counted and not removed and not any(d in counted for d, _, _ in todo)
            if only_added and kept_sum is not None:
                summed = total(new, DocumentTables.from_dict(orjson.loads(kept_sum)))
            else:
                summed = total(db.all_document_tables())
            writer.set_meta("tables_sum", orjson.dumps(summed.to_dict()).decode())
            writer.set_meta("tables", orjson.dumps(finish(summed).to_dict()).decode())
        writer.set_meta("tables_code", tables_code_id())
        writer.set_meta("generation", generation)


def _update_bm25(db: SentenceDB, chunks: Sequence[Chunk]) -> bm25s.BM25:
    """The BM25 index of ``chunks``. Each chunk is stemmed once and kept in the database as
    ids of a vocabulary that only grows (stemmed again under another lexicon or lexical
    code); an update stems and stores only new chunks, then scores every chunk from the
    stored ids without reading a token string."""
    lexicon = f"{LEXICON_ID}:{tables_code_id()}"
    renew = db.meta("bm25_lexicon") != lexicon
    have = {} if renew else db.token_ids()
    vocabulary = {} if renew else db.vocabulary()
    grown: list[tuple[str, int]] = []

    def ids_of(tokens: list[str]) -> np.ndarray:
        for token in tokens:
            if token not in vocabulary:
                vocabulary[token] = len(vocabulary)
                grown.append((token, vocabulary[token]))
        return np.array([vocabulary[t] for t in tokens], dtype=np.int32)

    new = {c.chunk_id: ids_of(bm25_tokens(c) or [""]) for c in chunks if c.chunk_id not in have}
    wanted = {c.chunk_id for c in chunks}
    with db.writing() as writer:
        if renew:
            writer.clear("token_ids")
            writer.clear("vocabulary")
        writer.put_vocabulary(grown)
        writer.put_token_ids(new.items())
        writer.delete_token_ids(sorted(set(have) - wanted))
        writer.set_meta("bm25_lexicon", lexicon)
    have.update(new)
    return bm25.build_from_ids([have[c.chunk_id] for c in chunks], vocabulary)


def _write_bm25(path: Path, index: bm25s.BM25, generation: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    index.save(str(tmp))
    (tmp / "generation.txt").write_text(generation, encoding="utf-8")
    old = path.with_name(path.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if path.exists():
        os.replace(path, old)
    os.replace(tmp, path)
    shutil.rmtree(old, ignore_errors=True)


def _update_register(
    db: SentenceDB,
    documents: Sequence[Document],
    by_doc: dict[str, list[Chunk]],
    generation: str,
    full: bool,
    current: Register | None,
    progress: Progress | None,
) -> Register:
    """The register of the corpus (``documents`` in order). Rows are extracted only for
    documents whose chunks, date, publisher or extraction code changed
    (``register.document_key``), or all of them on a full build; the others' come from
    ``current`` (the open index's register, in step with the database) or the database."""
    stored = {} if full else db.register_keys()
    keys = {d.doc_id: document_key((c.chunk_id for c in by_doc[d.doc_id]), d) for d in documents}
    todo = [d for d in documents if stored.get(d.doc_id) != keys[d.doc_id]]
    rows: dict[str, list[Row]] = {}
    with db.writing() as writer:
        if full:
            writer.clear("register")
        for done, doc in enumerate(todo):
            rows[doc.doc_id] = extract_document(by_doc[doc.doc_id], doc)
            writer.put_register(doc.doc_id, keys[doc.doc_id], rows_to_json(rows[doc.doc_id]))
            if progress and (done % 16 == 15 or done == len(todo) - 1):
                progress("Poimitaan rekisteriä", done + 1, len(todo))
        writer.delete_register(sorted(set(stored) - set(keys)))
        writer.set_meta("register_generation", generation)
    if len(todo) < len(documents):
        unchanged = [d for d in keys if d not in rows]
        kept = (current if current is not None else _read_register(db, unchanged)).by_document()
        rows.update((d, kept.get(d, [])) for d in unchanged)
    return Register.from_rows(row for d in documents for row in rows[d.doc_id])


def read_register(settings: Settings) -> Register | None:
    """The register as the last completed update stored it, without opening the rest of the
    index (None when there is no index or its register is not the manifest's)."""
    paths = _paths(settings.index_dir)
    manifest = _read_json(paths["manifest"])
    if not manifest or not paths["db"].exists():
        return None
    db = SentenceDB(paths["db"])
    try:
        if db.meta("register_generation") != manifest.get("generation"):
            return None
        return _read_register(db, manifest.get("documents", {}))
    finally:
        db.close()


def _read_register(db: SentenceDB, documents: Iterable[str]) -> Register:
    """The stored register of ``documents`` (doc ids in corpus order)."""
    stored = db.register_rows()
    return Register.from_rows(
        row for doc_id in documents if doc_id in stored for row in rows_from_json(stored[doc_id])
    )


# ----------------------------------------------------------------------------- open


def _meta_digest(doc: Document) -> str:
    """Fingerprint of a document's metadata: a corrected sources.toml entry changes it."""
    meta = {k: v for k, v in vars(doc).items() if k not in ("text", "sha256")}
    return hashlib.sha256(json.dumps(meta, sort_keys=True).encode()).hexdigest()[:16]


def index_status(settings: Settings, embeddings: AnyEmbeddings, nlp: NLP | None = None) -> str:
    """'ok', 'missing', 'stale' (model, lexicon, analyser or corpus changed) or 'broken'
    (files out of step)."""
    paths = _paths(settings.index_dir)
    manifest = _read_json(paths["manifest"])
    if not manifest:
        return "missing"
    nlp = nlp or load_nlp(settings.nlp_model)
    if manifest.get("dim") != embeddings.dim or not _made_by_this_code(manifest, embeddings, nlp):
        return "stale"
    derived = _read_derived(paths)
    if not derived.in_step(manifest["generation"]):
        return "broken"
    if derived.vectors_model != embeddings.model_id:  # kept in sentences.npz before
        return "stale"
    corpus = load_corpus(settings.corpus_dir)
    on_disk = {d.doc_id: (d.sha256, _meta_digest(d)) for d in corpus.documents}
    indexed = {k: (v["sha256"], v.get("meta")) for k, v in manifest["documents"].items()}
    if manifest.get("chunking") != _chunking_params(settings) or on_disk != indexed:
        return "stale"
    return "ok"


def _made_by_this_code(manifest: dict[str, Any], embeddings: AnyEmbeddings, nlp: NLP) -> bool:
    """True when the index was written with this embedding model, lexicon, analyser,
    metadata reader and register extractor (else an update brings it up to date)."""
    return (
        manifest.get("model_id") == embeddings.model_id
        and manifest.get("lexicon") == LEXICON_ID
        and manifest.get("nlp") == nlp.model_id
        and manifest.get("metadata") == metadata_id()
        and manifest.get("register") == extractor_version()
    )


@dataclass
class _Derived:
    """The files ``update`` derives from the chunks, read once, with their generations."""

    chunks: dict[str, Any] | None
    db_generation: str | None  # of sentences.sqlite's analyses and answer tables
    register_generation: str | None  # of sentences.sqlite's register rows
    vectors_model: str | None  # the model of the sentence vectors in sentences.sqlite
    bm25_generation: str | None

    def in_step(self, generation: str) -> bool:
        """True when every derived file was written for ``generation``."""
        if not self.chunks:
            return False
        return (
            self.chunks.get("generation")
            == self.db_generation
            == self.register_generation
            == self.bm25_generation
            == generation
        )


def _read_derived(paths: dict[str, Path]) -> _Derived:
    bm25_generation = None
    try:
        bm25_generation = (paths["bm25"] / "generation.txt").read_text(encoding="utf-8")
    except OSError:
        pass
    db_generation = register_generation = vectors_model = None
    if paths["db"].exists():
        db = SentenceDB(paths["db"])
        db_generation = db.meta("generation")
        register_generation = db.meta("register_generation")
        vectors_model = db.meta("vectors")
        db.close()
    return _Derived(
        chunks=_read_json(paths["chunks"]),
        db_generation=db_generation,
        register_generation=register_generation,
        vectors_model=vectors_model,
        bm25_generation=bm25_generation,
    )


def load(settings: Settings, embeddings: AnyEmbeddings, nlp: NLP | None = None) -> LoadedIndex:
    """Open the index as the last completed ``update`` left it, repairing it if out of step."""
    paths = _paths(settings.index_dir)
    manifest = _read_json(paths["manifest"])
    derived = _read_derived(paths)
    nlp = nlp or load_nlp(settings.nlp_model)
    if (
        not manifest
        or not _made_by_this_code(manifest, embeddings, nlp)
        or not derived.in_step(manifest.get("generation", ""))
        or derived.vectors_model != embeddings.model_id
    ):
        return _repaired(settings, embeddings, nlp)
    assert derived.chunks is not None
    chunks = [_chunk_from_dict(c) for c in derived.chunks["chunks"]]
    chunk_vectors = _cached_chunk_vectors(
        paths["chunk_vectors"], chunks, derived.chunks["generation"]
    )
    if chunk_vectors is None:  # an index written before the vectors were kept beside it
        chunk_pos = {c.chunk_id: i for i, c in enumerate(chunks)}
        chunk_vectors = _chunk_vectors(open_vectorstore(settings, embeddings), chunk_pos)
    if chunk_vectors is None:
        log.warning("Indeksi ei ollut ajan tasalla Chroman kanssa; korjataan.")
        return _repaired(settings, embeddings, nlp)
    documents = [DocumentInfo(**d) for d in derived.chunks["documents"]]
    db = SentenceDB(paths["db"])
    register = _read_register(db, (d.doc_id for d in documents))
    db.close()
    fresh = _Fresh(
        generation=derived.chunks["generation"],
        documents=documents,
        chunks=chunks,
        chunk_vectors=chunk_vectors,
        register=register,
        bm25=bm25s.BM25.load(str(paths["bm25"])),
    )
    return _open(settings, embeddings, fresh)


def _repaired(settings: Settings, embeddings: AnyEmbeddings, nlp: NLP) -> LoadedIndex:
    """An update that brings an index out of step with its manifest, corpus or models in
    step, then the index it wrote (an update that cannot fill Chroma raises)."""
    return _open(settings, embeddings, _update(settings, embeddings, False, None, nlp, None)[1])


def _open(settings: Settings, embeddings: AnyEmbeddings, fresh: _Fresh) -> LoadedIndex:
    """The loaded index of ``fresh`` (its sentences' vectors and analyses read on use)."""
    db = SentenceDB(_paths(settings.index_dir)["db"])
    tables = db.corpus_tables()
    assert tables is not None
    chunks = fresh.chunks
    sentence_keys = [(pos, i) for pos, c in enumerate(chunks) for i in range(len(c.sentences))]

    def key_of(row: int) -> str:
        pos, i = sentence_keys[row]
        return _sentence_key(chunks[pos], i)

    return LoadedIndex(
        documents={d.doc_id: d for d in fresh.documents},
        chunks=chunks,
        chunk_pos={c.chunk_id: i for i, c in enumerate(chunks)},
        sentence_keys=sentence_keys,
        sentence_vectors=Vectors(db, key_of, embeddings.dim),
        sentence_parses=Parses(db, key_of, len(sentence_keys)),
        tables=tables,
        bm25=fresh.bm25,
        register=fresh.register,
        chunk_vectors=fresh.chunk_vectors,
        model_id=embeddings.model_id,
        generation=fresh.generation,
    )
