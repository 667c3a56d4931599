"""The LangChain retriever over the paragraph index (``load_retriever``): what other applications embed.

Kept apart from ``rag.search.retrieve`` so that answering a question (``rag ask``, ``rag serve``) does not
import LangChain's retriever and tracing machinery.
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables.config import run_in_executor
from pydantic import ConfigDict, Field

from rag.config import Settings
from rag.interfaces.records import ParagraphRecord
from rag.search.retrieve import Hit, Mode, ParagraphIndex


def to_document(hit: Hit) -> LCDocument:
    """A LangChain document: the paragraph's text, with what is needed to cite it (``rag.interfaces.records``)."""
    return ParagraphRecord.of_hit(hit).to_document()


class ParagraphRetriever(BaseRetriever):
    """LangChain retriever over the paragraph index.

    ``metadata["score"]`` is the fused reciprocal-rank score (higher is better);
    ``invoke(query, k=3)`` (or ``ainvoke``) returns 3 paragraphs instead of ``k``.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any = Field(description="An opened ParagraphIndex.")
    k: int = Field(5, ge=1, description="Number of paragraphs returned.")
    mode: Mode = Field("hybrid", description="hybrid, dense or bm25.")
    docs: list[str] | None = Field(None, description="Only documents whose file name or title contains one of these.")
    sections: list[str] | None = Field(None, description="Only sections whose name contains one of these.")

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        """The paragraphs for a query; ``invoke(query, k=3)`` overrides ``self.k`` for that call."""
        hits = self.index.search(query, self.k if k is None else k, self.mode, self.docs, self.sections)
        return [to_document(hit) for hit in hits]

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        # BaseRetriever's default would run the sync search without the call's k.
        return await run_in_executor(None, self._get_relevant_documents, query, run_manager=run_manager.get_sync(), k=k)


def load_retriever(
    k: int | None = None,
    settings: Settings | None = None,
    mode: Mode = "hybrid",
    docs: list[str] | None = None,
    sections: list[str] | None = None,
) -> ParagraphRetriever:
    """Open the index and return a LangChain retriever over it.

    Args:
        k: number of paragraphs per question (default: settings.k).
        settings: defaults to ``Settings()`` (environment variables ``RAG_*``).
        mode: ``hybrid`` (default), ``dense`` or ``bm25``.
        docs: keep only documents whose file name or title contains one of these.
        sections: keep only sections whose name contains one of these.

    Raises:
        IndexMissingError: no index for these settings; the message names the command to run.
        ValueError: ``k`` is below 1.
    """
    settings = settings or Settings()
    return ParagraphRetriever(
        index=ParagraphIndex(settings), k=settings.k if k is None else k, mode=mode, docs=docs, sections=sections
    )
