"""Name each paragraph the way a reader of the document would cite it.

Numbered paragraphs keep their number (``16``), their sub-paragraphs the number and
the mark (``5 (b)``); the others get a label that makes sense within their section:
``alinéa 4`` of the preamble, ``8, alinéa 2`` for the unnumbered text that carries on
paragraph 8, ``note 1``, ``intitulé`` of a section heading, ``titre`` of the document,
``signature`` of a letter, ``en-tête`` of the masthead. Sections and labels are named
in the document's language (``rag.languages.layout``): ``preambular paragraph 4``, ``footnote 1``,
``párrafo 2``…
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.ingest.paragraphs import SUBPARAGRAPH, Block
from rag.ingest.textfix import strip_note_calls
from rag.languages.layout import (
    ANNEX,
    CHAPEAU_OPENERS,
    LETTER,
    NOTE,
    NOTES,
    OPERATIVE,
    PREAMBLE,
    SIGNED,
    SPONSORS_LINE,
    SUMMARY_HEADING,
    Layout,
    is_date_line,
    layout_for,
)
from rag.languages.layout import ANNEX_HEADING as _ANNEX_HEADING
from rag.languages.layout import LETTER_HEADING as _LETTER_HEADING
from rag.languages.layout import NOTE_HEADING as _NOTE_HEADING
from rag.languages.layout import REPORT_SUBTITLE as _REPORT_SUBTITLE

_ROMAN_HEADING = re.compile(r"^([IVXLC]+)\.\s+\S")
_COMMAS = (",", "،", "，")
_MAX_HEADING_WORDS = 50


@dataclass(frozen=True)
class Labelled:
    """A block with its place in the document.

    Attributes:
        block: the block as found in the source.
        section: the part of the document it belongs to ("" when the document has none).
        label: its own label within the section (``16``, ``alinéa 4``, ``note 1``…).
        kind: ``title``, ``heading``, ``date``, ``signature``, ``note``, ``masthead`` or ``paragraph``.
    """

    block: Block
    section: str
    label: str
    kind: str


def is_heading(text: str) -> bool:
    """A short line that does not end like a sentence or a clause."""
    stripped = text.strip()
    return (
        bool(stripped)
        and len(stripped.split()) <= _MAX_HEADING_WORDS
        and not stripped.endswith((".", ";", ":", ",", "!", "?", "。", "；", "：", "，", "！", "？", "،", "؛", "؟"))
    )


class _Labeller:
    """Walks the blocks of one document in order, keeping track of where it is."""

    def __init__(self, layout: Layout, note_numbers: set[str]) -> None:
        self.layout = layout
        self.words = layout.labels
        self.note_numbers = note_numbers
        self.section = ""
        self.mode = "front"  # front matter, letter, preamble, operative, or body
        self.counter = 0
        self.preamble_seen = False
        self.last_number: int | None = None
        self.last_number_closed = False
        self.last_mark: str | None = None
        self.roman_marks = False

    def _name(self, role: str) -> str:
        return self.layout.sections[role]

    def label(self, block: Block) -> Labelled:
        # a note call that ends a block ("…held in 2021,2") does not change how the block ends
        text = strip_note_calls(block.raw.strip(), self.note_numbers)[0] if self.note_numbers else block.raw.strip()
        if block.note is not None:
            return Labelled(block, self._name(NOTES), self.words["note"].format(n=block.note), "note")
        if block.masthead:
            return Labelled(block, "", self.words["masthead"], "masthead")
        if any(mark in text for mark in SIGNED):
            return Labelled(block, self.section, self.words["signature"], "signature")
        if block.number is not None:
            return self._numbered(block)
        mark = SUBPARAGRAPH.match(text)
        if mark and self.last_number is not None and self.mode != "letter":
            return self._subparagraph(block, mark.group(1))
        if _LETTER_HEADING.match(text) or (_NOTE_HEADING.match(text) and is_heading(text)):
            section = self._name(LETTER if _LETTER_HEADING.match(text) else NOTE)
            self._enter(section, "letter")
            return Labelled(block, section, self.words["heading"], "heading")
        if _ANNEX_HEADING.search(text) and is_heading(text):
            self._enter(self._name(ANNEX), "front")
            return Labelled(block, self._name(ANNEX), self.words["heading"], "heading")
        if is_date_line(text):
            return Labelled(block, self.section, self.words["date"], "date")
        if _ROMAN_HEADING.match(text) and is_heading(text):
            self._enter(text, "body")
            return Labelled(block, text, self.words["heading"], "heading")
        if SPONSORS_LINE.search(text) and is_heading(text):
            return Labelled(block, self.section, self.words["sponsors"], "sponsors")
        if _REPORT_SUBTITLE.match(text):
            return Labelled(block, self.section, self.words["subtitle"], "title")
        if SUMMARY_HEADING.match(text):
            self._enter(text, "body")
            return Labelled(block, text, self.words["heading"], "heading")
        if block.heading or (is_heading(text) and not text.endswith(_COMMAS)):
            return self._heading(block, text)
        return self._unnumbered(block, text)

    def _enter(self, section: str, mode: str) -> None:
        self.section, self.mode, self.counter = section, mode, 0
        self.last_number = None

    def _heading(self, block: Block, text: str) -> Labelled:
        if self.mode in ("front", "letter"):
            self._enter("", "front")
            return Labelled(block, "", self.words["title"], "title")
        self._enter(text, "body")
        return Labelled(block, text, self.words["heading"], "heading")

    def _numbered(self, block: Block) -> Labelled:
        if self.mode in ("front", "preamble", "letter"):
            self.section = self._name(OPERATIVE) if self.preamble_seen else ""
            self.mode = "operative"
        self.last_number = block.number
        self.last_number_closed = block.raw.rstrip().endswith(".")
        self.last_mark = None
        self.counter = 1
        return Labelled(block, self.section, str(block.number), "paragraph")

    def _subparagraph(self, block: Block, mark: str) -> Labelled:
        """ "(b)" after paragraph 5 is 5 (b); "(ii)" after 5 (b) is 5 (b) (ii), unless the marks are roman."""
        letter = mark.strip("()")
        roman = set(letter) <= set("ivx")
        if self.last_mark is None:
            self.roman_marks = roman and letter == "i"
            nested = False
        else:
            previous = self.last_mark.strip("()")
            follows = len(letter) == len(previous) == 1 and ord(letter) == ord(previous) + 1
            nested = roman and not self.roman_marks and not follows
        if nested:
            return Labelled(block, self.section, f"{self.last_number} {self.last_mark} {mark}", "paragraph")
        self.last_mark = mark
        return Labelled(block, self.section, f"{self.last_number} {mark}", "paragraph")

    def _unnumbered(self, block: Block, text: str) -> Labelled:
        if self.mode == "letter":
            self.counter += 1
            return Labelled(block, self.section, self.words["unnumbered"].format(k=self.counter), "paragraph")
        if self.mode == "front":
            self._enter(self._name(PREAMBLE), "preamble")
            if text.startswith(CHAPEAU_OPENERS) or (text.endswith(_COMMAS) and len(text.split()) <= 4):
                return Labelled(block, self.section, self.words["chapeau"], "paragraph")
        if self.mode == "preamble":
            if text.endswith(_COMMAS):
                self.counter += 1
                self.preamble_seen = True
                return Labelled(block, self.section, self.words["preambular"].format(k=self.counter), "paragraph")
            self._enter(self._name(OPERATIVE), "operative")
            if text.endswith((":", "：")):
                return Labelled(block, self.section, self.words["chapeau"], "paragraph")
        if self.last_number is not None:
            if self.last_number_closed:
                self.counter += 1
                label = self.words["continued"].format(n=self.last_number, k=self.counter)
            else:
                label = self.words["following"].format(n=self.last_number)
            return Labelled(block, self.section, label, "paragraph")
        self.counter += 1
        return Labelled(block, self.section, self.words["unnumbered"].format(k=self.counter), "paragraph")


def label_blocks(blocks: list[Block], language: str = "fr") -> list[Labelled]:
    """Give every block of one document its section and label.

    Args:
        blocks: the document's blocks in source order (see ``split_blocks``).
        language: the document's language: sections and labels are named in it
            (``rag.languages.layout``; English for a language without a table).

    Returns:
        One ``Labelled`` per block, same order.
    """
    note_numbers = {block.note for block in blocks if block.note is not None}
    labeller = _Labeller(layout_for(language), note_numbers)
    return [labeller.label(block) for block in blocks]
