"""Readers of the document formats users have: PDF, Word and HTML, by file suffix.

Each reader turns a file into what the paragraph pipeline reads (``Extracted``): a PDF into the
logical line stream a text file is (body lines without the page furniture, footnotes under a
separator, the page of each line), a Word or HTML file into the paragraphs the format delimits
itself. ``rag.ingest.corpus.load_document`` chooses the reader from ``READERS``; plain text is read there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.paragraphs import Block


class UnreadableDocumentError(ValueError):
    """A file that cannot give a document: corrupt, of another type than its name says, empty, or
    without text (a scanned PDF). The message says which, for a warning that names the file."""


@dataclass(frozen=True)
class Extracted:
    """A document's text as a reader found it.

    Attributes:
        lines: the logical line stream, for formats whose paragraphs must be found (PDF).
        pages: the page (1-based) of each line of ``lines``, None for a line the reader added
            (a footnote separator, a blank line); empty for a format without pages.
        blocks: the paragraphs, for formats that delimit them (Word, HTML); ``lines`` is then empty.
        symbol: the document's symbol as its running headers give it ("A/61/588").
        page_count: pages read (0 for a format without pages).
    """

    lines: tuple[str, ...] = ()
    pages: tuple[int | None, ...] = ()
    blocks: tuple[Block, ...] = ()
    symbol: str | None = None
    page_count: int = 0


def _read_pdf(path: Path) -> Extracted:
    from rag.ingest.formats.pdf import read_pdf

    return read_pdf(path)


def _read_docx(path: Path) -> Extracted:
    from rag.ingest.formats.docx import read_docx

    return read_docx(path)


def _read_html(path: Path) -> Extracted:
    from rag.ingest.formats.html import read_html

    return read_html(path)


# Suffix (lowercase) -> reader; the readers import their library when first used.
READERS: dict[str, Callable[[Path], Extracted]] = {
    ".pdf": _read_pdf,
    ".docx": _read_docx,
    ".html": _read_html,
    ".htm": _read_html,
}

__all__ = ["READERS", "Extracted", "UnreadableDocumentError"]
