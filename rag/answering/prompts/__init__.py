"""Prompt templates, kept as files beside this module (``*.txt``, package data) and checked when loaded."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from langchain_core.prompts import ChatPromptTemplate

# Read through importlib.resources, so that an installed package finds the files it ships.
PACKAGED_PROMPTS = resources.files(__name__)

# Exactly the variables each prompt may use: a typo in a template fails at load, not in front of a user.
VARIABLES = {"answer": {"paragraphs", "question"}, "condense": {"history", "question"}}


class PromptError(ValueError):
    """A prompt file that is missing or does not use exactly its variables."""


@cache
def load_prompt(name: str, language: str, folder: Traversable = PACKAGED_PROMPTS) -> ChatPromptTemplate:
    """Load ``{name}_{language}.txt`` from ``folder`` (sections ``[system]`` and ``[human]``);
    ``{name}_en.txt`` for a language the folder has no prompt in.

    Raises:
        PromptError: the file is missing, lacks a section, or its variables differ from ``VARIABLES[name]``.
    """
    path = folder / f"{name}_{language}.txt"
    if not path.is_file():
        path = folder / f"{name}_en.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PromptError(f"prompt file {path} cannot be read: {error}") from error
    sections = dict(re.findall(r"^\[(system|human)\]\n(.*?)(?=^\[(?:system|human)\]\n|\Z)", text, re.M | re.S))
    if set(sections) != {"system", "human"}:
        raise PromptError(f"{path} needs a [system] and a [human] section")
    prompt = ChatPromptTemplate.from_messages(
        [("system", sections["system"].strip()), ("human", sections["human"].strip())]
    )
    if set(prompt.input_variables) != VARIABLES[name]:
        raise PromptError(f"{path} uses variables {sorted(prompt.input_variables)}, expected {sorted(VARIABLES[name])}")
    return prompt
