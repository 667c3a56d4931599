"""Scale benchmark: build and query an index of N synthetic paragraphs (default 100,000).

Synthetic documents are written as numbered paragraphs of French words drawn from the
corpus vocabulary, so they go through the whole pipeline (cutting, embedding, Chroma, BM25).

    .venv/bin/python bench/scale.py --paragraphs 100000 --out bench/results
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import re
import resource
import statistics
import tempfile
import time
from pathlib import Path

from rag.config import Settings
from rag.corpus import load_corpus
from rag.index import build_index
from rag.questions import load_questions
from rag.retrieve import ParagraphIndex

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--paragraphs", type=int, default=100_000)
    parser.add_argument("--words", type=int, default=40, help="words per synthetic paragraph")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--out", type=Path, default=None, help="folder for scale.json")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=Path(tmp) / "corpus", index_dir=Path(tmp) / "index")
        write_synthetic_corpus(settings.corpus_dir, args.paragraphs, args.words)
        started = time.perf_counter()
        report = build_index(settings, show_progress=True)
        build_seconds = time.perf_counter() - started
        build_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

        index = ParagraphIndex(settings)
        questions = [q.messages[-1] for q in load_questions(REPO / "eval" / "questions.jsonl")][: args.queries]
        index.search(questions[0], 5)  # warm: model and index loaded
        timings = []
        for question in questions:
            t0 = time.perf_counter()
            index.search(question, 5)
            timings.append((time.perf_counter() - t0) * 1000)
        timings.sort()
        size_mb = sum(f.stat().st_size for f in settings.index_dir.rglob("*") if f.is_file()) / 1e6

    result = {
        "paragraphs": report.paragraphs,
        "words_per_paragraph": args.words,
        "build_seconds": round(build_seconds, 1),
        "build_paragraphs_per_second": round(report.paragraphs / build_seconds, 1),
        "query_p50_ms": round(statistics.median(timings), 1),
        "query_p95_ms": round(timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))], 1),
        "peak_rss_mb": round(max(build_rss, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)),
        "index_size_mb": round(size_mb),
    }
    print("| " + " | ".join(result) + " |")
    print("|" + "---|" * len(result))
    print("| " + " | ".join(str(value) for value in result.values()) + " |")
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"scale_{report.paragraphs}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
