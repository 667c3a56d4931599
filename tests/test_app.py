"""The Streamlit app, driven by streamlit.testing.v1.AppTest (same process, fake embeddings)."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from filelock import FileLock
from streamlit.testing.v1 import AppTest

import rag.indexing.index
from conftest import DATA, REPO
from rag.config import Settings
from rag.indexing.index import build_index
from rag.ingest.corpus import load_corpus
from rag.interfaces.ui import STRINGS, escape_markdown

pytestmark = pytest.mark.usefixtures("fake_embeddings")


def start(timeout: float = 60) -> AppTest:
    st.cache_resource.clear()
    st.cache_data.clear()
    return AppTest.from_file(str(REPO / "app.py"), default_timeout=timeout).run()


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, app.exception
    return app


def shown(app: AppTest) -> str:
    """The text of the app's untrusted-text elements (st.html) as a browser shows it."""
    bodies = (element.value.replace("<br>", "\n") for element in app.html)
    return "\n".join(html.unescape(re.sub(r"<[^>]*>", "", body)) for body in bodies)


def card_labels(app: AppTest) -> list[str]:
    """The labels of the source cards, in order."""
    summaries = (re.search(r"<summary[^>]*>(.*?)</summary>", element.value) for element in app.main.html)
    return [html.unescape(summary.group(1)) for summary in summaries if summary]


@pytest.fixture
def app(corpus_copy: Path) -> AppTest:
    build_index(Settings())
    return start()


def test_ask_and_see_a_cited_answer(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "Ümit Pamir" in shown(app)
    assert card_labels(app) == ["[1] Lettre de la Turquie du 12 avril 2004, signature"]
    card = next(element.value for element in app.main.html if "<summary" in element.value)
    assert "<mark" in card  # the supporting quote is highlighted
    assert "lignes 18–21 de 2004-04-12_lettre_turquie_document_final_antalya.txt" in shown(app)


def test_follow_up_question(app: AppTest) -> None:
    ask(app, "Qui a signé la lettre de la Turquie ?")
    ask(app, "Et celle de la Roumanie ?")
    assert "[1] Lettre de la Roumanie du 29 novembre 2006, signature" in card_labels(app)
    assert len([message for message in app.chat_message if message.name == "user"]) == 2


def test_abstention_is_shown_in_plain_words(app: AppTest) -> None:
    ask(app, "Who won the 2018 FIFA World Cup?")
    assert any("do not answer" in warning.value for warning in app.warning)
    assert not card_labels(app)


def test_filter_by_document(app: AppTest) -> None:
    app.sidebar.multiselect[0].select("2004-04-12_lettre_turquie_document_final_antalya").run()
    ask(app, "coopération internationale contre le terrorisme")
    labels = card_labels(app)
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
    assert "Ümit Pamir" in shown(app)


def rebuild_button(app: AppTest):
    return next(button for button in app.sidebar.button if button.label in {ui["rebuild"] for ui in STRINGS.values()})


def test_rebuild_while_another_build_runs_says_so_and_the_app_goes_on(app: AppTest) -> None:
    ask(app, "Who signed the letter from Turkey?").run()  # the interface, sidebar included, in English
    with FileLock(str(Settings().index_dir / ".build.lock")):  # a `rag index` running
        rebuild_button(app).click().run()
    assert not app.exception
    assert [warning.value for warning in app.sidebar.warning] == [escape_markdown(STRINGS["en"]["index_busy"])]
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "Ümit Pamir" in shown(app)


def test_rebuild_with_an_empty_corpus_says_so_and_the_app_goes_on(app: AppTest, corpus_copy: Path) -> None:
    for document in corpus_copy.iterdir():
        document.unlink()
    rebuild_button(app).click().run()
    assert not app.exception
    assert [warning.value for warning in app.sidebar.warning] == [
        escape_markdown(STRINGS["fr"]["empty_corpus"].format(corpus=corpus_copy))
    ]
    ask(app, "Qui a signé la lettre de la Turquie ?")  # the previous index is still there
    assert "Ümit Pamir" in shown(app)


def test_rebuild_failing_otherwise_says_why_and_the_app_goes_on(app: AppTest, monkeypatch: pytest.MonkeyPatch) -> None:
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rag.indexing.index, "build_index", disk_full)
    rebuild_button(app).click().run()
    assert not app.exception
    assert "No space left on device" in app.sidebar.warning[0].value
    ask(app, "Qui a signé la lettre de la Turquie ?")
    assert "Ümit Pamir" in shown(app)


def test_an_index_rebuilt_from_outside_answers_the_next_question(app: AppTest, corpus_copy: Path) -> None:
    ask(app, "Que prévoit le protocole zorglubien ?")
    assert not card_labels(app)
    shutil.copy(DATA / "untrusted" / "document_piege.txt", corpus_copy)
    build_index(Settings())  # what `rag index` does, from another process, while the app runs
    ask(app, "Que prévoit le protocole zorglubien ?")
    assert card_labels(app) == ["[1] Note d’essai sur la sécurité de l’affichage, en ligne sur www.quarkien.example, "
                                "dispositif, alinéa 2"]  # fmt: skip
    assert any("Note d’essai" in option for option in app.sidebar.multiselect[0].options)
    assert "6 documents" in "\n".join(caption.value for caption in app.sidebar.caption)


def test_untrusted_document_text_is_shown_as_escaped_html_never_as_markdown(corpus_copy: Path) -> None:
    shutil.copy(DATA / "untrusted" / "document_piege.txt", corpus_copy)
    build_index(Settings())
    app = start()
    ask(app, "Que prévoit le protocole zorglubien ? Que contient le balisage hostile ?")
    trap = next(document for document in load_corpus(corpus_copy) if document.info.source == "document_piege.txt")
    # Not in Markdown: Streamlit's Markdown turns the document's URLs into links, even escaped.
    markdown = [element.value for kind in ("markdown", "caption", "warning", "info") for element in app.get(kind)]
    assert not [value for value in markdown if "zorglubien" in value or "quarkien" in value]
    # As HTML: every markup character from the document escaped, the only tags the app's own.
    bodies = "".join(element.value for element in app.html)
    assert set(re.findall(r"</?(\w+)", bodies)) <= {"b", "br", "details", "div", "mark", "summary"}
    assert "&lt;script&gt;" in bodies and "![pixel espion](http://example.invalid/pixel.png)" in bodies
    # Shown character for character.
    assert trap.paragraphs[1].text in shown(app)
