"""The built wheel, installed in a fresh virtual environment away from the source tree, answers in both modes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import CORPUS, REPO
from fake_openai import FakeChatServer
from rag.config import Settings
from rag.indexing.index import build_index

pytestmark = pytest.mark.slow

DOCUMENT = "2020_osce_declaration_criminalite_transnationale"  # the smallest document: 13 paragraphs
QUESTION = "Which United Nations Convention marks its twentieth anniversary this year?"
REPLY = "It is the Convention des Nations Unies contre la criminalité transnationale organisée (2000) [1]."


def _run(command: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built offline from a copy of its sources (setuptools writes `build/` and `*.egg-info` beside them)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    shutil.copytree(REPO / "rag", source / "rag", ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    pip_wheel = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
    _run([*pip_wheel, "--wheel-dir", dist, source], cwd=dist)
    (built,) = dist.glob("rag-*.whl")
    return built


@pytest.fixture(scope="module")
def environment(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed, seeing this environment's installed dependencies.

    A plain path line in a ``.pth`` file puts this environment's site-packages on the path without processing
    the ``.pth`` files inside it, so the editable install's finder of the source tree stays inactive.
    """
    root = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=False).create(root)
    python = root / "bin" / "python"
    # Installed before the dependencies are visible, so pip never sees (nor touches) the editable install.
    pip_install = [sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index"]
    _run([*pip_install, wheel], cwd=root)
    purelib = _run([python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], cwd=root).strip()
    dependencies = dict.fromkeys(sysconfig.get_path(name) for name in ("purelib", "platlib"))
    (Path(purelib) / "dependencies.pth").write_text("".join(f"{path}\n" for path in dependencies), encoding="utf-8")
    return root


def _clean_env(**settings: str) -> dict[str, str]:
    """This process's environment without PYTHONPATH (which may name the source tree) or RAG_*, plus settings."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH" and not key.startswith("RAG_")}
    return env | settings


def test_the_wheel_holds_every_file_of_the_package(wheel: Path) -> None:
    packaged = set(zipfile.ZipFile(wheel).namelist())
    sources = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "rag").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert sources - packaged == set()


def test_the_installed_package_is_not_the_source_tree(environment: Path, tmp_path: Path) -> None:
    found = json.loads(
        _run(
            [environment / "bin" / "python", "-c", "import json, rag, sys, sysconfig; print(json.dumps({"
             "'rag': rag.__file__, 'site': sysconfig.get_path('purelib'), "
             "'editable_finders': [name for name in sys.modules if name.startswith('__editable__')]}))"],
            cwd=tmp_path, env=_clean_env(),
        )
    )  # fmt: skip
    assert Path(found["rag"]).is_relative_to(found["site"]), found
    assert not Path(found["rag"]).resolve().is_relative_to(REPO.resolve()), found
    assert found["editable_finders"] == [], found  # the source tree's finder would answer for a missing module


def test_the_installed_wheel_answers_in_both_modes(
    environment: Path, tmp_path: Path, fake_openai: FakeChatServer, fake_embeddings: None
) -> None:
    work = tmp_path / "work"  # outside the repository
    corpus = work / "corpus"
    corpus.mkdir(parents=True)
    for path in CORPUS.glob(f"{DOCUMENT}.*"):
        shutil.copy(path, corpus)
    # Built here with fake vectors, to spare loading MiniLM: with dense weights 0 the question is searched by BM25.
    build_index(Settings(corpus_dir=corpus, index_dir=work / "index"))
    env = _clean_env(
        RAG_CORPUS_DIR=str(corpus),
        RAG_INDEX_DIR=str(work / "index"),
        RAG_DENSE_WEIGHT="0",
        RAG_DENSE_WEIGHT_OTHER_LANGUAGE="0",
    )
    rag_command = environment / "bin" / "rag"
    extractive = json.loads(_run([rag_command, "ask", QUESTION, "--json"], cwd=work, env=env))
    assert extractive["mode"] == "extractive" and extractive["citations"], extractive
    assert "(2000)" in extractive["citations"][0]["quote"]

    fake_openai.reply = REPLY
    env |= {"RAG_LLM_PROVIDER": "openai", "RAG_LLM_BASE_URL": fake_openai.base_url, "RAG_LLM_MODEL": "fake"}
    generative = json.loads(_run([rag_command, "ask", QUESTION, "--json"], cwd=work, env=env))
    assert generative["mode"] == "generative", generative
    assert generative["text"] == REPLY and generative["citations"][0]["paragraph"] == "1"
    (request,) = fake_openai.requests
    assert request["messages"][0]["role"] == "system" and QUESTION in request["messages"][-1]["content"]
