"""PDF, Word and HTML files in the UN's layout, made from a text document of the corpus (tests and bench).

The text files of ``corpus/`` are what extraction made of the UN's PDFs: one source line per printed
line, the indentation as leading spaces, blank lines between paragraphs and at page breaks, each
page's footnotes under a ``________`` separator. ``write_pdf`` prints those lines back the way the
UN's Official Document System lays a document out: A4, a running header with the symbol (from page
2, outer side), a footer with the page number and the job number (page 1: job number with the
language letter and the date, and the barcode), footnotes at the foot of the page that calls them
in a smaller font under a short rule, their calls raised in the body, paragraphs running on over
page breaks where the page is full. ``write_docx`` writes the paragraphs of the text's parse as
Word paragraphs: numbered paragraphs with Word numbering, headings in heading styles, footnotes as
real Word footnotes (a footnotes part that python-docx cannot make, written here with its OPC API).
``write_html`` writes them as a web page saved from a browser, navigation and footer around them.

Nothing here knows a particular document: symbol and job number are arguments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.corpus import Document, parse_document
from rag.ingest.paragraphs import _take_out_notes, furniture_lines
from rag.ingest.textfix import _CALL_GROUPS, _NOTE_CALL, strip_note_calls

PAGE_WIDTH, PAGE_HEIGHT = 595.27, 841.89  # A4, points
LEFT, RIGHT = 56.0, 56.0
TOP, BOTTOM = 72.0, 78.0
BODY_FONT, NOTE_FONT = "Times-Roman", "Times-Roman"
NOTE_SIZE, NOTE_LEADING = 8.0, 9.6
FURNITURE_SIZE = 8.5
RULE_WIDTH = 72.0


@dataclass
class _Note:
    lines: list[str]
    after: int  # index of the body line it follows in the source


@dataclass
class _Page:
    lines: list[tuple[int, str | None]]  # (source index, text or None for a blank line)
    notes: list[_Note]


def _calls(text: str, notes: set[str]) -> list[tuple[int, int]]:
    """Spans of the note calls glued to words in one source line (those the text pipeline removes)."""
    spans = []
    for match in _NOTE_CALL.finditer(text):
        for _, call in _CALL_GROUPS:
            if match.group(call) and match.group(call) in notes and call != "after_number":
                spans.append(match.span(call))
    return spans


def _source(text: str) -> tuple[list[str | None], list[_Note]]:
    """Body lines (None for blank) and footnotes of a text document, furniture left out."""
    lines = text.splitlines()
    dropped = furniture_lines(lines)
    running, note_blocks = _take_out_notes(["" if n in dropped else line for n, line in enumerate(lines, 1)])
    body: list[str | None] = []
    numbers: list[int] = []
    for line in running:
        if line is None:
            body.append(None)
            numbers.append(numbers[-1] if numbers else 0)
        else:
            body.append(line.text.rstrip())
            numbers.append(line.number)
    notes = []
    for block in note_blocks:
        first = block.line_numbers[0]
        after = max((i for i, n in enumerate(numbers) if n < first), default=0)
        notes.append(_Note(lines=[lines[n - 1].strip() for n in block.line_numbers], after=after))
    return body, notes


@dataclass(frozen=True)
class Style:
    """How the body is set: font, first-line indent per leading space of the source, justification."""

    font: str = "Times-Roman"
    indent_em: float = 0.5
    justify: bool = False


# Another house style than the default, for the readers not to fit one: Helvetica, justified lines,
# indents of three ems per source space (a first-line indent of 30 points and more).
JUSTIFIED = Style(font="Helvetica", indent_em=3.0, justify=True)


def write_pdf(text: str, path: Path, symbol: str, job: str, language_letter: str = "F", style: Style = Style()) -> int:
    """Print a text document as a PDF in the UN's layout.

    Args:
        text: the document as in ``corpus/`` (hard-wrapped lines, footnotes under separators).
        path: the PDF to write.
        symbol: the document's symbol, for the running header ("A/61/588").
        job: the job number, for the footer ("06-63432").
        language_letter: the language letter of the job number on page 1 ("F").
        style: how the body is set.

    Returns:
        The number of pages.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.canvas import Canvas

    body, notes = _source(text)
    note_numbers = {line.split()[0] for note in notes for line in note.lines[:1] if line.split()}
    width = PAGE_WIDTH - LEFT - RIGHT
    widest = max(
        (stringWidth(line.strip(), style.font, 1) + _indent(line) * style.indent_em for line in body if line), default=1
    )
    size = min(10.5, width / widest)
    leading = size * 1.25
    pages = _paginate(body, notes, leading)
    canvas = Canvas(str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1)
    for number, page in enumerate(pages, 1):
        _furniture(canvas, number, len(pages), symbol, job, language_letter)
        y = PAGE_HEIGHT - TOP
        for index, line in page.lines:
            if line is not None:
                x = LEFT + _indent(line) * size * style.indent_em
                following = body[index + 1] if index + 1 < len(body) else None
                # a justified line reaches the right margin, unless it ends its paragraph
                last = following is None or _indent(following) > _indent(line)
                natural = stringWidth(line.strip(), style.font, size)
                spaces = line.strip().count(" ")
                stretch = (PAGE_WIDTH - RIGHT - x - natural) / spaces if spaces else 0.0
                word_space = stretch if style.justify and not last and natural > 0.6 * (width - x + LEFT) else 0.0
                _draw_line(canvas, line, x, y, size, note_numbers, style.font, word_space)
            y -= leading
        _draw_notes(canvas, page.notes)
        canvas.showPage()
    canvas.save()
    return len(pages)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _notes_height(notes: list[_Note]) -> float:
    return (8 + sum(len(note.lines) for note in notes) * NOTE_LEADING) if notes else 0.0


