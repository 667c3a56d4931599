"""The wire shapes of paragraphs, answers and documents: the one place HTTP, OpenAI, MCP and the client share."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import TYPE_CHECKING

from langchain_core.documents import Document as LCDocument
from pydantic import BaseModel, Field

from rag.languages.messages import message

if TYPE_CHECKING:
    from rag.answering.answer import Answer
    from rag.indexing.index import Entry
    from rag.search.retrieve import Hit

# The metadata of a retriever's Document, in this order (``rag.search.retriever.to_document``).
DOCUMENT_METADATA = (
    "source",
    "doc_title",
    "letter",
    "section",
    "paragraph",
    "para_id",
    "lines",
    "citation",
    "score",
    "kind",
    "dense_rank",
    "lexical_rank",
)


class ParagraphRecord(BaseModel):
    """One indexed paragraph with everything needed to cite it, and how it was found (when it was)."""

    para_id: str = Field(description="Stable id of the paragraph (GET /v1/paragraphs/{para_id}).")
    text: str = Field(description="The whole paragraph, as the document writes it.")
    citation: str = Field(description="Full label: document, covering letter, section and paragraph.")
    source: str = Field(description="File in the corpus folder.")
    lines: list[int] = Field(description="First and last line of the paragraph in that file.")
    doc_id: str
    doc_title: str
    short_title: str
    doc_kind: str
    doc_date: str | None = Field(None, description="ISO date of the document, when known.")
    letter: str | None = Field(None, description="The covering letter, when the document has one.")
    section: str
    paragraph: str = Field(description="The document's own label of the paragraph.")
    kind: str = Field(description="title, heading, paragraph, note, signature, ...")
    language: str = Field(description="ISO 639-1 language of the paragraph's text.")
    notes: list[str] = Field(default_factory=list, description="para_ids of the footnotes the paragraph calls.")
    score: float | None = Field(
        None,
        description="How well it matches the question, higher is better: the fused reciprocal-rank score "
        "(mode dense: the cosine similarity; mode bm25: the BM25 score). None outside a search.",
    )
    dense_rank: int | None = Field(None, description="1-based rank in the dense ranking, None when not in it.")
    lexical_rank: int | None = Field(None, description="1-based rank in the BM25 ranking, None when not in it.")
    cited: bool = Field(False, description="The question designates this paragraph by its number or section.")
    similarity: float | None = Field(None, description="Cosine similarity with the question, when computed.")

    @classmethod
    def of_entry(cls, entry: Entry) -> ParagraphRecord:
        fields = {name: getattr(entry, name) for name in cls.model_fields if hasattr(entry, name)}
        return cls(**{**fields, "lines": list(entry.lines), "notes": list(entry.notes)})

    @classmethod
    def of_hit(cls, hit: Hit) -> ParagraphRecord:
        return cls.of_entry(hit.entry).model_copy(
            update={
                "score": hit.score,
                "dense_rank": hit.dense_rank,
                "lexical_rank": hit.lexical_rank,
                "cited": hit.cited,
                "similarity": hit.similarity,
            }
        )

    def to_document(self) -> LCDocument:
        """The LangChain document a retriever returns: the text, and the metadata to cite it."""
        values = self.model_dump()
        return LCDocument(page_content=self.text, metadata={name: values[name] for name in DOCUMENT_METADATA})


class CitationRecord(BaseModel):
    """One source of an answer: the marker ``[n]`` in its text resolves to it."""

    marker: int
    para_id: str
    citation: str
    quote: str = Field(description="The exact text of the paragraph that supports the statement.")
    source: str
    lines: list[int]
    text: str = Field(description="The whole paragraph.")
    doc_title: str = ""
    letter: str | None = None
    section: str = ""
    paragraph: str = ""


class AnswerRecord(BaseModel):
    """An answer with inline markers ``[1]``, ``[2]`` resolving to its citations (``rag.answering.answer.Answer``)."""

    text: str
    citations: list[CitationRecord] = Field(default_factory=list)
    abstained: bool = Field(description="True when the documents do not answer the question.")
    weak_support: bool = Field(
        description="The paragraphs quoted are the closest the documents have, but may not answer."
    )
    confidence: float | None = Field(
        None, description="Calibrated probability that the documents answer the question, when judged."
    )
    notice: str | None = Field(None, description="A message for the user (weak support, fallback, ...).")
    mode: str = Field(description="extractive, generative or fallback (extractive after a failed generation).")
    language: str
    standalone_question: str = Field("", description="What was searched (a follow-up is made standalone first).")

    @classmethod
    def of_answer(cls, answer: Answer) -> AnswerRecord:
        return cls.model_validate(asdict(answer))

    def sources_text(self) -> str:
        """The citations as text under an answer, each with its label, file, lines and quote."""
        lines = []
        for citation in self.citations:
            first, last = citation.lines
            where = message("lines", self.language).format(first=first, last=last)
            lines.append(f"[{citation.marker}] {citation.citation} — {citation.source}, {where}\n> {citation.quote}")
        return "\n\n".join(lines)

    def with_sources(self) -> str:
        """The answer's text followed by its notice and sources: what a chat front-end shows."""
        parts = [self.text]
        if self.notice:
            parts.append(f"({self.notice})")
        if self.citations:
            parts.append(self.sources_text())
        return "\n\n".join(parts)


class DocumentRecord(BaseModel):
    """One indexed document."""

    doc_id: str
    source: str = Field(description="File in the corpus folder.")
    title: str
    short_title: str
    kind: str
    date: str | None = Field(None, description="ISO date of the document, when known.")
    letter: str | None = Field(None, description="The covering letter, when there is one.")
    language: str = Field(description="The language most of its paragraphs are in.")
    paragraphs: int = Field(description="Number of citable paragraphs.")


def document_records(entries: tuple[Entry, ...] | list[Entry]) -> list[DocumentRecord]:
    """The documents of an index's paragraphs, in the index's order."""
    grouped: dict[str, list[Entry]] = {}
    for entry in entries:
        grouped.setdefault(entry.doc_id, []).append(entry)
    records = []
    for doc_id, members in grouped.items():
        first = members[0]
        records.append(
            DocumentRecord(
                doc_id=doc_id,
                source=first.source,
                title=first.doc_title,
                short_title=first.short_title,
                kind=first.doc_kind,
                date=first.doc_date,
                letter=first.letter,
                language=Counter(entry.language for entry in members).most_common(1)[0][0],
                paragraphs=len(members),
            )
        )
    return records
