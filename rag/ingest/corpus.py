"""Documents of the corpus folder, cut into citable paragraphs."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from rag.config import Settings
from rag.ingest.formats import READERS, Extracted, UnreadableDocumentError
from rag.ingest.metadata import SIDECAR_SUFFIX, DocumentInfo, apply_sidecar, derive_info
from rag.ingest.paragraphs import Block, split_blocks
from rag.ingest.structure import Labelled, label_blocks
from rag.ingest.textfix import repair_ocr, strip_note_calls
from rag.languages.language import detect_language
from rag.languages.layout import LETTER, OPERATIVE, Layout, layout_for

logger = logging.getLogger(__name__)

_LEADING_NUMBER = re.compile(r"^\s*\S{1,3}(?:\.|\s+-)\s+")
_LEADING_NOTE_NUMBER = re.compile(r"^\s*(?:\d{1,2}|\*{1,3})\s+")
_ROMAN_SECTION = re.compile(r"^([IVXLC]+)\.\s")
# For callers that give a folder only: the default of the setting.
_MAX_DOCUMENT_BYTES = Settings.model_fields["max_document_bytes"].default
# The file types ``load_document`` reads (lowercase suffixes): the corpus folder, ``rag add`` and the
# app's upload accept these and nothing else.
SUFFIXES: tuple[str, ...] = (".txt", *READERS)
_WRONG_TYPE = f"not a document type that is read ({', '.join(SUFFIXES)})"


class EmptyCorpusError(RuntimeError):
    """The corpus folder is missing or holds no readable document: there is nothing to work from."""

    def __init__(self, corpus_dir: Path) -> None:
        super().__init__(
            f"No readable document in {corpus_dir}: put UTF-8 .txt, PDF, Word (.docx) or HTML documents there, "
            "or set RAG_CORPUS_DIR to their folder."
        )


@dataclass(frozen=True)
class Paragraph:
    """The unit of citation: one paragraph of one document.

    Attributes:
        id: stable identifier, ``doc_id/section/label``.
        source: file name in the corpus folder.
        doc_id: the document's identifier.
        section: the part of the document ("" when it has none).
        label: the document's own label (``16``, ``alinéa 4``, ``note 1``…).
        kind: ``title``, ``heading``, ``date``, ``signature``, ``note``, ``masthead``, ``sponsors`` (who
            submits a draft resolution) or ``paragraph``.
        text: cleaned text (lines joined, OCR repaired, note calls removed).
        raw: the source lines joined, untouched otherwise.
        lines: first and last source line (1-based, inclusive).
        source_lines: every source line the paragraph is made of.
        notes: numbers of the footnotes this paragraph calls.
        citation: full human-readable citation.
        language: ISO 639-1 language of the text (the document's when the paragraph is too short to tell).
        pages: first and last page (1-based, inclusive) where the document has pages (a PDF), else None.
    """

    id: str
    source: str
    doc_id: str
    section: str
    label: str
    kind: str
    text: str
    raw: str
    lines: tuple[int, int]
    source_lines: tuple[int, ...]
    notes: tuple[str, ...]
    citation: str
    language: str
    pages: tuple[int, int] | None = None


@dataclass(frozen=True)
class Document:
    """A document with its metadata and its paragraphs in source order."""

    info: DocumentInfo
    paragraphs: tuple[Paragraph, ...]


def clean_text(item: Labelled, note_numbers: set[str], french: bool) -> tuple[str, tuple[str, ...]]:
    """The readable text of a labelled block and the notes it calls."""
    text = item.block.raw
    if item.block.number is not None:
        text = _LEADING_NUMBER.sub("", text, count=1)
    if item.block.note is not None:
        text = _LEADING_NOTE_NUMBER.sub("", text, count=1)
    if french:
        text = repair_ocr(text)
    called: list[str] = []
    if item.block.note is None:
        text, called = strip_note_calls(text, note_numbers)
    return text.strip(), tuple(dict.fromkeys(called))


def citation(info: DocumentInfo, section: str, label: str, unique: bool = True) -> str:
    """A citation a diplomat can check: document, covering letter, section, paragraph, worded in
    the document's language (``rag.languages.layout``).

    Examples: ``Déclaration de Bucarest (annexe à la lettre de la Roumanie du 29 novembre 2006),
    préambule, alinéa 4``; ``Oslo Declaration (annex to the letter from Norway of 10 May 2023),
    paragraph 8``; ``Draft resolution A/C.3/77/L.19, operative paragraph 5 (b)``.

    Args:
        info: the document's metadata.
        section: the paragraph's section, named in the document's language.
        label: the paragraph's label.
        unique: no other paragraph of the document has this label. Outside French usage, the
            section of a numbered paragraph is named only when its number is not unique.
    """
    layout = layout_for(info.language)
    role = _role(layout, section)
    if label == layout.labels["masthead"] and not section and info.symbol:
        return f"{info.symbol}{layout.separator}{label}"
    if role == LETTER and info.letter_ref:
        parts = [info.letter_ref[:1].upper() + info.letter_ref[1:]]
    else:
        parts = [_head(info, layout)]
        where = _section_phrase(layout, section, role)
        numbered = label[:1].isdigit()
        if where and (layout.numbered_sections or not numbered or not unique):
            parts.append(where)
    if not label[:1].isdigit():
        parts.append(label)
    elif role == OPERATIVE and info.kind in ("note", "draft_resolution"):
        parts.append(layout.operative_paragraph.format(label=label))
    else:
        parts.append(layout.paragraph.format(label=label))
    return layout.separator.join(parts)


def _head(info: DocumentInfo, layout: Layout) -> str:
    """How a citation names the document."""
    if info.kind == "note":
        return layout.note_head.format(title=info.short_title)
    if info.kind == "draft_resolution":
        return (
            layout.draft_symbol.format(symbol=info.symbol)
            if info.symbol
            else layout.draft_title.format(title=info.short_title)
        )
    if info.letter_ref:
        letter, word = info.letter_ref, layout.letter_ref[0]
        if layout.annexed_letter and word and letter.startswith(word):
            letter = layout.annexed_letter + letter[len(word) :]
        return layout.annex_of.format(head=info.short_title, letter=letter)
    return info.short_title


def _role(layout: Layout, section: str) -> str | None:
    return next((role for role, name in layout.sections.items() if name == section), None)


def _section_phrase(layout: Layout, section: str, role: str | None) -> str:
    roman = _ROMAN_SECTION.match(section)
    if roman:
        return layout.section.format(roman=roman.group(1))
    if role in layout.phrases:
        return layout.phrases[role]
    return section


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def parse_document(source: str, text: str, path: Path | None = None) -> Document:
    """Cut a document's text into labelled, cleaned paragraphs and derive its metadata.

    Args:
        source: the file name, used for ids and citations.
        text: the whole document.
        path: the file, when its metadata sidecar (``NAME.meta.json``) should be applied.
    """
    return build_document(source, split_blocks(text.splitlines()), text, path)


def parse_extracted(source: str, extracted: Extracted, path: Path | None = None) -> Document:
    """The document a format reader (``rag.ingest.formats``) extracted: its line stream cut into paragraphs
    as a text file's lines are, or the paragraphs the format delimits itself, labelled the same way.
    """
    if extracted.blocks:
        blocks = list(extracted.blocks)
        text = "\n".join(block.raw for block in blocks)
    else:
        blocks = split_blocks(list(extracted.lines))
        text = "\n".join(extracted.lines)
    return build_document(source, blocks, text, path, extracted.pages, extracted.symbol)


def build_document(
    source: str,
    blocks: list[Block],
    text: str,
    path: Path | None = None,
    pages: tuple[int | None, ...] = (),
    symbol: str | None = None,
) -> Document:
    """Label and clean a document's blocks and derive its metadata.

    Args:
        source: the file name, used for ids and citations.
        blocks: the document's blocks in reading order.
        text: the whole text, to tell its language.
        path: the file, when its metadata sidecar (``NAME.meta.json``) should be applied.
        pages: the page of each source line (1-based line numbers index it from 0) where the format has
            pages; empty otherwise.
        symbol: the document's symbol as its running headers give it, when its masthead does not.
    """
    language = detect_language(text)
    labelled = label_blocks(blocks, language)
    note_numbers = {block.note for block in blocks if block.note is not None}
    cleaned = [clean_text(item, note_numbers, language == "fr") for item in labelled]
    info = derive_info(source, labelled, [text for text, _ in cleaned], language)
    if symbol and not info.symbol:
        info = info.model_copy(update={"symbol": symbol})
    if path is not None:
        info = apply_sidecar(info, path)
    return Document(info=info, paragraphs=tuple(_paragraphs(info, labelled, cleaned, language, pages)))


def _page_range(lines: tuple[int, ...], pages: tuple[int | None, ...]) -> tuple[int, int] | None:
    found = [pages[n - 1] for n in lines if 0 < n <= len(pages) and pages[n - 1] is not None]
    return (min(found), max(found)) if found else None


def _paragraphs(
    info: DocumentInfo,
    labelled: list[Labelled],
    cleaned: list[tuple[str, tuple[str, ...]]],
    language: str,
    pages: tuple[int | None, ...] = (),
) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    # The last suffix given to each base id: the search for a free one resumes there instead
    # of trying -2, -3… again for every repeat (quadratic in a document of many "titre").
    last_suffix: dict[str, int] = {}
    labels = Counter(item.label for item in labelled)
    for item, (text, notes) in zip(labelled, cleaned, strict=True):
        base = "/".join(part for part in (info.doc_id, _slug(item.section), _slug(item.label)) if part)
        pid, suffix = base, last_suffix.get(base, 1)
        while pid in seen:
            suffix += 1
            pid = f"{base}-{suffix}"
        seen.add(pid)
        last_suffix[base] = suffix
        lines = item.block.line_numbers
        paragraphs.append(
            Paragraph(
                id=pid,
                source=info.source,
                doc_id=info.doc_id,
                section=item.section,
                label=item.label,
                kind=item.kind,
                text=text,
                raw=item.block.raw,
                lines=(min(lines), max(lines)),
                source_lines=lines,
                notes=notes,
                citation=citation(info, item.section, item.label, unique=labels[item.label] == 1),
                language=detect_language(text, default=language),
                pages=_page_range(lines, pages) if pages else None,
            )
        )
    return paragraphs


def load_document(path: Path, max_document_bytes: int = _MAX_DOCUMENT_BYTES) -> Document | None:
    """Read and parse one document (``.txt``, ``.pdf``, ``.docx``, ``.html``/``.htm``).

    Returns:
        The document; None, with a warning naming the file and saying why, when it is of another
        type, cannot be read, is too big, is empty or has no text (a scanned PDF).
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        logger.warning("skipped %s: %s", path.name, _WRONG_TYPE)
        return None
    try:
        size = path.stat().st_size
        if size > max_document_bytes:
            logger.warning(
                "skipped %s: %s bytes, over the limit of %s bytes (RAG_MAX_DOCUMENT_BYTES)",
                path.name,
                f"{size:,}",
                f"{max_document_bytes:,}",
            )
            return None
        if suffix != ".txt":
            document = parse_extracted(path.name, READERS[suffix](path), path)
            if not document.paragraphs:
                logger.warning("skipped %s: no text in it but page headers and footers", path.name)
                return None
            return document
        text = path.read_text(encoding="utf-8-sig")
    except UnreadableDocumentError as error:
        logger.warning("skipped %s: %s", path.name, error)
        return None
    except UnicodeDecodeError:
        logger.warning("skipped %s: not UTF-8 text", path.name)
        return None
    except OSError as error:
        logger.warning("skipped %s: cannot be read (%s)", path.name, error.strerror or error)
        return None
    if not text.strip():
        logger.warning("skipped %s: the file is empty", path.name)
        return None
    return parse_document(path.name, text, path)


def load_corpus(
    corpus_dir: Path, max_document_bytes: int = _MAX_DOCUMENT_BYTES, show_progress: bool = False
) -> list[Document]:
    """Load every readable document of a folder (``.txt``, PDF, Word, HTML), in file-name order.

    Anything else is skipped with a warning naming the file, and so is a file whose name without
    its extension another file already has (``letter.pdf`` after ``letter.docx``); nothing raises.

    Args:
        corpus_dir: the folder.
        max_document_bytes: larger files are skipped (see ``Settings.max_document_bytes``).
        show_progress: show a tqdm progress bar over the files, naming the one being parsed.
    """
    if not corpus_dir.is_dir():
        logger.warning("corpus folder %s does not exist", corpus_dir)
        return []
    paths = [
        path
        for path in sorted(corpus_dir.iterdir())
        if not (path.name.startswith(".") or path.name.endswith(SIDECAR_SUFFIX) or path.is_dir())
    ]
    documents = []
    taken: dict[str, str] = {}  # doc_id -> the file that gave it
    with tqdm(paths, desc="Parsing", unit="file", disable=not show_progress, leave=False) as files:
        for path in files:
            files.set_postfix_str(path.name)
            if path.stem in taken:
                # the same name in two formats: the same document twice, and the same paragraph ids
                logger.warning("skipped %s: %s has the same name (rename one of them)", path.name, taken[path.stem])
                continue
            document = load_document(path, max_document_bytes)
            if document is not None:
                documents.append(document)
                taken[document.info.doc_id] = path.name
    return documents


def require_corpus(settings: Settings, show_progress: bool = False) -> list[Document]:
    """The documents of ``settings.corpus_dir``, for work that cannot go on without any.

    Raises:
        EmptyCorpusError: the folder is missing or holds no readable document.
    """
    documents = load_corpus(settings.corpus_dir, settings.max_document_bytes, show_progress)
    if not documents:
        raise EmptyCorpusError(settings.corpus_dir)
    return documents
