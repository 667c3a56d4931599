"""The assistant as a service: checked requests in, records out; shared by the HTTP API and the MCP server."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import TypeVar

import anyio
import anyio.to_thread
from pydantic import BaseModel, Field

from rag.answering.answer import Answer
from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.indexing.index import RagIndexError
from rag.ingest.textfix import valid_text
from rag.interfaces.records import AnswerRecord, DocumentRecord, ParagraphRecord, document_records
from rag.search.retrieve import Mode, ParagraphIndex

logger = logging.getLogger(__name__)

T = TypeVar("T")
ROLES = ("user", "assistant")


class ServiceError(Exception):
    """A request the service cannot answer, with the HTTP status, a code and a message for the caller."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class Readiness(BaseModel):
    """Whether questions can be answered now, and if not, why (``GET /ready``)."""

    ready: bool
    message: str
    index: str | None = Field(None, description="The index's name (a hash of what makes indexes incompatible).")
    documents: int = 0
    paragraphs: int = 0


class Service:
    """One Assistant behind checks: question length, history, k, the index's presence, a deadline.

    Args:
        assistant: the assistant to serve (its settings give the limits).
    """

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._warming: threading.Thread | None = None
        self._limiter: anyio.CapacityLimiter | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> Service:
        return cls(Assistant(settings))

    @property
    def settings(self) -> Settings:
        return self.assistant.settings

    def start_warm_up(self) -> None:
        """The assistant's warm-up in a background thread; ``readiness`` says "loading" until it is done."""
        self._warming = self.assistant.start_warm_up()

    def readiness(self) -> Readiness:
        """Ready when the index is open (and the warm-up, if started, is done)."""
        if self._warming is not None and self._warming.is_alive():
            return Readiness(ready=False, message="Loading the index and the encoder.")
        try:
            self.assistant.reload_if_rebuilt()
            index = self.assistant.index
        except RagIndexError as error:
            return Readiness(ready=False, message=str(error))
        entries = index.manifest.entries
        documents = len({entry.doc_id for entry in entries})
        return Readiness(
            ready=True, message="Ready.", index=index.manifest.name, documents=documents, paragraphs=len(entries)
        )

    async def probe(self) -> Readiness:
        """``readiness`` without queueing behind the questions in the workers (a health probe must not wait)."""
        limiter = anyio.to_thread.current_default_thread_limiter()
        return await _within_deadline(self.settings.request_timeout, limiter, self.readiness)

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """The worker threads questions run in (``serve_workers``); made in the event loop that first asks."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.settings.serve_workers)
        return self._limiter

    async def run(self, function: Callable[..., T], *args: object) -> T:
        """Run blocking work in a worker thread, answering 504 past ``request_timeout`` (waiting included).

        A thread cannot be stopped: one past the deadline finishes in the background, its result dropped.
        """
        return await _within_deadline(self.settings.request_timeout, self.limiter, function, *args)

    async def open_stream(self, parts: Iterator[T]) -> AsyncIterator[T]:
        """Pull the first item now, so that a refused request raises before any response starts; then all
        the items, the whole within ``request_timeout``."""
        seconds = self.settings.request_timeout
        deadline = time.monotonic() + seconds
        first = await self.run(next, parts)
        done = object()

        async def items() -> AsyncIterator[T]:
            yield first
            while (left := deadline - time.monotonic()) > 0:
                part = await _within_deadline(left, self.limiter, next, parts, done)
                if part is done:
                    return
                yield part
            raise ServiceError(504, "deadline", f"The answer took longer than {seconds:g} s (RAG_REQUEST_TIMEOUT).")

        return items()

    def _index(self) -> ParagraphIndex:
        try:
            self.assistant.reload_if_rebuilt()  # a `rag index` run meanwhile is answered from at once
            return self.assistant.index
        except RagIndexError as error:
            raise ServiceError(503, "index_missing", str(error)) from None

    def question(self, question: str) -> str:
        """The question, cleaned; an empty or too long one is refused with a message."""
        question = valid_text(question or "").strip()
        if not question:
            raise ServiceError(400, "empty_question", "The question is empty: send the text of a question.")
        limit = self.settings.max_question_chars
        if len(question) > limit:
            raise ServiceError(
                400,
                "question_too_long",
                f"The question has {len(question)} characters; the limit is {limit} (RAG_MAX_QUESTION_CHARS).",
            )
        return question

    def history(self, history: list[dict[str, str]] | None) -> list[dict[str, str]]:
        """Earlier turns of the conversation, checked: roles user/assistant, at most max_history_turns."""
        turns = list(history or [])
        limit = self.settings.max_history_turns
        if len(turns) > limit:
            raise ServiceError(
                400,
                "history_too_long",
                f"The history has {len(turns)} turns; the limit is {limit} (RAG_MAX_HISTORY_TURNS).",
            )
        for number, turn in enumerate(turns, 1):
            if turn.get("role") not in ROLES:
                raise ServiceError(
                    400,
                    "bad_history",
                    f"Turn {number} of the history has role {turn.get('role')!r}: use user or assistant.",
                )
        return [{"role": turn["role"], "content": valid_text(str(turn.get("content", "")))} for turn in turns]

    def _k(self, k: int | None) -> int:
        if k is None:
            return self.settings.k
        if not 1 <= k <= 100:
            raise ServiceError(400, "bad_k", f"k is the number of paragraphs: from 1 to 100, not {k}.")
        return k

    def retrieve(
        self,
        question: str,
        k: int | None = None,
        mode: Mode = "hybrid",
        documents: list[str] | None = None,
        sections: list[str] | None = None,
    ) -> list[ParagraphRecord]:
        """The paragraphs found for a question, best first."""
        question, k = self.question(question), self._k(k)
        self._index()
        hits = self.assistant.search(question, k, mode, documents or None, sections or None)
        return [ParagraphRecord.of_hit(hit) for hit in hits]

    def stream(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        documents: list[str] | None = None,
        k: int | None = None,
    ) -> Iterator[str | AnswerRecord]:
        """The answer's verified text as it comes, then the whole answer.

        The text pieces add up to the final answer's text; when the assistant falls back to another
        answer after some text went out, the last piece starts a new paragraph with that answer.
        """
        question, history, k = self.question(question), self.history(history), self._k(k)
        self._index()
        sent = ""
        for part in self.assistant.stream(question, history, documents or None, k):
            if isinstance(part, Answer):
                record = AnswerRecord.of_answer(part)
                # a fallback after some text went out starts a new paragraph with the whole answer
                rest = record.text[len(sent) :] if record.text.startswith(sent) else "\n\n" + record.text
                if rest:
                    yield rest
                yield record
                return
            if part:  # verified text extends the answer's text exactly (rag.answering.verify.Verifier.feed)
                sent += part
                yield part

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        documents: list[str] | None = None,
        k: int | None = None,
    ) -> AnswerRecord:
        """The whole answer at once."""
        *_, answer = self.stream(question, history, documents, k)
        assert isinstance(answer, AnswerRecord)
        return answer

    def documents(self) -> list[DocumentRecord]:
        """The indexed documents."""
        return document_records(self._index().manifest.entries)

    def paragraph(self, para_id: str) -> ParagraphRecord:
        """One paragraph by its id; an unknown id is refused with a message."""
        entry = self._index().by_id.get(para_id)
        if entry is None:
            raise ServiceError(
                404,
                "unknown_paragraph",
                f"No paragraph has the id {para_id!r}; ids are those of the paragraphs /v1/retrieve returns "
                "(para_id), like 'document/section/1'.",
            )
        return ParagraphRecord.of_entry(entry)


async def _within_deadline(
    seconds: float, limiter: anyio.CapacityLimiter, function: Callable[..., T], *args: object
) -> T:
    try:
        with anyio.fail_after(seconds):  # the wait for a worker counts too
            return await anyio.to_thread.run_sync(lambda: function(*args), abandon_on_cancel=True, limiter=limiter)
    except TimeoutError:
        raise ServiceError(
            504, "deadline", f"The request took longer than {seconds:g} s (RAG_REQUEST_TIMEOUT)."
        ) from None
