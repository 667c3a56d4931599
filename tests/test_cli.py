"""The ``rag paragraphs`` command."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from rag.interfaces.cli import main

FIELDS = {"id", "source", "doc_title", "letter", "section", "paragraph", "lines", "text"}


def test_paragraphs_json_lists_every_paragraph(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paragraphs", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 29 + 36 + 47 + 40 + 13
    assert all(record.keys() >= FIELDS for record in records)
    sixteen = next(r for r in records if r["id"] == "2004_note_secretariat_projet_resolution_terrorisme/dispositif/16")
    assert sixteen["paragraph"] == "16" and sixteen["section"] == "Dispositif" and sixteen["lines"] == [247, 248]


def test_paragraphs_doc_filter(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paragraphs", "--json", "--doc", "antalya"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {record["source"] for record in records} == {"2004-04-12_lettre_turquie_document_final_antalya.txt"}
    assert records[0]["letter"].startswith("Lettre datée du 12 avril 2004")


def test_paragraphs_text_output_shows_citations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paragraphs", "--doc", "Bucarest pour lutter"]) == 0
    out = capsys.readouterr().out
    assert "Plan d’action de Bucarest, section III, paragraphe 9  (lignes 114–120)" in out


def test_unknown_document_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["paragraphs", "--doc", "nonexistent"]) == 2
    assert "No document matches 'nonexistent'" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["paragraphs", "index"])
@pytest.mark.parametrize("folder", ["empty", "missing"])
def test_empty_or_missing_corpus_is_a_plain_message(
    command: str, folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "docs"
    if folder == "empty":
        corpus.mkdir()
    monkeypatch.setenv("RAG_CORPUS_DIR", str(corpus))
    assert main([command]) == 1
    assert (
        f"No readable document in {corpus}: put UTF-8 .txt, PDF, Word (.docx) or HTML documents there"
        in capsys.readouterr().err
    )


def test_a_document_over_the_size_limit_is_skipped_and_the_others_listed(
    corpus_copy: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    (corpus_copy / "huge.txt").write_text("de la coopération\n" * 5_000, encoding="utf-8")  # 19 bytes a line
    monkeypatch.setenv("RAG_MAX_DOCUMENT_BYTES", "50000")
    with caplog.at_level(logging.WARNING):
        assert main(["paragraphs", "--json"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 29 + 36 + 47 + 40 + 13
    assert "skipped huge.txt: 95,000 bytes, over the limit of 50,000 bytes (RAG_MAX_DOCUMENT_BYTES)" in caplog.text


def test_invalid_setting_is_a_clear_error(monkeypatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("RAG_EMBEDDING_BACKEND", "tensorrt")
    assert main(["paragraphs"]) == 2
    assert "Invalid setting in the environment (RAG_*)" in capsys.readouterr().err
