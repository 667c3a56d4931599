"""Name each paragraph the way a reader of the document would cite it.

Numbered paragraphs keep their number (``16``); the others get a label that
makes sense within their section: ``alinéa 4`` of the preamble, ``8, alinéa 2``
for the unnumbered text that carries on paragraph 8, ``note 1``, ``intitulé``
of a section heading, ``titre`` of the document, ``signature`` of a letter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.paragraphs import Block

LETTER_SECTION = "Lettre d’envoi"
NOTE_SECTION = "Note du Secrétariat"
ANNEX_SECTION = "Annexe"
PREAMBLE = "Préambule"
OPERATIVE = "Dispositif"
NOTES = "Notes"

_LETTER_HEADING = re.compile(r"^Lettre datée d", re.IGNORECASE)
_NOTE_HEADING = re.compile(r"^Note d[eu]\b")
_ANNEX_HEADING = re.compile(r"^Annexe\b")
_ROMAN_HEADING = re.compile(r"^([IVXLC]+)\.\s+\S")
_DATE_LINE = re.compile(
    r"^\(?(?:Le\s+)?\d{1,2}(?:er)?\s+[a-zéû]+\s+\d{4}\)?$",
)
_MAX_HEADING_WORDS = 50


@dataclass(frozen=True)
class Labelled:
    """A block with its place in the document.

    Attributes:
        block: the block as found in the source.
        section: the part of the document it belongs to ("" when the document has none).
        label: its own label within the section (``16``, ``alinéa 4``, ``note 1``…).
        kind: ``title``, ``heading``, ``date``, ``signature``, ``note`` or ``paragraph``.
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
        and not stripped.endswith((".", ";", ":", ",", "!", "?"))
    )


class _Labeller:
    """Walks the blocks of one document in order, keeping track of where it is."""

    def __init__(self) -> None:
        self.section = ""
        self.mode = "front"  # front matter, letter, preamble, operative, or body
        self.counter = 0
        self.preamble_seen = False
        self.last_number: int | None = None
        self.last_number_closed = False

    def label(self, block: Block) -> Labelled:
        text = block.raw.strip()
        if block.note is not None:
            return Labelled(block, NOTES, f"note {block.note}", "note")
        if "(Signé)" in text:
            return Labelled(block, self.section, "signature", "signature")
        if block.number is not None:
            return self._numbered(block)
        if _LETTER_HEADING.match(text) or (_NOTE_HEADING.match(text) and is_heading(text)):
            section = LETTER_SECTION if _LETTER_HEADING.match(text) else NOTE_SECTION
            self._enter(section, "letter")
            return Labelled(block, section, "intitulé", "heading")
        if _ANNEX_HEADING.match(text) and is_heading(text):
            self._enter(ANNEX_SECTION, "front")
            return Labelled(block, ANNEX_SECTION, "intitulé", "heading")
        if _DATE_LINE.match(text):
            return Labelled(block, self.section, "date", "date")
        if _ROMAN_HEADING.match(text) and is_heading(text):
            self._enter(text, "body")
            return Labelled(block, text, "intitulé", "heading")
        if is_heading(text) and not text.endswith(","):
            return self._heading(block, text)
        return self._unnumbered(block, text)

    def _enter(self, section: str, mode: str) -> None:
        self.section, self.mode, self.counter = section, mode, 0
        self.last_number = None

    def _heading(self, block: Block, text: str) -> Labelled:
        if self.mode in ("front", "letter"):
            self._enter("", "front")
            return Labelled(block, "", "titre", "title")
        self._enter(text, "body")
        return Labelled(block, text, "intitulé", "heading")

    def _numbered(self, block: Block) -> Labelled:
        if self.mode in ("front", "preamble", "letter"):
            self.section = OPERATIVE if self.preamble_seen else ""
            self.mode = "operative"
        self.last_number = block.number
        self.last_number_closed = block.raw.rstrip().endswith(".")
        self.counter = 1
        return Labelled(block, self.section, str(block.number), "paragraph")

    def _unnumbered(self, block: Block, text: str) -> Labelled:
        if self.mode == "letter":
            self.counter += 1
            return Labelled(block, self.section, f"alinéa {self.counter}", "paragraph")
        if self.mode == "front":
            self._enter(PREAMBLE, "preamble")
            if text.startswith("Nous,") or (text.endswith(",") and len(text.split()) <= 4):
                return Labelled(block, PREAMBLE, "chapeau", "paragraph")
        if self.mode == "preamble":
            if text.endswith(","):
                self.counter += 1
                self.preamble_seen = True
                return Labelled(block, PREAMBLE, f"alinéa {self.counter}", "paragraph")
            self._enter(OPERATIVE, "operative")
            if text.endswith(":"):
                return Labelled(block, OPERATIVE, "chapeau", "paragraph")
        if self.last_number is not None:
            if self.last_number_closed:
                self.counter += 1
                label = f"{self.last_number}, alinéa {self.counter}"
            else:
                label = f"texte suivant le paragraphe {self.last_number}"
            return Labelled(block, self.section, label, "paragraph")
        self.counter += 1
        return Labelled(block, self.section, f"alinéa {self.counter}", "paragraph")


def label_blocks(blocks: list[Block]) -> list[Labelled]:
    """Give every block of one document its section and label.

    Args:
        blocks: the document's blocks in source order (see ``split_blocks``).

    Returns:
        One ``Labelled`` per block, same order.
    """
    labeller = _Labeller()
    return [labeller.label(block) for block in blocks]
