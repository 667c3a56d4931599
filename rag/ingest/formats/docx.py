"""Word documents (.docx, python-docx): one paragraph per Word paragraph, real footnotes as notes.

A Word file says itself where a paragraph starts and ends, so its paragraphs are the blocks the
labeller names (``rag.ingest.structure``), in reading order, tables' cells included. From the file, not
from guesses on the text:

- **numbering** from the numbering definitions (``numbering.xml``), whether the paragraph or its
  style asks for it: a decimal number is the paragraph's number (``12.``), a letter or a roman
  numeral a sub-paragraph's mark (``(b)``), a bullet a list item; a number typed in the text is
  read as in a text file, where it follows the numbering;
- **headings** from heading styles (``Heading 1``…, ``Title``) and outline levels;
- **footnotes** from the footnotes part, numbered in the order Word numbers them; each becomes a
  ``note N`` paragraph, and its call in the text a superscript digit that the text pipeline records;
- the **masthead**: a first paragraph (or table) that opens with the Organization's name and the
  symbol, its line breaks kept as its lines.
"""

from __future__ import annotations

import zipfile
from collections import defaultdict
from pathlib import Path

from rag.ingest.formats import Extracted, UnreadableDocumentError
from rag.ingest.paragraphs import Block, _Numbering
from rag.ingest.textfix import TO_SUPERSCRIPT, join_lines
from rag.languages.layout import MASTHEAD

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_FOOTNOTES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"
_ROMAN = {1: "i", 2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii", 9: "ix", 10: "x"}


def read_docx(path: Path) -> Extracted:
    """Read a Word file's paragraphs and footnotes as blocks.

    Raises:
        UnreadableDocumentError: not a Word file (another zip, another format, damaged), or no text.
    """
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableDocumentError(f"not a Word (.docx) document ({type(error).__name__}: {error})") from error
    footnotes = _footnote_texts(word)
    numbering = _Numbers(word)
    order: dict[str, str] = {}  # footnote id -> the number Word shows
    paragraphs = [_paragraph_text(p, footnotes, order) for p in _body_paragraphs(word)]
    blocks: list[Block] = []
    typed = _Numbering()
    for element, text in paragraphs:
        lines = tuple(line.strip() for line in text.split("\n") if line.strip())
        if not lines:
            continue
        number = len(blocks) + 1
        if not blocks and MASTHEAD.match(lines[0]):
            blocks.append(Block((number,), join_lines(list(lines)), masthead=True, lines=lines))
            continue
        raw = join_lines(list(lines))
        mark, value = numbering.mark(element, word)
        if value is not None:
            typed.accept(value)
            blocks.append(Block((number,), f"{value}. {raw}", number=value, lines=lines))
            continue
        if mark:
            raw = f"{mark} {raw}"
        else:
            value = typed.match(raw)
            if value is not None:
                typed.accept(value)
                blocks.append(Block((number,), raw, number=value, lines=lines))
                continue
        blocks.append(Block((number,), raw, lines=lines, heading=_is_heading(element, word)))
    for footnote_id, shown in order.items():
        text = join_lines(footnotes.get(footnote_id, "").split("\n"))
        if text:
            blocks.append(Block((len(blocks) + 1,), f"{shown} {text}", note=shown, lines=(text,)))
    if not blocks:
        raise UnreadableDocumentError("the Word document has no text")
    return Extracted(blocks=tuple(blocks))


def _body_paragraphs(word) -> list:
    """The body's paragraphs in reading order, those of table cells included (each cell once)."""
    found = []
    for child in word.element.body.iterchildren():
        if child.tag == f"{_W}p":
            found.append(child)
        elif child.tag == f"{_W}tbl":
            seen = set()
            for cell in child.iter(f"{_W}tc"):
                if id(cell) in seen:
                    continue
                seen.add(id(cell))
                found.extend(cell.iterchildren(f"{_W}p"))
    return found


def _paragraph_text(element, footnotes: dict[str, str], order: dict[str, str]) -> tuple[object, str]:
    """A paragraph's text: runs' text, tabs as spaces, line breaks as newlines, note calls raised.

    A footnote reference is written as the number Word shows for it (its own mark, "*", when the
    reference says the mark follows); digits in a superscript run (a second call of a note, made
    with a cross-reference) as superscript digits.
    """
    parts = []
    custom: str | None = None  # a footnote whose own mark is the next text
    for node in element.iter():
        tag = node.tag
        if tag == f"{_W}t" and node.text:
            text = node.text
            if custom is not None:
                order.setdefault(custom, text.strip() or str(len(order) + 1))
                custom = None
            elif text.strip().isdigit() and _raised(node.getparent()):
                text = text.translate(TO_SUPERSCRIPT)
            parts.append(text)
        elif tag == f"{_W}tab":
            parts.append(" ")
        elif tag in (f"{_W}br", f"{_W}cr"):
            parts.append("\n")
        elif tag == f"{_W}footnoteReference":
            footnote_id = node.get(f"{_W}id")
            if footnote_id not in footnotes:
                continue
            if node.get(f"{_W}customMarkFollows") in ("1", "true", "on"):
                custom = footnote_id
                continue
            shown = order.setdefault(footnote_id, str(sum(mark.isdigit() for mark in order.values()) + 1))
            parts.append(shown.translate(TO_SUPERSCRIPT))
    return element, "".join(parts)


def _raised(run) -> bool:
    align = run.find(f"{_W}rPr/{_W}vertAlign") if run is not None else None
    return align is not None and align.get(f"{_W}val") == "superscript"


def _footnote_texts(word) -> dict[str, str]:
    """The text of each real footnote (separators left out), by its id."""
    part = next((rel.target_part for rel in word.part.rels.values() if rel.reltype == _FOOTNOTES), None)
    if part is None:
        return {}
    from lxml import etree

    root = part.element if hasattr(part, "element") else etree.fromstring(part.blob)
    texts = {}
    for note in root.iter(f"{_W}footnote"):
        if note.get(f"{_W}type") in ("separator", "continuationSeparator", "continuationNotice"):
            continue
        lines = ["".join(t.text or "" for t in p.iter(f"{_W}t")).strip() for p in note.iter(f"{_W}p")]
        texts[note.get(f"{_W}id")] = "\n".join(line for line in lines if line)
    return texts


def _style_chain(element, word):
    """The paragraph's style and the styles it is based on, nearest first."""
    style_id = element.find(f"{_W}pPr/{_W}pStyle")
    style = None
    if style_id is not None:
        style = next((s for s in word.styles if s.style_id == style_id.get(f"{_W}val")), None)
    while style is not None:
        yield style
        style = style.base_style


def _is_heading(element, word) -> bool:
    if element.find(f"{_W}pPr/{_W}outlineLvl") is not None:
        return True
    return any(style.name.startswith(("Heading", "Title")) for style in _style_chain(element, word))


class _Numbers:
    """Word's automatic numbering: the number or mark each numbered paragraph shows."""

    def __init__(self, word) -> None:
        self.levels: dict[tuple[str, int], tuple[str, int]] = {}  # (numId, level) -> (format, start)
        self.counters: dict[str, dict[int, int]] = defaultdict(dict)
        try:
            root = word.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract = {}
        for node in root.iter(f"{_W}abstractNum"):
            levels = {}
            for lvl in node.iter(f"{_W}lvl"):
                fmt = lvl.find(f"{_W}numFmt")
                start = lvl.find(f"{_W}start")
                levels[int(lvl.get(f"{_W}ilvl"))] = (
                    fmt.get(f"{_W}val") if fmt is not None else "decimal",
                    int(start.get(f"{_W}val")) if start is not None else 1,
                )
            abstract[node.get(f"{_W}abstractNumId")] = levels
        for num in root.iter(f"{_W}num"):
            ref = num.find(f"{_W}abstractNumId")
            for level, value in abstract.get(ref.get(f"{_W}val") if ref is not None else "", {}).items():
                self.levels[(num.get(f"{_W}numId"), level)] = value

    def mark(self, element, word) -> tuple[str, int | None]:
        """The paragraph's number (decimal level) or its mark ("(b)", "(ii)", "-"); ("", None) when unnumbered."""
        num_pr = element.find(f"{_W}pPr/{_W}numPr")
        for style in _style_chain(element, word) if num_pr is None else ():
            num_pr = style.element.find(f"{_W}pPr/{_W}numPr") if style.element is not None else None
            if num_pr is not None:
                break
        if num_pr is None:
            return "", None
        num_id = num_pr.find(f"{_W}numId")
        level_node = num_pr.find(f"{_W}ilvl")
        num = num_id.get(f"{_W}val") if num_id is not None else None
        level = int(level_node.get(f"{_W}val")) if level_node is not None else 0
        if num is None or num == "0" or (num, level) not in self.levels:
            return "", None
        fmt, start = self.levels[(num, level)]
        counters = self.counters[num]
        value = counters.get(level, start - 1) + 1
        counters[level] = value
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        if fmt == "decimal":
            return "", value
        if fmt == "lowerLetter":
            return f"({chr(ord('a') + value - 1)})", None
        if fmt == "lowerRoman":
            return f"({_ROMAN.get(value, str(value))})", None
        if fmt == "bullet":
            return "-", None
        return "", None
