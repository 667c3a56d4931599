"""`rag serve`: the assistant over HTTP (FastAPI), with an OpenAI-compatible chat endpoint."""

from __future__ import annotations

import hmac
import ipaddress
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.security import HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rag.config import Settings
from rag.interfaces.openai_api import router as openai_router
from rag.interfaces.records import AnswerRecord, DocumentRecord, ParagraphRecord
from rag.interfaces.service import Readiness, Service, ServiceError
from rag.search.retrieve import Mode

logger = logging.getLogger(__name__)

# Without a key: the liveness probe, and the API's description (its shape, not the documents), so that a
# browser can open /docs and send its key with the Authorize button.
PUBLIC_PATHS = ("/health", "/docs", "/docs/oauth2-redirect", "/openapi.json", "/redoc")


class ServeConfigError(RuntimeError):
    """Settings that would serve the documents unsafely (another address without API keys)."""


class ErrorBody(BaseModel):
    message: str
    type: str = Field(description="invalid_request_error, authentication_error, not_found_error, server_error, ...")
    code: str


class ErrorResponse(BaseModel):
    """Every error: a message for the caller, never a stack trace (the shape of OpenAI's errors)."""

    error: ErrorBody


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str


class RetrieveRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(
        description="The question, in any language.", examples=["Quand s'est tenu le Séminaire d'Antalya ?"]
    )
    k: int | None = Field(None, ge=1, le=100, description="Number of paragraphs (default: RAG_K).")
    mode: Mode = Field("hybrid", description="hybrid, dense or bm25.")
    documents: list[str] | None = Field(
        None, description="Only documents whose file name or title contains one of these."
    )
    sections: list[str] | None = Field(None, description="Only sections whose name contains one of these.")


class RetrieveResponse(BaseModel):
    question: str
    paragraphs: list[ParagraphRecord]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(examples=["Qui a signé la lettre de la Turquie ?"])
    history: list[Turn] = Field(default_factory=list, description="Earlier turns of the conversation, oldest first.")
    documents: list[str] | None = Field(
        None, description="Answer only from documents whose name contains one of these."
    )
    k: int | None = Field(None, ge=1, le=100, description="Number of paragraphs to answer from (default: RAG_K).")
    stream: bool = Field(
        False,
        description="Server-sent events: `text` events with the verified text as it comes, then one `answer` "
        "event with the whole answer and its citations.",
    )


class DocumentsResponse(BaseModel):
    documents: list[DocumentRecord]


ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (400, 401, 404, 413, 422, 503, 504)
}
_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    503: "service_unavailable",
    504: "timeout",
}


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(message=message, type=_TYPES.get(status, "server_error"), code=code))
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def sse(data: str, event: str | None = None) -> str:
    """One server-sent event (``data`` is one line of JSON)."""
    return (f"event: {event}\n" if event else "") + f"data: {data}\n\n"


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for item in error.errors():
        if item.get("type") == "json_invalid":
            return f"The request body is not valid JSON ({item.get('ctx', {}).get('error', 'decode error')})."
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body") or "body"
        parts.append(f"{where}: {item.get('msg')}")
    return "Invalid request: " + "; ".join(parts) + "."


class _TooLarge(Exception):
    pass


class Guard:
    """ASGI middleware: bearer API keys (when configured) and the request size limit, before any route.

    Args:
        app: the application to protect.
        settings: ``api_keys`` and ``max_request_bytes``.
    """

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.keys = [key.get_secret_value().encode() for key in settings.api_keys]
        self.limit = settings.max_request_bytes

    def authorised(self, scope: Scope) -> bool:
        if not self.keys or scope["path"] in PUBLIC_PATHS or scope.get("method") == "OPTIONS":
            return True
        header = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, token = header.partition(b" ")
        token = token.strip()
        return scheme.lower() == b"bearer" and any(hmac.compare_digest(token, key) for key in self.keys)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.authorised(scope):
            response = error_response(
                401,
                "unauthorised",
                "Missing or wrong API key: send the header 'Authorization: Bearer <key>' with one of RAG_API_KEYS.",
                {"WWW-Authenticate": "Bearer"},
            )
            await response(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            await self._too_large(scope, receive, send)
            return
        received, too_large, answered = 0, False, False

        async def counted_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    too_large = True
                    raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal answered
            if too_large:  # whatever the app makes of the broken read (FastAPI: a 400), the answer is 413
                if not answered:
                    answered = True
                    await self._too_large(scope, receive, send)
                return
            answered = answered or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, watched_send)
        except _TooLarge:
            if not answered:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = f"The request body is larger than {self.limit} bytes (RAG_MAX_REQUEST_BYTES)."
        await error_response(413, "request_too_large", message)(scope, receive, send)


