"""Questions embedded without PyTorch: the model's tokenizer (``tokenizers``) and its exported encoder
(ONNX Runtime, or OpenVINO for the OpenVINO back-ends), pooled and normalised as sentence-transformers does.

A new process that answers one question spends most of its time importing sentence-transformers,
transformers and torch (about 8 of 16 s on two cores). The index build keeps that full stack
(``rag.indexing.embeddings``); questions go through this one when it can give the same vectors:

* the model folder is a plain sentence-transformers pipeline: a Transformer with a ``tokenizer.json``,
  mean or CLS pooling, then (or not) Normalize;
* the encoder the settings' back-end runs has been exported (``rag index`` exports it: for the
  ``torch`` back-end, the same fp32 weights in ONNX with the word table kept beside the graph,
  ``rag.indexing.models.QUESTION_EXPORT``; vectors agree with torch's to about 2e-7).

Otherwise ``load_query_encoder`` returns None and the caller uses ``rag.indexing.embeddings``.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from rag.indexing.models import QUESTION_EXPORT, WORD_EMBEDDINGS, runner

if TYPE_CHECKING:
    from rag.config import Settings

logger = logging.getLogger(__name__)
T = TypeVar("T")

# The exported encoder that stands for each back-end's question vectors: for torch, its own weights in ONNX
# with the word table beside the graph (rag.indexing.models.QUESTION_EXPORT); the other back-ends' own exports.
EXPORT_FOR = {"torch": QUESTION_EXPORT}
_RUNTIME = {
    QUESTION_EXPORT: "onnxruntime",
    "onnx": "onnxruntime",
    "onnx-int8": "onnxruntime",
    "openvino": "openvino",
    "openvino-int8": "openvino",
}
_PIPELINE = ("sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling")
_NORMALIZE = "sentence_transformers.models.Normalize"
# The pooling modes reproduced here (sentence-transformers' Pooling config keys); any other is left to the full stack.
_POOLING = {"pooling_mode_mean_tokens": "mean", "pooling_mode_cls_token": "cls"}


@dataclass(frozen=True)
class Pipeline:
    """What sentence-transformers does around the transformer, read from the model folder."""

    prompt: str
    max_length: int
    lowercase: bool
    pooling: str  # "mean" or "cls"


def read_pipeline(folder: Path, query_prompt_names: tuple[str, ...] = ("query",)) -> Pipeline | None:
    """The folder's tokenisation and pooling, or None when it is not a pipeline this module reproduces."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        kinds = tuple(module["type"] for module in modules)
        if kinds not in (_PIPELINE, (*_PIPELINE, _NORMALIZE)) or modules[0].get("path", "") != "":
            return None
        if not (folder / "tokenizer.json").is_file():
            return None
        pooling = json.loads((folder / modules[1]["path"] / "config.json").read_text(encoding="utf-8"))
        modes = [key for key, on in pooling.items() if key.startswith("pooling_mode_") and on]
        if len(modes) != 1 or modes[0] not in _POOLING or pooling.get("include_prompt", True) is False:
            return None
        config = _json(folder / "sentence_bert_config.json")
        prompts = _json(folder / "config_sentence_transformers.json").get("prompts") or {}
        prompt = next((prompts[name] for name in query_prompt_names if prompts.get(name)), "")
        max_length = int(config.get("max_seq_length") or 512)
        return Pipeline(prompt, max_length, bool(config.get("do_lower_case")), _POOLING[modes[0]])
    except (OSError, ValueError, KeyError, IndexError, TypeError) as error:
        logger.debug("%s: not a pipeline the light query encoder reproduces (%s)", folder, error)
        return None


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


class QueryEncoder:
    """Embeds questions (after the model's query prompt) as ``LocalEmbeddings.embed_query`` does (full stack)."""

    def __init__(self, folder: Path, encoder: Path, backend: str, pipeline: Pipeline) -> None:
        from tokenizers import Tokenizer

        self.backend = backend
        self.pipeline = pipeline
        self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(pipeline.max_length)
        self._run = runner(encoder)
        table = encoder.parent / WORD_EMBEDDINGS
        # the word vectors of a question's tokens, read from the memory-mapped table; None: the graph takes ids
        self._words = np.load(table, mmap_mode="r") if table.is_file() else None

    def embed_query(self, text: str) -> list[float]:
        text = self.pipeline.prompt + text
        encoding = self._tokenizer.encode(text.lower() if self.pipeline.lowercase else text)
        ids = np.array([encoding.ids], dtype=np.int64)
        feeds = {
            **({"input_ids": ids} if self._words is None else {"inputs_embeds": self._words[ids].astype(np.float32)}),
            "attention_mask": np.array([encoding.attention_mask], dtype=np.int64),
            "token_type_ids": np.array([encoding.type_ids], dtype=np.int64),
        }
        states = self._run(feeds)[0]
        mask = feeds["attention_mask"][0].astype(states.dtype)[:, None]
        vector = states[0] if self.pipeline.pooling == "cls" else (states * mask).sum(0) / max(mask.sum(), 1e-9)
        return (vector / max(float(np.linalg.norm(vector)), 1e-12)).astype(np.float32).tolist()


