"""LangChain's standard retriever tests (langchain-tests) against ParagraphRetriever, in every mode."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from rag.config import Settings
from rag.indexing.index import build_index
from rag.search.retrieve import Mode, ParagraphIndex
from rag.search.retriever import ParagraphRetriever


class ParagraphRetrieverStandardTests(RetrieversIntegrationTests):
    """The suite over a real index of the corpus, in tmp_path, with deterministic fake embeddings."""

    mode: Mode

    @pytest.fixture(autouse=True)
    def _index(self, fake_embeddings: None, monkeypatch: pytest.MonkeyPatch) -> None:
        # The suite counts documents and does not judge their order: fake vectors may join the fusion.
        monkeypatch.delenv("RAG_DENSE_WEIGHT")
        build_index(Settings())
        self.index = ParagraphIndex(Settings())

    @property
    def retriever_constructor(self) -> type[ParagraphRetriever]:
        return ParagraphRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"index": self.index, "mode": self.mode}

    @property
    def retriever_query_example(self) -> str:
        return "Quand s'est tenu le Séminaire d'Antalya ?"


class TestHybrid(ParagraphRetrieverStandardTests):
    mode = "hybrid"


class TestDense(ParagraphRetrieverStandardTests):
    mode = "dense"


class TestBM25(ParagraphRetrieverStandardTests):
    mode = "bm25"
