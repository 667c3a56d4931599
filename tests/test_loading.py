"""Bad input gets a clear message and loses nothing."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from conftest import CORPUS
from rag.ingest.corpus import load_corpus

BIG_TEXT = "de la coopération contre le terrorisme\n" * 2_000  # 80 KB


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(next(CORPUS.glob("*turquie*.txt")), folder / "antalya.txt")
    return folder


def test_unreadable_files_are_skipped_with_a_warning_naming_them(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "latin1.txt").write_bytes("Déclaration".encode("latin-1"))
    (folder / "empty.txt").write_text("  \n\n", encoding="utf-8")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4")
    (folder / "slides.odp").write_bytes(b"PK\x03\x04")
    (folder / "subfolder").mkdir()
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(folder)
    assert [document.info.source for document in documents] == ["antalya.txt"]
    messages = caplog.text
    assert "latin1.txt: not UTF-8 text" in messages
    assert "empty.txt: the file is empty" in messages
    assert "broken.pdf: not a readable PDF" in messages
    assert "slides.odp: not a document type that is read (.txt, .pdf, .docx, .html, .htm)" in messages


def test_missing_folder_is_reported(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert load_corpus(tmp_path / "nowhere") == []
    assert "does not exist" in caplog.text


def test_sidecar_overrides_metadata_and_citations(folder: Path) -> None:
    (folder / "antalya.meta.json").write_text(json.dumps({"title": "Document final d’Antalya sur la coopération"}))
    (document,) = load_corpus(folder)
    assert document.info.short_title == "Document final d’Antalya"
    assert document.paragraphs[-1].citation.startswith("Document final d’Antalya (annexe à la lettre de la Turquie")


def test_invalid_sidecar_is_reported_and_ignored(folder: Path, caplog: pytest.LogCaptureFixture) -> None:
    (folder / "antalya.meta.json").write_text(json.dumps({"titel": "typo"}))
    with caplog.at_level(logging.WARNING):
        (document,) = load_corpus(folder)
    assert "antalya.meta.json" in caplog.text
    assert document.info.short_title == "Document final du Séminaire d’Antalya"


def test_windows_line_endings_and_bom_are_read(tmp_path: Path) -> None:
    source = next(CORPUS.glob("*turquie*.txt")).read_text(encoding="utf-8")
    (tmp_path / "crlf.txt").write_bytes(b"\xef\xbb\xbf" + source.replace("\n", "\r\n").encode("utf-8"))
    (document,) = load_corpus(tmp_path)
    assert len(document.paragraphs) == 47
    assert document.paragraphs[0].text.startswith("Lettre datée du 12 avril 2004")


def test_a_file_over_the_size_limit_is_skipped_with_a_warning_naming_it_and_its_size(
    folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (folder / "huge.txt").write_text(BIG_TEXT, encoding="utf-8")
    size = (folder / "huge.txt").stat().st_size
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(folder, max_document_bytes=size - 1)
    assert [document.info.source for document in documents] == ["antalya.txt"]
    assert f"skipped huge.txt: {size:,} bytes, over the limit of {size - 1:,} bytes (RAG_MAX_DOCUMENT_BYTES)" in (
        caplog.text
    )
    assert [document.info.source for document in load_corpus(folder, max_document_bytes=size)] == [
        "antalya.txt",
        "huge.txt",
    ]


def test_a_file_over_the_size_limit_loses_nothing_else(folder: Path) -> None:
    shutil.copy(next(CORPUS.glob("*roumanie*.txt")), folder / "zz_roumanie.txt")  # read after the big file
    alone = load_corpus(folder)
    (folder / "huge.txt").write_text(BIG_TEXT, encoding="utf-8")
    assert load_corpus(folder, max_document_bytes=50_000) == alone
