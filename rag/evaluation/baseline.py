"""The LangChain-tutorial baseline: 1000/200 character chunks, the same MiniLM, Chroma."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from langchain_core.documents import Document as LCDocument

from rag.indexing.embeddings import load_embeddings


@dataclass(frozen=True)
class Chunk:
    """A baseline chunk found for a question."""

    chunk_id: str
    source: str
    text: str
    score: float


class TutorialBaseline:
    """RecursiveCharacterTextSplitter(1000, 200) over the raw files, MiniLM, an in-memory Chroma."""

    def __init__(self, corpus_dir: Path, embedding_model: str) -> None:
        import chromadb
        from chromadb.config import Settings as ChromaSettings
        from langchain_chroma import Chroma
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        documents = [
            LCDocument(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
            for path in sorted(corpus_dir.glob("*.txt"))
        ]
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        chunks = splitter.split_documents(documents)
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.store = Chroma.from_documents(
            chunks,
            load_embeddings(embedding_model),
            client=client,
            collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
            ids=[f"chunk-{i}" for i in range(len(chunks))],
        )
        self.size = len(chunks)

    def search(self, question: str, k: int) -> list[Chunk]:
        """The ``k`` chunks most similar to the question; score: Chroma's distance negated (higher is better)."""
        found = self.store.similarity_search_with_score(question, k=k)
        return [
            Chunk(
                chunk_id=str(document.id),
                source=document.metadata["source"],
                text=unwrap(document.page_content),
                score=-float(distance),  # Chroma returns a distance: negate so that higher is better
            )
            for document, distance in found
        ]


def unwrap(text: str) -> str:
    """Undo hard wrapping so a gold quote can match a chunk as it matches a paragraph."""
    return re.sub(r"\s+", " ", re.sub(r"(\w-)\s*\n\s*", r"\1", text))