def _paginate(body: list[str | None], notes: list[_Note], leading: float) -> list[_Page]:
    pages = [_Page([], [])]
    for index, line in enumerate(body):
        page = pages[-1]
        anchored = [note for note in notes if note.after == index]
        used = len(page.lines) * leading + leading
        if used + _notes_height(page.notes + anchored) > PAGE_HEIGHT - TOP - BOTTOM and page.lines:
            page = _Page([], [])
            pages.append(page)
        if line is None and not page.lines:
            page.notes.extend(anchored)
            continue  # a blank line at the top of a page is no space at all
        page.lines.append((index, line))
        page.notes.extend(anchored)
    pages[-1].notes.extend(note for note in notes if note.after >= len(body))  # a document of notes alone
    return [page for page in pages if page.lines or page.notes]


def _draw_line(
    canvas, line: str, x: float, y: float, size: float, notes: set[str], font: str, word_space: float
) -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    text = line.strip()
    position = 0
    for start, end in [*_calls(text, notes), (len(text), len(text))]:
        segment = text[position:start]
        out = canvas.beginText(x, y)
        out.setFont(font, size)
        out.setWordSpace(word_space)
        out.textOut(segment)
        canvas.drawText(out)
        x += stringWidth(segment, font, size) + word_space * segment.count(" ")
        if end > start:
            canvas.setFont(font, size * 0.6)
            canvas.drawString(x, y + size * 0.38, text[start:end])
            x += stringWidth(text[start:end], font, size * 0.6)
        position = end


def _draw_notes(canvas, notes: list[_Note]) -> None:
    if not notes:
        return
    from reportlab.pdfbase.pdfmetrics import stringWidth

    y = BOTTOM - 8 + _notes_height(notes) - NOTE_LEADING
    canvas.setLineWidth(0.5)
    canvas.line(LEFT, y + NOTE_LEADING + 2, LEFT + RULE_WIDTH, y + NOTE_LEADING + 2)
    for note in notes:
        for position, line in enumerate(note.lines):
            x = LEFT
            if position == 0:
                mark, _, line = line.partition(" ")
                canvas.setFont(NOTE_FONT, NOTE_SIZE * 0.7)
                canvas.drawString(x, y + NOTE_SIZE * 0.35, mark)
                x += stringWidth(mark, NOTE_FONT, NOTE_SIZE * 0.7) + 3
            canvas.setFont(NOTE_FONT, NOTE_SIZE)
            canvas.drawString(x, y, line.strip())
            y -= NOTE_LEADING


