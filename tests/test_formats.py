"""PDF, Word and HTML documents: the same paragraphs, labels and citations as their text (golden test).

The PDF and Word files are made by the tests from the nine text documents (``tests/un_layout.py``),
in the UN's layout: running header with the symbol, footer with the page and job number, footnotes
at the foot of the page in a smaller font under a short rule, paragraphs running on over pages.
"""

from __future__ import annotations

import json
import logging
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import CORPUS, DATA
from rag.ingest.corpus import load_corpus, load_document
from un_layout import Comparison, Generated, compare, generate

TEXTS = sorted(CORPUS.glob("*.txt")) + sorted((DATA / "un_en_es").glob("*.txt"))


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Generated]:
    out = tmp_path_factory.mktemp("un_layout")
    return {text.stem: generate(text, out, index) for index, text in enumerate(TEXTS)}


@pytest.fixture(scope="session")
def parsed_pdfs(generated: dict[str, Generated]):
    return {stem: load_document(files.pdf) for stem, files in generated.items()}


def assert_same_as_the_text(result: Comparison) -> None:
    """The targets: every label, 98 % of the texts at least, every citation, every footnote a note."""
    assert result.labels == result.paragraphs, result.differences
    assert result.texts >= 0.98 * result.paragraphs, result.differences
    assert result.citations == result.paragraphs, result.differences
    assert result.notes[1] == result.notes[0], result.differences


@pytest.mark.parametrize("style", ["plain", "justified"])
@pytest.mark.parametrize("stem", [text.stem for text in TEXTS])
def test_a_pdf_gives_the_paragraphs_labels_and_citations_of_its_text(
    stem: str, style: str, generated: dict[str, Generated], parsed_pdfs
) -> None:
    files = generated[stem]
    document = parsed_pdfs[stem] if style == "plain" else load_document(files.justified)
    assert files.pages >= 2
    result = compare(files.reference, document, files.furniture, files.symbol)
    assert_same_as_the_text(result)
    assert result.calls == result.paragraphs, result.differences
    assert result.leaks == 0


@pytest.mark.parametrize("stem", [text.stem for text in TEXTS])
def test_a_word_file_gives_the_paragraphs_labels_and_citations_of_its_text(
    stem: str, generated: dict[str, Generated]
) -> None:
    files = generated[stem]
    assert_same_as_the_text(compare(files.reference, load_document(files.docx)))


@pytest.mark.parametrize("stem", [text.stem for text in TEXTS])
def test_a_web_page_gives_the_paragraphs_labels_and_citations_of_its_text(
    stem: str, generated: dict[str, Generated]
) -> None:
    files = generated[stem]
    document = load_document(files.html)
    assert_same_as_the_text(compare(files.reference, document))
    page_furniture = ("Home | Documents", "Official Document System of the United Nations", "Terms of use", "↩")
    assert not [p for p in document.paragraphs if any(item in p.raw for item in page_furniture)]


def test_bad_web_pages_are_skipped_with_a_message_naming_them(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text("  \n", encoding="utf-8")
    assert "skipped empty.html: the file is empty" in _warning(empty, caplog)
    binary = tmp_path / "image.htm"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(200))
    assert "skipped image.htm: not an HTML page" in _warning(binary, caplog)
    menu = tmp_path / "menu.html"
    menu.write_text('<html><body><nav><a href="/">Home</a></nav></body></html>', encoding="utf-8")
    assert "skipped menu.html: no main text found in the page" in _warning(menu, caplog)


def test_the_comparison_sees_a_lost_paragraph_and_a_leaked_footer(generated: dict[str, Generated]) -> None:
    from dataclasses import replace

    files = generated["2004_note_secretariat_projet_resolution_terrorisme"]
    reference = files.reference
    lost = replace(reference, paragraphs=reference.paragraphs[:-2])
    assert compare(reference, lost).labels < len(reference.paragraphs)
    last = reference.paragraphs[-2]
    leaked = replace(last, raw=f"{last.raw} {files.job} 3/{files.pages}")
    with_leak = replace(reference, paragraphs=(*reference.paragraphs[:-2], leaked, reference.paragraphs[-1]))
    assert compare(reference, with_leak, files.furniture, files.symbol).leaks == 1


