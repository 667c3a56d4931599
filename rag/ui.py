"""Fixed interface strings (French and English) and safe rendering of untrusted text.

Document and model text is shown as text: every Markdown and HTML character is
escaped, so a link, an image or a script inside a document or an answer is shown
literally and never loads or runs.
"""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~:$=^&])")

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
        "passages": "Nombre de paragraphes utilisés",
        "sources": "Sources",
        "lines": "lignes {first}–{last} de {source}",
        "letter": "Lettre d’envoi",
        "section": "Section",
        "paragraph": "Paragraphe",
        "open_document": "Voir le document entier",
        "abstained": "Les documents ne répondent pas à cette question.",
        "error": "Une erreur est survenue : {error}",
        "kind": {"letter_with_annex": "lettre et annexe", "letter": "lettre", "note": "note",
                 "plan_of_action": "plan d’action", "declaration": "déclaration", "document": "document"},
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
        "passages": "Paragraphs used per answer",
        "sources": "Sources",
        "lines": "lines {first}–{last} of {source}",
        "letter": "Covering letter",
        "section": "Section",
        "paragraph": "Paragraph",
        "open_document": "Open the whole document",
        "abstained": "The documents do not answer this question.",
        "error": "Something went wrong: {error}",
        "kind": {"letter_with_annex": "letter with annex", "letter": "letter", "note": "note",
                 "plan_of_action": "plan of action", "declaration": "declaration", "document": "document"},
    },
}  # fmt: skip


def strings(language: str) -> dict:
    """The interface strings in a language (French when unknown)."""
    return STRINGS.get(language, STRINGS["fr"])


def escape_markdown(text: str) -> str:
    """Text that Markdown shows exactly as it is: no link, image, HTML or formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("\n", "  \n")


def highlight(text: str, quote: str) -> str:
    """The paragraph as safe Markdown with the supporting quote highlighted."""
    start = text.find(quote) if quote else -1
    if start < 0:
        return escape_markdown(text)
    end = start + len(quote)
    return (
        escape_markdown(text[:start])
        + ":orange-background["
        + escape_markdown(quote)
        + "]"
        + escape_markdown(text[end:])
    )
