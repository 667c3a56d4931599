"""Cited question answering over UN and OSCE documents, in the UN's languages and others.

The names below are imported on first use (PEP 562), so ``import rag.interfaces.cli`` or ``from rag import
Settings`` does not load the index, the HTTP client and the document readers it does not need.
"""

from importlib import import_module
from typing import TYPE_CHECKING

# Each public name and the module it lives in.
_EXPORTS = {
    "Answer": "rag.answering.answer",
    "Citation": "rag.answering.answer",
    "Assistant": "rag.answering.assistant",
    "RemoteRetriever": "rag.interfaces.client",
    "Settings": "rag.config",
    "Document": "rag.ingest.corpus",
    "EmptyCorpusError": "rag.ingest.corpus",
    "Paragraph": "rag.ingest.corpus",
    "load_corpus": "rag.ingest.corpus",
    "parse_document": "rag.ingest.corpus",
    "IndexBusyError": "rag.indexing.index",
    "IndexMissingError": "rag.indexing.index",
    "build_index": "rag.indexing.index",
    "DocumentError": "rag.ingest.library",
    "add_document": "rag.ingest.library",
    "remove_document": "rag.ingest.library",
    "DocumentInfo": "rag.ingest.metadata",
    "ParagraphRetriever": "rag.search.retriever",
    "load_retriever": "rag.search.retriever",
}

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Document",
    "DocumentError",
    "DocumentInfo",
    "EmptyCorpusError",
    "IndexBusyError",
    "IndexMissingError",
    "Paragraph",
    "ParagraphRetriever",
    "RemoteRetriever",
    "Settings",
    "add_document",
    "build_index",
    "load_corpus",
    "load_retriever",
    "parse_document",
    "remove_document",
]

if TYPE_CHECKING:
    from rag.answering.answer import Answer, Citation
    from rag.answering.assistant import Assistant
    from rag.config import Settings
    from rag.indexing.index import IndexBusyError, IndexMissingError, build_index
    from rag.ingest.corpus import Document, EmptyCorpusError, Paragraph, load_corpus, parse_document
    from rag.ingest.library import DocumentError, add_document, remove_document
    from rag.ingest.metadata import DocumentInfo
    from rag.interfaces.client import RemoteRetriever
    from rag.search.retriever import ParagraphRetriever, load_retriever


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
