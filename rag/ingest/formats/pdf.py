"""PDF documents read from their layout (pdfplumber): the line stream a text file would be.

Every character comes with its position and font size. From them, page by page:

- **lines** are the characters of the body's size that share a baseline; smaller characters raised
  inside a line are **note calls**, written as superscript digits (``siècle¹``) so that the text
  pipeline records them and takes them out of the text;
- **running headers and footers** are the lines in the top or bottom band of a page that are page
  furniture by their form (the page's own number, job number, barcode; from page 2, the symbol or
  the Organization's name alone) or that recur, digits aside, in that band on half the pages; the
  symbol they give is the document's;
- **footnotes** are the lines under a short rule in the lower part of the page when the first of
  them opens with a number or a star (or, without a rule, the lines in a smaller font under the last
  body line that open so); they are written after the body, each page's under a ``________``
  separator, their raised number as the note's number;
- **indentation** is the distance from the margin of odd or even pages in half-ems, written as
  leading spaces (not in the masthead, whose fields stand at the right), and a vertical gap larger
  than the line spacing (for the type's size) is a blank line;
- a page set in **two columns** is read column by column;
- a **page break** is a blank line, except where the page ends on a full line that does not end a
  sentence and the next page opens on a line that is not indented: there the paragraph runs on.

``rag.ingest.paragraphs`` then cuts that stream as it cuts a text file, and each line keeps its page.
"""

from __future__ import annotations

import itertools
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from rag.ingest.formats import Extracted, UnreadableDocumentError
from rag.ingest.paragraphs import _FURNITURE
from rag.ingest.textfix import TO_SUPERSCRIPT
from rag.languages.layout import LAYOUTS, MASTHEAD, SYMBOL

# Share of the page's height, at the top and at the bottom, where running headers and footers stand.
_BAND = 0.1
# A character this much smaller than the body's (or a note's) size is a raised call or a footnote.
_SMALL = 0.95
# A vertical gap this many times the usual line spacing is a blank line (a new paragraph).
_PARAGRAPH_GAP = 1.3
# Typographic ligatures, which extraction gives as one character ("ﬁ").
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"})
_SEPARATOR_LINE = "__________"
# A note numbered as a list item: "1. Text", "2) Text".
_LISTED_NOTE = re.compile(r"^(\d{1,3}|\*{1,3})[.)]\s+")
_TERMINAL = (".", ";", ":", "!", "?", "。", "；", "：", "！", "？", "؛", "؟")
# A page number alone: "3", "- 3 -", "3/9" (the first number is the page's).
_PAGE_NUMBER = re.compile(r"^\s*(?:-\s*)?(\d{1,4})(?:\s*/\s*\d{1,4})?(?:\s*-)?\s*$")
_LONE_SYMBOL = re.compile(rf"^\s*({SYMBOL})\s*$")
_ORGANIZATION = re.compile(r"^\s*(?:" + "|".join(layout.masthead for layout in LAYOUTS.values()) + r")\s*$")
# The job number with the page number on either side: "06-63432    3/9", "2/9    06-63432".
_JOB_AND_PAGE = re.compile(
    r"^\s*(?:\d{1,4}/\d{1,4}\s+)?\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{1,4}/\d{1,4}|(?:\s+\d{6}){0,2})\s*$"
)


@dataclass
class _Line:
    """One printed line: its characters' text, place and size."""

    page: int
    top: float
    bottom: float
    x0: float
    x1: float
    size: float
    chars: list[dict] = field(default_factory=list, repr=False)
    raised: list[dict] = field(default_factory=list, repr=False)
    column: int = 0  # 1 for the right column of a page set in two

    @property
    def text(self) -> str:
        return _text(self.chars, self.raised)


def read_pdf(path: Path) -> Extracted:
    """Read a PDF into the line stream of ``rag.ingest.paragraphs``.

    Raises:
        UnreadableDocumentError: not a PDF, corrupt, encrypted, without pages, or without a text
            layer (a scan: OCR is not done).
    """
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException

    try:
        with pdfplumber.open(path) as pdf:
            pages = [(page.height, _chars(page), _rules(page)) for page in pdf.pages]
    except (PDFSyntaxError, PSException) as error:
        raise UnreadableDocumentError(f"not a readable PDF ({error or type(error).__name__})") from error
    except Exception as error:  # pdfminer raises bare KeyError, TypeError… on damaged files
        if "password" in str(error).lower() or "encrypt" in type(error).__name__.lower():
            raise UnreadableDocumentError("the PDF is encrypted") from error
        raise UnreadableDocumentError(f"not a readable PDF ({type(error).__name__}: {error})") from error
    if not pages:
        raise UnreadableDocumentError("the PDF has no pages")
    if not any(chars for _, chars, _ in pages):
        raise UnreadableDocumentError(
            f"no text layer in its {len(pages)} page(s): a scanned PDF? (OCR is not done; export the text or "
            "a PDF with text from the source)"
        )
    return _stream(pages)


