"""Cited question answering over UN and OSCE documents, in the UN's languages and others."""

from rag.answer import Answer, Citation
from rag.assistant import Assistant
from rag.client import RemoteRetriever
from rag.config import Settings
from rag.corpus import Document, EmptyCorpusError, Paragraph, load_corpus, parse_document
from rag.index import IndexBusyError, IndexMissingError, build_index
from rag.library import DocumentError, add_document, remove_document
from rag.metadata import DocumentInfo
from rag.retrieve import ParagraphRetriever, load_retriever

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
