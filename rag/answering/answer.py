"""What the assistant returns: an answer, its citations, and whether it abstained."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from rag.languages.messages import place


@dataclass(frozen=True)
class Citation:
    """One source of an answer, checkable paragraph by paragraph.

    Attributes:
        marker: the number shown in the answer text, ``[marker]``.
        para_id: the paragraph's stable id.
        citation: full label with document, covering letter, section and paragraph.
        quote: the exact text of the paragraph that supports the statement.
        source: file in the corpus folder.
        lines: first and last line of the paragraph in that file (in the text a reader made of it
            for a PDF, Word or HTML file).
        text: the whole paragraph.
        pages: first and last page of the paragraph, for a document with pages (a PDF), else None.
    """

    marker: int
    para_id: str
    citation: str
    quote: str
    source: str
    lines: tuple[int, int]
    text: str
    doc_title: str = ""
    letter: str | None = None
    section: str = ""
    paragraph: str = ""
    pages: tuple[int, int] | None = None

    def place(self, language: str) -> str:
        """Where the paragraph is in its file: "page 3", "pages 3–4" for a PDF, else its lines."""
        return place(self.lines, self.pages, language)


@dataclass
class Answer:
    """An answer with inline markers ``[1]``, ``[2]`` resolving to ``citations``.

    Attributes:
        text: the answer, in the language of the question.
        citations: one per marker used in ``text``.
        abstained: True when the documents do not answer the question.
        notice: a message for the user (weak support, fallback to the extractive answer, an error), or None.
        mode: ``extractive``, ``generative`` or ``fallback`` (extractive after a generation failed).
        language: the question's (ISO 639-1), that of the answer's own sentences; quotes keep their documents'.
        standalone_question: what was searched (follow-ups are made standalone first).
        weak_support: the paragraphs quoted are the closest the documents have, but may not answer
            (``rag.answering.abstention``); ``notice`` says so to the user.
        confidence: the calibrated probability that the documents answer the question, when judged.
    """

    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    notice: str | None = None
    mode: str = "extractive"
    language: str = "en"
    standalone_question: str = ""
    weak_support: bool = False
    confidence: float | None = None

    def as_text(self) -> str:
        """The answer followed by its sources, for a terminal."""
        parts = [self.text]
        if self.notice and self.notice not in ("empty", "too_long", "no_index"):
            parts.append(f"({self.notice})")
        if self.citations:
            parts.append("")
        for citation in self.citations:
            where = citation.place(self.language)
            parts.append(f"[{citation.marker}] {citation.citation} — {citation.source}, {where}")
        return "\n".join(parts)

    def to_dict(self) -> dict[str, Any]:
        """Plain data, for ``--json`` and the app."""
        return asdict(self)
