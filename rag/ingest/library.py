"""Adding documents to the corpus and the index, and removing them, one at a time and incrementally.

An add embeds only the new document's paragraphs and adds their vectors to Chroma; the BM25
index is rebuilt from the manifest's entries (cheap: a second for thousands of paragraphs) and
the manifest replaced, as a build does (``rag.indexing.index.commit``). Both hold the index lock for the
whole change, so two adds at once (two users of the app, the app and ``rag add``) run one after
the other instead of losing one another's document. Nothing is lost on error: the file enters the
corpus folder only with its paragraphs, and is taken out again if the index cannot be written.

A removed document's file is moved aside, into ``.removed/`` in the corpus folder (a hidden folder
the corpus never reads), under a name stamped with the time: a wrong click can be undone by moving
it back and running ``rag index``.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from rag.config import Settings
from rag.indexing.index import (
    IndexMissingError,
    Manifest,
    build_locked,
    chroma_client,
    collection,
    commit,
    embed,
    entries_for,
    index_lock,
    manifest_version,
    missing,
    read_manifest,
)
from rag.ingest.corpus import SUFFIXES, Document, load_document
from rag.ingest.metadata import SIDECAR_SUFFIX, DocumentInfo

logger = logging.getLogger(__name__)

REMOVED = ".removed"
OnClash = Literal["ask", "replace", "keep-both"]
# Formats read as text: a NUL byte in them means a binary file under a text name.
TEXT_SUFFIXES = (".txt", ".htm", ".html")
_SNIFF_BYTES = 8192
_MAX_NAME_CHARS = 120
# Characters a file name keeps as they are: letters and digits of any script, and - _ . ( ) +
_UNSAFE_CHARACTERS = re.compile(r"[^\w\-.()+]+")
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)$", re.IGNORECASE)


class DocumentError(RuntimeError):
    """A document that cannot be added or removed; nothing was changed.

    Attributes:
        reason: what went wrong, as a key of the interface's messages (``unsupported``, ``empty``…).
        name: the file name concerned.
        details: what the message names besides the file (sizes, the accepted types…).
    """

    def __init__(self, reason: str, name: str, message: str, **details: object) -> None:
        super().__init__(message)
        self.reason = reason
        self.name = name
        self.details = details


class NameClashError(DocumentError):
    """The corpus already has a document of that name: the user chooses to replace it or keep both.

    Attributes:
        existing: the file of the corpus that has the name.
        alternative: the free name the new document would take to keep both.
    """

    def __init__(self, name: str, existing: str, alternative: str) -> None:
        super().__init__(
            "clash",
            name,
            f"{name}: the corpus already has a document named {existing}. Add it again with --replace to "
            f"replace that document, or with --keep-both to add this one as {alternative}.",
            existing=existing,
            alternative=alternative,
        )
        self.existing = existing
        self.alternative = alternative


@dataclass(frozen=True)
class AddReport:
    """What an add did.

    Attributes:
        source: the document's file name in the corpus folder.
        info: its metadata.
        paragraphs: its paragraphs, all in the index now.
        embedded: how many were embedded (the others' vectors were in Chroma already).
        replaced: the file it replaced, moved aside into ``.removed/``; None when it replaced none.
        full_build: there was no index yet, so the whole corpus was indexed.
        seconds: how long the add took.
    """

    source: str
    info: DocumentInfo
    paragraphs: int
    embedded: int
    replaced: str | None
    full_build: bool
    seconds: float


@dataclass(frozen=True)
class RemoveReport:
    """What a removal did.

    Attributes:
        source: the file name the document had in the corpus folder.
        paragraphs: how many paragraphs left the index.
        moved_to: where its file is now (None when it was no longer in the corpus folder).
    """

    source: str
    paragraphs: int
    moved_to: Path | None


@dataclass(frozen=True)
class Listed:
    """A document of the corpus as the documents panel shows it.

    Attributes:
        info: its metadata.
        paragraphs: its paragraphs in the index; 0 when it is not indexed (yet).
    """

    info: DocumentInfo
    paragraphs: int


def safe_name(name: str) -> str:
    """The name an uploaded file takes in the corpus folder.

    Spaces and characters that file systems or shells treat specially become ``_``; accents and
    other scripts are kept. A name that is not a plain file name is refused, not repaired: a
    folder in it (``/``, ``\\``, ``..``), a hidden file (leading dot), a control character.

    Raises:
        DocumentError: with reason ``unsafe_name``.
    """

    def refuse(why: str) -> DocumentError:
        return DocumentError("unsafe_name", name, f"{name!r} is refused as a file name: {why}.", why=why)

    if any(unicodedata.category(character) == "Cc" for character in name):
        raise refuse("it holds a control character")
    if "/" in name or "\\" in name:
        raise refuse("give a file name, without a folder (no / or \\)")
    name = unicodedata.normalize("NFC", name.strip())
    if name in ("", ".", ".."):
        raise refuse("it is empty")
    if name.startswith("."):
        raise refuse("it would be a hidden file (it starts with a dot)")
    stem, suffix = os.path.splitext(name)
    stem = _UNSAFE_CHARACTERS.sub("_", stem).strip("_-.")[:_MAX_NAME_CHARS].rstrip("_-.")
    if not stem or _WINDOWS_RESERVED.match(stem):
        raise refuse("nothing is left of it once the characters a file name cannot hold are taken out")
    return stem + suffix.lower()


def check_upload(name: str, data: bytes, max_document_bytes: int) -> None:
    """Refuse, with a message naming the file, what cannot be a document: by type, size and content.

    Raises:
        DocumentError: reason ``unsupported``, ``too_big``, ``empty`` or ``binary``.
    """
    check_type(name)
    check_size(name, len(data), max_document_bytes)
    if not data.strip():
        raise DocumentError("empty", name, f"{name} is empty: there is nothing to add.")
    if Path(name).suffix.lower() in TEXT_SUFFIXES and b"\x00" in data[:_SNIFF_BYTES]:
        raise DocumentError("binary", name, f"{name} is not a text file (it holds binary data).")


def check_type(name: str) -> None:
    """Refuse a file whose type ``load_document`` does not read (``rag.ingest.corpus.SUFFIXES``).

    Raises:
        DocumentError: reason ``unsupported``.
    """
    suffix = Path(name).suffix.lower()
    if name.lower().endswith(SIDECAR_SUFFIX) or suffix not in SUFFIXES:
        kind, accepted = suffix or "no extension", ", ".join(SUFFIXES)
        raise DocumentError(
            "unsupported",
            name,
            f"{name}: this type of file ({kind}) cannot be added; accepted: {accepted}.",
            suffix=kind,
            accepted=accepted,
        )


def check_size(name: str, size: int, max_document_bytes: int) -> None:
    """Refuse a file over ``max_document_bytes``.

    Raises:
        DocumentError: reason ``too_big``.
    """
    if size > max_document_bytes:
        raise DocumentError(
            "too_big",
            name,
            f"{name}: {size:,} bytes, over the limit of {max_document_bytes:,} bytes (RAG_MAX_DOCUMENT_BYTES).",
            size=f"{size:,}",
            limit=f"{max_document_bytes:,}",
        )


def add_document(
    settings: Settings,
    name: str,
    data: bytes,
    on_clash: OnClash = "ask",
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    show_progress: bool = False,
) -> AddReport:
    """Put a document into the corpus folder and its paragraphs into the index, embedding only them.

    Args:
        settings: where the corpus and the index are, and which model embeds.
        name: the file's name as the user gave it (made safe by ``safe_name``).
        data: the file's content.
        on_clash: what to do when the corpus has a document of that name already: ``ask`` refuses
            with ``NameClashError`` (which names the alternative), ``replace`` moves the old one
            aside into ``.removed/``, ``keep-both`` adds this one as ``NAME-2`` (or the next free).
        on_stage: called with a short message as each stage starts.
        on_progress: called with (paragraphs embedded, paragraphs to embed) after each batch.
        show_progress: show a tqdm bar while embedding.

    Raises:
        DocumentError: the file is refused (its ``reason`` says why); NameClashError for a clash.
        IndexBusyError: another change of the index went on for longer than ``index_lock_timeout``.
    """
    started = datetime.now(UTC)
    stage = on_stage or (lambda message: None)
    name = safe_name(name)
    check_upload(name, data, settings.max_document_bytes)
    corpus = settings.corpus_dir
    corpus.mkdir(parents=True, exist_ok=True)
    with _staging(corpus) as staging:
        stage(f"Reading {name}")
        document = _parse(staging, name, data, settings)  # refused before anyone is asked about a clash
        with index_lock(settings, settings.index_lock_timeout):
            manifest = _manifest(settings)
            clash = _clash(corpus, manifest, name)
            replaced = None
            if clash is not None:
                if on_clash == "ask":
                    raise NameClashError(name, clash, _free_name(corpus, manifest, name))
                if on_clash == "replace":
                    replaced = clash
                else:
                    name = _free_name(corpus, manifest, name)
                    document = _parse(staging, name, data, settings)
            entries = entries_for([document], settings)
            store = collection(chroma_client(settings), settings.index_name(), create=True)
            if manifest is None:
                stage(f"No index yet: indexing the whole corpus with {name}")
                with _placed(settings, staging / name, replaced):
                    build = build_locked(settings, show_progress, stage, on_progress or (lambda done, total: None))
                full = True
                embedded = build.embedded
            else:
                to_embed = missing(store, entries)
                stage(f"Embedding {len(to_embed)} paragraphs of {name}")
                embed(settings, store, to_embed, show_progress, on_progress)
                gone = {replaced, name}
                kept = [e for e in manifest.entries if e.source not in gone and e.doc_id != document.info.doc_id]
                stage("Updating the index")
                with _placed(settings, staging / name, replaced):
                    commit(settings, store, _in_corpus_order(kept + entries), started)
                full = False
                embedded = len(to_embed)
    seconds = (datetime.now(UTC) - started).total_seconds()
    logger.info("added %s: %d paragraphs, %d embedded", name, len(entries), embedded)
    return AddReport(name, document.info, len(entries), embedded, replaced, full, seconds)


def add_file(settings: Settings, path: Path, on_clash: OnClash = "ask", **options) -> AddReport:
    """``add_document`` for a file on disk (``rag add``); its size is checked before it is read.

    Raises:
        DocumentError: as ``add_document``, and reason ``unreadable`` when the file cannot be read.
    """
    try:
        check_type(path.name)
        check_size(path.name, path.stat().st_size, settings.max_document_bytes)  # before reading it into memory
        data = path.read_bytes()
    except OSError as error:
        why = error.strerror or str(error)
        raise DocumentError("unreadable", path.name, f"{path}: cannot be read ({why}).", why=why) from error
    return add_document(settings, path.name, data, on_clash, **options)


def remove_document(settings: Settings, name: str) -> RemoveReport:
    """Take a document out of the index and move its file (and metadata sidecar) aside into ``.removed/``.

    Args:
        name: its file name (``lettre.txt``) or its identifier (``lettre``), as ``rag documents`` lists them.

    Raises:
        DocumentError: reason ``not_found`` when neither the corpus folder nor the index has it.
        IndexBusyError: another change of the index went on for longer than ``index_lock_timeout``.
    """
    corpus = settings.corpus_dir
    with index_lock(settings, settings.index_lock_timeout):
        manifest = _manifest(settings)
        indexed = {entry.source for entry in manifest.entries} if manifest else set()
        known = sorted(indexed | {path.name for path in _documents_in(corpus)})
        source = next((known_name for known_name in known if name in (known_name, Path(known_name).stem)), None)
        if source is None:
            raise DocumentError(
                "not_found",
                name,
                f"No document {name!r} in {corpus} or its index. Documents: {', '.join(known) or 'none'}.",
                known=", ".join(known),
            )
        kept = [entry for entry in manifest.entries if entry.source != source] if manifest else []
        moved = _move_aside(corpus, source, with_sidecar=True)
        with _undone_unless_committed(settings, lambda: _put_back(moved)):
            if manifest is not None:
                store = collection(chroma_client(settings), settings.index_name(), create=True)
                commit(settings, store, kept, datetime.now(UTC))
    removed = len(manifest.entries) - len(kept) if manifest else 0
    return RemoveReport(source, removed, moved[0][1] if moved else None)


def listing(documents: Iterable[Document], manifest: Manifest | None) -> list[Listed]:
    """The documents of the corpus with the number of their paragraphs in the index, in file-name order."""
    counts: dict[str, int] = {}
    for entry in manifest.entries if manifest else ():
        counts[entry.source] = counts.get(entry.source, 0) + 1
    ordered = sorted(documents, key=lambda document: document.info.source)
    return [Listed(document.info, counts.get(document.info.source, 0)) for document in ordered]


def original_file(settings: Settings, source: str) -> Path | None:
    """The file of the corpus folder a paragraph comes from, for download; None when it is not there.

    Only a plain, visible file directly inside the corpus folder is given out, whatever ``source`` says.
    """
    if Path(source).name != source or "\\" in source or source.startswith("."):
        return None
    path = settings.corpus_dir / source
    return path if path.is_file() else None


@contextmanager
def _staging(corpus: Path) -> Iterator[Path]:
    """A hidden folder in the corpus folder (same file system: the final move is atomic), removed after."""
    staging = Path(tempfile.mkdtemp(dir=corpus, prefix=".upload-"))
    try:
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _parse(staging: Path, name: str, data: bytes, settings: Settings) -> Document:
    """The document as ``load_document`` will read it in the corpus folder: under its final name, with
    the metadata sidecar the folder has for that name; refused with load_document's warning when it cannot."""
    for old in staging.iterdir():
        old.unlink()
    path = staging / name
    path.write_bytes(data)
    sidecar = settings.corpus_dir / (path.stem + SIDECAR_SUFFIX)
    if sidecar.is_file():
        shutil.copyfile(sidecar, staging / sidecar.name)
    with _warnings() as warnings:
        document = load_document(path, settings.max_document_bytes)
    if document is None or not document.paragraphs:
        mine = [warning for warning in warnings if name in warning]  # not another thread's
        why = mine[-1].removeprefix(f"skipped {name}: ") if mine else "no paragraph could be read from it"
        raise DocumentError("unreadable", name, f"{name} cannot be added: {why}.", why=why)
    return document


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _warnings() -> Iterator[list[str]]:
    """The warnings the ``rag`` package logs meanwhile: why ``load_document`` gave nothing."""
    handler = _Collect()
    package = logging.getLogger("rag")
    package.addHandler(handler)
    try:
        yield handler.messages
    finally:
        package.removeHandler(handler)


def _manifest(settings: Settings) -> Manifest | None:
    try:
        return read_manifest(settings)
    except IndexMissingError:
        return None


def _documents_in(corpus: Path) -> list[Path]:
    """The files of the corpus folder that are documents (what ``load_corpus`` tries to read)."""
    if not corpus.is_dir():
        return []
    return [
        path
        for path in sorted(corpus.iterdir())
        if path.is_file() and not path.name.startswith(".") and not path.name.endswith(SIDECAR_SUFFIX)
    ]


def _taken(corpus: Path, manifest: Manifest | None) -> dict[str, str]:
    """Identifiers in use (file names without extension, casefolded), with the file that has each."""
    taken = {entry.doc_id.casefold(): entry.source for entry in manifest.entries} if manifest else {}
    taken.update({path.stem.casefold(): path.name for path in _documents_in(corpus)})
    return taken


def _clash(corpus: Path, manifest: Manifest | None, name: str) -> str | None:
    """The document that already has this name's identifier: ``lettre.txt`` and ``Lettre.pdf`` clash."""
    return _taken(corpus, manifest).get(Path(name).stem.casefold())


def _free_name(corpus: Path, manifest: Manifest | None, name: str) -> str:
    taken = _taken(corpus, manifest)
    stem, suffix = os.path.splitext(name)
    number = 2
    while f"{stem}-{number}".casefold() in taken:
        number += 1
    return f"{stem}-{number}{suffix}"


def _in_corpus_order(entries: list) -> list:
    """Entries grouped by file in file-name order, as a full build lists them (it then finds nothing to do)."""
    by_source: dict[str, list] = {}
    for entry in entries:
        by_source.setdefault(entry.source, []).append(entry)
    return [entry for source in sorted(by_source) for entry in by_source[source]]


def _move_aside(corpus: Path, source: str, with_sidecar: bool) -> list[tuple[Path, Path]]:
    """Move a document's file, and its sidecar if asked, into ``.removed/``; the (from, to) pairs moved."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    removed = corpus / REMOVED
    moved = []
    sidecar = [corpus / (Path(source).stem + SIDECAR_SUFFIX)] if with_sidecar else []
    for path in [corpus / source, *sidecar]:
        if path.is_file():
            removed.mkdir(exist_ok=True)
            target = removed / f"{stamp}_{path.name}"
            os.replace(path, target)
            moved.append((path, target))
    return moved


def _put_back(moved: list[tuple[Path, Path]]) -> None:
    for original, aside in reversed(moved):
        os.replace(aside, original)


@contextmanager
def _placed(settings: Settings, staged: Path, replaced: str | None) -> Iterator[None]:
    """The staged file in the corpus folder (the one it replaces moved aside; its metadata sidecar, which
    describes the name, stays) while the index is written; put back as it was if the index is not."""
    corpus = settings.corpus_dir
    moved = _move_aside(corpus, replaced, with_sidecar=False) if replaced else []
    target = corpus / staged.name
    os.replace(staged, target)
    with _undone_unless_committed(settings, lambda: (target.unlink(missing_ok=True), _put_back(moved))):
        yield


@contextmanager
def _undone_unless_committed(settings: Settings, undo: Callable[[], object]) -> Iterator[None]:
    """Undo the changes to the corpus folder when what follows fails before the manifest is replaced.

    After it (a failure while deleting the old vectors), the index names the new files: they stay.
    """
    before = manifest_version(settings)
    try:
        yield
    except BaseException:
        if manifest_version(settings) == before:
            undo()
        raise
