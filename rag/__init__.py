"""Cited question answering over UN and OSCE documents, in the UN's languages and others.

The names below are imported on first use (PEP 562), so ``import rag.cli`` or ``from rag import
Settings`` does not load the index, the HTTP client and the document readers it does not need.
"""

from importlib import import_module
from typing import TYPE_CHECKING

# Each public name and the module it lives in.
_EXPORTS = {
    "Answer": "rag.answer",
    "Citation": "rag.answer",
    "Assistant": "rag.assistant",
    "RemoteRetriever": "rag.client",
    "Settings": "rag.config",
    "Document": "rag.corpus",
    "EmptyCorpusError": "rag.corpus",
    "Paragraph": "rag.corpus",
    "load_corpus": "rag.corpus",
    "parse_document": "rag.corpus",
    "IndexBusyError": "rag.index",
    "IndexMissingError": "rag.index",
    "build_index": "rag.index",
    "DocumentError": "rag.library",
    "add_document": "rag.library",
    "remove_document": "rag.library",
    "DocumentInfo": "rag.metadata",
    "ParagraphRetriever": "rag.retriever",
    "load_retriever": "rag.retriever",
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
    from rag.answer import Answer, Citation
    from rag.assistant import Assistant
    from rag.client import RemoteRetriever
    from rag.config import Settings
    from rag.corpus import Document, EmptyCorpusError, Paragraph, load_corpus, parse_document
    from rag.index import IndexBusyError, IndexMissingError, build_index
    from rag.library import DocumentError, add_document, remove_document
    from rag.metadata import DocumentInfo
    from rag.retriever import ParagraphRetriever, load_retriever


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'rag' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
