"""Streamlit chat over the documents: cited answers, source cards, document view.

A thin layer over ``rag``: run it with ``make run`` (or ``streamlit run app.py``).
Document, model and user text is always shown as escaped HTML (``rag.interfaces.ui``), never as
Markdown: nothing in a document or an answer is rendered as markup, a link or an image.
"""

from __future__ import annotations

import logging
import mimetypes

import streamlit as st
import streamlit.components.v1 as components

from rag.answering.answer import Answer
from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.indexing.index import IndexBusyError, RagIndexError, build_index, manifest_version, read_manifest
from rag.ingest.corpus import SUFFIXES, Document, EmptyCorpusError, load_corpus
from rag.ingest.library import REMOVED, DocumentError, add_document, listing, original_file, remove_document
from rag.interfaces.ui import (
    caption_html,
    document_metadata_html,
    escape_markdown,
    heading_html,
    listed_html,
    paragraph_html,
    refusal,
    source_card_html,
    strings,
    text_html,
)

logging.getLogger("bm25s").setLevel(logging.WARNING)
st.set_page_config(page_title="Réponses citées ONU / OSCE", page_icon="📑", layout="wide")


@st.cache_resource
def get_assistant() -> Assistant:
    """One assistant (embedding model, index, chat model) per process, shared by all sessions; it loads in the
    background while the page is drawn and the user types."""
    assistant = Assistant(Settings())
    assistant.start_warm_up()
    return assistant


@st.cache_data(max_entries=1)
def get_documents(corpus_dir: str, max_document_bytes: int, index_version: str | None) -> dict[str, Document]:
    """The corpus, read again whenever a build replaces the index (``index_version``): only the latest kept."""
    from pathlib import Path

    return {document.info.doc_id: document for document in load_corpus(Path(corpus_dir), max_document_bytes)}


assistant = get_assistant()
assistant.reload_if_rebuilt()  # `rag index` may have run since the last question
settings = assistant.settings
state = st.session_state
state.setdefault("messages", [])
state.setdefault("lang", "fr")
state.setdefault("open_doc", None)
state.setdefault("uploaded", set())  # file ids of the uploads already handled
state.setdefault("clashes", {})  # name -> (content, NameClashError): waiting for the user's choice
state.setdefault("notices", [])  # (kind, text) to show after the rerun that follows a change
state.setdefault("confirm_remove", None)
ui = strings(state.lang)


def rebuild() -> None:
    bar = st.sidebar.progress(0.0, text=ui["building"])
    try:
        report = build_index(
            settings,
            on_stage=lambda message: bar.progress(0.0, text=escape_markdown(message)),
            on_progress=lambda done, total: bar.progress(done / total, text=f"{ui['building']} {done}/{total}"),
        )
    except IndexBusyError:
        problem = ui["index_busy"]
    except EmptyCorpusError:
        problem = ui["empty_corpus"].format(corpus=settings.corpus_dir)
    except Exception as error:  # never a stack trace in front of the user
        logging.getLogger(__name__).exception("index build failed")
        problem = ui["error"].format(error=error)
    else:
        bar.progress(1.0, text=ui["built"].format(**report.__dict__))
        return
    bar.empty()
    st.sidebar.warning(escape_markdown(problem))


def add(files: list[tuple[str, bytes]], on_clash: str = "ask") -> None:
    """Add uploaded files one by one, with a progress bar; what happened is kept for after the rerun."""
    bar = st.sidebar.progress(0.0)
    for done, (name, data) in enumerate(files, 1):
        where = {"name": name, "done": done, "total": len(files)}
        bar.progress((done - 1) / len(files), text=escape_markdown(ui["adding"].format(**where)))

        def embedding(embedded: int, to_embed: int, where: dict = where) -> None:
            text = ui["embedding"].format(embedded=embedded, to_embed=to_embed, **where)
            bar.progress((where["done"] - 1 + embedded / to_embed) / where["total"], text=escape_markdown(text))

        try:
            report = add_document(settings, name, data, on_clash, on_progress=embedding)
        except DocumentError as error:
            if error.reason == "clash":
                state.clashes[name] = (data, error)
            else:
                state.notices.append(("warning", refusal(error, ui)))
            continue
        except IndexBusyError:
            state.notices.append(("warning", ui["index_busy"]))
            continue
        except Exception as error:  # never a stack trace in front of the user; nothing was changed
            logging.getLogger(__name__).exception("adding %s failed", name)
            state.notices.append(("warning", ui["error"].format(error=error)))
            continue
        state.notices.append(("success", ui["added"].format(name=report.source, **report.__dict__)))
        if report.replaced:
            folder = settings.corpus_dir / REMOVED
            state.notices.append(("info", ui["replaced"].format(name=report.source, folder=folder)))
    bar.empty()


