"""The app's documents panel (upload, clash, remove) and downloads, driven by AppTest with fake embeddings."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import CORPUS, DATA, REPO
from rag.config import Settings
from rag.indexing.index import build_index, read_manifest
from rag.interfaces.ui import STRINGS, paragraph_html, source_card_html

pytestmark = pytest.mark.usefixtures("fake_embeddings")

NORWAY = DATA / "un_en_es" / "2023-05-10_letter_norway_oslo_workshop_declaration.txt"
PARAGRAPH_3 = "Oslo Declaration (annex to the letter from Norway of 10 May 2023), paragraph 3"
QUESTION = "What share of the terrorism financing cases used virtual assets?"
FR = STRINGS["fr"]


def start() -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=60).run()


def shown(elements) -> str:
    bodies = (element.value.replace("<br>", "\n") for element in elements)
    return "\n".join(html.unescape(re.sub(r"<[^>]*>", "", body)) for body in bodies)


def plain(elements) -> list[str]:
    """The text of alerts (st.warning, st.success…) without the Markdown escapes."""
    return [re.sub(r"\\(.)", r"\1", element.value).replace("  \n", "\n") for element in elements]


def card_labels(app: AppTest) -> list[str]:
    """The labels of the source cards of the last answer."""
    summaries = (re.search(r"<summary[^>]*>(.*?)</summary>", element.value) for element in app.chat_message[-1].html)
    return [html.unescape(summary.group(1)) for summary in summaries if summary]


def upload(app: AppTest, *files: tuple[str, bytes]) -> AppTest:
    app.sidebar.file_uploader[0].set_value([(name, data, "text/plain") for name, data in files]).run()
    assert not app.exception, app.exception
    return app


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def button(app: AppTest, key: str):
    return next(b for b in app.sidebar.button if b.key == key)


@pytest.fixture
def app(corpus_copy: Path) -> AppTest:
    build_index(Settings())
    return start()


def test_upload_a_letter_see_it_listed_and_get_its_paragraph_cited(app: AppTest, corpus_copy: Path) -> None:
    ask(app, QUESTION)
    assert PARAGRAPH_3 not in card_labels(app)
    assert app.sidebar.file_uploader[0].accept_multiple_files
    upload(app, (NORWAY.name, NORWAY.read_bytes()))
    assert plain(app.sidebar.success) == [f"{NORWAY.name} added: 29 paragraphs (29 embedded)."]  # asked in English
    panel = shown(app.sidebar.html)
    assert "Oslo Declaration\n" in panel and "letter with annex · 2023-04-26 · A/77/893 · 29 paragraphs" in panel
    assert (corpus_copy / NORWAY.name).read_bytes() == NORWAY.read_bytes()
    assert any("Oslo Declaration" in option for option in app.sidebar.multiselect[0].options)
    ask(app, QUESTION)
    assert card_labels(app)[0] == f"[1] {PARAGRAPH_3}"
    downloads = [b for b in app.main.get("download_button") if b.proto.label == STRINGS["en"]["download"]]
    assert downloads, "the source card offers the original file"


def test_several_files_dropped_at_once_are_each_added_or_refused(app: AppTest, corpus_copy: Path) -> None:
    draft = DATA / "un_en_es" / "2022_resolution_corruption_draft.txt"
    upload(app, (NORWAY.name, NORWAY.read_bytes()), ("vide.txt", b""), (draft.name, draft.read_bytes()))
    assert plain(app.sidebar.success) == [
        f"{NORWAY.name} ajouté : 29 paragraphes (29 calculés).",
        f"{draft.name} ajouté : 26 paragraphes (26 calculés).",
    ]
    assert plain(app.sidebar.warning) == ["vide.txt est vide : il n’y a rien à ajouter."]
    assert "projet de résolution · 2022-10-11 · A/C.3/77/L.19 · 26 paragraphes" in shown(app.sidebar.html)
    assert len(read_manifest(Settings()).entries) == 165 + 29 + 26
    app.run()  # the files stay in the uploader: a later rerun does not add them again
    assert len(read_manifest(Settings()).entries) == 165 + 29 + 26
    assert not list(corpus_copy.glob("*-2.txt"))
    assert plain(app.sidebar.warning) == ["vide.txt est vide : il n’y a rien à ajouter."]  # no clash with itself


def test_refused_uploads_each_say_why_and_nothing_is_added(app: AppTest, corpus_copy: Path) -> None:
    before = sorted(path.name for path in corpus_copy.iterdir())
    manifest = read_manifest(Settings())
    upload(
        app,
        ("vide.txt", b""),
        ("scan.pdf", b"%PDF-1.4 binary"),
        ("diapos.pptx", b"PK\x03\x04"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00"),
        (".cache.txt", b"hidden"),
        ("gros.txt", b"x" * 5_000_001),
    )
    assert plain(app.sidebar.warning) == [
        "vide.txt est vide : il n’y a rien à ajouter.",
        "scan.pdf ne peut pas être ajouté : not a readable PDF (PdfminerException: No /Root object! - Is this "
        "really a PDF?).",
        "diapos.pptx : ce type de fichier (.pptx) ne peut pas être ajouté ; formats acceptés : .txt, .pdf, .docx, "
        ".html, .htm.",
        "photo.txt n’est pas un fichier texte (il contient des données binaires).",
        "« .cache.txt » n’est pas accepté comme nom de fichier : donnez un nom simple, sans dossier, qui ne "
        "commence pas par un point.",
        "gros.txt : 5,000,001 octets, au-delà de la limite de 5,000,000 octets (RAG_MAX_DOCUMENT_BYTES).",
    ]
    assert sorted(path.name for path in corpus_copy.iterdir()) == before
    assert read_manifest(Settings()) == manifest


def test_a_name_clash_asks_and_keep_both_adds_under_a_new_name(app: AppTest, corpus_copy: Path) -> None:
    name = "2004-04-12_lettre_turquie_document_final_antalya.txt"
    original = (corpus_copy / name).read_bytes()
    upload(app, (name, NORWAY.read_bytes()))
    assert plain(app.sidebar.warning) == [
        f"{name} : le corpus a déjà un document de ce nom ({name}). Remplacer ce document, ou garder les deux "
        f"(le nouveau sous le nom {name.replace('.txt', '-2.txt')}) ?"
    ]
    assert (corpus_copy / name).read_bytes() == original  # nothing overwritten while the user decides
    button(app, f"keep-both-{name}").click().run()
    assert not app.exception
    kept = name.replace(".txt", "-2.txt")
    assert (corpus_copy / kept).read_bytes() == NORWAY.read_bytes()
    assert (corpus_copy / name).read_bytes() == original
    assert {name, kept} <= {entry.source for entry in read_manifest(Settings()).entries}
    assert not app.sidebar.warning
    assert plain(app.sidebar.success) == [f"{kept} ajouté : 29 paragraphes (29 calculés)."]


def test_a_name_clash_replaced_puts_the_old_file_aside(app: AppTest, corpus_copy: Path) -> None:
    name = "2004-04-12_lettre_turquie_document_final_antalya.txt"
    upload(app, (name, NORWAY.read_bytes()))
    button(app, f"replace-{name}").click().run()
    assert not app.exception
    assert (corpus_copy / name).read_bytes() == NORWAY.read_bytes()
    assert [path.read_bytes() for path in (corpus_copy / ".removed").iterdir()] == [(CORPUS / name).read_bytes()]
    assert plain(app.sidebar.info) == [f"{name} remplace l’ancienne version, déplacée dans {corpus_copy / '.removed'}."]


def test_remove_asks_for_confirmation_then_the_document_is_gone(app: AppTest, corpus_copy: Path) -> None:
    upload(app, (NORWAY.name, NORWAY.read_bytes()))
    ask(app, QUESTION)
    assert card_labels(app)[0] == f"[1] {PARAGRAPH_3}"
    button(app, f"remove-{NORWAY.name}").click().run()
    assert "Remove “Oslo Declaration”" in shown(app.sidebar.html)  # in English, the question's language
    assert (corpus_copy / NORWAY.name).exists()  # not before it is confirmed
    button(app, f"cancel-remove-{NORWAY.name}").click().run()
    assert (corpus_copy / NORWAY.name).exists() and "Remove “Oslo" not in shown(app.sidebar.html)
    button(app, f"remove-{NORWAY.name}").click().run()
    button(app, f"confirm-remove-{NORWAY.name}").click().run()
    assert not app.exception
    assert not (corpus_copy / NORWAY.name).exists()
    assert plain(app.sidebar.success) == [
        f"{NORWAY.name} removed: 29 paragraphs left the index; the file is in {corpus_copy / '.removed'}."
    ]
    assert "Oslo Declaration" not in shown(app.sidebar.html)
    assert all(entry.source != NORWAY.name for entry in read_manifest(Settings()).entries)
    ask(app, QUESTION)
    assert not [label for label in card_labels(app) if "Oslo" in label]


def test_the_document_view_offers_the_original_file(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    next(b for b in app.main.button if b.label == FR["open_document"]).click().run()
    assert not app.exception
    keys = [b.proto.id for b in app.main.get("download_button")]
    assert any("download-document" in key for key in keys)


@dataclass(frozen=True)
class PdfParagraph:
    """A paragraph as the PDF reader gives it: with the pages it spans."""

    section: str
    label: str
    text: str
    lines: tuple[int, int]
    pages: tuple[int, int] | None


def test_pages_are_shown_where_paragraphs_have_them_and_lines_otherwise() -> None:
    card = {"doc_title": "Oslo", "letter": None, "section": "", "paragraph": "3", "marker": 1, "citation": "c",
            "text": "t", "quote": "", "source": "a.pdf", "lines": [70, 73]}  # fmt: skip
    assert "page 2 de a.pdf" in source_card_html({**card, "pages": [2, 2]}, FR)
    assert "pages 2–3 of a.pdf" in source_card_html({**card, "pages": [2, 3]}, STRINGS["en"])
    assert "lignes 70–73 de a.pdf" in source_card_html({**card, "pages": None}, FR)
    assert "lignes 70–73 de a.pdf" in source_card_html(card, FR)  # citations from before pages existed
    assert "<b>3</b> · p. 4<br>" in paragraph_html(PdfParagraph("", "3", "t", (1, 2), (4, 4)), ui=FR)
    assert "<b>3</b> · pp. 4–5<br>" in paragraph_html(PdfParagraph("", "3", "t", (1, 2), (4, 5)), ui=STRINGS["en"])
    assert "<b>3</b> · 1–2<br>" in paragraph_html(PdfParagraph("", "3", "t", (1, 2), None), ui=FR)
