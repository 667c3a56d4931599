"""Settings, read from the environment (prefix ``RAG_``) or passed in code."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every knob of the assistant, with its default.

    Any field can be set in the environment: ``RAG_CORPUS_DIR=/data/docs``.
    """

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="forbid")

    corpus_dir: Path = Field(Path("corpus"), description="Folder of the .txt documents to answer from.")
    index_dir: Path = Field(Path("index"), description="Folder where the search index is kept.")