def _furniture(canvas, number: int, total: int, symbol: str, job: str, language_letter: str) -> None:
    """Header and footer of one page, on the outer side (right on odd pages, left on even ones)."""
    canvas.setFont(BODY_FONT, FURNITURE_SIZE)
    right = PAGE_WIDTH - RIGHT
    if number == 1:
        canvas.drawString(LEFT, 40, f"{job} ({language_letter})    291106    291106")
        canvas.drawRightString(right, 40, f"*{job.replace('-', '')}*")
        return
    odd = number % 2 == 1
    draw = canvas.drawRightString if odd else canvas.drawString
    draw(right if odd else LEFT, PAGE_HEIGHT - 42, symbol)
    canvas.setLineWidth(0.3)
    canvas.line(LEFT, PAGE_HEIGHT - 48, right, PAGE_HEIGHT - 48)
    draw(right if odd else LEFT, 40, f"{job}    {number}/{total}" if odd else f"{number}/{total}    {job}")


def write_docx(document: Document, text: str, path: Path) -> None:
    """Write a parsed document as a Word file, one Word paragraph per paragraph.

    Numbered paragraphs use Word's numbering ("List Number"), the number not typed, while the
    numbers run 1, 2, 3… (then they are typed); headings and
    the title use heading styles; footnotes are real Word footnotes, called at the end of the
    paragraph that calls them (the parse keeps which paragraph calls a note, not where in it); the
    masthead is one paragraph whose source lines are line breaks.

    Args:
        document: the text document's parse.
        text: the text document itself, for the masthead's lines.
        path: the .docx file to write.
    """
    from docx import Document as WordDocument
    from docx.enum.text import WD_BREAK

    source = text.splitlines()
    word = WordDocument()
    notes = {p.label: p for p in document.paragraphs if p.kind == "note"}
    numbers = {_note_number(label): label for label in notes}
    footnotes = _Footnotes(word)
    body = [p for p in document.paragraphs if p.kind != "note"]
    # a note no paragraph calls is called at the end of the paragraph before it in the source
    uncalled: dict[str, list[str]] = {}
    for number, label in numbers.items():
        if not any(number in p.notes for p in body):
            first = notes[label].source_lines[0]
            before = max((p for p in body if p.source_lines[0] < first), key=lambda p: p.source_lines[0], default=None)
            before = before or next(iter(body), None)  # a note before any text: called by the first paragraph
            if before is not None:
                uncalled.setdefault(before.id, []).append(number)
    counted: int | None = 0  # the last number Word's numbering gave; None once numbers are typed
    for paragraph in body:
        if paragraph.kind == "masthead":
            target = word.add_paragraph()
            for index, line_number in enumerate(paragraph.source_lines):
                if index:
                    target.add_run().add_break(WD_BREAK.LINE)
                line, called = strip_note_calls(source[line_number - 1].strip(), set(numbers))
                target.add_run(line)
                for number in called:
                    footnotes.call(target, number, notes[numbers[number]].text)
            continue
        style = {"title": "Title", "heading": "Heading 1"}.get(paragraph.kind)
        typed = ""
        if paragraph.label.isdigit():
            # Word's numbering counts 1, 2, 3…: a number that does not follow is typed, and every one after it
            counted = counted + 1 if counted is not None and int(paragraph.label) == counted + 1 else None
            style = "List Number" if counted is not None else None
            typed = "" if counted is not None else f"{paragraph.label}. "
        target = word.add_paragraph(style=style)
        target.add_run(typed + paragraph.text)
        for number in [*paragraph.notes, *uncalled.get(paragraph.id, [])]:
            if number in numbers:
                footnotes.call(target, number, notes[numbers[number]].text)
    word.save(str(path))


