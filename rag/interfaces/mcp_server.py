"""`rag mcp`: the assistant as MCP tools for agents (the official SDK; stdio or streamable HTTP)."""

from __future__ import annotations

from typing import Annotated, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import BaseModel, Field

from rag.config import Settings
from rag.interfaces.records import AnswerRecord, DocumentRecord, ParagraphRecord
from rag.interfaces.service import Service, ServiceError

INSTRUCTIONS = (
    "Answers from a fixed collection of UN and OSCE documents, mostly in French. Every paragraph comes with "
    "`citation` (the label to quote: document, covering letter, section, paragraph), `source` and `lines`; quote "
    "a paragraph's `text` or a citation's `quote` word for word and give its `citation`. `ask` answers with "
    "markers [n] that resolve to its `citations`; when `abstained` is true the documents do not answer."
)


class SearchResult(BaseModel):
    question: str
    paragraphs: list[ParagraphRecord] = Field(description="Best first; each with its citation label and full text.")


class DocumentList(BaseModel):
    documents: list[DocumentRecord]


Documents = Annotated[
    list[str] | None, Field(description="Only documents whose file name or title contains one of these.")
]


def create_server(service: Service) -> MCPServer:
    """An MCP server with the tools search_paragraphs, ask, get_paragraph and list_documents."""
    server = MCPServer("rag", instructions=INSTRUCTIONS)

    async def call(function, *args):
        try:
            return await service.run(function, *args)
        except ServiceError as error:
            raise ToolError(error.message) from None

    @server.tool()
    async def search_paragraphs(
        query: Annotated[str, Field(description="A question or keywords, in any language.")],
        k: Annotated[int, Field(ge=1, le=100, description="Number of paragraphs.")] = 5,
        documents: Documents = None,
        mode: Literal["hybrid", "dense", "bm25"] = "hybrid",
    ) -> SearchResult:
        """Find the paragraphs of the documents that match a question, best first, each citable as is."""
        paragraphs = await call(service.retrieve, query, k, mode, documents)
        return SearchResult(question=query, paragraphs=paragraphs)

    @server.tool()
    async def ask(
        question: Annotated[str, Field(description="The question, French or English (or another language).")],
        documents: Documents = None,
    ) -> AnswerRecord:
        """Answer a question from the documents, with verified citations ([n] markers) and their quotes."""
        return await call(service.ask, question, None, documents)

    @server.tool()
    async def get_paragraph(
        paragraph_id: Annotated[str, Field(description="A para_id, as search_paragraphs or ask return it.")],
    ) -> ParagraphRecord:
        """One paragraph by its id, with its citation label, document, section, lines and text."""
        return await call(service.paragraph, paragraph_id)

    @server.tool()
    async def list_documents() -> DocumentList:
        """The documents that can be searched and cited: id, file, title, kind, date, covering letter."""
        return DocumentList(documents=await call(service.documents))

    return server


def run(
    settings: Settings,
    transport: Literal["stdio", "streamable-http"] = "stdio",
    host: str | None = None,
    port: int | None = None,
) -> None:
    """Serve the tools until the client leaves (stdio) or until interrupted (streamable HTTP at ``/mcp``)."""
    service = Service.from_settings(settings)
    server = create_server(service)
    if transport == "stdio":
        service.start_warm_up()  # the client's handshake is answered meanwhile; a first call waits for it
        server.run("stdio")
        return
    import uvicorn

    from rag.interfaces.http_api import Guard, check_exposure

    host = host or settings.serve_host
    port = settings.serve_port if port is None else port
    check_exposure(settings, host)
    service.start_warm_up()
    app = Guard(server.streamable_http_app(host=host), settings)
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, timeout_graceful_shutdown=5)
