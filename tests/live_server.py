"""A real uvicorn server in a thread on a free loopback port, for the tests of the services."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from conftest import CORPUS
from rag.config import Settings
from rag.indexing.index import build_index


@contextmanager
def live_server(app, start_timeout: float = 30.0) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 (a port the system picks); yields its base URL, stops it after."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def fake_index(directory: Path, **overrides: object) -> Iterator[Settings]:
    """An index of corpus/ in ``directory``, built with deterministic fake vectors kept out of the fusion.

    The fake encoder stays in place while the settings are in use (``mode="dense"`` searches with it).
    """
    import pytest
    from langchain_core.embeddings import DeterministicFakeEmbedding

    import rag.indexing.embeddings

    fake = DeterministicFakeEmbedding(size=32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rag.indexing.embeddings, "load_embeddings", lambda name, *_: fake)
        values = {
            "corpus_dir": CORPUS,
            "dense_weight": 0,
            "dense_weight_other_language": 0,
            "query_encoder": "full",  # questions through the fake too, not the real model's light encoder
            **overrides,
        }
        settings = Settings(index_dir=directory, **values)
        build_index(settings)
        yield settings


@contextmanager
def rag_command(arguments: list[str], settings: Settings, log: Path, ready_path: str, timeout: float = 60.0):
    """A real `rag …` server process on a free loopback port; yields its base URL once ``ready_path`` answers."""
    import os
    import subprocess
    import sys

    import httpx

    from conftest import REPO
    from test_serving import free_port

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "RAG_CORPUS_DIR": str(settings.corpus_dir),
        "RAG_INDEX_DIR": str(settings.index_dir),
        "RAG_DENSE_WEIGHT": "0",  # the index has fake vectors: no encoder in the server
        "RAG_DENSE_WEIGHT_OTHER_LANGUAGE": "0",
    }
    command = [sys.executable, "-m", "rag.interfaces.cli", *arguments, "--port", str(port)]
    server = subprocess.Popen(command, cwd=REPO, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                httpx.get(url + ready_path, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.2)
        yield url, port
    finally:
        server.terminate()
        server.wait(timeout=30)
