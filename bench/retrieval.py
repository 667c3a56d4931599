"""Retrieval benchmark on the real corpus: this project against the LangChain-tutorial baseline.

Prints two tables: quality (hit@1, hit@5, MRR@10) and warm query latency of each system with
their ratios, then the time to build the index from scratch in a new ``rag index`` process.
Every figure is the median of --runs runs (the question set run --runs times in one process;
--runs cold builds); the tables say so, and --out saves them with the figures.

    .venv/bin/python bench/retrieval.py --out bench/results
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, machine, number, save, table

from rag.config import Settings
from rag.evaluation.evaluate import evaluate_retrieval
from rag.evaluation.questions import load_questions
from rag.indexing.index import build_index

REPO = Path(__file__).resolve().parent.parent
SYSTEMS = ("hybrid", "baseline")
COLUMNS = {"hit@1": "hit_rate@1", "hit@5": "hit_rate@5", "mrr@10": "mrr@10"}


def cold_build_seconds(corpus: Path) -> float:
    """Seconds for a new ``rag index`` process to build an index from scratch (imports and model loading included)."""
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "RAG_CORPUS_DIR": str(corpus), "RAG_INDEX_DIR": str(Path(tmp) / "index")}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "rag.interfaces.cli", "index"], check=True, capture_output=True, env=env)
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "questions.jsonl")
    parser.add_argument("--runs", type=int, default=3, help="runs of the question set, and cold builds (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="folder for retrieval.json and retrieval.md")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    questions = load_questions(args.questions)
    answerable = sum(q.answerable for q in questions)

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(corpus_dir=REPO / "corpus", index_dir=Path(tmp) / "index")
        paragraphs = build_index(settings).paragraphs
        runs = [evaluate_retrieval(questions, settings, list(SYSTEMS)) for _ in range(args.runs)]
    build = Figure("build s", [cold_build_seconds(settings.corpus_dir) for _ in range(args.runs)], "builds")
    rate = Figure("build paragraphs/s", [paragraphs / seconds for seconds in build.samples], "builds")

    systems: dict[str, dict[str, Figure]] = {}
    for config in SYSTEMS:
        figures = {
            name: Figure(name, [run.metrics[config]["all"][key] for run in runs]) for name, key in COLUMNS.items()
        }
        for name in ("p50_ms", "p95_ms"):
            figures[name] = Figure(name, [run.latency[config][name] for run in runs])
        systems[config] = figures
    ratios = {
        name: systems["hybrid"][name].median / systems["baseline"][name].median
        if systems["baseline"][name].median
        else float("nan")
        for name in systems["hybrid"]
    }

    lines = [
        f"Retrieval on {answerable} answerable questions; quality and warm latency: median of {args.runs} runs "
        "of the question set in one process (quality is the same in every run).",
        "",
        "| system | hit@1 | hit@5 | MRR@10 | warm p50 ms | warm p95 ms | basis |",
        "|---|---|---|---|---|---|---|",
    ]
    for config, figures in systems.items():
        values = " | ".join(number(figure.median) for figure in figures.values())
        lines.append(f"| {config} | {values} | median of {args.runs} runs |")
    lines.append(f"| ratio hybrid/baseline | {' | '.join(number(v) for v in ratios.values())} | ratio of the medians |")
    lines += [
        "",
        f"Index build from scratch: {paragraphs} paragraphs, a new `rag index` process each time "
        "(imports and model loading included).",
        "",
        table([build, rate]),
    ]
    printed = "\n".join([machine(), "", *lines])
    print(printed)
    if args.out:
        result = {
            "runs": args.runs,
            "paragraphs": paragraphs,
            "build_seconds": build.median,
            "build": {figure.name: figure.to_dict() for figure in (build, rate)},
            "systems": {config: {name: f.median for name, f in figs.items()} for config, figs in systems.items()}
            | {"ratio hybrid/baseline": ratios},
            "samples": {
                config: {name: f.samples for name, f in figures.items()} for config, figures in systems.items()
            },
        }
        save(args.out, "retrieval", result, printed)


if __name__ == "__main__":
    main()