def remove(source: str) -> None:
    try:
        report = remove_document(settings, source)
    except DocumentError as error:
        state.notices.append(("warning", refusal(error, ui)))
    except IndexBusyError:
        state.notices.append(("warning", ui["index_busy"]))
    else:
        folder = settings.corpus_dir / REMOVED
        state.notices.append(
            ("success", ui["removed"].format(source=report.source, paragraphs=report.paragraphs, folder=folder))
        )
        if state.open_doc and state.open_doc[0] == source:
            state.open_doc = None


def download_button(source: str, key: str) -> None:
    """The original file of a document, to download (nothing when it is no longer in the corpus folder)."""
    path = original_file(settings, source)
    if path is not None:
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        st.download_button(ui["download"], path.read_bytes, file_name=path.name, mime=mime, key=key, on_click="ignore")


def documents_panel(documents: dict[str, Document]) -> None:
    """Upload (several files, drag and drop), the choice on a name clash, and each document with a remove button."""
    limit = ui["megabytes"].format(size=settings.max_document_bytes / 1_000_000)
    uploads = st.file_uploader(
        ui["upload"],
        accept_multiple_files=True,
        help=ui["upload_help"].format(types=", ".join(SUFFIXES), limit=limit),
        key="upload",
    )
    new = [upload for upload in uploads or [] if upload.file_id not in state.uploaded]
    if new:
        state.uploaded.update(upload.file_id for upload in new)
        state.notices = []
        add([(upload.name, upload.getvalue()) for upload in new])
        st.rerun()
    for kind, text in state.notices:
        getattr(st, kind)(escape_markdown(text))
    for name, (data, clash) in list(state.clashes.items()):
        st.warning(escape_markdown(refusal(clash, ui)))
        replace, both, cancel = st.columns(3)
        choice = None
        if replace.button(ui["replace"], key=f"replace-{name}"):
            choice = "replace"
        if both.button(ui["keep_both"], key=f"keep-both-{name}"):
            choice = "keep-both"
        if cancel.button(ui["cancel"], key=f"cancel-{name}"):
            del state.clashes[name]
            st.rerun()
        if choice:
            del state.clashes[name]
            state.notices = []
            add([(name, data)], choice)
            st.rerun()
    try:
        manifest = read_manifest(settings)
    except RagIndexError:
        manifest = None
    for listed in listing(documents.values(), manifest):
        source = listed.info.source
        with st.container(border=True):
            st.html(listed_html(listed, ui))
            if state.confirm_remove == source:
                question = ui["confirm_remove"].format(
                    title=listed.info.short_title,
                    source=source,
                    paragraphs=listed.paragraphs,
                    folder=settings.corpus_dir / REMOVED,
                )
                st.html(text_html(question))  # the title is the document's: never Markdown
                yes, no = st.columns(2)
                if yes.button(ui["confirm"], key=f"confirm-remove-{source}", type="primary"):
                    state.confirm_remove, state.notices = None, []
                    remove(source)
                    st.rerun()
                if no.button(ui["cancel"], key=f"cancel-remove-{source}"):
                    state.confirm_remove = None
                    st.rerun()
            elif st.button(ui["remove"], key=f"remove-{source}"):
                state.confirm_remove, state.notices = source, []
                st.rerun()


# Before the sidebar (the corpus is read there): the box shows, pinned to the bottom, as soon as the page does.
question = st.chat_input(ui["placeholder"])