def test_pdf_paragraphs_have_their_pages_and_run_on_over_page_breaks(parsed_pdfs) -> None:
    document = parsed_pdfs["2001_osce_plan_action_bucarest_terrorisme"]
    assert all(p.pages is not None for p in document.paragraphs)
    assert document.paragraphs[0].pages == (1, 1)
    assert document.paragraphs[-1].pages[1] >= 6
    over = [p for p in document.paragraphs if p.pages[0] < p.pages[1]]
    assert len(over) >= 4  # paragraphs cut by a page break come back whole (the texts are compared above)
    assert [p.pages for p in document.paragraphs] == sorted(p.pages for p in document.paragraphs)


def test_the_symbol_comes_from_the_running_header_or_the_masthead(generated: dict[str, Generated], parsed_pdfs) -> None:
    for stem, files in generated.items():
        assert parsed_pdfs[stem].info.symbol == files.symbol
    assert parsed_pdfs["2022_resolution_corruption_draft"].info.symbol == "A/C.3/77/L.19"
    roumanie = parsed_pdfs["2006-11-29_lettre_roumanie_declaration_bucarest"].info
    assert roumanie.symbol and roumanie.symbol.startswith("A/")
    assert roumanie.language == "fr" and roumanie.letter_date == "2006-11-29"


def test_raised_calls_are_recorded_not_glued(parsed_pdfs) -> None:
    note = parsed_pdfs["2004_note_secretariat_projet_resolution_terrorisme"]
    vienna = next(p for p in note.paragraphs if "relever les défis du XXIe siècle" in p.text)
    assert "XXIe siècle, issue" in vienna.text and vienna.notes == ("1",)
    assert "siècle¹" in vienna.raw  # the call as the PDF shows it, raised
    assert [p.label for p in note.paragraphs if p.kind == "note"] == ["note 1", "note 2", "note 3"]
    assert all(p.pages for p in note.paragraphs if p.kind == "note")


def test_a_folder_of_pdf_word_and_text_loads_them_all(generated: dict[str, Generated], tmp_path: Path) -> None:
    files = generated["2006-11-29_lettre_roumanie_declaration_bucarest"]
    (tmp_path / "letter_pdf.pdf").write_bytes(files.pdf.read_bytes())
    (tmp_path / "letter_docx.docx").write_bytes(files.docx.read_bytes())
    (tmp_path / "letter_txt.txt").write_bytes(files.text.read_bytes())
    (tmp_path / "letter_htm.htm").write_bytes(files.html.read_bytes())
    documents = load_corpus(tmp_path)
    assert [d.info.source for d in documents] == [
        "letter_docx.docx",
        "letter_htm.htm",
        "letter_pdf.pdf",
        "letter_txt.txt",
    ]
    assert len({tuple(sorted(p.citation for p in d.paragraphs)) for d in documents}) == 1  # notes: at the end in a PDF
    assert [d.info.symbol for d in documents] == [None, None, files.symbol, None]