def _chars(page) -> list[dict]:
    return [char for char in page.chars if char.get("upright", True) and char["text"].strip()]


def _rules(page) -> list[tuple[float, float, float]]:
    """Horizontal rules of a page: (top, x0, x1), from drawn lines and thin rectangles."""
    found = [(line["top"], line["x0"], line["x1"]) for line in page.lines if abs(line["top"] - line["bottom"]) < 1]
    found += [(rect["top"], rect["x0"], rect["x1"]) for rect in page.rects if rect["height"] < 1.5]
    return found


def _text(chars: list[dict], raised: list[dict]) -> str:
    """The characters in reading order, a space where the gap between two is a space's width."""
    items = sorted([(c, False) for c in chars] + [(c, True) for c in raised], key=lambda item: item[0]["x0"])
    parts: list[str] = []
    previous = None
    for char, is_raised in items:
        text = char["text"].translate(TO_SUPERSCRIPT) if is_raised else char["text"].translate(_LIGATURES)
        if previous is not None and char["x0"] - previous["x1"] > 0.15 * min(previous["size"], char["size"]) * (
            0.6 if is_raised else 1
        ):
            parts.append(" ")
        parts.append(text)
        previous = char
    return "".join(parts)


def _group(chars: list[dict], page: int) -> list[_Line]:
    """Characters that share a baseline, as lines from the top of the page down."""
    lines: list[_Line] = []
    for char in sorted(chars, key=lambda c: (round(c["bottom"]), c["x0"])):
        line = lines[-1] if lines else None
        if line is not None and abs(char["bottom"] - line.bottom) <= 0.25 * char["size"]:
            line.chars.append(char)
            line.x0, line.x1 = min(line.x0, char["x0"]), max(line.x1, char["x1"])
            continue
        lines.append(_Line(page, char["top"], char["bottom"], char["x0"], char["x1"], char["size"], [char]))
    return lines


