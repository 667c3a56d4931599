"""The paragraph inventory: records other tools read, and document selection by name."""

from __future__ import annotations

from typing import Any

from rag.ingest.corpus import Document, Paragraph


def select_documents(documents: list[Document], name: str | None) -> list[Document]:
    """Documents whose file name, id or title contains ``name`` (case-insensitive); all when None."""
    if not name:
        return documents
    wanted = name.casefold()
    return [
        document
        for document in documents
        if any(
            wanted in field.casefold()
            for field in (document.info.source, document.info.title, document.info.short_title)
        )
    ]


def paragraph_record(document: Document, paragraph: Paragraph) -> dict[str, Any]:
    """One paragraph as a flat record: the fields of ``rag paragraphs --json``."""
    return {
        "id": paragraph.id,
        "source": paragraph.source,
        "doc_title": document.info.title,
        "letter": document.info.letter,
        "section": paragraph.section,
        "paragraph": paragraph.label,
        "kind": paragraph.kind,
        "lines": list(paragraph.lines),
        "pages": list(paragraph.pages) if paragraph.pages else None,
        "notes": list(paragraph.notes),
        "citation": paragraph.citation,
        "text": paragraph.text,
    }
