"""Cut the lines of a plain-text document into the paragraphs the document has.

The text comes from PDF extraction: hard-wrapped lines, page breaks shown as
runs of blank lines, footnotes under a ``________`` separator in the middle of
the running text. A UN document also opens with a masthead (the Organization's
name and the document's symbol, distribution, session, agenda item), and carries
page furniture on every page: job number, barcode, symbol, page number. This
module finds the masthead, drops the page furniture, and finds where each
paragraph starts and ends and which source lines it takes; naming the paragraphs
is ``structure.py``'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.ingest.textfix import OCR_DIGITS, join_lines
from rag.languages.layout import ANNEX_HEADING, LETTER_HEADING, MASTHEAD, SIGNED, SYMBOL

_SEPARATOR = re.compile(r"^\s*_{5,}\s*$")
# "12. Text"; the UN's Arabic documents write "12 - Text".
_NUMBERED = re.compile(r"^\s*([0-9SOoBZGl]{1,3})(?:\.|\s+-)\s+\S")
_NOTE_START = re.compile(r"^\s*(\d{1,2}|\*{1,3})\s+(?=\S)")
_UNSEPARATED_NOTE = re.compile(r"^(\d{1,2})\s+[A-ZÀ-Ý]")
_LIST_ITEM = re.compile(r"^[-–•]\s")
# A sub-paragraph's mark: "(a)", "b)", "(ii)".
SUBPARAGRAPH_MARK = r"\(?(?:[a-z]|[ivx]{2,4})\)"
SUBPARAGRAPH = re.compile(rf"^({SUBPARAGRAPH_MARK})\s+\S")
_TERMINAL = (".", ";", ":", "!", "?", "。", "；", "：", "！", "？", "؛", "؟")
_LONE_CONJUNCTIONS = {"ET", "OU", "ET/OU"}

# Page furniture of UN documents: the job number ("23-08812 (E) 150523"), the barcode ("*2308812*"),
# the page number with the job number ("2/3 23-08812", "23-08812 3/3").
_JOB = r"\d{2}-\d{5}"
_FURNITURE = re.compile(
    rf"^\s*(?:{_JOB}(?:\s*\([A-Z]\))?(?:\s+\d{{6}}){{0,2}}|\*\d{{7,8}}\*"
    rf"|\d{{1,3}}/\d{{1,3}}\s+{_JOB}|{_JOB}\s+\d{{1,3}}/\d{{1,3}})\s*$"
)
_SYMBOL_LINE = re.compile(rf"^\s*({SYMBOL})\s*$")
_MASTHEAD_MAX_LINES = 15
_MASTHEAD_MAX_WIDTH = 80


@dataclass(frozen=True)
class Block:
    """A paragraph found in the source, before it is labelled.

    Attributes:
        line_numbers: the 1-based source lines it is made of, in order.
        raw: those lines joined (line-end hyphens glued), text otherwise as in the source.
        number: the paragraph number the document gives it, OCR-repaired, if any.
        note: the footnote number when the block is a footnote, else None.
        masthead: the block is the document's masthead.
        lines: the source lines themselves, stripped.
        heading: the format itself marks the block as a heading (a Word heading style, an HTML ``<h2>``).
    """

    line_numbers: tuple[int, ...]
    raw: str
    number: int | None = None
    note: str | None = None
    masthead: bool = False
    lines: tuple[str, ...] = field(default=(), compare=False, repr=False)
    heading: bool = False


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
        Blocks ordered by their first source line, the masthead first when the
        document has one. Every non-blank line that is neither a footnote
        separator nor page furniture (``furniture_lines``) belongs to exactly one block.
    """
    masthead, symbol = _masthead(lines)
    dropped = furniture_lines(lines, symbol, masthead)
    taken = set(masthead) | dropped
    running, notes = _take_out_notes(["" if number in taken else text for number, text in enumerate(lines, 1)])
    blocks = _group_running_text(running) + notes
    if masthead:
        texts = [lines[number - 1] for number in masthead]
        blocks.append(_block(list(zip(masthead, texts, strict=True)), masthead=True))
    blocks.sort(key=lambda block: block.line_numbers[0])
    return blocks


def _block(lines: list[tuple[int, str]], **fields) -> Block:
    return Block(
        line_numbers=tuple(number for number, _ in lines),
        raw=join_lines([text for _, text in lines]),
        lines=tuple(text.strip() for _, text in lines),
        **fields,
    )