# ---- sidebar: documents, answer mode, index, number of passages
with st.sidebar:
    if st.button(ui["new_conversation"], use_container_width=True):
        state.messages, state.open_doc = [], None
        st.rerun()
    documents = get_documents(str(settings.corpus_dir), settings.max_document_bytes, manifest_version(settings))
    labels = {
        doc_id: f"{d.info.short_title} ({ui['kind'].get(d.info.kind, d.info.kind)})" for doc_id, d in documents.items()
    }
    chosen = st.multiselect(
        ui["documents"], list(labels), format_func=labels.get, help=ui["filter_help"], placeholder=ui["all_documents"]
    )
    with st.expander(ui["documents_metadata"]):
        for doc_id in chosen or list(documents):
            st.html(document_metadata_html(documents[doc_id].info, ui))
    st.subheader(ui["mode"])
    if settings.llm_provider == "none":
        st.write(ui["extractive"])
    else:
        st.write(ui["model"].format(provider=settings.llm_provider) + f" · `{escape_markdown(settings.llm_model)}`")
    st.subheader(ui["index"])
    try:
        manifest = read_manifest(settings)
        st.caption(
            ui["index_status"].format(
                paragraphs=len(manifest.entries),
                documents=len({entry.doc_id for entry in manifest.entries}),
                built=manifest.built_at,
                model=manifest.embedding_model,
            )
        )
    except RagIndexError:
        st.warning(ui["no_index"])
    if st.button(ui["rebuild"], use_container_width=True):
        rebuild()
    k = st.slider(ui["passages"], min_value=1, max_value=15, value=settings.k)
    with st.expander(ui["manage"], expanded=bool(state.notices or state.clashes or state.confirm_remove)):
        documents_panel(documents)


def source_cards(answer: dict, ui: dict, message_index: int) -> None:
    """One card per citation: label, document, letter, line range, paragraph with the quote highlighted."""
    if not answer["citations"]:
        return
    st.markdown(f"**{ui['sources']}**")
    for citation in answer["citations"]:
        # Not st.expander: its label is Markdown, where a URL in a document's title becomes a link.
        with st.container(border=True):
            st.html(source_card_html(citation, ui))
            key = f"open-{message_index}-{citation['marker']}"
            if st.button(ui["open_document"], key=key):
                state.open_doc = (citation["source"], citation["para_id"], citation["quote"])
            download_button(citation["source"], key=f"download-{message_index}-{citation['marker']}")


def show_answer(answer: dict, ui: dict, message_index: int) -> None:
    if answer["notice"] and answer["notice"] not in ("empty", "too_long", "no_index"):
        st.info(escape_markdown(answer["notice"]))
    if answer["abstained"]:
        st.warning(escape_markdown(answer["text"]))
    else:
        st.html(text_html(answer["text"]))
    source_cards(answer, ui, message_index)


# ---- conversation
st.title(ui["title"])
for index, message in enumerate(state.messages):
    with st.chat_message(message["role"]):
        if message["role"] == "user":
            st.html(text_html(message["content"]))
        else:
            show_answer(message["answer"], strings(message["answer"]["language"]), index)

if question:
    history = [{"role": m["role"], "content": m["content"]} for m in state.messages]
    state.lang = assistant.language_of(question, history)
    ui = strings(state.lang)
    state.messages.append({"role": "user", "content": question})
    with st.chat_message("user"):
        st.html(text_html(question))
    with st.chat_message("assistant"):
        placeholder, streamed, final = st.empty(), "", None
        try:
            for part in assistant.stream(question, history, docs=chosen or None, k=k):
                if isinstance(part, Answer):
                    final = part
                else:
                    streamed += part
                    placeholder.html(text_html(streamed))
        except Exception as error:  # never a stack trace in front of the user
            logging.getLogger(__name__).exception("answer failed")
            final = Answer(text=ui["error"].format(error=error), abstained=True, notice="error")
        placeholder.empty()
        answer = final.to_dict()
        show_answer(answer, ui, len(state.messages))
    state.messages.append({"role": "assistant", "content": answer["text"], "answer": answer})

# ---- document view: the whole document, the cited paragraph highlighted and scrolled into view
if state.open_doc:
    source, para_id, quote = state.open_doc
    document = next((d for d in documents.values() if d.info.source == source), None)
    if document is not None:
        st.divider()
        st.html(heading_html(document.info.title))
        if document.info.letter:
            st.html(caption_html([document.info.letter]))
        download_button(source, key="download-document")
        with st.container(height=520, key="document-view"):
            for paragraph in document.paragraphs:
                if paragraph.id == para_id:
                    with st.container(key="cited-paragraph"):
                        st.html(paragraph_html(paragraph, quote, ui))
                else:
                    st.html(paragraph_html(paragraph, ui=ui))
        components.html(
            "<script>const el = window.parent.document.querySelector('.st-key-cited-paragraph');"
            "if (el) { el.scrollIntoView({block: 'center'}); }</script>",
            height=0,
        )
