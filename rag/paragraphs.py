"""Cut the lines of a plain-text document into the paragraphs the document has.

The text comes from PDF extraction: hard-wrapped lines, page breaks shown as
runs of blank lines, footnotes under a ``________`` separator in the middle of
the running text. This module only finds where each paragraph starts and ends
and which source lines it takes; naming the paragraphs is ``structure.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.textfix import OCR_DIGITS, join_lines

_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
_NUMBERED = re.compile(r"^\s*([0-9SOoBZGl]{1,3})\.\s+\S")
_NOTE_START = re.compile(r"^\s*(\d{1,2})\s+(?=\S)")
_UNSEPARATED_NOTE = re.compile(r"^(\d{1,2})\s+[A-ZÀ-Ý]")
_LIST_ITEM = re.compile(r"^[-–•]\s")
_TERMINAL = (".", ";", ":", "!", "?")
_LONE_CONJUNCTIONS = {"ET", "OU", "ET/OU"}


@dataclass(frozen=True)
class Block:
    """A paragraph found in the source, before it is labelled.

    Attributes:
        line_numbers: the 1-based source lines it is made of, in order.
        raw: those lines joined (line-end hyphens glued), text otherwise as in the source.
        number: the paragraph number the document gives it, OCR-repaired, if any.
        note: the footnote number when the block is a footnote, else None.
    """

    line_numbers: tuple[int, ...]
    raw: str
    number: int | None = None
    note: str | None = None


@dataclass
class _Line:
    number: int
    text: str


class _Numbering:
    """Follows the document's paragraph numbers so a stray digit never starts one."""

    def __init__(self) -> None:
        self.last: int | None = None

    def match(self, text: str) -> int | None:
        found = _NUMBERED.match(text)
        if not found:
            return None
        digits = found.group(1).translate(OCR_DIGITS)
        if not digits.isdigit():
            return None
        value = int(digits)
        expected = 1 if self.last is None else self.last + 1
        ocr_repaired = digits != found.group(1)
        starts_numbering = self.last is None or value == 1
        if value == expected or (starts_numbering and not ocr_repaired):
            return value
        return None

    def accept(self, value: int) -> None:
        self.last = value


def split_blocks(lines: list[str]) -> list[Block]:
    """Cut source lines into paragraph blocks, footnotes included as their own blocks.

    Args:
        lines: the document's lines, without line terminators.

    Returns:
        Blocks ordered by their first source line. Every non-blank line that is
        not a footnote separator belongs to exactly one block.
    """
    running, notes = _take_out_notes(lines)
    blocks = _group_running_text(running) + notes
    blocks.sort(key=lambda block: block.line_numbers[0])
    return blocks


def _take_out_notes(lines: list[str]) -> tuple[list[_Line | None], list[Block]]:
    """Separate footnotes from the running text.

    Returns:
        The running text as lines, with None for each blank line (a possible
        page break), and the footnotes as blocks.
    """
    running: list[_Line | None] = []
    notes: list[Block] = []
    index = 0
    previous_blank = True
    while index < len(lines):
        text = lines[index]
        if _SEPARATOR.match(text):
            index, zone_notes = _read_note_zone(lines, index + 1, _next_note(notes))
            notes.extend(zone_notes)
            continue
        unseparated = _UNSEPARATED_NOTE.match(text)
        if previous_blank and unseparated and unseparated.group(1) == str(_next_note(notes)):
            index, zone_notes = _read_note_zone(lines, index, _next_note(notes))
            notes.extend(zone_notes)
            continue
        previous_blank = not text.strip()
        running.append(None if previous_blank else _Line(index + 1, text))
        index += 1
    return running, notes


def _next_note(notes: list[Block]) -> int:
    return int(notes[-1].note) + 1 if notes else 1


def _read_note_zone(lines: list[str], start: int, expected: int) -> tuple[int, list[Block]]:
    """Read the numbered notes that follow a separator.

    A note starts with its number; its wrapped lines start in the first column.
    The running text resumes at the first line that is neither: PDF extraction
    indents the lines that carry on the interrupted paragraph.

    Returns:
        The index of the first line after the zone, and the notes read.
    """
    index = start
    while index < len(lines) and not lines[index].strip():
        index += 1
    notes: list[tuple[str, list[_Line]]] = []
    while index < len(lines):
        text = lines[index]
        start_match = _NOTE_START.match(text)
        if start_match and int(start_match.group(1)) == expected:
            notes.append((start_match.group(1), [_Line(index + 1, text)]))
            expected += 1
        elif notes and text.strip() and not text[0].isspace() and not _SEPARATOR.match(text):
            notes[-1][1].append(_Line(index + 1, text))
        else:
            break
        index += 1
    blocks = [
        Block(
            line_numbers=tuple(line.number for line in note_lines),
            raw=join_lines([line.text for line in note_lines]),
            note=number,
        )
        for number, note_lines in notes
    ]
    return index, blocks


@dataclass
class _Group:
    """The lines of the paragraph being read, and whether one of them is a list item."""

    number: int | None
    lines: list[_Line] = field(default_factory=list)
    has_list_item: bool = False

    def add(self, line: _Line) -> None:
        self.lines.append(line)
        # Kept up to date line by line: rescanning the group at each page break would be quadratic.
        self.has_list_item = self.has_list_item or bool(_LIST_ITEM.match(line.text.strip()))


def _group_running_text(running: list[_Line | None]) -> list[Block]:
    numbering = _Numbering()
    groups: list[_Group] = []
    gap = False
    for line in running:
        if line is None:
            gap = bool(groups)
            continue
        number = numbering.match(line.text)
        if not groups or _starts_new(groups[-1], line, number, gap):
            groups.append(_Group(number))
            if number is not None:
                numbering.accept(number)
        groups[-1].add(line)
        gap = False
    return _merge_lone_conjunctions(
        [
            Block(
                line_numbers=tuple(line.number for line in group.lines),
                raw=join_lines([line.text for line in group.lines]),
                number=group.number,
            )
            for group in groups
        ]
    )


def _starts_new(group: _Group, line: _Line, number: int | None, gap: bool) -> bool:
    """Decide whether ``line`` starts a paragraph or carries on ``group``."""
    if number is not None:
        return True
    previous = group.lines[-1].text.rstrip()
    stripped = line.text.strip()
    if gap:
        return not _continues_across_gap(group, previous, stripped)
    indent = len(line.text) - len(line.text.lstrip())
    if indent and previous.endswith(_TERMINAL):
        return True
    return indent >= 2 and stripped[:1].isupper()


def _continues_across_gap(group: _Group, previous: str, stripped: str) -> bool:
    """A page break (blank lines) does not end a paragraph whose next line carries on."""
    first = stripped[:1]
    if first.islower() or stripped.startswith("(Signé)"):
        return True
    if _LIST_ITEM.match(stripped):
        return previous.endswith(":") or group.has_list_item
    return first.isdigit() and not previous.endswith(_TERMINAL)


def _merge_lone_conjunctions(blocks: list[Block]) -> list[Block]:
    """Attach a line holding only "ET" to the paragraph it introduces."""
    merged: list[Block] = []
    pending: Block | None = None
    for block in blocks:
        if pending is not None:
            block = Block(
                line_numbers=pending.line_numbers + block.line_numbers,
                raw=f"{pending.raw} {block.raw}",
                number=block.number,
            )
            pending = None
        if block.raw.strip().upper() in _LONE_CONJUNCTIONS and block.number is None:
            pending = block
            continue
        merged.append(block)
    if pending is not None:
        merged.append(pending)
    return merged
