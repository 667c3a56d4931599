"""The assistant: question (and conversation) in, cited answer out."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from functools import cached_property

from rag.answering.abstention import Calibrations, calibration_for
from rag.answering.answer import Answer
from rag.answering.extractive import Vocabulary, extractive_answer
from rag.config import Settings
from rag.indexing.index import RagIndexError, manifest_version
from rag.ingest.textfix import valid_text
from rag.languages.language import detect_language, language_model
from rag.languages.messages import message
from rag.search.conversation import needs_context, standalone_question
from rag.search.retrieve import Hit, Mode, ParagraphIndex

logger = logging.getLogger(__name__)


class Assistant:
    """Answers questions from the indexed documents, with verified citations.

    Args:
        settings: defaults to ``Settings()`` (environment variables ``RAG_*``).
        chat_model: a LangChain chat model for generative answers; by default the one
            the settings name (``RAG_LLM_PROVIDER``), or none: extractive answers.
    """

    def __init__(self, settings: Settings | None = None, chat_model: object | None = None) -> None:
        self.settings = settings or Settings()
        self._chat_model = chat_model
        self._index: ParagraphIndex | None = None
        self._index_version: str | None = None
        self._vocabulary: Vocabulary | None = None
        self._lock = threading.RLock()

    @property
    def index(self) -> ParagraphIndex:
        """The opened index (raises IndexMissingError with the command to run)."""
        with self._lock:
            if self._index is None:
                self._index_version = manifest_version(self.settings)  # before reading: a build after it is seen
                self._index = ParagraphIndex(self.settings)
                self._vocabulary = Vocabulary(self._index.manifest.entries)
            return self._index

    @property
    def calibration(self) -> Calibrations:
        """The abstention decision fitted for the index's embedding model (``rag.answering.abstention``)."""
        return calibration_for(self.index.manifest.embedding_model)

    @property
    def vocabulary(self) -> Vocabulary:
        self.index  # noqa: B018 - opens the index and its vocabulary together
        return self._vocabulary

    def reload(self) -> None:
        """Forget the opened index, so the next question reads the one just rebuilt."""
        with self._lock:
            self._index = None
            self._vocabulary = None

    def reload_if_rebuilt(self) -> None:
        """Reload when a build (``rag index``, another process) has replaced the opened index since."""
        with self._lock:
            if self._index is not None and manifest_version(self.settings) != self._index_version:
                self.reload()

    def warm_up(self) -> None:
        """Open the index, and load the encoder (unless the settings never use it) and the language model, before
        the first question.

        Raises:
            RagIndexError: no index for these settings (the message names the command to run).
        """
        index = self.index  # the lock is held only while the index opens: a question meanwhile waits for no more
        if self.settings.searches_dense:
            index.embeddings  # noqa: B018 - waits for the encoder, which started loading when the index opened
        language_model()

    def start_warm_up(self) -> threading.Thread:
        """``warm_up`` in a daemon thread, so that the first question does not wait for the loading; a missing
        index is logged there, and reported to whoever asks a question."""

        def warm_up() -> None:
            try:
                self.warm_up()
            except RagIndexError as error:
                logger.warning("not ready: %s", error)

        thread = threading.Thread(target=warm_up, name="rag-warm-up", daemon=True)
        thread.start()
        return thread

    def search(
        self,
        question: str,
        k: int | None = None,
        mode: Mode = "hybrid",
        docs: list[str] | None = None,
        sections: list[str] | None = None,
    ) -> list[Hit]:
        """The paragraphs for a question, as the retriever finds them; safe to call from several threads.

        Raises:
            RagIndexError: no index for these settings.
            ValueError: ``k`` is below 1.
        """
        with self._lock:  # Chroma's client and the embedding model are shared between threads
            return self.index.search(question, self.settings.k if k is None else k, mode, docs, sections)

    @cached_property
    def generator(self):
        if self._chat_model is None and self.settings.llm_provider == "none":
            return None  # extractive answers: LangChain's chat models are not even imported
        from rag.answering.llm import Generator, chat_model_from_settings

        model = self._chat_model if self._chat_model is not None else chat_model_from_settings(self.settings)
        return Generator(model, self.settings) if model is not None else None

    def ask(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        docs: list[str] | None = None,
        k: int | None = None,
    ) -> Answer:
        """Answer a question, taking earlier turns of the conversation into account.

        Args:
            question: the user's question, in any language (answered in it, quoting the documents in theirs).
            history: earlier turns, ``{"role": "user" | "assistant", "content": ...}``.
            docs: answer only from documents whose file name or title contains one of these.
            k: number of paragraphs to use (default: settings.k).
        """
        *_, answer = self.stream(question, history, docs, k)
        assert isinstance(answer, Answer)
        return answer

    def stream(
        self,
        question: str,
        history: list[dict[str, str]] | None = None,
        docs: list[str] | None = None,
        k: int | None = None,
    ) -> Iterator[str | Answer]:
        """Yield the answer's text as it comes, then the final ``Answer``.

        With a chat model the text chunks are the verified sentences of the model's draft, given
        out as each one passes verification (an unverified sentence is never yielded); the final
        ``Answer`` holds the same text with its citations, or the extractive answer when nothing
        passed.
        """
        question = valid_text(question or "").strip()
        history = [{**turn, "content": valid_text(str(turn.get("content", "")))} for turn in history or []]
        language = self.language_of(question, history)
        if not question:
            yield Answer(text=message("empty", language), abstained=True, notice="empty", language=language)
            return
        limit = self.settings.max_question_chars
        if len(question) > limit:
            text = message("too_long", language).format(length=len(question), limit=limit)
            yield Answer(text=text, abstained=True, notice="too_long", language=language)
            return
        try:
            hits, standalone = self._retrieve(question, history or [], docs, k or self.settings.k)
            extracted = extractive_answer(
                standalone,
                language,
                hits,
                self.vocabulary,
                self.calibration,
                last_turn=question,
                related=self.index,
                question_rules=self.settings.question_rules,
            )
        except RagIndexError as error:
            yield Answer(text=str(error), abstained=True, notice="no_index", language=language)
            return
        extracted.standalone_question = standalone
        if extracted.abstained or self.generator is None:
            yield extracted.text
            yield extracted
            return
        yield from self._generate(question, language, hits, history or [], extracted)

    def language_of(self, question: str, history: list[dict[str, str]]) -> str:
        """The language to answer in: the question's; for one too short to tell ("Et 2002 ?"), that of
        the user's earlier turns, else that of most of the documents (English without an index)."""
        try:
            language = self.index.main_language
        except RagIndexError:
            language = "en"
        for turn in history:
            if turn.get("role") == "user":
                language = detect_language(turn["content"], default=language)
        return detect_language(question, default=language) if question else language

    def _retrieve(
        self, question: str, history: list[dict[str, str]], docs: list[str] | None, k: int
    ) -> tuple[list[Hit], str]:
        user_turns = [turn["content"] for turn in history if turn.get("role") == "user"] + [question]
        standalone = standalone_question(user_turns)
        if len(user_turns) > 1 and needs_context(question) and self.generator is not None:
            standalone = self.generator.condense(history, question) or standalone
        with self._lock:  # Chroma's client and the embedding model are shared between threads
            hits = self.index.search(standalone, k, docs=docs)
        return hits, standalone

    def _generate(
        self, question: str, language: str, hits: list[Hit], history: list[dict[str, str]], extracted: Answer
    ) -> Iterator[str | Answer]:
        from rag.answering.llm import GenerationError, ModelUnreachableError

        verifier = self.generator.verifier(question, language, hits)
        try:
            for chunk in self.generator.stream(question, language, hits, history):
                if text := verifier.feed(chunk):
                    yield text
            if text := verifier.finish():
                yield text
            answer = verifier.answer()
        except ModelUnreachableError as error:
            answer, notice = None, message("unreachable", language).format(where=error.where)
        except GenerationError as error:
            answer, notice = None, message("fallback", language).format(reason=error)
        else:
            notice = message("fallback", language).format(reason=message("nothing_verified", language))
        for item in verifier.rejected:
            logger.info("removed unverified sentence (%s): %s", item.reason, item.sentence)
        if answer is None:
            logger.warning("generation fell back to the extractive answer: %s", notice)
            extracted.mode = "fallback"
            extracted.notice = notice
            yield extracted
            return
        answer.standalone_question = extracted.standalone_question
        yield answer