def exported_backend(backend: str) -> str:
    """The exported encoder whose vectors stand for ``backend``'s."""
    return EXPORT_FOR.get(backend, backend)


def preload(settings: Settings) -> None:
    """Start loading the question encoder the settings will search with, in a background thread, so that
    it loads while the process imports the rest (``rag ask``, ``rag serve``); nothing when they use none."""
    if settings.query_encoder == "light" and settings.searches_dense:
        _loading(settings.embedding_model, settings.embedding_backend, settings.embedding_export_dir)


def load_query_encoder(model_name: str, backend: str = "torch", export_dir: Path | None = None) -> QueryEncoder | None:
    """The light encoder of ``model_name`` for ``backend``, or None when the full stack must embed questions.

    None when the model is not a pipeline this module reproduces, its runtime is not installed, or
    its encoder has not been exported yet (``rag index`` exports it). Loaded once per process.
    """
    return _loading(model_name, backend, export_dir).result()


_LOADS: dict[tuple[str, str, Path | None], Future[QueryEncoder | None]] = {}
_LOADS_LOCK = threading.Lock()


def _loading(model_name: str, backend: str, export_dir: Path | None) -> Future[QueryEncoder | None]:
    key = (model_name, backend, export_dir)
    with _LOADS_LOCK:
        if key not in _LOADS:
            _LOADS[key] = in_background(lambda: _load(*key))
        return _LOADS[key]


def _plan(model_name: str, backend: str, export_dir: Path | None) -> tuple[Path, Pipeline, Path, str] | None:
    """The model folder, its pipeline, the exported file the light encoder runs and its kind; None when this
    model or back-end is left to the full stack (its runtime missing, a pipeline not reproduced here)."""
    from rag.indexing.models import ModelUnavailableError, default_export_dir, export_path, resolve_model_path

    exported = exported_backend(backend)
    if exported not in _RUNTIME or importlib.util.find_spec(_RUNTIME[exported]) is None:
        return None
    export_dir = export_dir or default_export_dir()
    try:
        folder = resolve_model_path(model_name, export_dir)
    except ModelUnavailableError:
        return None
    pipeline = read_pipeline(folder)
    return None if pipeline is None else (folder, pipeline, export_path(folder, exported, export_dir), exported)


def _load(model_name: str, backend: str, export_dir: Path | None) -> QueryEncoder | None:
    plan = _plan(model_name, backend, export_dir)
    if plan is None or not plan[2].is_file():
        logger.info("questions are embedded with the full stack: %s has no light encoder", model_name)
        return None
    folder, pipeline, encoder, exported = plan
    logger.info("questions are embedded with %s (%s)", encoder, exported)
    return QueryEncoder(folder, encoder, exported, pipeline)


def prepare(
    model_name: str,
    backend: str = "torch",
    export_dir: Path | None = None,
    on_stage: Callable[[str], None] = lambda message: None,
) -> Path | None:
    """Export the encoder ``load_query_encoder`` runs, if the model allows it and it is not there yet.

    Called by the index build, which has the full stack; returns the exported file, or None when
    questions of this model will be embedded with the full stack.
    """
    from rag.indexing.models import default_export_dir, export_encoder

    plan = _plan(model_name, backend, export_dir)
    if plan is None:
        return None
    folder, _, target, exported = plan
    if target.is_file():
        return target
    from rag.indexing.embeddings import LocalEmbeddings, load_embeddings

    embeddings = load_embeddings(model_name, backend, export_dir)
    if not isinstance(embeddings, LocalEmbeddings):  # a stand-in model (tests): nothing to export
        return None
    on_stage(f"Exporting the question encoder of {model_name} to {exported} (once)")
    return export_encoder(embeddings.transformer(), folder, exported, export_dir or default_export_dir())


def in_background(load: Callable[[], T]) -> Future[T]:
    """``load()`` in a daemon thread, as a future (its error is raised where the result is asked for)."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            future.set_result(load())
        except BaseException as error:
            future.set_exception(error)

    threading.Thread(target=run, name="rag-loading", daemon=True).start()
    return future
