"""Cited question answering over UN and OSCE documents, in the UN's languages and others."""

from rag.answer import Answer, Citation
from rag.assistant import Assistant
from rag.config import Settings
from rag.corpus import Document, EmptyCorpusError, Paragraph, load_corpus, parse_document
from rag.index import IndexBusyError, IndexMissingError, build_index
from rag.metadata import DocumentInfo
from rag.retrieve import ParagraphRetriever, load_retriever

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Document",
    "DocumentInfo",
    "EmptyCorpusError",
    "IndexBusyError",
    "IndexMissingError",
    "Paragraph",
    "ParagraphRetriever",
    "Settings",
    "build_index",
    "load_corpus",
    "load_retriever",
    "parse_document",
]
