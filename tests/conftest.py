"""Shared fixtures: the real corpus, read-only, and every writable path in tmp_path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from fake_openai import FakeChatServer, fake_openai_server
from rag.config import Settings
from rag.ingest.corpus import Document, load_corpus

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test writes into the repository: the working folder and the index live in tmp_path."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("RAG_INDEX_DIR", str(tmp_path / "index"))


@pytest.fixture(scope="session")
def corpus() -> dict[str, Document]:
    """The five documents of corpus/, by a short key."""
    documents = load_corpus(CORPUS)
    keys = {
        "roumanie": "lettre_roumanie",
        "note": "note_secretariat",
        "turquie": "lettre_turquie",
        "plan": "plan_action",
        "declaration": "osce_declaration",
    }
    return {key: next(d for d in documents if part in d.info.source) for key, part in keys.items()}


@pytest.fixture
def fake_embeddings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministic hash embeddings instead of MiniLM, where the model is not the point."""
    from langchain_core.embeddings import DeterministicFakeEmbedding

    import rag.indexing.embeddings

    fake = DeterministicFakeEmbedding(size=32)
    monkeypatch.setattr(rag.indexing.embeddings, "load_embeddings", lambda name, *_: fake)
    # Questions too go through the fake, not through the light encoder of the real model (rag.indexing.query_encoder).
    monkeypatch.setenv("RAG_QUERY_ENCODER", "full")
    # Fake vectors carry no meaning: keep them out of the fused ranking (and so out of the abstention decision).
    monkeypatch.setenv("RAG_DENSE_WEIGHT", "0")
    monkeypatch.setenv("RAG_DENSE_WEIGHT_OTHER_LANGUAGE", "0")


@pytest.fixture
def corpus_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of corpus/ that RAG_CORPUS_DIR points to."""
    import shutil

    copy = tmp_path / "corpus"
    shutil.copytree(CORPUS, copy)
    monkeypatch.setenv("RAG_CORPUS_DIR", str(copy))
    return copy


@pytest.fixture
def fake_openai() -> Iterator[FakeChatServer]:
    """A fake OpenAI-compatible chat server on 127.0.0.1 (``tests/fake_openai.py``): set its ``reply`` first."""
    with fake_openai_server(reply="") as server:
        yield server


@pytest.fixture(scope="module")
def served_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """Settings of an index of corpus/ built once per module with fake vectors (``live_server.fake_index``)."""
    from live_server import fake_index

    with fake_index(tmp_path_factory.mktemp("served") / "index") as settings:
        yield settings


@pytest.fixture(scope="module")
def served_url(served_settings: Settings) -> Iterator[str]:
    """The base URL of a live `rag serve` (uvicorn in a thread, on loopback) over ``served_settings``."""
    from live_server import live_server
    from rag.interfaces.http_api import create_app
    from rag.interfaces.service import Service

    with live_server(create_app(Service.from_settings(served_settings))) as url:
        yield url
