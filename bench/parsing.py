"""Parse time against document size, on generated hard-wrapped French text.

Two shapes of document, each of every size: one paragraph of hard-wrapped lines (the worst case
for joining lines), and many paragraphs of nine lines each. Each figure is the median of --runs
parses; a size whose parse went over --budget seconds is the last one measured for its shape
(quadratic code would otherwise run for hours on the largest sizes).

    .venv/bin/python bench/parsing.py --out bench/results
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from figures import Figure, machine, number, save

from rag.ingest.corpus import parse_document

SIZES_KB = [50, 200, 1_000, 5_000, 20_000]
LINE = "de la coopération internationale contre le terrorisme et la criminalité organisée dans le"
FIRST_LINE = "Les États participants renforceront leur action commune contre le financement du"


def one_paragraph(size: int) -> str:
    """About ``size`` bytes of hard-wrapped lines, none of which starts a paragraph."""
    line = LINE + "\n"
    return line * (size // len(line.encode()) + 1)


def many_paragraphs(size: int) -> str:
    """About ``size`` bytes of paragraphs of nine hard-wrapped lines, separated by a blank line."""
    paragraph = FIRST_LINE + "\n" + (LINE + "\n") * 8 + "\n"
    return paragraph * (size // len(paragraph.encode()) + 1)


SHAPES = {"one paragraph": one_paragraph, "many paragraphs": many_paragraphs}


def measure(text: str, runs: int) -> tuple[Figure, int]:
    """Seconds to parse ``text``, over ``runs`` parses, and the paragraphs found."""
    figure = Figure("parse s", runs="parses")
    for _ in range(runs):
        started = time.perf_counter()
        document = parse_document("generated.txt", text)
        figure.samples.append(time.perf_counter() - started)
    return figure, len(document.paragraphs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="parses of each document (default 3)")
    parser.add_argument(
        "--budget", type=float, default=120.0, help="stop a shape after a parse longer than this, in s (default 120)"
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for parsing.json and parsing.md")
    args = parser.parse_args()

    results: dict[str, dict[int, tuple[Figure, int]]] = {shape: {} for shape in SHAPES}
    for shape, generate in SHAPES.items():
        for size_kb in SIZES_KB:
            figure, paragraphs = measure(generate(size_kb * 1_000), args.runs)
            results[shape][size_kb] = figure, paragraphs
            print(f"{shape}, {size_kb} KB: {number(figure.median)} s ({figure.basis})", flush=True)
            if max(figure.samples) > args.budget:
                break

    header = ["size", *(f"{shape} s" for shape in SHAPES), "paragraphs (many)"]
    rows = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for size_kb in SIZES_KB:
        cells = [number(results[shape][size_kb][0].median) if size_kb in results[shape] else "–" for shape in SHAPES]
        many = results["many paragraphs"].get(size_kb)
        rows.append(f"| {size_kb:,} KB | " + " | ".join(cells) + f" | {f'{many[1]:,}' if many else '–'} |")
    (basis,) = {figure.basis for shape in SHAPES for figure, _ in results[shape].values()}
    skipped = any(len(results[shape]) < len(SIZES_KB) for shape in SHAPES)
    printed = (
        f"{machine()}\n\nSeconds to parse ({basis}; min and max in --out's JSON)"
        + (f"; –: not measured, a smaller size took over {args.budget:g} s" if skipped else "")
        + ".\n\n"
        + "\n".join(rows)
    )
    print(printed)
    if args.out:
        result = {
            "runs": args.runs,
            "budget_s": args.budget,
            "figures": {
                f"{shape}, {size_kb} KB": {**figure.to_dict(), "paragraphs": paragraphs_found}
                for shape in SHAPES
                for size_kb, (figure, paragraphs_found) in results[shape].items()
            },
        }
        save(args.out, "parsing", result, printed)


if __name__ == "__main__":
    main()
