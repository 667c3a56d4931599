"""Cited question answering over French-language UN and OSCE documents."""

from rag.config import Settings
from rag.corpus import Document, Paragraph, load_corpus, parse_document
from rag.metadata import DocumentInfo

__all__ = ["Document", "DocumentInfo", "Paragraph", "Settings", "load_corpus", "parse_document"]
