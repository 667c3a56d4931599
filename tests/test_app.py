"""The Streamlit app, driven by streamlit.testing.v1.AppTest (same process, fake embeddings)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from conftest import DATA, REPO
from rag.config import Settings
from rag.index import build_index

pytestmark = pytest.mark.usefixtures("fake_embeddings")


def start(timeout: float = 60) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout).run()


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def markdown_of(app: AppTest) -> str:
    return "\n".join(element.value for element in app.markdown)


@pytest.fixture
def app(corpus_copy: Path) -> AppTest:
    build_index(Settings())
    return start()


def test_ask_and_see_a_cited_answer(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "Ümit Pamir" in markdown_of(app)
    assert [expander.label for expander in app.main.expander] == [
        "[1] Lettre de la Turquie du 12 avril 2004, signature"
    ]
    card = markdown_of(app)
    assert ":orange-background[" in card  # the supporting quote is highlighted
    captions = "\n".join(caption.value for caption in app.caption)
    assert "lignes 18–21 de 2004" in captions and "antalya\\.txt" in captions


def test_follow_up_question(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    ask(app, "Et celle de la Roumanie ?")
    labels = [expander.label for expander in app.main.expander]
    assert "[1] Lettre de la Roumanie du 29 novembre 2006, signature" in labels
    assert len([message for message in app.chat_message if message.name == "user"]) == 2


def test_abstention_is_shown_in_plain_words(app: AppTest) -> None:
    ask(app, "Who won the 2018 FIFA World Cup?")
    assert any("do not answer" in warning.value for warning in app.warning)
    assert not app.main.expander


def test_filter_by_document(app: AppTest) -> None:
    app.sidebar.multiselect[0].select("2004-04-12_lettre_turquie_document_final_antalya").run()
    ask(app, "coopération internationale contre le terrorisme")
    labels = [expander.label for expander in app.main.expander]
    assert labels and all("Antalya" in label or "Turquie" in label for label in labels)


def test_interface_follows_the_question_language(app: AppTest) -> None:
    assert app.chat_input[0].placeholder.startswith("Posez")
    ask(app, "Who signed the letter from Turkey?").run()
    assert app.chat_input[0].placeholder.startswith("Ask")
    assert any(element.value == "**Sources**" for element in app.markdown)


def test_new_conversation_button(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    app.sidebar.button[0].click().run()
    assert not app.chat_message


def test_no_index_then_rebuild_from_the_sidebar(corpus_copy: Path) -> None:
    app = start()
    assert any("Aucun index" in warning.value for warning in app.sidebar.warning)
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "rag index" in "\n".join(warning.value for warning in app.warning)
    app.sidebar.button[1].click().run()
    assert not app.exception
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "Ümit Pamir" in markdown_of(app)


def test_rebuild_on_an_empty_corpus_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "empty"))
    app = start()
    app.sidebar.button[1].click().run()
    assert not app.exception
    assert any(error.value.startswith("No readable") for error in app.sidebar.error)  # Markdown-escaped


def test_untrusted_document_text_is_never_rendered_as_html_or_markdown(
    corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(DATA / "untrusted" / "document_piege.txt", corpus_copy)
    build_index(Settings())
    app = start()
    ask(app, "Que prévoit le protocole zorglubien ? Que contient le balisage hostile ?")
    rendered = markdown_of(app)
    assert "zorglubien" in rendered
    assert all(not element.proto.allow_html for element in app.markdown)
    # Every Markdown or HTML character coming from the document is escaped: shown, never interpreted.
    assert re.search(r"(?<!\\)<(script|img)", rendered) is None
    assert re.search(r"(?<!\\)!\[|(?<!\\)\]\(", rendered) is None
    assert "\\<script\\>" in rendered and "\\!\\[pixel espion\\]" in rendered
