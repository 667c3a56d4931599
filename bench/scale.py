"""Scale benchmark: build and query an index of N synthetic paragraphs (default 100,000).

Synthetic documents are written as numbered paragraphs of French words drawn from the
corpus vocabulary, so they go through the whole pipeline (cutting, embedding, Chroma, BM25).

Build time is the median of --builds builds (default 1: one build of 100,000 paragraphs takes
about 50 minutes on 2 cores); query latencies are the median of --runs passes over the questions.
The printed table says how many runs each figure is the median of; --out saves it with the figures.

    .venv/bin/python bench/scale.py --paragraphs 100000 --out bench/results
"""

from __future__ import annotations

import argparse
import logging
import random
import re
import resource
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from figures import Figure, machine, save, table

from rag.config import Settings
from rag.evaluation.questions import load_questions
from rag.indexing.index import build_index
from rag.ingest.corpus import load_corpus
from rag.search.retrieve import ParagraphIndex

REPO = Path(__file__).resolve().parent.parent


def write_synthetic_corpus(folder: Path, paragraphs: int, words: int, seed: int = 13) -> None:
    """Documents of 100 numbered paragraphs each, words sampled from the real corpus."""
    vocabulary = sorted(
        {word for doc in load_corpus(REPO / "corpus") for p in doc.paragraphs for word in re.findall(r"\w+", p.text)}
    )
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    per_doc = 100
    for number in range(0, paragraphs, per_doc):
        count = min(per_doc, paragraphs - number)
        lines = ["DOCUMENT SYNTHÉTIQUE", ""]
        for label in range(1, count + 1):
            lines += [f"{label}. " + " ".join(rng.choice(vocabulary) for _ in range(words)) + ".", ""]
        (folder / f"synthetique_{number // per_doc:05d}.txt").write_text("\n".join(lines), encoding="utf-8")


def query_pass(index: ParagraphIndex, questions: list[str]) -> tuple[float, float]:
    """Median and 95th percentile of one pass over the questions, in milliseconds."""
    timings = []
    for question in questions:
        started = time.perf_counter()
        index.search(question, 5)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=40, help="words per synthetic paragraph")
    parser.add_argument("--queries", type=int, default=60, help="questions per query pass")
    parser.add_argument("--runs", type=int, default=5, help="query passes; latencies are their median (default 5)")
    parser.add_argument(
        "--builds", type=int, default=1, help="index builds; build time is their median (default 1: ~50 min at 100,000)"
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for scale_N.json and scale_N.md")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    questions = [q.messages[-1] for q in load_questions(REPO / "eval" / "questions.jsonl")][: args.queries]

    build = Figure("build s", runs="builds")
    rate = Figure("build paragraphs/s", runs="builds")
    p50 = Figure("query p50 ms", runs=f"passes of {len(questions)} queries")
    p95 = Figure("query p95 ms", runs=f"passes of {len(questions)} queries")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        write_synthetic_corpus(corpus, args.paragraphs, args.words)
        for number in range(args.builds):
            settings = Settings(corpus_dir=corpus, index_dir=Path(tmp) / f"index-{number}")
            started = time.perf_counter()
            report = build_index(settings, show_progress=True)
            build.samples.append(time.perf_counter() - started)
            rate.samples.append(report.paragraphs / build.samples[-1])
            if number < args.builds - 1:
                shutil.rmtree(settings.index_dir)

        index = ParagraphIndex(settings)
        index.search(questions[0], 5)  # warm: model and index loaded
        for _ in range(args.runs):
            median, high = query_pass(index, questions)
            p50.samples.append(median)
            p95.samples.append(high)
        size_mb = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file()) / 1e6
    peak = Figure(
        "peak RSS MB", [resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024], note="peak of the process"
    )
    size = Figure("index MB", [size_mb], note="size on disk")

    printed = (
        machine()
        + "\n\n"
        + f"{report.paragraphs} paragraphs of {args.words} synthetic words, {len(questions)} queries per pass.\n\n"
        + table([build, rate, p50, p95, peak, size])
    )
    print(printed)
    if args.out:
        result = {
            "paragraphs": report.paragraphs,
            "words_per_paragraph": args.words,
            "builds": args.builds,
            "query_passes": args.runs,
            "queries_per_pass": len(questions),
            "build_seconds": round(build.median, 1),
            "build_paragraphs_per_second": round(rate.median, 1),
            "query_p50_ms": round(p50.median, 1),
            "query_p95_ms": round(p95.median, 1),
            "peak_rss_mb": round(peak.median),
            "index_size_mb": round(size_mb),
            "figures": {figure.name: figure.to_dict() for figure in (build, rate, p50, p95, peak, size)},
        }
        save(args.out, f"scale_{report.paragraphs}", result, printed)


if __name__ == "__main__":
    main()
