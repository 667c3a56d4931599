"""Documents of the corpus folder, cut into citable paragraphs."""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from tqdm.auto import tqdm

from rag.config import Settings
from rag.language import detect_language
from rag.metadata import SIDECAR_SUFFIX, DocumentInfo, apply_sidecar, derive_info
from rag.paragraphs import split_blocks
from rag.structure import (
    ANNEX_SECTION,
    LETTER_SECTION,
    NOTE_SECTION,
    NOTES,
    OPERATIVE,
    PREAMBLE,
    Labelled,
    label_blocks,
)
from rag.textfix import repair_ocr, strip_note_calls

logger = logging.getLogger(__name__)

_LEADING_NUMBER = re.compile(r"^\s*\S{1,3}\.\s+")
_LEADING_NOTE_NUMBER = re.compile(r"^\s*\d{1,2}\s+")
_ROMAN_SECTION = re.compile(r"^([IVXLC]+)\.\s")
# For callers that give a folder only: the default of the setting.
_MAX_DOCUMENT_BYTES = Settings.model_fields["max_document_bytes"].default


class EmptyCorpusError(RuntimeError):
    """The corpus folder is missing or holds no readable ``.txt`` document: there is nothing to work from."""

    def __init__(self, corpus_dir: Path) -> None:
        super().__init__(
            f"No readable .txt document in {corpus_dir}: put UTF-8 .txt documents there, "
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
        kind: ``title``, ``heading``, ``date``, ``signature``, ``note`` or ``paragraph``.
        text: cleaned text (lines joined, OCR repaired, note calls removed).
        raw: the source lines joined, untouched otherwise.
        lines: first and last source line (1-based, inclusive).
        source_lines: every source line the paragraph is made of.
        notes: numbers of the footnotes this paragraph calls.
        citation: full human-readable citation.
        language: ISO 639-1 language of the text (the document's when the paragraph is too short to tell).
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


def citation(info: DocumentInfo, section: str, label: str) -> str:
    """A citation a diplomat can check: document, covering letter, section, paragraph.

    Example: ``Déclaration de Bucarest (annexe à la lettre de la Roumanie du
    29 novembre 2006), préambule, alinéa 4``.
    """
    if section == LETTER_SECTION and info.letter_ref:
        parts = [info.letter_ref[:1].upper() + info.letter_ref[1:]]
    else:
        head = info.short_title
        if info.kind == "note":
            head = f"Projet de résolution « {head} » (note du Secrétariat)"
        elif info.letter_ref:
            head = f"{head} (annexe à la {info.letter_ref})"
        parts = [head]
        where = _section_phrase(section)
        if where:
            parts.append(where)
    parts.append(f"paragraphe {label}" if label[:1].isdigit() else label)
    return ", ".join(parts)


def _section_phrase(section: str) -> str:
    roman = _ROMAN_SECTION.match(section)
    if roman:
        return f"section {roman.group(1)}"
    if section in (PREAMBLE, OPERATIVE, ANNEX_SECTION, NOTE_SECTION):
        return section.lower() if section != NOTE_SECTION else "note du Secrétariat"
    if section == NOTES:
        return ""
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
    blocks = split_blocks(text.splitlines())
    labelled = label_blocks(blocks)
    note_numbers = {block.note for block in blocks if block.note is not None}
    language = detect_language(text)
    cleaned = [clean_text(item, note_numbers, language == "fr") for item in labelled]
    info = derive_info(source, labelled, [text for text, _ in cleaned])
    if path is not None:
        info = apply_sidecar(info, path)
    return Document(info=info, paragraphs=tuple(_paragraphs(info, labelled, cleaned, language)))


def _paragraphs(
    info: DocumentInfo, labelled: list[Labelled], cleaned: list[tuple[str, tuple[str, ...]]], language: str
) -> list[Paragraph]:
    paragraphs: list[Paragraph] = []
    seen: set[str] = set()
    # The last suffix given to each base id: the search for a free one resumes there instead
    # of trying -2, -3… again for every repeat (quadratic in a document of many "titre").
    last_suffix: dict[str, int] = {}
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
                citation=citation(info, item.section, item.label),
                language=detect_language(text, default=language),
            )
        )
    return paragraphs


def load_document(path: Path, max_document_bytes: int = _MAX_DOCUMENT_BYTES) -> Document | None:
    """Read and parse one ``.txt`` document; None (with a warning) when it cannot be read or is too big."""
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
        text = path.read_text(encoding="utf-8-sig")
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
    """Load every readable ``.txt`` document of a folder, in file-name order.

    Anything else is skipped with a warning naming the file; nothing raises.

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
    with tqdm(paths, desc="Parsing", unit="file", disable=not show_progress, leave=False) as files:
        for path in files:
            files.set_postfix_str(path.name)
            if path.suffix.lower() != ".txt":
                logger.warning("skipped %s: only .txt documents are read", path.name)
                continue
            document = load_document(path, max_document_bytes)
            if document is not None:
                documents.append(document)
    return documents


def require_corpus(settings: Settings, show_progress: bool = False) -> list[Document]:
    """The documents of ``settings.corpus_dir``, for work that cannot go on without any.

    Raises:
        EmptyCorpusError: the folder is missing or holds no readable ``.txt`` document.
    """
    documents = load_corpus(settings.corpus_dir, settings.max_document_bytes, show_progress)
    if not documents:
        raise EmptyCorpusError(settings.corpus_dir)
    return documents
