"""Question sets for evaluation: the JSON-lines format and how relevance is judged."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator


def normalise(text: str) -> str:
    """Lowercase, collapse whitespace, make typographic apostrophes plain: the comparison of gold and facts."""
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip().lower()


class Question(BaseModel):
    """One line of a question set.

    A conversation gives ``turns`` instead of ``question``; gold and facts apply to the last turn.
    """

    model_config = ConfigDict(extra="ignore")

    id: str
    question: str | None = None
    turns: list[str] | None = None
    lang: str = "fr"
    kind: str = "fact"
    gold: list[str] = Field(default_factory=list)
    facts: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_of_question_or_turns(self) -> Question:
        if not self.question and not self.turns:
            raise ValueError("needs 'question' or 'turns'")
        return self

    @property
    def messages(self) -> list[str]:
        """The user's turns, last one being the question to answer."""
        return self.turns if self.turns else [self.question or ""]

    @property
    def answerable(self) -> bool:
        return bool(self.gold)

    def is_relevant(self, text: str) -> bool:
        """Whether a retrieved text contains one of the gold quotes."""
        haystack = normalise(text)
        return any(normalise(quote) in haystack for quote in self.gold)

    def facts_found(self, answer: str) -> list[bool]:
        """For each fact, whether the answer contains one of its alternatives."""
        haystack = normalise(answer)
        return [any(normalise(alt) in haystack for alt in fact.split("|")) for fact in self.facts]


class QuestionSetError(ValueError):
    """A question set that cannot be read; the message gives the file and line."""


def load_questions(path: Path) -> list[Question]:
    """Read a JSON-lines question set, reporting the first bad line clearly."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as error:
        raise QuestionSetError(f"cannot read {path}: {error}") from error
    questions = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            questions.append(Question.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as error:
            raise QuestionSetError(f"{path}:{number}: {error}") from error
    if not questions:
        raise QuestionSetError(f"{path} holds no question")
    return questions
