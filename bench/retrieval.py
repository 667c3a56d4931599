"""Retrieval benchmark on the real corpus: this project against the LangChain-tutorial baseline.

Prints a table: quality (hit@1, hit@5, MRR@10) and warm query latency of each, their
ratios, and the time to build the index from scratch. Latencies are the median of
--runs runs over the whole question set.

    .venv/bin/python bench/retrieval.py --out bench/results
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import tempfile
import time
from pathlib import Path

from rag.config import Settings
from rag.evaluate import evaluate_retrieval
from rag.index import build_index
from rag.questions import load_questions

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "questions.jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    questions = load_questions(args.questions)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=REPO / "corpus", index_dir=Path(tmp) / "index")
        started = time.perf_counter()
        report = build_index(settings)
        build_seconds = time.perf_counter() - started
        runs = [evaluate_retrieval(questions, settings, ["hybrid", "baseline"]) for _ in range(args.runs)]

    rows = {}
    for config in ("hybrid", "baseline"):
        metrics = runs[0].metrics[config]["all"]
        rows[config] = {
            "hit@1": metrics["hit_rate@1"],
            "hit@5": metrics["hit_rate@5"],
            "mrr@10": metrics["mrr@10"],
            "p50_ms": statistics.median(run.latency[config]["p50_ms"] for run in runs),
            "p95_ms": statistics.median(run.latency[config]["p95_ms"] for run in runs),
        }
    rows["ratio hybrid/baseline"] = {
        name: rows["hybrid"][name] / rows["baseline"][name] if rows["baseline"][name] else float("nan")
        for name in rows["hybrid"]
    }
    print(f"Index build from scratch: {report.paragraphs} paragraphs in {build_seconds:.1f} s "
          f"({report.paragraphs / build_seconds:.1f} paragraphs/s, model loading included)\n")  # fmt: skip
    print("| system | hit@1 | hit@5 | MRR@10 | warm p50 ms | warm p95 ms |")
    print("|---|---|---|---|---|---|")
    for name, row in rows.items():
        print(
            f"| {name} | "
            + " | ".join(f"{value:.3f}" if value < 10 else f"{value:.1f}" for value in row.values())
            + " |"
        )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        result = {"build_seconds": build_seconds, "paragraphs": report.paragraphs, "systems": rows}
        (args.out / "retrieval.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