def write_html(document: Document, text: str, path: Path) -> None:
    """Write a parsed document as a web page a browser saves: site navigation, banner and footer
    around the article; headings as ``<h1>``/``<h2>``, numbered paragraphs typed ("12. …") as on the
    UN's web pages, calls as ``<sup>`` links to footnotes in a ``doc-endnotes`` section, the
    masthead's lines broken with ``<br>``.
    """
    from html import escape

    source = text.splitlines()
    notes = [p for p in document.paragraphs if p.kind == "note"]
    numbers = {_note_number(p.label): p for p in notes}
    body = []
    for paragraph in document.paragraphs:
        if paragraph.kind == "note":
            continue
        calls = "".join(
            f'<sup><a href="#fn{escape(n)}" id="fnref{escape(n)}">{escape(n)}</a></sup>'
            for n in paragraph.notes
            if n in numbers
        )
        if paragraph.kind == "masthead":
            lines = [strip_note_calls(source[n - 1].strip(), set(numbers))[0] for n in paragraph.source_lines]
            body.append(f"<p>{'<br>'.join(escape(line) for line in lines)}{calls}</p>")
        elif paragraph.kind == "title":
            body.append(f"<h1>{escape(paragraph.text)}{calls}</h1>")
        elif paragraph.kind == "heading":
            body.append(f"<h2>{escape(paragraph.text)}{calls}</h2>")
        else:
            number = f"{paragraph.label}. " if paragraph.label.isdigit() else ""
            body.append(f"<p>{escape(number + paragraph.text)}{calls}</p>")
    footnotes = "".join(
        f'<li id="fn{escape(n)}">{escape(p.text)} <a href="#fnref{escape(n)}">↩</a></li>' for n, p in numbers.items()
    )
    path.write_text(
        f"""<!DOCTYPE html><html lang="{document.info.language}"><head><meta charset="utf-8">
<title>{escape(document.info.short_title)} | Official Document System</title></head><body>
<header><nav><a href="/">Home</a> | <a href="/documents">Documents</a> | <a href="/search">Search</a>
| <a href="/contact">Contact</a></nav><div class="banner">Official Document System of the United Nations</div></header>
<main><article>{"".join(body)}
<section role="doc-endnotes"><hr><ol>{footnotes}</ol></section></article></main>
<footer><p>Terms of use | Privacy notice | Copyright United Nations</p>
<p>Follow us on social media. Subscribe to the newsletter.</p></footer></body></html>""",
        encoding="utf-8",
    )


PRINT_CSS = """<style>
@page {{ size: A4; margin: 25mm 20mm;
  @top-right {{ content: "{symbol}"; font-size: 9pt; }}
  @bottom-left {{ content: "{job}"; font-size: 9pt; }}
  @bottom-right {{ content: counter(page) "/" counter(pages); font-size: 9pt; }} }}
body {{ font-family: serif; font-size: 11pt; line-height: 1.25; }}
h1 {{ font-size: 13pt; }} h2 {{ font-size: 11pt; }}
p {{ margin: 0 0 6pt 0; text-align: justify; }}
header, footer, a[href^="#fnref"] {{ display: none; }}
a {{ color: black; text-decoration: none; }}
section[role=doc-endnotes] {{ font-size: 9pt; }}
section[role=doc-endnotes] hr {{ width: 25%; margin-left: 0; }}
</style>"""


