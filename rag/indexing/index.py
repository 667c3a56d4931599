"""Build and open the search index: Chroma for vectors, BM25 beside it, one manifest on top.

Layout of ``index_dir``::

    chroma/                     the embedded Chroma (unused with a Chroma server)
    <index name>/manifest.json  the paragraphs of the current index, in BM25 order
    <index name>/bm25-<digest>/ the BM25 files the manifest points to
    .build.lock                 held by the one build that may run

The manifest is replaced atomically and only after everything it points to is
written; vectors of removed paragraphs are deleted only after that. A build
killed at any point therefore leaves the previous manifest, and everything it
names, intact: retrieval keeps working on the previous index. Retrieval asks
Chroma only about the vectors the manifest names, so those a build writes before
its manifest (or leaves behind, killed) are never seen; each build deletes every
vector its manifest does not name. Adding or removing one document (``rag.ingest.library``)
goes through the same lock and the same ``commit``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from rag.config import Settings
from rag.indexing.lexical import LexicalIndex
from rag.ingest.corpus import Document, Paragraph, require_corpus

logger = logging.getLogger(__name__)

MANIFEST = "manifest.json"
LOCK = ".build.lock"
_BATCH = 256
_NOTE_NUMBER = re.compile(r"(?:\d{1,2}|\*{1,3})$")


class RagIndexError(RuntimeError):
    """Base of the index errors: the message says what to run."""


class IndexMissingError(RagIndexError):
    """No index has been built for the current settings."""


class IndexBusyError(RagIndexError):
    """Another build holds the lock."""


@dataclass(frozen=True)
class Entry:
    """One indexed paragraph: what retrieval returns and cites.

    Attributes:
        chroma_id: content hash of the paragraph, its address and the passage embedded.
        passage: the text embedded and searched (the paragraph with its context).
    """

    chroma_id: str
    passage: str
    para_id: str
    source: str
    doc_id: str
    doc_title: str
    doc_kind: str
    short_title: str
    letter: str | None
    section: str
    paragraph: str
    kind: str
    lines: tuple[int, int]
    citation: str
    text: str
    language: str  # ISO 639-1, of the paragraph's text
    doc_date: str | None = None  # ISO date of the document, when known
    notes: tuple[str, ...] = ()  # para_ids of the footnotes the paragraph calls
    pages: tuple[int, int] | None = None  # first and last page, for a document with pages (a PDF)

    def metadata(self) -> dict[str, Any]:
        """Flat metadata for Chroma (which takes no None and no tuple)."""
        return {
            "para_id": self.para_id,
            "source": self.source,
            "doc_id": self.doc_id,
            "section": self.section,
            "paragraph": self.paragraph,
            "kind": self.kind,
            "letter": self.letter or "",
            "citation": self.citation,
        }


@dataclass(frozen=True)
class Manifest:
    """What an index holds; the single source of truth for retrieval."""

    name: str
    embedding_model: str
    built_at: str
    bm25_dir: str
    entries: tuple[Entry, ...]
    # the entries' vectors, L2-normalised, row i for entry i: what dense search reads, memory-mapped
    vectors_file: str | None = None

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            Entry(
                **{
                    **e,
                    "lines": tuple(e["lines"]),
                    "notes": tuple(e.get("notes", ())),
                    "pages": tuple(e["pages"]) if e.get("pages") else None,
                }
            )
            for e in data.pop("entries")
        )
        return cls(entries=entries, **data)

    def write(self, path: Path) -> None:
        """Write atomically: a reader sees the old manifest or the new one, never half of one."""
        data = {**asdict(self), "entries": [asdict(entry) for entry in self.entries]}
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    paragraphs: int
    embedded: int
    removed: int
    documents: int
    seconds: float


def passage(paragraph: Paragraph, document: Document, with_context: bool) -> str:
    """The text embedded and searched for a paragraph.

    With context, the document's short title and the section come first, so a
    question naming the document ("the Antalya seminar") finds its paragraphs.
    """
    if not with_context:
        return paragraph.text
    where = " — ".join(part for part in (document.info.short_title, paragraph.section) if part)
    return f"{where} : {paragraph.text}"


def entries_for(documents: list[Document], settings: Settings) -> list[Entry]:
    """Index entries for every paragraph of the documents, in corpus order."""
    entries = []
    for document in documents:
        info = document.info
        # a note's label ends with its number, in any language: "note 1", "footnote 1", "nota *", "脚注1"
        note_ids = {
            _NOTE_NUMBER.search(paragraph.label).group(0): paragraph.id
            for paragraph in document.paragraphs
            if paragraph.kind == "note" and _NOTE_NUMBER.search(paragraph.label)
        }
        for paragraph in document.paragraphs:
            text = passage(paragraph, document, settings.embed_context)
            digest = hashlib.sha256(f"{settings.embedding_model}\n{paragraph.id}\n{text}".encode()).hexdigest()
            entries.append(
                Entry(
                    chroma_id=digest[:32],
                    passage=text,
                    para_id=paragraph.id,
                    source=paragraph.source,
                    doc_id=paragraph.doc_id,
                    doc_title=info.title,
                    doc_kind=info.kind,
                    short_title=info.short_title,
                    letter=info.letter,
                    section=paragraph.section,
                    paragraph=paragraph.label,
                    kind=paragraph.kind,
                    lines=paragraph.lines,
                    citation=paragraph.citation,
                    text=paragraph.text,
                    language=paragraph.language,
                    doc_date=info.date,
                    notes=tuple(note_ids[n] for n in paragraph.notes if n in note_ids),
                    pages=paragraph.pages,
                )
            )
    return entries


def chroma_client(settings: Settings):
    """The Chroma client the settings ask for: a server, or the embedded one in ``index_dir``.

    Chroma is where the vectors are kept and added to; searches read the snapshot each build writes
    (``Manifest.vectors_file``). The embedded client reads the folder afresh each time it is opened:
    Chroma keeps one client per folder in a process, and that client does not see the vectors another
    process (``rag add`` or ``rag index`` in a terminal, another app) writes there afterwards.
    """
    import chromadb
    from chromadb.api.shared_system_client import SharedSystemClient
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings)
    path = str(settings.index_dir / "chroma")
    # Dropped from the cache, not stopped: another thread may still be writing with it.
    SharedSystemClient._identifier_to_system.pop(path, None)
    return chromadb.PersistentClient(path=path, settings=chroma_settings)


def collection(client, name: str, create: bool = False):
    """The index's Chroma collection; vectors are given by us, never computed by Chroma."""
    if create:
        return client.get_or_create_collection(
            name, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )
    return client.get_collection(name, embedding_function=None)


