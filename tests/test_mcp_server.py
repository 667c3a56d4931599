"""`rag mcp`: the MCP SDK's own client, over stdio to a real `rag mcp` process and over streamable HTTP."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from pydantic import SecretStr

from conftest import REPO
from live_server import live_server, rag_command
from rag.config import Settings
from rag.interfaces.http_api import Guard
from rag.interfaces.mcp_server import create_server
from rag.interfaces.service import Service

pytestmark = pytest.mark.slow  # starts servers

TOOLS = {"search_paragraphs", "ask", "get_paragraph", "list_documents"}
QUESTION = "Qui a signé la lettre de la Turquie ?"


def stdio_server(served_settings: Settings) -> StdioServerParameters:
    """`rag mcp` as an agent host starts it (Claude Desktop's "command" and "args")."""
    env = {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "RAG_CORPUS_DIR": str(served_settings.corpus_dir),
        "RAG_INDEX_DIR": str(served_settings.index_dir),
        # the index was built with fake vectors: the server must not need the encoder
        "RAG_DENSE_WEIGHT": "0",
        "RAG_DENSE_WEIGHT_OTHER_LANGUAGE": "0",
    }
    return StdioServerParameters(command=sys.executable, args=["-m", "rag.interfaces.cli", "mcp"], env=env, cwd=REPO)


async def test_the_tools_over_stdio(served_settings: Settings) -> None:
    async with Client(stdio_server(served_settings), read_timeout_seconds=60) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == TOOLS
        assert all(tool.description for tool in tools.values())

        found = await client.call_tool("search_paragraphs", {"query": "Séminaire d'Antalya", "k": 3})
        assert not found.is_error
        paragraphs = found.structured_content["paragraphs"]
        assert len(paragraphs) == 3 and "Antalya" in paragraphs[0]["text"]
        assert all(paragraph["citation"] and paragraph["source"] for paragraph in paragraphs)
        assert json.loads(found.content[0].text) == found.structured_content  # quotable as text too

        answer = (await client.call_tool("ask", {"question": QUESTION})).structured_content
        assert not answer["abstained"] and "[1]" in answer["text"]
        assert "Pamir" in answer["citations"][0]["quote"]
        assert answer["citations"][0]["citation"] == "Lettre de la Turquie du 12 avril 2004, signature"

        paragraph = await client.call_tool("get_paragraph", {"paragraph_id": paragraphs[0]["para_id"]})
        assert paragraph.structured_content["text"] == paragraphs[0]["text"]

        documents = (await client.call_tool("list_documents", {})).structured_content["documents"]
        assert len(documents) == 5 and sum(document["paragraphs"] for document in documents) == 165

        unknown = await client.call_tool("get_paragraph", {"paragraph_id": "no/such/paragraph"})
        assert unknown.is_error and "no/such/paragraph" in unknown.content[0].text
        empty = await client.call_tool("ask", {"question": " "})
        assert empty.is_error and "empty" in empty.content[0].text
        too_many = await client.call_tool("search_paragraphs", {"query": "terrorisme", "k": 0})
        assert too_many.is_error


async def test_the_tools_over_streamable_http(served_settings: Settings) -> None:
    server = create_server(Service.from_settings(served_settings))
    app = Guard(server.streamable_http_app(host="127.0.0.1"), served_settings)
    with live_server(app) as url:
        async with Client(f"{url}/mcp") as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS
            documents = await client.call_tool("list_documents", {})
            assert len(documents.structured_content["documents"]) == 5


async def test_streamable_http_needs_a_key_when_keys_are_set(served_settings: Settings) -> None:
    keyed = served_settings.model_copy(update={"api_keys": [SecretStr("s3cret")]})
    app = Guard(create_server(Service.from_settings(keyed)).streamable_http_app(host="127.0.0.1"), keyed)
    with live_server(app) as url:
        response = httpx.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert response.status_code == 401 and "Bearer" in response.json()["error"]["message"]
        # the SDK's client with the key (its HTTP client is httpx2's)
        http = httpx2.AsyncClient(headers={"Authorization": "Bearer s3cret"}, timeout=30)
        async with Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
            assert {tool.name for tool in (await client.list_tools()).tools} == TOOLS


async def test_the_rag_mcp_http_command(served_settings: Settings, tmp_path: Path) -> None:
    with rag_command(["mcp", "--http"], served_settings, tmp_path / "mcp.log", "/mcp") as (url, _):
        async with Client(f"{url}/mcp") as client:
            found = await client.call_tool("search_paragraphs", {"query": "Séminaire d'Antalya", "k": 2})
            assert len(found.structured_content["paragraphs"]) == 2