def create_app(service: Service, warm_up: bool = True) -> FastAPI:
    """The HTTP application over one service.

    Args:
        service: the assistant to serve; its settings give keys, limits, deadline and CORS.
        warm_up: open the index and load the encoder in the background at start-up (``/ready`` says when).
    """
    settings = service.settings

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if warm_up:
            service.start_warm_up()
        yield

    app = FastAPI(
        title="rag",
        summary="Cited answers from UN and OSCE documents.",
        description="Every route but /health and this description needs `Authorization: Bearer <key>` when "
        'the server has RAG_API_KEYS. Errors are JSON: `{"error": {"message", "type", "code"}}`.',
        version="1",
        lifespan=lifespan,
        # documents the bearer scheme for /docs' Authorize button; Guard is what checks the keys
        dependencies=[Depends(HTTPBearer(auto_error=False, description="One of the server's RAG_API_KEYS."))],
        responses=ERRORS,
    )

    @app.exception_handler(ServiceError)
    async def _service_error(_: Request, error: ServiceError) -> JSONResponse:
        return error_response(error.status, error.code, error.message)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", _validation_message(error))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, error: HTTPException) -> JSONResponse:
        if error.status_code == 404:
            message = f"No route {request.method} {request.url.path}; the routes are listed at /docs."
        else:
            message = str(error.detail)
        return error_response(error.status_code, "http_error", message, getattr(error, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error")
        return error_response(500, "internal_error", "Internal error; the server's log has the details.")

    @app.get("/health", tags=["service"], summary="The process is up (no key needed).")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["service"],
        summary="The index is loaded.",
        responses={200: {"model": Readiness}, 503: {"model": Readiness}},
    )
    async def ready() -> JSONResponse:
        state = await service.probe()
        return JSONResponse(state.model_dump(), status_code=200 if state.ready else 503)

    @app.post("/v1/retrieve", tags=["assistant"], summary="The paragraphs found for a question, best first.")
    async def retrieve(request: RetrieveRequest) -> RetrieveResponse:
        paragraphs = await service.run(
            service.retrieve, request.question, request.k, request.mode, request.documents, request.sections
        )
        return RetrieveResponse(question=request.question, paragraphs=paragraphs)

    @app.post(
        "/v1/ask",
        tags=["assistant"],
        summary="A cited answer (stream: server-sent events).",
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def ask(request: AskRequest) -> AnswerRecord:
        history = [turn.model_dump() for turn in request.history]
        parts = service.stream(request.question, history, request.documents, request.k)
        if not request.stream:
            *_, answer = await service.run(list, parts)
            return answer
        events = await service.open_stream(parts)  # a refused question is a JSON error, not a stream
        return StreamingResponse(_answer_events(events), media_type="text/event-stream")

    @app.get("/v1/documents", tags=["documents"], summary="The indexed documents.")
    async def documents() -> DocumentsResponse:
        return DocumentsResponse(documents=await service.run(service.documents))

    @app.get("/v1/paragraphs/{para_id:path}", tags=["documents"], summary="One paragraph by its id.")
    async def paragraph(para_id: str) -> ParagraphRecord:
        return await service.run(service.paragraph, para_id)

    app.include_router(openai_router(service))
    app.add_middleware(Guard, settings=settings)
    if settings.cors_origins:  # outermost, so that a browser's preflight needs no key
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["authorization", "content-type"],
        )
    return app


async def _answer_events(parts: AsyncIterator[str | AnswerRecord]) -> AsyncIterator[str]:
    try:
        async for part in parts:
            if isinstance(part, AnswerRecord):
                yield sse(part.model_dump_json(), "answer")
            else:
                yield sse(json.dumps({"text": part}, ensure_ascii=False), "text")
    except ServiceError as error:
        yield sse(json.dumps({"error": {"message": error.message, "code": error.code}}), "error")


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_exposure(settings: Settings, host: str) -> None:
    """Refuse to listen beyond this machine without API keys.

    Raises:
        ServeConfigError: ``host`` is not a loopback address and RAG_API_KEYS is empty.
    """
    if not is_loopback(host) and not settings.api_keys:
        raise ServeConfigError(
            f"Refusing to listen on {host} without API keys: anyone who reaches it could read every document. "
            "Set RAG_API_KEYS (comma-separated bearer tokens), or listen on 127.0.0.1."
        )


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Run the HTTP service until interrupted (``rag serve``)."""
    import uvicorn

    host = host or settings.serve_host
    port = settings.serve_port if port is None else port
    check_exposure(settings, host)
    app = create_app(Service.from_settings(settings))
    uvicorn.run(app, host=host, port=port, log_level="info", server_header=False, timeout_graceful_shutdown=5)