@contextmanager
def index_lock(settings: Settings, timeout: float = 0) -> Iterator[None]:
    """Hold the index's lock: one build, add or remove at a time, across threads and processes.

    Args:
        settings: where the index is.
        timeout: seconds to wait for the one running to finish; 0 refuses at once.

    Raises:
        IndexBusyError: another one holds the lock (still, after ``timeout`` seconds).
    """
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(settings.index_dir / LOCK))
    try:
        lock.acquire(timeout=timeout)
    except Timeout as error:
        if not timeout:
            message = f"Another `rag index` is building {settings.index_dir} right now; wait for it to finish."
        else:
            message = (
                f"The index in {settings.index_dir} stayed busy for {timeout:g} s (another `rag index`, "
                "`rag add` or `rag remove`, or an upload in the app); nothing was changed, try again later."
            )
        raise IndexBusyError(message) from error
    try:
        yield
    finally:
        lock.release()


def build_index(
    settings: Settings,
    show_progress: bool = False,
    on_stage: Callable[[str], None] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> BuildReport:
    """Build or update the index for the corpus, embedding only what changed.

    Args:
        settings: where the corpus and the index are, and which model embeds.
        show_progress: show tqdm progress bars while parsing the documents and embedding.
        on_stage: called with a short message as each stage starts.
        on_progress: called with (paragraphs embedded, paragraphs to embed) after each batch.

    Raises:
        IndexBusyError: another build is running.
        EmptyCorpusError: the corpus folder is missing or holds no readable document; the index
            is left as it was.
    """
    with index_lock(settings):
        return build_locked(
            settings, show_progress, on_stage or (lambda message: None), on_progress or (lambda done, total: None)
        )


def build_locked(
    settings: Settings,
    show_progress: bool,
    on_stage: Callable[[str], None],
    on_progress: Callable[[int, int], None],
) -> BuildReport:
    """``build_index`` for a caller that already holds ``index_lock``."""
    started = datetime.now(UTC)
    documents = require_corpus(settings, show_progress)
    entries = entries_for(documents, settings)
    store = collection(chroma_client(settings), settings.index_name(), create=True)
    to_embed = missing(store, entries)
    on_stage(f"{len(entries)} paragraphs in {len(documents)} documents; {len(to_embed)} to embed")
    embed(settings, store, to_embed, show_progress, on_progress)
    prepare_query_encoder(settings, on_stage)
    on_stage("Building the BM25 index")
    removed = commit(settings, store, entries, started)
    seconds = (datetime.now(UTC) - started).total_seconds()
    return BuildReport(len(entries), len(to_embed), removed, len(documents), seconds)


def missing(store, entries: list[Entry]) -> list[Entry]:
    """The entries whose vectors the Chroma collection does not hold yet (asked by id: an add asks
    about its own paragraphs only, not about the whole collection)."""
    existing: set[str] = set()
    for batch in _batches([entry.chroma_id for entry in entries], _BATCH * 8):
        existing.update(store.get(ids=batch, include=[])["ids"])
    return [entry for entry in entries if entry.chroma_id not in existing]


def embed(
    settings: Settings,
    store,
    entries: list[Entry],
    show_progress: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Embed the entries' passages and add their vectors to the Chroma collection, in batches.

    Args:
        on_progress: called with (paragraphs embedded, paragraphs to embed) after each batch.
    """
    if not entries:
        return
    from tqdm.auto import tqdm

    from rag.indexing.embeddings import load_embeddings

    embeddings = load_embeddings(settings.embedding_model, settings.embedding_backend, settings.embedding_export_dir)
    done = 0  # counted here: a disabled tqdm bar does not count
    with tqdm(total=len(entries), desc="Embedding", unit="para", disable=not show_progress) as bar:
        for batch in _batches(entries, _BATCH):
            vectors = embeddings.embed_documents([entry.passage for entry in batch])
            store.add(
                ids=[entry.chroma_id for entry in batch],
                embeddings=vectors,
                documents=[entry.text for entry in batch],
                metadatas=[entry.metadata() for entry in batch],
            )
            bar.update(len(batch))
            done += len(batch)
            if on_progress is not None:
                on_progress(done, len(entries))


def prepare_query_encoder(settings: Settings, on_stage: Callable[[str], None] = lambda message: None) -> None:
    """Export the encoder questions are embedded with (``rag.indexing.query_encoder``), once per model and machine.

    A model it cannot export leaves questions to the full stack, with a warning; the index is not affected.
    """
    if settings.query_encoder != "light":
        return
    from rag.indexing.query_encoder import prepare

    try:
        prepare(settings.embedding_model, settings.embedding_backend, settings.embedding_export_dir, on_stage)
    except Exception as error:  # an export failure must not fail the build: questions use the full stack
        logger.warning("questions will be embedded with the full stack: the light encoder's export failed: %s", error)


def commit(settings: Settings, store, entries: list[Entry], started: datetime) -> int:
    """Make ``entries`` the index: BM25 over them, then the manifest, then drop every other vector.

    Every entry's vector must be in ``store`` already. Call it holding ``index_lock``.

    Returns:
        The number of vectors deleted (those of removed paragraphs and any a killed build left).
    """
    name = settings.index_name()
    home = settings.index_dir / name
    home.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256("\n".join(entry.chroma_id for entry in entries).encode()).hexdigest()[:12]
    bm25_dir = f"bm25-{digest}"
    if not (home / bm25_dir).exists():
        staging = Path(tempfile.mkdtemp(dir=home, prefix=".bm25-"))
        passages, languages = [entry.passage for entry in entries], [entry.language for entry in entries]
        LexicalIndex.build(passages, languages, settings.bm25_k1, settings.bm25_b).save(staging)
        os.replace(staging, home / bm25_dir)
    vectors_file = f"vectors-{digest}.npy"
    if not (home / vectors_file).exists():
        write_vectors(store, entries, home / vectors_file)
    Manifest(
        name=name,
        embedding_model=settings.embedding_model,
        built_at=started.isoformat(timespec="seconds"),
        bm25_dir=bm25_dir,
        entries=tuple(entries),
        vectors_file=vectors_file,
    ).write(home / MANIFEST)

    wanted = {entry.chroma_id for entry in entries}
    stale = sorted(set(store.get(include=[])["ids"]) - wanted)
    for batch in _batches(stale, _BATCH * 8):
        store.delete(ids=batch)
    for old in home.iterdir():
        if old.is_dir() and old.name != bm25_dir:
            shutil.rmtree(old, ignore_errors=True)
        elif old.name.startswith("vectors-") and old.name != vectors_file:
            old.unlink(missing_ok=True)
    return len(stale)


def write_vectors(store, entries: list[Entry], path: Path) -> None:
    """Write the entries' vectors from Chroma to ``path`` (.npy, float32, L2-normalised, in the entries' order).

    Written to a temporary file and renamed: a reader sees the whole file or none.
    """
    import numpy as np

    vectors: dict[str, list[float]] = {}
    for batch in _batches([entry.chroma_id for entry in entries], _BATCH * 8):
        found = store.get(ids=batch, include=["embeddings"])
        vectors.update(zip(found["ids"], found["embeddings"], strict=True))
    absent = [entry.chroma_id for entry in entries if entry.chroma_id not in vectors]
    if absent:
        raise RagIndexError(f"{len(absent)} paragraphs have no vector in Chroma (first: {absent[0]}); run `rag index`.")
    matrix = np.asarray([vectors[entry.chroma_id] for entry in entries], dtype=np.float32).reshape(len(entries), -1)
    matrix /= np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".vectors-", suffix=".npy")
    with os.fdopen(fd, "wb") as handle:
        np.save(handle, matrix)
    os.replace(tmp, path)


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def manifest_version(settings: Settings) -> str | None:
    """A cheap identity of the current index, changed by every build (None when there is no index).

    Every build writes a new manifest file in place of the old one, so its inode, time
    and size say whether the index changed, without reading it.
    """
    try:
        stat = (settings.index_dir / settings.index_name() / MANIFEST).stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}-{stat.st_mtime_ns}-{stat.st_size}"


def read_manifest(settings: Settings) -> Manifest:
    """The current index's manifest.

    Raises:
        IndexMissingError: with the command that fixes it, when there is no index for
            these settings (none at all, or only one built with another model or chunking).
    """
    path = settings.index_dir / settings.index_name() / MANIFEST
    if path.exists():
        return Manifest.read(path)
    others = [p.parent.name for p in settings.index_dir.glob(f"*/{MANIFEST}")] if settings.index_dir.exists() else []
    if others:
        raise IndexMissingError(
            f"The index in {settings.index_dir} was built with other settings (embedding model, passage "
            f"format or chunking version); none exists for model {settings.embedding_model!r}. "
            "Run `rag index` to build it."
        )
    raise IndexMissingError(f"There is no index in {settings.index_dir}. Run `rag index` to build it.")