def _columns(lines: list[_Line]) -> list[_Line]:
    """A page set in two columns, as the left column's lines then the right one's.

    The gutter is a band of the middle of the page, at least an em wide, that hardly any line
    crosses; lines that cross it (a title over both columns) stay whole and keep their place
    between the columns' runs. A page without a gutter is returned as it is.
    """
    if len(lines) < 6:
        return lines
    left, right = min(line.x0 for line in lines), max(line.x1 for line in lines)
    size = statistics.median(line.size for line in lines)
    step = size / 4
    bins = int((right - left) / step) + 1
    covered = [0] * bins
    for line in lines:
        chars = sorted(line.chars, key=lambda c: c["x0"])
        start = chars[0]["x0"]
        for before, after in itertools.pairwise(chars):
            if after["x0"] - before["x1"] > size:  # a wide gap in the line is not covered
                _cover(covered, start, before["x1"], left, step)
                start = after["x0"]
        _cover(covered, start, chars[-1]["x1"], left, step)
    low, high = int(bins * 0.3), int(bins * 0.7)
    crossing = max(1, len(lines) // 10)
    run, gutter = [], None
    for index in range(low, high):
        if covered[index] <= crossing:
            run.append(index)
            if len(run) * step >= size and gutter is None:
                gutter = run
        else:
            if gutter is not None:
                break
            run = []
    if gutter is None:
        return lines
    middle = left + (gutter[0] + len(gutter) / 2) * step
    ordered: list[_Line] = []
    pending: list[list[_Line]] = [[], []]
    for line in sorted(lines, key=lambda line: line.top):
        parts = [[c for c in line.chars if c["x1"] <= middle], [c for c in line.chars if c["x0"] >= middle]]
        if len(parts[0]) + len(parts[1]) < len(line.chars):  # crosses the gutter: spans both columns
            ordered += pending[0] + pending[1] + [line]
            pending = [[], []]
            continue
        for column, chars in enumerate(parts):
            if chars:
                x0, x1 = min(c["x0"] for c in chars), max(c["x1"] for c in chars)
                pending[column].append(_Line(line.page, line.top, line.bottom, x0, x1, line.size, chars, [], column))
    return ordered + pending[0] + pending[1]


def _cover(covered: list[int], x0: float, x1: float, left: float, step: float) -> None:
    for index in range(int((x0 - left) / step), min(len(covered), int((x1 - left) / step) + 1)):
        covered[index] += 1


def _attach_raised(lines: list[_Line], chars: list[dict]) -> list[dict]:
    """Put each small character raised within a line into that line; return the others."""
    rest = []
    for char in chars:
        home = next((line for line in lines if line.top - 1 <= char["bottom"] <= line.bottom - 0.1 * line.size), None)
        if home is None:
            rest.append(char)
        else:
            home.raised.append(char)
            home.x0, home.x1 = min(home.x0, char["x0"]), max(home.x1, char["x1"])
    return rest


def _page_lines(chars: list[dict], body_size: float, page: int) -> tuple[list[_Line], list[_Line]]:
    """A page's lines in the body's size (or larger) and in smaller sizes, raised calls attached to their line.

    The smaller characters are read size by size, the largest first: a footnote's text before its
    raised number, which then goes into the line it is raised in.
    """
    large = [c for c in chars if c["size"] >= _SMALL * body_size]
    small = [c for c in chars if c["size"] < _SMALL * body_size]
    body = _columns(_group(large, page))
    small = _attach_raised(body, small)
    lines: list[_Line] = []
    while small:
        largest = max(c["size"] for c in small)
        lines += _group([c for c in small if c["size"] >= _SMALL * largest], page)
        small = _attach_raised(lines, [c for c in small if c["size"] < _SMALL * largest])
    lines.sort(key=lambda line: line.top)
    return body, lines


def _segments(line: _Line) -> list[str]:
    """The parts of a line set apart by wide gaps (a footer's job number on the left, its barcode on the right)."""
    chars = sorted(line.chars + line.raised, key=lambda c: c["x0"])
    parts: list[list[dict]] = []
    for char in chars:
        if parts and char["x0"] - parts[-1][-1]["x1"] <= 2 * char["size"]:
            parts[-1].append(char)
        else:
            parts.append([char])
    return [_text(part, []) for part in parts]


def _is_furniture(line: _Line, recurring: set[str]) -> bool:
    """Page furniture by what recurs on the pages, or by form: each part of the line is a page number
    (that of its page: a number alone that is not is text), a job number, a barcode, or, from page 2
    (page 1 has the masthead instead of a running header), a symbol or the Organization's name alone."""
    return _shape(line.text) in recurring or all(_furniture_form(part, line.page) for part in _segments(line))


def _furniture_form(text: str, page: int) -> bool:
    number = _PAGE_NUMBER.match(text)
    return bool(
        (number and int(number.group(1)) == page)
        or _FURNITURE.match(text)
        or _JOB_AND_PAGE.match(text)
        or (page > 1 and (_LONE_SYMBOL.match(text) or _ORGANIZATION.match(text)))
    )


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", text.strip()))


def _stream(pages: list[tuple[float, list[dict], list[tuple[float, float, float]]]]) -> Extracted:
    sizes = Counter(round(char["size"], 1) for _, chars, _ in pages for char in chars)
    body_size = sizes.most_common(1)[0][0]
    laid_out = []
    for number, (height, chars, rules) in enumerate(pages, 1):
        body, small = _page_lines(chars, body_size, number)
        laid_out.append((height, rules, body, small))
    # what recurs in the top or bottom band of the pages, digits aside
    banded = Counter()
    for height, _, body, small in laid_out:
        shapes = {_shape(line.text) for line in body + small if _in_band(line, height)}
        banded.update(shapes)
    recurring = {shape for shape, count in banded.items() if count >= 2 and count >= len(pages) / 2}

    symbols: Counter[str] = Counter()
    bodies: list[list[_Line]] = []
    notes: list[list[_Line]] = []
    for height, rules, body, small in laid_out:
        kept_body, kept_small = [], []
        for line in body + small:
            text = line.text
            if _in_band(line, height) and _is_furniture(line, recurring):
                found = _LONE_SYMBOL.match(text)
                if found:
                    symbols[found.group(1)] += 1
                continue
            (kept_body if line in body else kept_small).append(line)
        page_lines = sorted(kept_body + kept_small, key=lambda line: line.top)
        page_notes = _footnotes(page_lines, kept_small, rules)
        kept_body = [line for line in kept_body if line not in page_notes]
        kept_body += [line for line in kept_small if line not in page_notes]
        if not any(line.column for line in kept_body):  # two columns keep their reading order
            kept_body.sort(key=lambda line: line.top)
        bodies.append(kept_body)
        notes.append(page_notes)
    lines, pages_of = _write(bodies, notes)
    return Extracted(
        lines=tuple(lines),
        pages=tuple(pages_of),
        symbol=symbols.most_common(1)[0][0] if symbols else None,
        page_count=len(pages),
    )


def _in_band(line: _Line, height: float) -> bool:
    return line.bottom < _BAND * height or line.top > (1 - _BAND) * height


def _footnotes(lines: list[_Line], small: list[_Line], rules: list[tuple[float, float, float]]) -> list[_Line]:
    """The page's footnote lines.

    Under a short rule in the lower part of the page, everything, when the first line under it opens
    as a note does (a number, raised or not, or a star); without such a rule, the lines in the
    smaller font under the last line in the body's size, when the first opens as a note does.
    """
    if not lines:
        return []
    width = max(line.x1 for line in lines) - min(line.x0 for line in lines)
    lowest = max(line.bottom for line in lines)
    for top in sorted(top for top, x0, x1 in rules if (x1 - x0) < 0.5 * width and top > 0.4 * lowest):
        under = [line for line in lines if line.top >= top]
        if under and _opens_note(under[0]):
            return under
    last_body = max((line.bottom for line in lines if line not in small), default=0.0)
    under = [line for line in small if line.top >= last_body]
    return under if under and _opens_note(under[0]) else []


def _opens_note(line: _Line) -> bool:
    first = min(line.chars + line.raised, key=lambda c: c["x0"])
    return first in line.raised or first["text"].isdigit() or first["text"] == "*"


def _margins(bodies: list[list[_Line]]) -> dict[tuple[int, int], tuple[float, float]]:
    """The left margin (the commonest start of a line) and the right one, for odd and even pages
    and for each column."""
    margins = {}
    for key in {(line.page % 2, line.column) for page in bodies for line in page}:
        lines = [line for page in bodies for line in page if (line.page % 2, line.column) == key]
        left = Counter(round(line.x0) for line in lines).most_common(1)[0][0]
        right = statistics.quantiles([line.x1 for line in lines], n=10)[-1] if len(lines) > 1 else lines[0].x1
        margins[key] = (float(left), right)
    return margins


def _write(bodies: list[list[_Line]], notes: list[list[_Line]]) -> tuple[list[str], list[int | None]]:
    """The line stream: body lines with their indentation and blank lines, then the footnotes."""
    margins = _margins(bodies)
    spacings = [later.bottom - earlier.bottom for page in bodies for earlier, later in itertools.pairwise(page)]
    spacing = statistics.median(spacings) if spacings else 0.0
    size = statistics.median(line.size for page in bodies for line in page) if spacings else 0.0
    lines: list[str] = []
    pages: list[int | None] = []

    def emit(text: str, page: int | None) -> None:
        lines.append(text)
        pages.append(page)

    previous: _Line | None = None
    in_masthead = bool(bodies and bodies[0] and MASTHEAD.match(bodies[0][0].text.strip()))
    for page in bodies:
        for line in page:
            left, right = margins[(line.page % 2, line.column)]
            indent = max(0, round((line.x0 - left) / (0.5 * line.size)))
            if in_masthead:
                # the masthead's fields set at the right (distribution, date, language) are not indented;
                # the first indented line under it (the heading) ends it
                in_masthead = line.page == 1 and (not indent or line.x0 > (left + right) / 2)
                indent = indent if not in_masthead else 0
            text = line.text.strip()
            if previous is not None:
                if (previous.page, previous.column) != (line.page, line.column):  # a page or column break
                    ends = previous.text.rstrip().endswith(_TERMINAL)
                    full = previous.x1 >= margins[(previous.page % 2, previous.column)][1] - 2 * line.size
                    if ends or not full or indent:
                        emit("", None)
                elif spacing and line.bottom - previous.bottom > _PARAGRAPH_GAP * spacing * max(
                    1.0, max(line.size, previous.size) / size
                ):  # larger type (a heading) is set with more space between its lines
                    emit("", None)
            emit(" " * indent + text, line.page)
            previous = line
    expected = 1  # the number of the next note
    for page_notes in notes:
        if not page_notes:
            continue
        emit("", None)
        emit(_SEPARATOR_LINE, None)
        for line in page_notes:
            text = _note_line(line)
            listed = _LISTED_NOTE.match(text)
            if listed and listed.group(1) == str(expected):  # "1. Text": the next note, numbered as a list
                text = f"{listed.group(1)} {text[listed.end() :]}"
            expected += text.startswith(f"{expected} ")
            emit(text, line.page)
    return lines, pages


def _note_line(line: _Line) -> str:
    """A footnote line, its raised number (if it opens with one) written plain before the text."""
    if line.raised and min(c["x0"] for c in line.raised) <= min((c["x0"] for c in line.chars), default=1e9):
        first = min(c["x0"] for c in line.chars) if line.chars else 1e9
        mark = "".join(c["text"] for c in sorted(line.raised, key=lambda c: c["x0"]) if c["x0"] < first)
        rest = [c for c in line.raised if c["x0"] >= first]
        return f"{mark} {_text(line.chars, rest).strip()}"
    return line.text.strip()
