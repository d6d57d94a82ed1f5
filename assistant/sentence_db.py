"""``index/sentences.sqlite``: the vector and Finnish analysis of every sentence, the
answerer's tables, each chunk's BM25 tokens (as ids of a vocabulary that only grows) and each
document's register rows.

An index update changes only the rows of new and removed sentences and documents, in one
transaction (a run killed mid-way leaves the previous state). A loaded index reads one
sentence's vector and analysis when the answerer looks at that sentence, never all of them:
at 100k chunks they are 480k sentences, 740 MB of float32 vectors. WAL mode lets the app
answer from the open index while an update writes.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np
import orjson

from .answering.nlp import Parsed
from .answering.tables import CorpusTables, DocumentTables

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS parses (key TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (doc_id TEXT PRIMARY KEY, key TEXT NOT NULL,
                                      data TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS token_ids (chunk_id TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vocabulary (token TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS register (doc_id TEXT PRIMARY KEY, key TEXT NOT NULL,
                                     data BLOB NOT NULL);
DROP TABLE IF EXISTS tokens;
"""
# ``tokens`` held each chunk's BM25 tokens as JSON strings before the vocabulary ids
_VECTOR_DTYPE = np.dtype("<f4")
_ID_DTYPE = np.dtype("<i4")
_MAX_PARAMS = 500  # keys per SELECT ... IN (...)


