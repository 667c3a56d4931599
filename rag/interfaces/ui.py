"""Fixed interface strings (French and English) and safe rendering of untrusted text.

Document, model and user text is shown as escaped HTML (for ``st.html``), never as
Markdown: Streamlit's Markdown turns a URL or an e-mail address into a link even
when every Markdown character is escaped, HTML does not. So a link, an image or a
script inside a document or an answer is shown literally, character for character,
and never loads or runs. ``escape_markdown`` is for the app's own messages shown in
widgets that only take Markdown (alerts, progress bars).
"""

from __future__ import annotations

import html
import re

from rag.ingest.corpus import Paragraph
from rag.ingest.library import DocumentError, Listed
from rag.ingest.metadata import DocumentInfo
from rag.languages.messages import place

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&])")
# pre-wrap: spaces and line breaks as in the text; anywhere: a long URL wraps instead of overflowing.
_TEXT = "white-space: pre-wrap; overflow-wrap: anywhere"
_CAPTION = f"{_TEXT}; font-size: 0.875rem; opacity: 0.6"
_MARK = "background-color: rgba(255, 164, 33, 0.25); color: inherit; padding: 0 0.15em; border-radius: 0.25em"

STRINGS = {
    "fr": {
        "title": "Documents ONU et OSCE : réponses citées",
        "placeholder": "Posez une question sur les documents…",
        "new_conversation": "Nouvelle conversation",
        "documents": "Documents",
        "all_documents": "Tous les documents",
        "documents_metadata": "Fiches des documents",
        "date": "Date",
        "sender": "Auteur",
        "signatory": "Signataire",
        "filter_help": "Limiter les réponses aux documents choisis (tous si aucun).",
        "mode": "Mode de réponse",
        "extractive": "Extraits cités (sans modèle)",
        "model": "Modèle configuré ({provider})",
        "index": "Index",
        "index_status": "{paragraphs} paragraphes, {documents} documents, construit le {built}, modèle {model}",
        "no_index": "Aucun index : construisez-le pour commencer.",
        "rebuild": "Reconstruire l’index",
        "building": "Construction de l’index…",
        "built": "Index prêt : {paragraphs} paragraphes ({embedded} calculés, {removed} retirés).",
        "index_busy": "Une autre construction de l’index est en cours : attendez qu’elle se termine, puis réessayez.",
        "empty_corpus": "Aucun document lisible dans {corpus} : ajoutez-y des documents (texte UTF-8, PDF, "
                        "Word ou page web), puis reconstruisez l’index.",
        "passages": "Nombre de paragraphes utilisés",
        "sources": "Sources",
        "language": "fr",
        "in_file": "{place} de {source}",
        "letter": "Lettre d’envoi",
        "section": "Section",
        "paragraph": "Paragraphe",
        "open_document": "Voir le document entier",
        "abstained": "Les documents ne répondent pas à cette question.",
        "error": "Une erreur est survenue : {error}",
        "manage": "Ajouter ou retirer des documents",
        "upload": "Déposer des documents ici (un ou plusieurs)",
        "upload_help": "Formats acceptés : {types} ; {limit} au plus par fichier. Les paragraphes d’un document "
                       "ajouté sont cherchables aussitôt.",
        "megabytes": "{size:g} Mo",
        "adding": "{name} ({done}/{total}) : lecture…",
        "embedding": "{name} ({done}/{total}) : {embedded}/{to_embed} paragraphes calculés",
        "added": "{name} ajouté : {paragraphs} paragraphes ({embedded} calculés).",
        "replaced": "{name} remplace l’ancienne version, déplacée dans {folder}.",
        "clash": "{name} : le corpus a déjà un document de ce nom ({existing}). Remplacer ce document, ou garder "
                 "les deux (le nouveau sous le nom {alternative}) ?",
        "replace": "Remplacer",
        "keep_both": "Garder les deux",
        "cancel": "Annuler",
        "remove": "Retirer",
        "confirm_remove": "Retirer « {title} » ({source}) ? Ses {paragraphs} paragraphes quittent l’index ; le "
                          "fichier est déplacé dans {folder}.",
        "confirm": "Oui, retirer",
        "removed": "{source} retiré : {paragraphs} paragraphes ôtés de l’index ; le fichier est dans {folder}.",
        "paragraph_count": "{count} paragraphes",
        "not_indexed": "pas encore dans l’index",
        "download": "Télécharger l’original",
        "page_short": "p. {first}",
        "pages_short": "p. {first}–{last}",
        "refused": {
            "unsupported": "{name} : ce type de fichier ({suffix}) ne peut pas être ajouté ; formats acceptés : "
                           "{accepted}.",
            "too_big": "{name} : {size} octets, au-delà de la limite de {limit} octets (RAG_MAX_DOCUMENT_BYTES).",
            "empty": "{name} est vide : il n’y a rien à ajouter.",
            "binary": "{name} n’est pas un fichier texte (il contient des données binaires).",
            "unreadable": "{name} ne peut pas être ajouté : {why}.",
            "unsafe_name": "« {name} » n’est pas accepté comme nom de fichier : donnez un nom simple, sans dossier, "
                           "qui ne commence pas par un point.",
            "not_found": "{name} n’est plus dans le corpus ni dans l’index.",
        },
        "kind": {"letter_with_annex": "lettre et annexe", "letter": "lettre", "note": "note",
                 "plan_of_action": "plan d’action", "declaration": "déclaration", "document": "document",
                 "draft_resolution": "projet de résolution", "report": "rapport"},
    },
    "en": {
        "title": "UN and OSCE documents: cited answers",
        "placeholder": "Ask a question about the documents…",
        "new_conversation": "New conversation",
        "documents": "Documents",
        "all_documents": "All documents",
        "documents_metadata": "About the documents",
        "date": "Date",
        "sender": "From",
        "signatory": "Signed by",
        "filter_help": "Answer only from the chosen documents (all when none is chosen).",
        "mode": "Answer mode",
        "extractive": "Cited extracts (no model)",
        "model": "Configured model ({provider})",
        "index": "Index",
        "index_status": "{paragraphs} paragraphs, {documents} documents, built {built}, model {model}",
        "no_index": "No index yet: build it to start.",
        "rebuild": "Rebuild the index",
        "building": "Building the index…",
        "built": "Index ready: {paragraphs} paragraphs ({embedded} embedded, {removed} removed).",
        "index_busy": "Another build of the index is running: wait for it to finish, then try again.",
        "empty_corpus": "No readable document in {corpus}: add documents to it (UTF-8 text, PDF, Word or web "
        "page), then rebuild the index.",
        "passages": "Paragraphs used per answer",
        "sources": "Sources",
        "language": "en",
        "in_file": "{place} of {source}",
        "letter": "Covering letter",
        "section": "Section",
        "paragraph": "Paragraph",
        "open_document": "Open the whole document",
        "abstained": "The documents do not answer this question.",
        "error": "Something went wrong: {error}",
        "manage": "Add or remove documents",
        "upload": "Drop documents here (one or several)",
        "upload_help": "Accepted: {types}; at most {limit} a file. An added document's paragraphs can be searched "
                       "at once.",
        "megabytes": "{size:g} MB",
        "adding": "{name} ({done}/{total}): reading…",
        "embedding": "{name} ({done}/{total}): {embedded}/{to_embed} paragraphs embedded",
        "added": "{name} added: {paragraphs} paragraphs ({embedded} embedded).",
        "replaced": "{name} replaces the previous version, moved to {folder}.",
        "clash": "{name}: the corpus already has a document of that name ({existing}). Replace that document, or "
                 "keep both (this one as {alternative})?",
        "replace": "Replace",
        "keep_both": "Keep both",
        "cancel": "Cancel",
        "remove": "Remove",
        "confirm_remove": "Remove “{title}” ({source})? Its {paragraphs} paragraphs leave the index; the file is "
                          "moved to {folder}.",
        "confirm": "Yes, remove",
        "removed": "{source} removed: {paragraphs} paragraphs left the index; the file is in {folder}.",
        "paragraph_count": "{count} paragraphs",
        "not_indexed": "not in the index yet",
        "download": "Download the original",
        "page_short": "p. {first}",
        "pages_short": "pp. {first}–{last}",
        "refused": {
            "unsupported": "{name}: this type of file ({suffix}) cannot be added; accepted: {accepted}.",
            "too_big": "{name}: {size} bytes, over the limit of {limit} bytes (RAG_MAX_DOCUMENT_BYTES).",
            "empty": "{name} is empty: there is nothing to add.",
            "binary": "{name} is not a text file (it holds binary data).",
            "unreadable": "{name} cannot be added: {why}.",
            "unsafe_name": "“{name}” is refused as a file name: give a plain name, without a folder, that does not "
                           "start with a dot.",
            "not_found": "{name} is no longer in the corpus or the index.",
        },
        "kind": {"letter_with_annex": "letter with annex", "letter": "letter", "note": "note",
                 "plan_of_action": "plan of action", "declaration": "declaration", "document": "document",
                 "draft_resolution": "draft resolution", "report": "report"},
    },
}  # fmt: skip


