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
from rag.index import build_index


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

    import rag.embeddings

    fake = DeterministicFakeEmbedding(size=32)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rag.embeddings, "load_embeddings", lambda name, *_: fake)
        values = {"corpus_dir": CORPUS, "dense_weight": 0, "dense_weight_other_language": 0, **overrides}
        settings = Settings(index_dir=directory, **values)
        build_index(settings)
        yield settings
