"""PDF, Word and HTML readers against the text documents they are made from.

Each of the nine text documents (``corpus/``, ``tests/data/un_en_es``) is printed as a PDF in the
UN's layout, in two house styles, and written as a Word file and a web page
(``tests/un_layout.py``, which the golden test ``tests/test_formats.py`` uses too). Each file is
read back with ``rag.ingest.corpus.load_document`` and compared with the text's own parse: the share of
paragraphs whose section, label and kind, text (whitespace normalised) and citation are the same;
running header or footer strings inside a paragraph (leaks); footnotes found as notes with their
text; and the parse time per page (PDF) or per file (median of --runs parses). Where Chromium is
installed, the web page is also printed to PDF by it (``PDF by Chromium``): a layout made
independently of this project (reflowed, justified, notes at the end of the document), with the
symbol, job and page number in the running header and footer.

With --answer, a PDF of about 30 pages (the Plan of Action printed four times over) is timed from
the file to the first answer: read, indexed in a new index with the configured encoder, asked.

    .venv/bin/python bench/formats.py --out bench/results
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, machine, number, save

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from rag.ingest.corpus import load_document  # noqa: E402
from un_layout import Generated, compare, generate, print_pdf, write_pdf  # noqa: E402

TEXTS = sorted((REPO / "corpus").glob("*.txt")) + sorted((REPO / "tests" / "data" / "un_en_es").glob("*.txt"))
FORMATS = {
    "PDF": lambda files: files.pdf,
    "PDF justified": lambda files: files.justified,
    "Word": lambda files: files.docx,
    "HTML": lambda files: files.html,
}
# A PDF this project does not lay out: the web page printed by Chromium, when it is installed.
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if BROWSER:
    FORMATS["PDF by Chromium"] = lambda files: files.pdf.parent / "chromium" / files.pdf.name


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def measure(files: Generated, fmt: str, runs: int) -> dict[str, object]:
    """Compare one file with its text and time its parse."""
    path = FORMATS[fmt](files)
    figure = Figure("parse s", runs="parses")
    for _ in range(runs):
        started = time.perf_counter()
        document = load_document(path)
        figure.samples.append(time.perf_counter() - started)
    pdf = fmt.startswith("PDF")
    if document is None:
        return {
            "paragraphs": len(files.reference.paragraphs),
            "labels": 0,
            "texts": 0,
            "citations": 0,
            "leaks": 0,
            "notes": [0, 0],
            "pages": None,
            "parse_s": figure.to_dict(),
            "differences": ["not read"],
        }
    result = compare(files.reference, document, files.furniture if pdf else (), files.symbol if pdf else None)
    return {
        "paragraphs": result.paragraphs,
        "labels": result.labels,
        "texts": result.texts,
        "citations": result.citations,
        "leaks": result.leaks,
        "notes": list(result.notes),
        "pages": _pages(path) if pdf else None,
        "parse_s": figure.to_dict(),
        "differences": list(result.differences),
    }


def _pages(path: Path) -> int:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return len(pdf.pages)


def answer_time(out: Path) -> dict[str, float]:
    """Seconds from a 30-page PDF to its first answer: read, index (a new index), ask."""
    from rag.answering.assistant import Assistant
    from rag.config import Settings
    from rag.indexing.index import build_index

    plan = next(path for path in TEXTS if "plan_action" in path.name).read_text(encoding="utf-8")
    corpus = out / "upload"
    corpus.mkdir()
    pdf = corpus / "plan_30_pages.pdf"
    pages = write_pdf("\n\n".join([plan] * 4), pdf, "A/80/300", "25-03000")
    settings = Settings(corpus_dir=corpus, index_dir=out / "index")
    started = time.perf_counter()
    document = load_document(pdf)
    parsed = time.perf_counter()
    build_index(settings)
    indexed = time.perf_counter()
    answer = Assistant(settings).ask("Que fera le Forum pour la coopération en matière de sécurité ?")
    answered = time.perf_counter()
    return {
        "pages": pages,
        "paragraphs": len(document.paragraphs),
        "parse_s": parsed - started,
        "index_s": indexed - parsed,
        "answer_s": answered - indexed,
        "total_s": answered - started,
        "cited_pages": [list(c.pages) for c in answer.citations if c.pages],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="parses of each file (default 3)")
    parser.add_argument("--answer", action="store_true", help="also time a 30-page PDF to its first answer")
    parser.add_argument("--out", type=Path, default=None, help="folder for formats.json and formats.md")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        generated = [generate(text, work, index) for index, text in enumerate(TEXTS)]
        if BROWSER:
            (work / "chromium").mkdir()
            for sidecar in work.glob("*.meta.json"):
                shutil.copy(sidecar, work / "chromium")
            for files in generated:
                source = files.text.read_text(encoding="utf-8")
                print_pdf(files.reference, source, FORMATS["PDF by Chromium"](files), files.symbol, files.job, BROWSER)
        results = {files.text.stem: {fmt: measure(files, fmt, args.runs) for fmt in FORMATS} for files in generated}
        upload = answer_time(work) if args.answer else None

    header = (
        "| document | format | paragraphs | labels | texts | citations | leaks | notes | pages | ms (PDF: per page) |"
    )
    rows = [header, "|" + "---|" * 10]
    totals = {fmt: [0, 0, 0, 0, 0, 0, 0] for fmt in FORMATS}
    per_page = {fmt: [] for fmt in FORMATS}
    for stem, by_format in results.items():
        for fmt, row in by_format.items():
            n = row["paragraphs"]
            seconds = row["parse_s"]["median"]
            unit = row["pages"] or 1
            per_page[fmt].append(1000 * seconds / unit)
            for index, key in enumerate(("paragraphs", "labels", "texts", "citations", "leaks")):
                totals[fmt][index] += row[key]
            totals[fmt][5] += row["notes"][1]
            totals[fmt][6] += row["notes"][0]
            rows.append(
                f"| {stem} | {fmt} | {n} | {_percent(row['labels'], n)} | {_percent(row['texts'], n)} "
                f"| {_percent(row['citations'], n)} | {row['leaks']} | {row['notes'][1]}/{row['notes'][0]} "
                f"| {row['pages'] or '–'} | {number(1000 * seconds / unit)} |"
            )
    rows += ["", "| format | paragraphs | labels | texts | citations | leaks | notes | ms per page (or file), median |"]
    rows.append("|" + "---|" * 8)
    for fmt, (n, labels, texts, citations, leaks, notes, expected) in totals.items():
        unit = "per page" if fmt.startswith("PDF") else "per file"
        rows.append(
            f"| {fmt} | {n} | {_percent(labels, n)} | {_percent(texts, n)} | {_percent(citations, n)} | {leaks} "
            f"| {notes}/{expected} | {number(statistics.median(per_page[fmt]))} {unit} |"
        )
    printed = f"{machine()}\n\nParse times: median of {args.runs} parses.\n\n" + "\n".join(rows)
    if upload:
        printed += (
            f"\n\nA {upload['pages']}-page PDF ({upload['paragraphs']} paragraphs) to its first answer, 1 run: "
            f"read {number(upload['parse_s'])} s, indexed {number(upload['index_s'])} s, answered "
            f"{number(upload['answer_s'])} s, {number(upload['total_s'])} s in all."
        )
    print(printed)
    if args.out:
        save(args.out, "formats", {"runs": args.runs, "documents": results, "upload": upload}, printed)


if __name__ == "__main__":
    main()
