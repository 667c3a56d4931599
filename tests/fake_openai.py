"""A fake OpenAI-compatible chat server on 127.0.0.1, for tests of the generative path without a model."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeChatServer:
    """What the fake server answers, and what it was asked; change ``reply`` or ``chunk_delay`` at any time.

    Attributes:
        reply: the assistant's answer to every request, streamed word by word when the client asks to stream.
        chunk_delay: seconds to wait before sending each streamed chunk.
        base_url: the OpenAI-style base URL, ``http://127.0.0.1:PORT/v1`` (for ``RAG_LLM_BASE_URL``).
        requests: the JSON body of every chat request received, in order.
    """

    reply: str
    chunk_delay: float = 0.0
    base_url: str = ""
    requests: list[dict[str, Any]] = field(default_factory=list)

    def chunks(self) -> list[str]:
        """The reply as streamed: each word with the spaces after it, so that the chunks join into the reply."""
        return re.split(r"(?<=\s)(?=\S)", self.reply)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        if not self.path.endswith("/chat/completions"):
            self.send_error(404)
            return
        request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        chat = self.server.chat
        chat.requests.append(request)
        if request.get("stream"):
            self._stream(chat, request.get("model", "fake"))
        else:
            self._complete(chat, request.get("model", "fake"))

    def _complete(self, chat: FakeChatServer, model: str) -> None:
        body = json.dumps(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [
                    {"index": 0, "message": {"role": "assistant", "content": chat.reply}, "finish_reason": "stop"}
                ],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
            }
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _stream(self, chat: FakeChatServer, model: str) -> None:
        # Server-sent events; HTTP/1.0, so the end of the connection ends the stream.
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for chunk in chat.chunks():
            time.sleep(chat.chunk_delay)
            self._send_event(model, {"role": "assistant", "content": chunk}, finish_reason=None)
        self._send_event(model, {}, finish_reason="stop")
        self.wfile.write(b"data: [DONE]\n\n")

    def _send_event(self, model: str, delta: dict[str, str], finish_reason: str | None) -> None:
        event = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}],
        }
        self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output free of one access-log line per request."""


class _Server(ThreadingHTTPServer):
    def __init__(self, chat: FakeChatServer) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.chat = chat


@contextmanager
def fake_openai_server(reply: str, chunk_delay: float = 0.0) -> Iterator[FakeChatServer]:
    """Serve ``POST /v1/chat/completions`` (streamed or not) on a free port of 127.0.0.1 while the block runs."""
    chat = FakeChatServer(reply, chunk_delay)
    server = _Server(chat)
    chat.base_url = f"http://127.0.0.1:{server.server_port}/v1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield chat
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