def test_a_document_in_two_formats_is_loaded_once(
    generated: dict[str, Generated], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    files = generated["2006-11-29_lettre_roumanie_declaration_bucarest"]
    (tmp_path / "letter.pdf").write_bytes(files.pdf.read_bytes())
    (tmp_path / "letter.docx").write_bytes(files.docx.read_bytes())
    with caplog.at_level(logging.WARNING):
        documents = load_corpus(tmp_path)
    assert [d.info.source for d in documents] == ["letter.docx"]
    assert "skipped letter.pdf: letter.docx has the same name (rename one of them)" in caplog.text


def test_a_pdf_of_page_furniture_only_is_skipped(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "cover.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    for page in (1, 2):
        canvas.setFont("Times-Roman", 9)
        canvas.drawString(56, 40, f"{page}/2    06-63432")
        canvas.showPage()
    canvas.save()
    assert "skipped cover.pdf: no text in it but page headers and footers" in _warning(path, caplog)


def test_a_raised_number_calls_a_note_but_a_unit_power_does_not() -> None:
    from rag.ingest.textfix import strip_note_calls

    assert strip_note_calls("OSCE² et 12 m² de bureaux (2001)³", {"2", "3"}) == (
        "OSCE et 12 m² de bureaux (2001)",
        ["2", "3"],
    )


def _warning(path: Path, caplog: pytest.LogCaptureFixture) -> str:
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_document(path) is None
    return caplog.text


def test_bad_pdfs_are_skipped_with_a_message_naming_them(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen.canvas import Canvas

    page = Image.new("L", (600, 800), 255)
    ImageDraw.Draw(page).text((50, 50), "Lettre datée du 12 avril 2004", fill=0)  # text as pixels
    scanned = tmp_path / "scanned.pdf"
    canvas = Canvas(str(scanned))
    for _ in range(2):  # two pages that are pictures, as a scanner makes them
        canvas.drawImage(ImageReader(page), 0, 0, 595, 842)
        canvas.showPage()
    canvas.save()
    assert "skipped scanned.pdf: no text layer in its 2 page(s): a scanned PDF?" in _warning(scanned, caplog)

    blank = tmp_path / "blank.pdf"
    Canvas(str(blank)).save()  # nothing drawn: a PDF without pages
    assert "skipped blank.pdf: the PDF has no pages" in _warning(blank, caplog)

    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(scanned.read_bytes()[:200])
    assert "skipped truncated.pdf: not a readable PDF" in _warning(truncated, caplog)

    text = tmp_path / "renamed.pdf"
    text.write_text("Lettre datée du 12 avril 2004", encoding="utf-8")
    assert "skipped renamed.pdf: not a readable PDF" in _warning(text, caplog)


def test_bad_word_files_are_skipped_with_a_message_naming_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    other_zip = tmp_path / "archive.docx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("photos/one.txt", "not a Word document")
    assert "skipped archive.docx: not a Word (.docx) document" in _warning(other_zip, caplog)

    not_zip = tmp_path / "old.docx"
    not_zip.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)  # a .doc (OLE) renamed
    assert "skipped old.docx: not a Word (.docx) document" in _warning(not_zip, caplog)

    from docx import Document as WordDocument

    empty = tmp_path / "empty.docx"
    WordDocument().save(str(empty))
    assert "skipped empty.docx: the Word document has no text" in _warning(empty, caplog)


def test_an_oversized_file_is_skipped_before_it_is_parsed(
    generated: dict[str, Generated], caplog: pytest.LogCaptureFixture
) -> None:
    files = generated["2004_note_secretariat_projet_resolution_terrorisme"]
    size = files.pdf.stat().st_size
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        assert load_document(files.pdf, max_document_bytes=size - 1) is None
    assert f"skipped {files.pdf.name}: {size:,} bytes, over the limit" in caplog.text


@pytest.fixture
def pdf_corpus(generated: dict[str, Generated], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A corpus folder of three PDFs, that RAG_CORPUS_DIR points to."""
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for stem in ("2004-04-12_lettre_turquie_document_final_antalya", "2001_osce_plan_action_bucarest_terrorisme"):
        files = generated[stem]
        (folder / files.pdf.name).write_bytes(files.pdf.read_bytes())
        for sidecar in files.pdf.parent.glob(f"{stem}.meta.json"):
            (folder / sidecar.name).write_bytes(sidecar.read_bytes())
    monkeypatch.setenv("RAG_CORPUS_DIR", str(folder))
    return folder


def test_paragraphs_json_and_text_give_the_pages_of_a_pdf(pdf_corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rag.interfaces.cli import main

    assert main(["paragraphs", "--json"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == 47 + 40
    assert all(record["pages"] and record["pages"][0] <= record["pages"][1] for record in records)
    assert {record["source"] for record in records} == {path.name for path in pdf_corpus.glob("*.pdf")}
    assert main(["paragraphs", "--doc", "Bucarest pour lutter"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"Plan d’action de Bucarest, section III, paragraphe 9  \(pages? \d(–\d)?\)", out)


@pytest.mark.usefixtures("fake_embeddings")
def test_an_answer_from_a_pdf_cites_the_paragraph_and_its_page(pdf_corpus: Path) -> None:
    from rag.answering.assistant import Assistant
    from rag.config import Settings
    from rag.indexing.index import build_index, read_manifest

    build_index(Settings())
    entries = read_manifest(Settings()).entries
    assert all(entry.pages for entry in entries)
    answer = Assistant(Settings()).ask("Qui a signé la lettre de la Turquie ?")
    assert answer.citations and all(citation.pages for citation in answer.citations)
    first = answer.citations[0]
    shown = f"page {first.pages[0]}" if first.pages[0] == first.pages[1] else f"pages {first.pages[0]}–"
    assert f"{first.citation} — {first.source}, {shown}" in answer.as_text()


def test_a_page_in_two_columns_is_read_column_by_column(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    left = [
        "   1. Les États participants",
        "renforceront leur coopération",
        "contre le terrorisme.",
        "",
        "   2. Ils échangeront des",
        "informations sur les groupes",
        "armés et sur leurs sources",
    ]
    right = [
        "de financement, dans le respect",
        "du droit international.",
        "",
        "   3. Le Secrétaire général",
        "rendra compte de la mise en",
        "oeuvre du présent plan.",
    ]
    path = tmp_path / "columns.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Times-Roman", 16)
    canvas.drawString(150, 760, "PLAN D’ACTION SUR DEUX COLONNES")
    for x, column in ((56, left), (320, right)):
        y = 720
        for line in column:
            canvas.setFont("Times-Roman", 10)
            canvas.drawString(x + 5 * (len(line) - len(line.lstrip())), y, line.strip())
            y -= 12.5
    canvas.showPage()
    canvas.save()
    document = load_document(path)
    assert [(p.label, p.text) for p in document.paragraphs] == [
        ("titre", "PLAN D’ACTION SUR DEUX COLONNES"),
        ("1", "Les États participants renforceront leur coopération contre le terrorisme."),
        (
            "2",
            "Ils échangeront des informations sur les groupes armés et sur leurs sources de financement, "
            "dans le respect du droit international.",
        ),
        ("3", "Le Secrétaire général rendra compte de la mise en oeuvre du présent plan."),
    ]


words = st.sampled_from(
    "le la les des terrorisme coopération Nations Unies l’Office résolution 1373 (2001) A/RES/60/288 "
    "Conseil sécurité, États; paragraphe: sous- régionaux siècle1 Macédoine1 OSCE Organisation".split()
)
sentence = st.lists(words, min_size=1, max_size=12).map(" ".join)
source_line = st.one_of(
    sentence,
    sentence.map(lambda s: "  " + s.capitalize()),
    st.integers(1, 30).map(lambda n: f"{n}. Nous encourageons les États"),
    st.just(""),
    st.just("__________________\n1 Publication des Nations Unies, numéro de vente."),
)


def _words(document) -> list[str]:
    """The words of every paragraph; a number's list point ("2.") is no word: a PDF's note list reads
    "2. Text" as note 2, where a text file reads it as carrying on note 1."""
    return [
        word.rstrip(".") if word[:-1].isdigit() else word
        for p in document.paragraphs
        for word in re.findall(r"[^\s-]+", p.raw.translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")))
    ]


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(source_line, min_size=1, max_size=120))
def test_no_word_of_a_generated_document_is_lost_or_doubled_in_its_pdf(tmp_path: Path, lines: list[str]) -> None:
    from rag.ingest.corpus import parse_document
    from un_layout import write_pdf

    text = "\n".join(lines)
    reference = parse_document("generated.txt", text)
    if not reference.paragraphs:
        return
    path = tmp_path / "generated.pdf"
    write_pdf(text, path, "A/80/123", "25-01234")
    document = load_document(path)
    assert document is not None
    assert sorted(_words(document)) == sorted(_words(reference))
    assert not [p for p in document.paragraphs if "25-01234" in p.raw or "A/80/123" in p.raw]  # the furniture


def test_a_masthead_set_on_both_sides_of_page_one_is_kept_and_gives_the_symbol(tmp_path: Path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    path = tmp_path / "letter.pdf"
    canvas = Canvas(str(path), pagesize=(595, 842))
    canvas.setFont("Helvetica-Bold", 16)
    canvas.drawString(56, 790, "United Nations")  # the Organization at the left, the symbol at the right
    canvas.setFont("Helvetica-Bold", 12)
    canvas.drawString(440, 790, "A/77/893")
    canvas.setFont("Times-Roman", 10)
    for y, left, right in (
        (760, "General Assembly", "Distr.: General"),
        (748, "", "12 May 2023"),
        (724, "", "Original: English"),
    ):
        if left:
            canvas.drawString(56, y, left)
        canvas.drawString(440, y, right)
    canvas.drawString(56, 700, "Seventy-seventh session")
    canvas.drawString(86, 670, "Letter dated 10 May 2023 from the Permanent Representative of Norway")
    canvas.drawString(56, 657, "to the United Nations addressed to the Secretary-General")
    canvas.drawString(71, 630, "I have the honour to transmit herewith the declaration adopted at the workshop")
    canvas.drawString(56, 617, "held in Oslo on 26 and 27 April 2023.")
    canvas.drawString(56, 40, "23-08812 (E)    150523")
    canvas.showPage()
    canvas.setFont("Times-Roman", 9)
    canvas.drawString(56, 800, "A/77/893")
    canvas.setFont("Times-Roman", 10)
    canvas.drawString(71, 760, "I should be grateful if you would have the present letter circulated as a document")
    canvas.drawString(56, 747, "of the General Assembly.")
    canvas.setFont("Times-Roman", 9)
    canvas.drawString(56, 40, "2/2    23-08812")
    canvas.showPage()
    canvas.save()
    document = load_document(path)
    masthead = document.paragraphs[0]
    assert masthead.kind == "masthead" and masthead.raw.startswith("United Nations A/77/893 General Assembly")
    assert document.info.symbol == "A/77/893" and document.info.language == "en"
    assert (document.info.date, document.info.distribution_date) == ("2023-05-10", "2023-05-12")
    assert [p.pages for p in document.paragraphs] == [(1, 1), (1, 1), (1, 1), (2, 2)]
    assert not [p for p in document.paragraphs[1:] if "A/77/893" in p.raw or "23-08812" in p.raw or "2/2" in p.raw]


def test_a_word_file_with_typed_numbers_a_heading_style_and_a_table(tmp_path: Path) -> None:
    from docx import Document as WordDocument

    word = WordDocument()
    word.add_paragraph("Plan d’action sur la coopération", style="Title")
    word.add_paragraph("I. Objectif du plan", style="Heading 1")
    word.add_paragraph("1. Les États participants renforceront leur coopération.")
    word.add_paragraph("2. Ils échangeront des informations :")
    word.add_paragraph("a) sur les groupes armés;")
    table = word.add_table(rows=1, cols=1)
    table.cell(0, 0).text = "3. Le Secrétaire général rendra compte de la mise en oeuvre du plan."
    word.add_paragraph("")  # empty Word paragraphs are no paragraphs
    path = tmp_path / "plan.docx"
    word.save(str(path))
    document = load_document(path)
    assert [(p.kind, p.label) for p in document.paragraphs] == [
        ("title", "titre"),
        ("heading", "intitulé"),
        ("paragraph", "1"),
        ("paragraph", "2"),
        ("paragraph", "2 a)"),
        ("paragraph", "3"),
    ]
    assert document.paragraphs[2].text == "Les États participants renforceront leur coopération."
    assert document.paragraphs[5].citation == "Plan d’action sur la coopération, section I, paragraphe 3"
    assert document.info.title == "Plan d’action sur la coopération"


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(st.lists(source_line, min_size=1, max_size=80))
def test_no_word_of_a_generated_document_is_lost_or_doubled_in_its_word_file(tmp_path: Path, lines: list[str]) -> None:
    from rag.ingest.corpus import parse_document
    from un_layout import write_docx

    text = "\n".join(lines)
    reference = parse_document("generated.txt", text)
    assume(any(p.kind != "note" for p in reference.paragraphs))  # a Word footnote needs a call in the text
    path = tmp_path / "generated.docx"
    write_docx(reference, text, path)
    document = load_document(path)
    assert document is not None
    assert [(p.label, p.text) for p in document.paragraphs if p.kind != "note"] == [
        (p.label, p.text) for p in reference.paragraphs if p.kind != "note"
    ]
    assert sorted(p.text for p in document.paragraphs if p.kind == "note") == sorted(
        p.text for p in reference.paragraphs if p.kind == "note"
    )