def _masthead(lines: list[str]) -> tuple[tuple[int, ...], str | None]:
    """The source lines (1-based) of the document's masthead and the symbol it gives.

    The masthead opens the document with the Organization's name and the symbol
    ("United Nations A/77/893") and runs, over blank lines, until the first
    indented line (the first heading), for a few short lines at most.
    """
    start = next((index for index, text in enumerate(lines) if text.strip()), None)
    found = MASTHEAD.match(lines[start]) if start is not None else None
    if not found:
        return (), None
    taken = [start + 1]
    for index in range(start + 1, len(lines)):
        text = lines[index]
        if not text.strip():
            continue
        if text[0].isspace() or _SEPARATOR.match(text) or len(text.strip()) > _MASTHEAD_MAX_WIDTH:
            break
        if len(taken) == _MASTHEAD_MAX_LINES:
            break
        taken.append(index + 1)
    return tuple(taken), found.group("symbol")


def furniture_lines(lines: list[str], symbol: str | None = None, masthead: tuple[int, ...] = ()) -> set[int]:
    """The source lines (1-based) that are page furniture, not text: job numbers, barcodes,
    page numbers, and the document's symbol alone on a line (at the top of a page).

    Without a masthead to give the symbol, a line holding only a symbol is furniture
    when the line before or after it is.

    Args:
        lines: the document's lines.
        symbol: the document's symbol, when its masthead gives it; found here when None.
        masthead: the masthead's lines, when already found.
    """
    if symbol is None and not masthead:
        masthead, symbol = _masthead(lines)
    found = {number for number, text in enumerate(lines, 1) if _FURNITURE.match(text)} - set(masthead)
    filled = [number for number, text in enumerate(lines, 1) if text.strip()]
    for position, number in enumerate(filled):
        alone = _SYMBOL_LINE.match(lines[number - 1])
        if not alone or number in masthead:
            continue
        neighbours = {filled[i] for i in (position - 1, position + 1) if 0 <= i < len(filled)}
        if alone.group(1) == symbol or neighbours & found:
            found.add(number)
    return found


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
    numbered = [block for block in notes if block.note and block.note.isdigit()]
    return int(numbered[-1].note) + 1 if numbered else 1


def _read_note_zone(lines: list[str], start: int, expected: int) -> tuple[int, list[Block]]:
    """Read the numbered notes that follow a separator.

    A note starts with its number (or with stars: "* A/79/50."); its wrapped lines
    start in the first column. The running text resumes at the first line that is
    neither: PDF extraction indents the lines that carry on the interrupted paragraph.

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
        mark = start_match.group(1) if start_match else ""
        if mark.startswith("*") or (mark and int(mark) == expected):
            notes.append((mark, [_Line(index + 1, text)]))
            expected += 0 if mark.startswith("*") else 1
        elif notes and text.strip() and not text[0].isspace() and not _SEPARATOR.match(text):
            notes[-1][1].append(_Line(index + 1, text))
        else:
            break
        index += 1
    blocks = [_block([(line.number, line.text) for line in note_lines], note=number) for number, note_lines in notes]
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
        [_block([(line.number, line.text) for line in group.lines], number=group.number) for group in groups]
    )


def _starts_new(group: _Group, line: _Line, number: int | None, gap: bool) -> bool:
    """Decide whether ``line`` starts a paragraph or carries on ``group``."""
    if number is not None:
        return True
    previous = group.lines[-1].text.rstrip()
    stripped = line.text.strip()
    indent = _indent(line.text)
    if SUBPARAGRAPH.match(stripped) and (gap or indent):
        return True
    if gap:
        return not _continues_across_gap(group, previous, stripped)
    if indent and previous.endswith(_TERMINAL):
        return True
    if indent and stripped[:1].isupper() and len(group.lines) == 1 and _indent(group.lines[0].text) > max(indent, 1):
        return True  # a heading alone on its line ("   Summary"), its text on the next line, less indented
    return indent >= 2 and stripped[:1].isupper()


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _continues_across_gap(group: _Group, previous: str, stripped: str) -> bool:
    """A page break (blank lines) does not end a paragraph whose next line carries on."""
    first = stripped[:1]
    if first.islower():
        return True
    if stripped.startswith(SIGNED):  # "(Signé) Name" under the signatory's titles
        return not previous.endswith(_TERMINAL)
    if _LIST_ITEM.match(stripped):
        return previous.endswith(":") or group.has_list_item
    # a heading that opens with its date ("2023年5月10日…的信") carries nothing on
    return (
        first.isdigit()
        and not previous.endswith(_TERMINAL)
        and not (LETTER_HEADING.match(stripped) or ANNEX_HEADING.search(stripped))
    )


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
                lines=pending.lines + block.lines,
            )
            pending = None
        if block.raw.strip().upper() in _LONE_CONJUNCTIONS and block.number is None:
            pending = block
            continue
        merged.append(block)
    if pending is not None:
        merged.append(pending)
    return merged
