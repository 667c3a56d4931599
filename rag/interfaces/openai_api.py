"""OpenAI-compatible chat completions, so that a chat front-end can use the assistant as a "model"."""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from rag.interfaces.records import AnswerRecord, CitationRecord
from rag.interfaces.service import Service, ServiceError

MODEL = "rag"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str = Field(description="system, developer, user or assistant; system and developer turns are ignored.")
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        """The message's text (the text parts of a list of content parts)."""
        if isinstance(self.content, list):
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """OpenAI's chat completion request; sampling parameters (temperature, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")
    model: str = MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


class AnswerMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str = Field(description="The answer with its markers [n], then its sources with their quotes.")
    citations: list[CitationRecord] = Field(description="The sources, structured: marker [n] resolves to one.")


class Choice(BaseModel):
    index: int = 0
    message: AnswerMessage
    finish_reason: Literal["stop"] = "stop"


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    answer: AnswerRecord = Field(description="The whole answer: abstained, weak support, confidence, ...")


def conversation(messages: list[ChatMessage]) -> tuple[str, list[dict[str, str]]]:
    """The question (the last message, a user's) and the earlier user and assistant turns."""
    if messages[-1].role != "user":
        raise ServiceError(400, "last_message_not_user", "The last message must be the user's question (role user).")
    history = [{"role": m.role, "content": m.text()} for m in messages[:-1] if m.role in ("user", "assistant")]
    return messages[-1].text(), history


def _chunk(ident: str, created: int, model: str, delta: dict[str, Any], finish: str | None = None) -> str:
    body = {
        "id": ident,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


def router(service: Service) -> APIRouter:
    """``GET /v1/models`` and ``POST /v1/chat/completions`` over one service."""
    routes = APIRouter(tags=["OpenAI-compatible"])

    @routes.get("/v1/models", summary="The one model: the assistant.")
    async def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "rag"}]}

    @routes.post(
        "/v1/chat/completions",
        summary="Answer the last user message, citing the documents (stream: OpenAI's chunks).",
        responses={200: {"content": {"text/event-stream": {}}}},
    )
    async def chat_completions(request: ChatRequest) -> ChatCompletion:
        question, history = conversation(request.messages)
        parts = service.stream(question, history)
        ident, created = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())
        if not request.stream:
            *_, answer = await service.run(list, parts)
            message = AnswerMessage(content=answer.with_sources(), citations=answer.citations)
            return ChatCompletion(
                id=ident, created=created, model=request.model, choices=[Choice(message=message)], answer=answer
            )
        parts = await service.open_stream(parts)  # a refused question is a JSON error, not a stream
        chunks = _chunks(parts, ident, created, request.model)
        return StreamingResponse(chunks, media_type="text/event-stream")

    return routes


async def _chunks(parts: AsyncIterator[str | AnswerRecord], ident: str, created: int, model: str) -> AsyncIterator[str]:
    yield _chunk(ident, created, model, {"role": "assistant", "content": ""})
    try:
        async for part in parts:
            if isinstance(part, AnswerRecord):
                tail = part.with_sources()[len(part.text) :]
                citations = [citation.model_dump() for citation in part.citations]
                yield _chunk(ident, created, model, {"content": tail, "citations": citations}, "stop")
            else:
                yield _chunk(ident, created, model, {"content": part})
    except ServiceError as error:
        yield f"data: {json.dumps({'error': {'message': error.message, 'code': error.code}})}\n\n"
    yield "data: [DONE]\n\n"