def print_pdf(document: Document, text: str, path: Path, symbol: str, job: str, browser: str) -> None:
    """Print the document's web page to a PDF with a browser (Chromium, headless): a layout this project
    does not make, reflowed by the browser, with the symbol in the running header, the job number and
    the page number in the footer (CSS page margin boxes) and the notes at the end under a short rule.
    """
    import subprocess

    html = path.with_suffix(".print.html")
    write_html(document, text, html)
    page = html.read_text(encoding="utf-8")
    html.write_text(page.replace("</head>", PRINT_CSS.format(symbol=symbol, job=job) + "</head>", 1), "utf-8")
    command = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer"]
    subprocess.run([*command, f"--print-to-pdf={path}", html.as_uri()], capture_output=True, timeout=120, check=True)


def _note_number(label: str) -> str:
    return re.search(r"(\d+|\*+)$", label).group(1)


class _Footnotes:
    """A footnotes part for a python-docx document, and the calls to its notes."""

    def __init__(self, word) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docx.opc.packuri import PackURI
        from docx.opc.part import XmlPart
        from docx.oxml import parse_xml

        self.xml = parse_xml(
            f'<w:footnotes xmlns:w="{_W}">'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p>'
            "</w:footnote></w:footnotes>"
        )
        part = XmlPart(
            PackURI("/word/footnotes.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
            self.xml,
            word.part.package,
        )
        word.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
        self.count = 0
        self.ids: dict[str, int] = {}

    def call(self, paragraph, mark: str, text: str) -> None:
        """Call a note from the end of ``paragraph``: a footnote the first time, its number raised after."""
        from docx.oxml import parse_xml

        if mark in self.ids:
            paragraph.add_run(mark).font.superscript = True
            return
        self.count += 1
        self.ids[mark] = self.count
        custom = not mark.isdigit()
        self.xml.append(
            parse_xml(
                f'<w:footnote xmlns:w="{_W}" w:id="{self.count}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                f"</w:rPr>{_escape(mark) if custom else '<w:footnoteRef/>'}</w:r>"
                f'<w:r><w:t xml:space="preserve"> {_escape(text)}</w:t></w:r></w:p></w:footnote>'
            )
        )
        follows = ' w:customMarkFollows="1"' if custom else ""
        run = paragraph.add_run()
        run.font.superscript = True
        run._r.append(parse_xml(f'<w:footnoteReference xmlns:w="{_W}"{follows} w:id="{self.count}"/>'))
        if custom:
            paragraph.add_run(mark).font.superscript = True


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def parse_text(path: Path) -> Document:
    """The text document's own parse, the reference the PDF and Word files are compared with."""
    return parse_document(path.name, path.read_text(encoding="utf-8"), path)


@dataclass(frozen=True)
class Comparison:
    """How a parse of a generated file matches the text document's own parse.

    Attributes:
        paragraphs: paragraphs of the text's parse.
        labels: of those, how many have their (section, label, kind) in the parse, in order.
        texts: how many have the same text (whitespace normalised) at that place.
        citations: how many have the same citation at that place.
        calls: how many call the same notes.
        notes: footnotes of the text's parse, and how many the parse has as notes with the same text.
        leaks: paragraphs of the parse holding a running header or footer line.
        differences: the first differences, for a failing test's message.
    """

    paragraphs: int
    labels: int
    texts: int
    citations: int
    calls: int
    notes: tuple[int, int]
    leaks: int
    differences: tuple[str, ...]


def _norm(text: str) -> str:
    return " ".join(text.split())


def _count(document: Document, text: str) -> int:
    return sum(p.raw.count(text) for p in document.paragraphs)


def compare(
    reference: Document, parsed: Document, furniture: tuple[str, ...] = (), symbol: str | None = None
) -> Comparison:
    """Compare a parse with the reference, paragraph by paragraph, notes apart (their place differs).

    Args:
        reference: the text document's parse.
        parsed: the parse of the file made from it.
        furniture: strings only the running headers and footers hold (job number, barcode…).
        symbol: the symbol of the running header.
    """
    import difflib

    def key(paragraph):
        return (paragraph.section, paragraph.label, paragraph.kind)

    ref_body = [p for p in reference.paragraphs if p.kind != "note"]
    got_body = [p for p in parsed.paragraphs if p.kind != "note"]
    matcher = difflib.SequenceMatcher(None, [key(p) for p in ref_body], [key(p) for p in got_body], autojunk=False)
    labels = texts = citations = calls = 0
    differences = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            differences.append(
                f"{tag}: {[(*key(p), p.text[:60]) for p in ref_body[i1:i2]]} -> "
                f"{[(*key(p), p.text[:60]) for p in got_body[j1:j2]]}"
            )
            continue
        for ref, got in zip(ref_body[i1:i2], got_body[j1:j2], strict=True):
            labels += 1
            texts += _norm(ref.text) == _norm(got.text)
            citations += ref.citation == got.citation
            calls += ref.notes == got.notes
            if _norm(ref.text) != _norm(got.text) or ref.citation != got.citation or ref.notes != got.notes:
                differences.append(f"{key(ref)}: {ref.text!r} {ref.notes} -> {got.text!r} {got.notes}")
    ref_notes = [(p.label, _norm(p.text)) for p in reference.paragraphs if p.kind == "note"]
    got_notes = [(p.label, _norm(p.text)) for p in parsed.paragraphs if p.kind == "note"]
    labels += sum(1 for note in ref_notes if note[0] in {label for label, _ in got_notes})
    same_notes = sum(1 for note in ref_notes if note in got_notes)
    texts += same_notes
    citations += same_notes
    calls += same_notes
    if ref_notes != got_notes:
        differences.append(f"notes: {ref_notes} -> {got_notes}")
    leaks = sum(1 for p in parsed.paragraphs if any(item in p.raw for item in furniture))
    if symbol:  # the symbol may be in the text (a masthead): only more of it than the text has is a leak
        leaks += max(0, _count(parsed, symbol) - _count(reference, symbol))
    return Comparison(
        paragraphs=len(reference.paragraphs),
        labels=labels,
        texts=texts,
        citations=citations,
        calls=calls,
        notes=(len(ref_notes), same_notes),
        leaks=leaks,
        differences=tuple(differences[:10]),
    )


@dataclass(frozen=True)
class Generated:
    """A text document of the corpus and the PDF and Word files made from it."""

    text: Path
    reference: Document
    pdf: Path
    justified: Path
    docx: Path
    html: Path
    pages: int
    symbol: str
    job: str

    @property
    def furniture(self) -> tuple[str, ...]:
        """Strings only the running headers and footers hold."""
        return (self.job, f"*{self.job.replace('-', '')}*", f"1/{self.pages}", f"2/{self.pages}")


def generate(text: Path, out: Path, index: int) -> Generated:
    """Make the PDF, Word and HTML files of a text document in ``out``, its metadata sidecar beside them,
    and a PDF in the ``JUSTIFIED`` style in ``out/justified``.

    The running header carries the symbol of the document's masthead, or a made-up one when it has
    none; the job number is made up from ``index``.
    """
    reference = parse_text(text)
    symbol = reference.info.symbol or f"A/{60 + index}/{500 + index}"
    job = f"{index % 100:02d}-634{index % 100:02d}"
    source = text.read_text(encoding="utf-8")
    pdf, docx = out / f"{text.stem}.pdf", out / f"{text.stem}.docx"
    pages = write_pdf(source, pdf, symbol, job)
    (out / "justified").mkdir(exist_ok=True)
    justified = out / "justified" / pdf.name
    write_pdf(source, justified, symbol, job, style=JUSTIFIED)
    write_docx(reference, source, docx)
    html = out / f"{text.stem}.html"
    write_html(reference, source, html)
    sidecar = text.with_name(text.stem + ".meta.json")
    if sidecar.exists():
        (out / sidecar.name).write_bytes(sidecar.read_bytes())
        (out / "justified" / sidecar.name).write_bytes(sidecar.read_bytes())
    return Generated(text, reference, pdf, justified, docx, html, pages, symbol, job)