def strings(language: str) -> dict:
    """The interface strings in a language (English for one they are not written in)."""
    return STRINGS.get(language, STRINGS["en"])


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is (no HTML, image or formatting); URLs still become links."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def _inline(text: str) -> str:
    """Text as HTML character data: markup characters escaped, line breaks kept."""
    return html.escape(text, quote=False).replace("\n", "<br>")


def _highlighted(text: str, quote: str) -> str:
    start = text.find(quote) if quote else -1
    if start < 0:
        return _inline(text)
    end = start + len(quote)
    return f'{_inline(text[:start])}<mark style="{_MARK}">{_inline(quote)}</mark>{_inline(text[end:])}'


def text_html(text: str, quote: str = "") -> str:
    """Untrusted text as HTML, exactly as written, with the supporting quote highlighted if found."""
    return f'<div style="{_TEXT}">{_highlighted(text, quote)}</div>'


def caption_html(lines: list[str]) -> str:
    """Untrusted lines as a caption (small, faded)."""
    return f'<div style="{_CAPTION}">{"<br>".join(_inline(line) for line in lines)}</div>'


def heading_html(text: str) -> str:
    """Untrusted text as a heading."""
    return f"<h3>{_inline(text)}</h3>"


def document_metadata_html(info: DocumentInfo, ui: dict) -> str:
    """What is known of a document: short title, title, date, file, sender, letter, signatory."""
    lines = [info.title, f"{ui['date']} : {info.date or '—'} · {info.source}"]
    lines += [f"{ui[name]} : {value}" for name in ("sender", "letter", "signatory") if (value := getattr(info, name))]
    return f'<div style="{_CAPTION}"><b>{_inline(info.short_title)}</b><br>{"<br>".join(map(_inline, lines))}</div>'


