"""sentences.sqlite: analyses and vectors read one at a time; an update lands whole or not at
all."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from assistant.answering.nlp import Entity, Parsed, Token
from assistant.sentence_db import Parses, SentenceDB, Vectors

PARSED = Parsed((Token("Kunnat", "kunta", "NOUN", "nsubj", 0, "Nom"),), (Entity("ORG", 0, 1, "x"),))


def test_a_failed_update_leaves_the_previous_state(tmp_path: Path) -> None:
    db = SentenceDB(tmp_path / "s.sqlite")
    with db.writing() as writer:
        writer.put_parses([("a#0", PARSED)])
        writer.set_meta("generation", "g1")
    with pytest.raises(RuntimeError), db.writing() as writer:
        writer.delete_parses(["a#0"])
        writer.set_meta("generation", "g2")
        raise RuntimeError("killed")
    assert db.meta("generation") == "g1"
    assert db.parse("a#0") == PARSED
    db.close()


def test_parses_are_read_by_row_and_a_removed_one_reads_empty(tmp_path: Path) -> None:
    db = SentenceDB(tmp_path / "s.sqlite")
    with db.writing() as writer:
        writer.put_parses([("a#0", PARSED), ("a#1", Parsed())])
    keys = ["a#1", "a#0", "b#0"]
    parses = Parses(db, keys.__getitem__, len(keys))
    assert len(parses) == 3
    assert parses[1] == PARSED
    assert parses[2] == Parsed()
    assert db.parse_keys() == {"a#0", "a#1"}


def test_vectors_are_read_by_rows_and_a_removed_one_reads_zero(tmp_path: Path) -> None:
    db = SentenceDB(tmp_path / "s.sqlite")
    stored = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    with db.writing() as writer:
        writer.put_vectors(["a#0", "a#1", "b#0"], stored)
    with db.writing() as writer:
        writer.delete_vectors(["a#1"])
    keys = ["b#0", "a#1", "a#0"]
    vectors = Vectors(db, keys.__getitem__, 4)
    got = vectors[[2, 0, 1, 2]]
    assert got.dtype == np.float32
    assert np.array_equal(got, np.stack([stored[0], stored[2], np.zeros(4), stored[0]]))
    assert db.vector_keys() == {"a#0", "b#0"}
    assert vectors[[]].shape == (0, 4)
    db.close()


def test_token_ids_vocabulary_and_register_rows_round_trip(tmp_path: Path) -> None:
    db = SentenceDB(tmp_path / "s.sqlite")
    with db.writing() as writer:
        writer.put_vocabulary([("kunt", 0), ("alue", 1), ("", 2)])
        writer.put_token_ids([("c1", np.array([0, 1, 0])), ("c2", np.array([2]))])
        writer.put_register("d1", "k1", b'[{"kind": "roles"}]')
        writer.put_register("d2", "k2", b"[]")
    with db.writing() as writer:
        writer.delete_token_ids(["c2"])
        writer.delete_register(["d2"])
    assert db.vocabulary() == {"kunt": 0, "alue": 1, "": 2}
    ids = db.token_ids()
    assert list(ids) == ["c1"] and ids["c1"].dtype == np.int32
    assert ids["c1"].tolist() == [0, 1, 0]
    assert db.register_keys() == {"d1": "k1"}
    assert db.register_rows() == {"d1": b'[{"kind": "roles"}]'}
    with pytest.raises(sqlite3.IntegrityError), db.writing() as writer:  # ids are unique
        writer.put_vocabulary([("uusi", 1)])
    assert db.vocabulary() == {"kunt": 0, "alue": 1, "": 2}
    db.close()
