"""Encoder back-ends: clear errors when one cannot run, and int8 vectors close to PyTorch's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from rag.config import Settings
from rag.indexing.embeddings import load_embeddings
from rag.indexing.models import ModelUnavailableError, check_backend

SENTENCES = [
    "Le Conseil de sécurité décide de proroger le mandat de la mission jusqu'au 31 mars.",
    "L'OSCE condamne tous les actes de terrorisme, quels qu'en soient les motifs.",
    "Qui a signé la lettre adressée au Secrétaire général ?",
]


def test_unknown_backend_is_refused_with_the_valid_names() -> None:
    with pytest.raises(ModelUnavailableError, match="one of torch, onnx"):
        check_backend("tensorrt")
    with pytest.raises(ValidationError):
        Settings(embedding_backend="tensorrt")


def test_missing_runtime_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "openvino" else real(name, *a))
    with pytest.raises(ModelUnavailableError, match=r"needs openvino.*pip install -e '\.\[onnx\]'"):
        load_embeddings("all-MiniLM-L6-v2", "openvino", Path("unused"))


def test_only_quantised_backends_change_the_index() -> None:
    torch_name = Settings().index_name()
    assert Settings(embedding_backend="onnx").index_name() == torch_name
    assert Settings(embedding_backend="openvino").index_name() == torch_name
    assert Settings(embedding_backend="onnx-int8").index_name() != torch_name
    assert Settings(embedding_backend="openvino-int8").index_name() != torch_name


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["onnx-int8", "openvino-int8"])
def test_int8_backend_exports_offline_and_stays_close_to_torch(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        check_backend(backend)
    except ModelUnavailableError as error:
        pytest.skip(str(error))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    reference = np.array(load_embeddings("all-MiniLM-L6-v2").embed_documents(SENTENCES))
    vectors = np.array(load_embeddings("all-MiniLM-L6-v2", backend, tmp_path).embed_documents(SENTENCES))
    assert any(tmp_path.rglob("*.onnx")) or any(tmp_path.rglob("openvino_model.xml"))  # exported, into tmp_path
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert (vectors * reference).sum(axis=1).min() > 0.95