def location(lines: tuple[int, int], pages, source: str, ui: dict) -> str:
    """Where a paragraph is: its page (or pages) where the document has pages, else its lines, and the file."""
    return ui["in_file"].format(place=place(lines, pages, ui["language"]), source=source)


def source_card_html(citation: dict, ui: dict) -> str:
    """A citation's card: its label; opened, document, letter, section, paragraph, page or line range
    and the paragraph with the supporting quote highlighted."""
    details = [citation["doc_title"]]
    if citation["letter"]:
        details.append(f"{ui['letter']} : {citation['letter']}")
    details.append(f"{ui['section']} : {citation['section'] or '—'} · {ui['paragraph']} : {citation['paragraph']}")
    details.append(location(citation["lines"], citation.get("pages"), citation["source"], ui))
    summary = f'<summary style="cursor: pointer">[{citation["marker"]}] {_inline(citation["citation"])}</summary>'
    return f"<details>{summary}{caption_html(details)}{text_html(citation['text'], citation['quote'])}</details>"


def paragraph_html(paragraph: Paragraph, quote: str = "", ui: dict | None = None) -> str:
    """A paragraph of the document view: its label and page (or line range), then its text (the quote highlighted)."""
    label = f"{paragraph.section}, {paragraph.label}" if paragraph.section else paragraph.label
    if paragraph.pages:
        first, last = paragraph.pages
        where = (ui or STRINGS["en"])["page_short" if first == last else "pages_short"].format(first=first, last=last)
    else:
        where = "{}–{}".format(*paragraph.lines)
    heading = f"<b>{_inline(label)}</b> · {where}"
    return f'<div style="{_TEXT}">{heading}<br>{_highlighted(paragraph.text, quote)}</div>'


def refusal(error: DocumentError, ui: dict) -> str:
    """Why a document could not be added or removed, in the interface's language."""
    template = ui["refused"].get(error.reason)
    if error.reason == "clash":
        template = ui["clash"]
    return template.format(name=error.name, **error.details) if template else str(error)


def listed_html(listed: Listed, ui: dict) -> str:
    """A document of the documents panel: short title; title, kind, date, symbol, paragraphs, file."""
    info = listed.info
    count = ui["paragraph_count"].format(count=listed.paragraphs) if listed.paragraphs else ui["not_indexed"]
    facts = [ui["kind"].get(info.kind, info.kind), info.date, info.symbol, count]
    lines = [info.title, " · ".join(fact for fact in facts if fact), info.source]
    return f'<div style="{_CAPTION}"><b>{_inline(info.short_title)}</b><br>{"<br>".join(map(_inline, lines))}</div>'
