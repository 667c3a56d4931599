"""Web pages saved from a browser (.html, .htm): the main text only, by trafilatura.

trafilatura finds the page's main text and leaves out navigation, banners, footers and comments;
its XML keeps the headings (``<head>``), paragraphs, list items and raised text. Each becomes a
block: a heading is marked as one, an item of a numbered list carries its number (``12.``) when it
follows the document's numbering, a raised number is a note call (``siècle¹``). Footnotes marked as
such in the page (``role="doc-endnotes"``, ``class="footnotes"``, items with an ``fn…`` id) become
``note N`` paragraphs. A first paragraph that opens with the Organization's name and the symbol,
on a line of its own, is the masthead.
"""

from __future__ import annotations

import re
from pathlib import Path

from rag.ingest.formats import Extracted, UnreadableDocumentError
from rag.ingest.paragraphs import Block, _Numbering
from rag.ingest.textfix import TO_SUPERSCRIPT
from rag.languages.layout import MASTHEAD

_BACK_LINK = re.compile(r"[↩↑]\ufe0e?")
_FOOTNOTE_ITEMS = (
    "//*[@role='doc-endnotes' or @role='doc-footnotes' or contains(@class, 'footnotes')]//li"
    " | //li[starts-with(@id, 'fn')] | //aside[@role='doc-footnote']"
)


def read_html(path: Path) -> Extracted:
    """Read a saved web page's main text as blocks.

    Raises:
        UnreadableDocumentError: not HTML, or no main text in it.
    """
    import trafilatura
    from lxml import etree
    from lxml import html as lxml_html

    data = path.read_bytes()
    if not data.strip():
        raise UnreadableDocumentError("the file is empty")
    if b"\0" in data[:1024]:
        raise UnreadableDocumentError("not an HTML page (binary content)")
    try:
        extracted = trafilatura.extract(
            data, output_format="xml", include_comments=False, include_tables=True, include_formatting=True
        )
    except (ValueError, etree.ParserError) as error:
        raise UnreadableDocumentError(f"not a readable HTML page ({error})") from error
    if not extracted:
        raise UnreadableDocumentError("no main text found in the page")
    notes = _footnotes(lxml_html.fromstring(data))
    root = etree.fromstring(extracted.encode("utf-8"))
    blocks: list[Block] = []
    numbering = _Numbering()
    note_texts = {text for _, text in notes}
    for element in root.iter("head", "p", "item", "cell"):
        if element.tag == "p" and element.getparent() is not None and element.getparent().tag in ("item", "cell"):
            continue
        lines = tuple(_norm(line) for line in _BACK_LINK.sub("", _text(element)).split("\n") if line.strip())
        text = _norm(" ".join(lines))
        if not text or text in note_texts:
            continue
        number = len(blocks) + 1
        if not blocks and MASTHEAD.match(lines[0]):
            blocks.append(Block((number,), text, masthead=True, lines=lines))
            continue
        if element.tag == "head":
            blocks.append(Block((number,), text, lines=(text,), heading=True))
            continue
        if element.tag == "item" and element.getparent().get("rend") == "ol":
            position = 1 + sum(1 for sibling in element.itersiblings(preceding=True) if sibling.tag == "item")
            value = numbering.match(f"{position}. {text}")
            if value is not None:
                numbering.accept(value)
                blocks.append(Block((number,), f"{value}. {text}", number=value, lines=(text,)))
                continue
        elif element.tag == "item":
            text = f"- {text}"
        value = numbering.match(text)
        if value is not None:
            numbering.accept(value)
        blocks.append(Block((number,), text, number=value, lines=(text,)))
    for mark, text in notes:
        blocks.append(Block((len(blocks) + 1,), f"{mark} {text}", note=mark, lines=(text,)))
    if not blocks:
        raise UnreadableDocumentError("no main text found in the page")
    return Extracted(blocks=tuple(blocks))


def _text(element) -> str:
    """An element's text, raised digits as superscript digits, line breaks as newlines."""
    parts = [element.text or ""]
    for child in element:
        inner = "\n" if child.tag == "lb" else _text(child)
        if child.tag == "hi" and child.get("rend") == "#sup" and inner.strip().isdigit():
            inner = inner.strip().translate(TO_SUPERSCRIPT)
        parts.append(inner)
        parts.append(child.tail or "")
    return "".join(parts)


def _footnotes(page) -> list[tuple[str, str]]:
    """The page's footnotes, in order, as (mark, text), their back-links ("↩") left out.

    The mark is the one the item's id gives ("fn3", "fn*"), else the note's place in the list.
    """
    notes: list[tuple[str, str]] = []
    for item in page.xpath(_FOOTNOTE_ITEMS):
        text = _norm(_BACK_LINK.sub("", item.text_content()))
        if not text or text in {known for _, known in notes}:
            continue
        named = re.search(r"(\d{1,3}|\*{1,3})$", item.get("id") or "")
        notes.append((named.group(1) if named else str(len(notes) + 1), text))
    return notes


def _norm(text: str) -> str:
    return " ".join(text.split())
