"""RemoteRetriever (rag.interfaces.client) against a live `rag serve` on loopback: LangChain's suite, same Documents."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests
from pydantic import SecretStr

from live_server import live_server
from rag.config import Settings
from rag.interfaces.client import RemoteRetriever, RemoteRetrieverError
from rag.interfaces.http_api import create_app
from rag.interfaces.service import Service
from rag.search.retriever import load_retriever

pytestmark = pytest.mark.slow  # starts a server

ANTALYA = "Quand s'est tenu le Séminaire d'Antalya ?"


class TestRemoteRetrieverStandard(RetrieversIntegrationTests):
    """LangChain's standard retriever tests over HTTP."""

    @pytest.fixture(autouse=True)
    def _server(self, served_url: str) -> None:
        self.url = served_url

    @property
    def retriever_constructor(self) -> type[RemoteRetriever]:
        return RemoteRetriever

    @property
    def retriever_constructor_params(self) -> dict[str, Any]:
        return {"base_url": self.url}

    @property
    def retriever_query_example(self) -> str:
        return ANTALYA


@pytest.mark.parametrize(
    "options",
    [
        {"mode": "hybrid"},
        {"mode": "dense"},
        {"mode": "bm25"},
        {"mode": "hybrid", "docs": ["turquie"], "sections": ["Lettre"]},
    ],
)
async def test_the_same_documents_as_load_retriever(
    served_url: str, served_settings: Settings, options: dict[str, Any]
) -> None:
    local = load_retriever(k=4, settings=served_settings, **options)
    remote = RemoteRetriever(base_url=served_url, k=4, **options)
    expected = local.invoke(ANTALYA)
    assert expected and remote.invoke(ANTALYA) == expected
    assert await remote.ainvoke(ANTALYA) == expected
    assert remote.invoke(ANTALYA, k=2) == local.invoke(ANTALYA, k=2)


async def test_errors_carry_the_services_message(served_url: str, served_settings: Settings, tmp_path: Path) -> None:
    with pytest.raises(RemoteRetrieverError, match="empty"):
        RemoteRetriever(base_url=served_url).invoke("  ")
    with pytest.raises(RemoteRetrieverError, match="empty"):
        await RemoteRetriever(base_url=served_url).ainvoke("  ")
    empty = served_settings.model_copy(update={"index_dir": tmp_path / "none"})
    with (
        live_server(create_app(Service.from_settings(empty), warm_up=False)) as missing,
        pytest.raises(RemoteRetrieverError, match=r"503 .*rag index"),
    ):
        RemoteRetriever(base_url=missing).invoke(ANTALYA)
    with pytest.raises(RemoteRetrieverError, match="did not answer"):
        RemoteRetriever(base_url=missing, timeout=2).invoke(ANTALYA)  # that server has stopped


def test_the_api_key_is_sent(served_settings: Settings) -> None:
    keyed = served_settings.model_copy(update={"api_keys": [SecretStr("s3cret")]})
    with live_server(create_app(Service.from_settings(keyed))) as url:
        assert RemoteRetriever(base_url=url, api_key="s3cret", k=2).invoke(ANTALYA)
        with pytest.raises(RemoteRetrieverError, match="401"):
            RemoteRetriever(base_url=url, api_key="wrong").invoke(ANTALYA)
