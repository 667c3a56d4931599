"""What a question says about where to look: a document it names, a paragraph it cites.

Staff ask "que dit le paragraphe 16 du dispositif du projet de résolution ?" or
"what does section V of the Plan of Action deal with?" or "¿qué dice el párrafo 3 de la parte
dispositiva?". Neither BM25 nor the embeddings read such references; this module does, with
every language's question words (``rag.languages.question_words``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rag.indexing.index import Entry
from rag.indexing.lexical import query_terms, tokenize
from rag.ingest.paragraphs import SUBPARAGRAPH_MARK
from rag.languages.layout import LAYOUTS, PREAMBLE, section_role
from rag.languages.question_words import kind_names, ordinal_numbers, part_patterns, reference_pattern, words_pattern

_PARAGRAPH = reference_pattern("paragraph")
_ALINEA = reference_pattern("alinea")
_SECTION = reference_pattern("section")
_NOTE = reference_pattern("note")
_TITLE = words_pattern("title")
_ANY_NOTE = words_pattern("any_note")
_PARTS = part_patterns()
_ORDINALS = ordinal_numbers()
# A sub-paragraph is cited by its mark in every language: "apartado b)", "subparagraph (b)", "пункт 5 (a)".
_ITEM = re.compile(rf"(?<![^\s«\"'“(])({SUBPARAGRAPH_MARK})(?=[\s,.;:?!»\"'”]|$)")
# A note's label ends with its number, in any language: "note 1", "footnote 1", "nota *".
_NOTE_NUMBER = re.compile(r"(?:\d{1,2}|\*{1,3})$")


def _number(found: re.Match[str] | None) -> int | None:
    """The number a reference gives, written in digits ("5", "5e", "5th") or as a word ("cinquième")."""
    if found is None:
        return None
    written = next(group for group in found.groups() if group)
    digits = re.match(r"\d+", written)
    return int(digits.group(0)) if digits else _ORDINALS.get(written.lower())


def _roman(found: re.Match[str] | None) -> str | None:
    return next(group for group in found.groups() if group) if found else None


@dataclass(frozen=True)
class Reference:
    """A place a question points at; any field may be unknown."""

    paragraph: int | None = None
    alinea: int | None = None
    section: str | None = None
    note: int | None = None
    any_note: bool = False  # "la note de bas de page de la Déclaration", no number
    part: str | None = None  # a role: "operative", "preamble" or "letter"
    title: bool = False  # "l'intitulé de la section IV": its heading
    item: str | None = None  # a sub-paragraph's mark: "b" for "apartado b)"

    @property
    def empty(self) -> bool:
        return self == Reference() or self == Reference(title=True)


def parse_reference(question: str) -> Reference:
    """Read paragraph, alinéa, section, note and part references in a question."""
    found = _ALINEA.search(question)
    alinea = _number(found)
    # "párrafo 3 del preámbulo" is an alinéa, not paragraph 3: the paragraph is looked for elsewhere
    rest = question if found is None else question[: found.start()] + " " + question[found.end() :]
    paragraph = _number(_PARAGRAPH.search(rest))
    note = _number(_NOTE.search(question))
    part = next((name for name, pattern in _PARTS.items() if pattern.search(question)), None)
    return Reference(
        paragraph=paragraph,
        alinea=alinea,
        section=_roman(_SECTION.search(question)),
        note=note,
        any_note=note is None and bool(_ANY_NOTE.search(question)),
        part=part,
        title=bool(_TITLE.search(question)),
        item=next((mark.strip("()") for mark in _ITEM.findall(question)), None),
    )


def matches(entry: Entry, reference: Reference) -> bool:
    """Whether an indexed paragraph is the one a reference designates."""
    label = entry.paragraph
    if reference.note is not None:
        number = _NOTE_NUMBER.search(label)
        return entry.kind == "note" and number is not None and number.group(0) == str(reference.note)
    if reference.any_note:
        return entry.kind == "note"
    if reference.part and section_role(entry.section) != reference.part:
        return False
    if reference.section and not entry.section.startswith(f"{reference.section}. "):
        return False
    if reference.item is not None:
        # "12 b)" or "5 (b)", of the paragraph the question numbers if it numbers one
        number = label.partition(" ")[0] if " " in label else ""
        return bool(re.search(rf"\(?{reference.item}\)$", label)) and (
            reference.paragraph is None or number == str(reference.paragraph)
        )
    if reference.paragraph is not None and reference.alinea is not None:
        return label in _labels("continued", n=reference.paragraph, k=reference.alinea)
    if reference.paragraph is not None and reference.part == PREAMBLE:
        # "paragraph 3 of the preamble": a preamble's paragraphs are counted unless numbered
        return label in (str(reference.paragraph), *_labels("preambular", k=reference.paragraph))
    if reference.paragraph is not None:
        return label == str(reference.paragraph)
    if reference.alinea is not None:
        return label in _labels("unnumbered", k=reference.alinea) | _labels("preambular", k=reference.alinea)
    if reference.section or reference.part:
        return entry.kind == "heading" if reference.title else entry.kind in ("heading", "paragraph")
    return False


def _labels(kind: str, **numbers: int) -> set[str]:
    """The label a kind of paragraph has in every language ("alinéa 4", "preambular paragraph 4"…)."""
    return {layout.labels[kind].format(**numbers) for layout in LAYOUTS.values()}


class DocumentNames:
    """Which documents a question names, scored like BM25's idf over the documents' names."""

    def __init__(self, entries: list[Entry] | tuple[Entry, ...]) -> None:
        names: dict[str, list[str]] = {}
        self.languages: dict[str, str] = {}
        for entry in entries:
            if entry.doc_id not in names:
                self.languages[entry.doc_id] = entry.language
                year = entry.source[:4] if entry.source[:4].isdigit() else ""
                kind = kind_names(entry.doc_kind)
                names[entry.doc_id] = [entry.short_title, entry.doc_title, entry.letter or "", kind, year]
        self.doc_ids = list(names)
        self.tokens = {
            doc_id: set(tokenize([" ".join(parts)], self.languages[doc_id])[0]) for doc_id, parts in names.items()
        }
        frequency = Counter(token for tokens in self.tokens.values() for token in tokens)
        total = len(self.doc_ids)
        self.idf = {token: math.log((total + 1) / count) for token, count in frequency.items()}

    def scores(self, question: str, language: str) -> dict[str, float]:
        """Score of each document's name against the question (0 when it names nothing of it): each
        term of the question counts once, by its rarest word the name uses, however many words its
        reading in the name's language has ("UNODC" read as "office des nations unies contre la drogue et
        le crime" weighs no more than "Oslo")."""
        scores = {}
        for doc_id in self.doc_ids:
            target = self.languages[doc_id]
            counted: set[str] = set()
            score = 0.0
            for tokens in [*query_terms(question, language, target), *query_terms(question, target, target)]:
                named = set(tokens) & self.tokens[doc_id] - counted
                score += max((self.idf[token] for token in named), default=0.0)
                counted |= set(tokens)
            scores[doc_id] = score
        return scores

    def named(self, question: str, language: str) -> set[str]:
        """The documents the question names best, or none when it names none in particular."""
        scores = self.scores(question, language)
        best = max(scores.values(), default=0.0)
        if best <= 0:
            return set()
        return {doc_id for doc_id, score in scores.items() if score >= best - 1e-9}
