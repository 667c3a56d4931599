"""A LangChain retriever over a running `rag serve`: the same Documents as ``load_retriever``, from another process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import AsyncCallbackManagerForRetrieverRun, CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, PrivateAttr, SecretStr

from rag.interfaces.records import ParagraphRecord
from rag.search.retrieve import Mode

if TYPE_CHECKING:  # httpx is imported when a request is made: `import rag` stays quick
    import httpx


class RemoteRetrieverError(RuntimeError):
    """The service refused or failed the request; the message is the service's (or says it is unreachable)."""


class RemoteRetriever(BaseRetriever):
    """LangChain retriever over the HTTP API (``POST /v1/retrieve``), sync and async.

    ``invoke(query, k=3)`` (or ``ainvoke``) returns 3 paragraphs instead of ``k``; ``metadata["score"]``
    is the fused reciprocal-rank score, higher is better, as with ``load_retriever``.
    """

    base_url: str = Field("http://127.0.0.1:8000", description="Where `rag serve` listens.")
    api_key: SecretStr | None = Field(None, description="A bearer token of the server's RAG_API_KEYS.")
    k: int = Field(5, ge=1, le=100, description="Number of paragraphs returned.")
    mode: Mode = Field("hybrid", description="hybrid, dense or bm25.")
    docs: list[str] | None = Field(None, description="Only documents whose file name or title contains one of these.")
    sections: list[str] | None = Field(None, description="Only sections whose name contains one of these.")
    timeout: float = Field(60.0, gt=0, description="Seconds to wait for the server's answer.")
    _client: Any = PrivateAttr(None)

    def _request(self, query: str, k: int | None) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"} if self.api_key else {}
        body = {"question": query, "k": self.k if k is None else k, "mode": self.mode}
        if self.docs:
            body["documents"] = self.docs
        if self.sections:
            body["sections"] = self.sections
        return {"url": f"{self.base_url.rstrip('/')}/v1/retrieve", "json": body, "headers": headers}

    def _documents(self, response: httpx.Response) -> list[LCDocument]:
        if response.is_error:
            try:
                message = response.json()["error"]["message"]
            except (ValueError, KeyError, TypeError):
                message = response.text[:500]
            raise RemoteRetrieverError(f"{response.status_code} from {response.url}: {message}")
        return [ParagraphRecord.model_validate(item).to_document() for item in response.json()["paragraphs"]]

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        """The paragraphs for a query; ``invoke(query, k=3)`` overrides ``self.k`` for that call."""
        import httpx

        if self._client is None:  # one connection pool for the retriever's life
            self._client = httpx.Client(timeout=self.timeout)
        try:
            response = self._client.post(**self._request(query, k))
        except httpx.HTTPError as error:
            raise RemoteRetrieverError(f"{self.base_url} did not answer: {error}") from error
        return self._documents(response)

    async def _aget_relevant_documents(
        self, query: str, *, run_manager: AsyncCallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[LCDocument]:
        import httpx

        # a client per call: an async client belongs to the event loop it was made in
        async with httpx.AsyncClient(timeout=self.timeout) as client:
            try:
                response = await client.post(**self._request(query, k))
            except httpx.HTTPError as error:
                raise RemoteRetrieverError(f"{self.base_url} did not answer: {error}") from error
        return self._documents(response)
