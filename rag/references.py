"""What a question says about where to look: a document it names, a paragraph it cites.

Staff ask "que dit le paragraphe 16 du dispositif du projet de résolution ?" or
"what does section V of the Plan of Action deal with?". Neither BM25 nor the
embeddings read such references; this module does, in French and English.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rag.index import Entry
from rag.layout import LAYOUTS, LETTER, OPERATIVE, PREAMBLE, section_role
from rag.lexical import read_as, tokenize

_ORDINALS = {
    "premier": 1, "première": 1, "first": 1, "deuxième": 2, "second": 2, "seconde": 2, "troisième": 3,
    "third": 3, "quatrième": 4, "fourth": 4, "cinquième": 5, "fifth": 5, "sixième": 6, "sixth": 6,
    "septième": 7, "seventh": 7, "huitième": 8, "eighth": 8, "neuvième": 9, "ninth": 9, "dixième": 10,
    "tenth": 10, "opening": 1,
}  # fmt: skip
_NUMBER = r"(\d{1,3}|" + "|".join(_ORDINALS) + r")(?:er|re|e|ème|st|nd|rd|th)?"
_PARAGRAPH = re.compile(
    rf"\b(?:paragraphes?|paragraphs?|para\.|§)\s*{_NUMBER}\b|\b{_NUMBER}\s+(?:paragraphe|paragraph)\b", re.I
)
_ALINEA = re.compile(
    rf"\b(?:alinéas?|subparagraphs?|preambular paragraphs?)\s*{_NUMBER}\b"
    rf"|\b{_NUMBER}\s+(?:alinéa|subparagraph|preambular paragraph)\b",
    re.I,
)
_SECTION = re.compile(r"\b(?:section|partie|part|chapitre|chapter)\s+([IVX]{1,5})\b")
_NOTE = re.compile(rf"\b(?:note|footnote)(?: de bas de page)?\s*{_NUMBER}\b", re.I)
_TITLE = re.compile(r"\b(?:intitulée?s?|titres?|s['’]intitule|heading|title|called)\b", re.I)
_ANY_NOTE = re.compile(r"\b(?:notes? (?:de|en) bas de page|footnotes?)\b", re.I)
# The parts of a document a question may name, by their role (``rag.layout``): a document
# names them in its own language ("Dispositif", "Operative part", "Parte dispositiva").
_PARTS = {
    OPERATIVE: re.compile(r"\b(dispositif|operative)\b", re.I),
    PREAMBLE: re.compile(r"\b(préambule|preamble|preambular)\b", re.I),
    LETTER: re.compile(r"\b(lettre d['’]envoi|covering letter)\b", re.I),
}
# A note's label ends with its number, in any language: "note 1", "footnote 1", "nota *".
_NOTE_NUMBER = re.compile(r"(?:\d{1,2}|\*{1,3})$")

# Words by which staff name a kind of document.
_KIND_NAMES = {
    "plan_of_action": "plan d'action plan of action action plan",
    "note": "projet de résolution draft resolution note du secrétariat secretariat note résolution",
    "draft_resolution": "projet de résolution draft resolution proyecto de resolución résolution resolution",
    "report": "rapport report informe",
    "declaration": "déclaration declaration",
    "letter_with_annex": "lettre letter annexe annex",
}


def _number(groups: tuple[str | None, ...]) -> int | None:
    for group in groups:
        if group:
            return int(group) if group.isdigit() else _ORDINALS.get(group.lower())
    return None


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

    @property
    def empty(self) -> bool:
        return self == Reference() or self == Reference(title=True)


def parse_reference(question: str) -> Reference:
    """Read paragraph, alinéa, section, note and part references in a question."""
    paragraph = _PARAGRAPH.search(question)
    alinea = _ALINEA.search(question)
    section = _SECTION.search(question)
    note = _NOTE.search(question)
    part = next((name for name, pattern in _PARTS.items() if pattern.search(question)), None)
    return Reference(
        paragraph=_number(paragraph.groups()) if paragraph else None,
        alinea=_number(alinea.groups()) if alinea else None,
        section=section.group(1) if section else None,
        note=_number(note.groups()) if note else None,
        any_note=not note and bool(_ANY_NOTE.search(question)),
        part=part,
        title=bool(_TITLE.search(question)),
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
    if reference.paragraph is not None and reference.alinea is not None:
        return label in _labels("continued", n=reference.paragraph, k=reference.alinea)
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
                kind = _KIND_NAMES.get(entry.doc_kind, "")
                names[entry.doc_id] = [entry.short_title, entry.doc_title, entry.letter or "", kind, year]
        self.doc_ids = list(names)
        self.tokens = {
            doc_id: set(tokenize([" ".join(parts)], self.languages[doc_id])[0]) for doc_id, parts in names.items()
        }
        frequency = Counter(token for tokens in self.tokens.values() for token in tokens)
        total = len(self.doc_ids)
        self.idf = {token: math.log((total + 1) / count) for token, count in frequency.items()}

    def scores(self, question: str, language: str) -> dict[str, float]:
        """Score of each document's name against the question (0 when it names nothing of it)."""
        scores = {}
        for doc_id in self.doc_ids:
            target = self.languages[doc_id]
            asked = set(tokenize([f"{read_as(question, language, target)} {question}"], target)[0])
            scores[doc_id] = sum(self.idf[t] for t in asked & self.tokens[doc_id])
        return scores

    def named(self, question: str, language: str) -> set[str]:
        """The documents the question names best, or none when it names none in particular."""
        scores = self.scores(question, language)
        best = max(scores.values(), default=0.0)
        if best <= 0:
            return set()
        return {doc_id for doc_id, score in scores.items() if score >= best - 1e-9}