class SentenceDB:
    """One open ``sentences.sqlite`` (thread-safe; writes only through :meth:`writing`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.RLock()  # a writer's transaction reads too
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # -- reading --------------------------------------------------------------------------

    def meta(self, key: str) -> str | None:
        """A stored setting ("generation", "nlp", "tables_code", "tables")."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def parse(self, key: str) -> Parsed | None:
        """The analysis of the sentence ``key`` (None when it has none)."""
        with self._lock:
            row = self._conn.execute("SELECT data FROM parses WHERE key = ?", (key,)).fetchone()
        return None if row is None else Parsed.from_list(orjson.loads(row[0]))

    def vectors(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``keys`` (float32; keys without one are left out)."""
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for start in range(0, len(keys), _MAX_PARAMS):
                batch = keys[start : start + _MAX_PARAMS]
                marks = ",".join("?" * len(batch))
                query = f"SELECT key, data FROM vectors WHERE key IN ({marks})"
                for key, data in self._conn.execute(query, batch):
                    found[str(key)] = np.frombuffer(data, dtype=_VECTOR_DTYPE)
        return found

    def vector_keys(self) -> set[str]:
        """Keys of every sentence with a stored vector."""
        with self._lock:
            return {str(k) for (k,) in self._conn.execute("SELECT key FROM vectors")}

    def parse_keys(self) -> set[str]:
        """Keys of every analysed sentence."""
        with self._lock:
            return {str(k) for (k,) in self._conn.execute("SELECT key FROM parses")}

    def document_keys(self) -> dict[str, str]:
        """doc id → the key (its chunk ids' hash) its tables were counted for."""
        with self._lock:
            rows = self._conn.execute("SELECT doc_id, key FROM documents").fetchall()
        return {str(d): str(k) for d, k in rows}

    def all_document_tables(self) -> Iterator[DocumentTables]:
        """Every document's tables."""
        with self._lock:
            rows = self._conn.execute("SELECT data FROM documents").fetchall()
        for (data,) in rows:
            yield DocumentTables.from_dict(orjson.loads(data))

    def token_ids(self) -> dict[str, np.ndarray]:
        """chunk id → its BM25 tokens as vocabulary ids (int32)."""
        with self._lock:
            rows = self._conn.execute("SELECT chunk_id, data FROM token_ids").fetchall()
        return {str(c): np.frombuffer(d, dtype=_ID_DTYPE) for c, d in rows}

    def vocabulary(self) -> dict[str, int]:
        """BM25 token → its id (0, 1, 2, … in the order tokens were first stored)."""
        with self._lock:
            rows = self._conn.execute("SELECT token, id FROM vocabulary").fetchall()
        return {str(t): int(i) for t, i in rows}

    def register_keys(self) -> dict[str, str]:
        """doc id → the key (``register.document_key``) its stored rows were extracted for."""
        with self._lock:
            rows = self._conn.execute("SELECT doc_id, key FROM register").fetchall()
        return {str(d): str(k) for d, k in rows}

    def register_rows(self) -> dict[str, bytes]:
        """doc id → its register rows (``register.rows_to_json``)."""
        with self._lock:
            rows = self._conn.execute("SELECT doc_id, data FROM register").fetchall()
        return {str(d): bytes(data) for d, data in rows}

    def corpus_tables(self) -> CorpusTables | None:
        """The summed tables, as the last update left them."""
        data = self.meta("tables")
        return None if data is None else CorpusTables.from_dict(orjson.loads(data))

    # -- writing --------------------------------------------------------------------------

    def writing(self) -> _Writer:
        """A transaction: everything written through it lands together or not at all."""
        return _Writer(self)


class _Writer:
    def __init__(self, db: SentenceDB) -> None:
        self._db = db
        self._conn = db._conn

    def __enter__(self) -> _Writer:
        self._db._lock.acquire()
        self._conn.execute("BEGIN IMMEDIATE")
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        try:
            self._conn.execute("COMMIT" if kind is None else "ROLLBACK")
        finally:
            self._db._lock.release()

    def set_meta(self, key: str, value: str) -> None:
        self._conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def put_parses(self, items: Iterable[tuple[str, Parsed]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO parses VALUES (?, ?)",
            ((k, orjson.dumps(p.to_list()).decode()) for k, p in items),
        )

    def delete_parses(self, keys: Sequence[str]) -> None:
        self._conn.executemany("DELETE FROM parses WHERE key = ?", ((k,) for k in keys))

    def put_vectors(self, keys: Sequence[str], vectors: np.ndarray) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?)",
            zip(keys, (v.tobytes() for v in np.asarray(vectors, dtype=_VECTOR_DTYPE)), strict=True),
        )

    def delete_vectors(self, keys: Sequence[str]) -> None:
        self._conn.executemany("DELETE FROM vectors WHERE key = ?", ((k,) for k in keys))

    def clear(self, table: str) -> None:
        assert table in ("parses", "documents", "vectors", "token_ids", "vocabulary", "register")
        self._conn.execute(f"DELETE FROM {table}")

    def put_document(self, doc_id: str, key: str, tables: DocumentTables) -> None:
        self._conn.execute(
            "INSERT OR REPLACE INTO documents VALUES (?, ?, ?)",
            (doc_id, key, orjson.dumps(tables.to_dict()).decode()),
        )

    def put_token_ids(self, items: Iterable[tuple[str, np.ndarray]]) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO token_ids VALUES (?, ?)",
            ((c, np.asarray(ids, dtype=_ID_DTYPE).tobytes()) for c, ids in items),
        )

    def delete_token_ids(self, chunk_ids: Sequence[str]) -> None:
        self._conn.executemany(
            "DELETE FROM token_ids WHERE chunk_id = ?", ((c,) for c in chunk_ids)
        )

    def put_vocabulary(self, items: Iterable[tuple[str, int]]) -> None:
        self._conn.executemany("INSERT INTO vocabulary VALUES (?, ?)", items)

    def put_register(self, doc_id: str, key: str, data: bytes) -> None:
        self._conn.execute("INSERT OR REPLACE INTO register VALUES (?, ?, ?)", (doc_id, key, data))

    def delete_register(self, doc_ids: Sequence[str]) -> None:
        self._conn.executemany("DELETE FROM register WHERE doc_id = ?", ((d,) for d in doc_ids))

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        self._conn.executemany("DELETE FROM documents WHERE doc_id = ?", ((d,) for d in doc_ids))


class Parses(Sequence[Parsed]):
    """The analyses of a loaded index's sentences by row, read from the database on use.

    A sentence whose analysis an update has just removed (the app still answering from the
    previous index) reads as an empty analysis."""

    def __init__(self, db: SentenceDB, key_of: Callable[[int], str], size: int) -> None:
        self._db = db
        self._key_of = key_of
        self._size = size

    def __len__(self) -> int:
        return self._size

    def __getitem__(self, row: int) -> Parsed:  # type: ignore[override]
        return self._db.parse(self._key_of(row)) or Parsed()


class Vectors:
    """The vectors of a loaded index's sentences by row, read from the database on use
    (``vectors[rows]`` is a float32 array, one row per requested row).

    A sentence whose vector an update has just removed reads as zeros: no similarity."""

    def __init__(self, db: SentenceDB, key_of: Callable[[int], str], dim: int) -> None:
        self._db = db
        self._key_of = key_of
        self.dim = dim

    def __getitem__(self, rows: Sequence[int]) -> np.ndarray:
        keys = [self._key_of(r) for r in rows]
        found = self._db.vectors(keys)
        out = np.zeros((len(keys), self.dim), dtype=np.float32)
        for i, key in enumerate(keys):
            if key in found:
                out[i] = found[key]
        return out
