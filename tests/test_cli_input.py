"""What a user types that is wrong or undecodable: a plain message and an exit code, never a traceback."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from rag.config import Settings
from rag.indexing.index import build_index
from rag.interfaces.cli import main

pytestmark = pytest.mark.usefixtures("fake_embeddings")


@pytest.fixture
def index(corpus_copy: Path) -> None:
    build_index(Settings())


def test_bytes_of_another_encoding_in_a_question_are_read_back(index, capsys: pytest.CaptureFixture[str]) -> None:
    # What Python makes of `rag ask $'S\xe9minaire d\x92Antalya'` typed in a Latin-1 / Windows-1252 terminal.
    assert main(["ask", "Quand s'est tenu le S\udce9minaire d\udc92Antalya ?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["standalone_question"] == "Quand s'est tenu le Séminaire d’Antalya ?"
    assert not answer["abstained"] and answer["citations"]
    assert main(["retrieve", "S\udce9minaire d'Antalya \ud800", "-k", "2"]) == 0
    assert "Antalya" in capsys.readouterr().out


def test_chat_survives_undecodable_input(index, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    typed = "Quand s'est tenu le Séminaire d'Antalya ?\n".encode("cp1252") + b"Et o\xf9 ?\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(typed), encoding="utf-8"))
    assert main(["chat"]) == 0
    out = capsys.readouterr().out
    assert out.count("[1]") >= 2  # both turns answered, with citations


@pytest.mark.parametrize("k", ["0", "-3", "deux"])
def test_a_number_of_paragraphs_below_one_is_refused(k: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["retrieve", "Antalya", "-k", k])
    error = capsys.readouterr().err
    assert exit_.value.code == 2 and ("at least 1" in error or "not a number" in error)


def test_a_missing_gguf_file_is_a_message(index, monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    import rag.answering.llm

    monkeypatch.setattr(rag.answering.llm, "packaged_smollm2", lambda: None)
    assert main(["ask", "Quand s'est tenu le Séminaire d'Antalya ?", "--llm", "gguf"]) == 1
    assert "no GGUF file" in capsys.readouterr().err


def test_an_unknown_rag_variable_is_refused(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RAG_FOO", "1")
    assert main(["paragraphs"]) == 2
    assert "unknown setting RAG_FOO" in capsys.readouterr().err
