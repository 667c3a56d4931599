"""Encoder back-ends side by side: PyTorch, ONNX Runtime and OpenVINO, in float32 and int8.

For each back-end (RAG_EMBEDDING_BACKEND):
- raw encoder speed on the corpus passages (paragraphs/s), model loaded and warm;
- index build speed from scratch into a temporary folder, model loaded (paragraphs/s);
- retrieval quality on the question set, hybrid and dense-only (hit@5, MRR@10);
- the largest cosine distance between its passage vectors and PyTorch's (1 - cosine).
Timings are the median of --runs runs; the runs go round the back-ends in turn, so a load
that other work puts on the machine falls on all of them alike. Exports are made before timing.

    .venv/bin/python bench/backends.py --out bench/results
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

import numpy as np
from figures import Figure, machine, number, save

from rag.config import Settings
from rag.evaluation.evaluate import evaluate_retrieval
from rag.evaluation.questions import load_questions
from rag.indexing.embeddings import load_embeddings
from rag.indexing.index import build_index, entries_for
from rag.indexing.models import BACKENDS, ModelUnavailableError, check_backend
from rag.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent
MODES = ("hybrid", "dense")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "questions.jsonl")
    parser.add_argument("--backends", nargs="+", default=list(BACKENDS), choices=BACKENDS)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="folder for backends.json and backends.md")
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    questions = load_questions(args.questions)
    base = Settings(corpus_dir=REPO / "corpus")
    passages = [entry.passage for entry in entries_for(load_corpus(base.corpus_dir), base)]

    backends, skipped = [], {}
    for backend in ["torch", *(b for b in args.backends if b != "torch")]:
        try:
            check_backend(backend)
        except ModelUnavailableError as error:
            skipped[backend] = str(error)
            continue
        backends.append(backend)
    models, vectors, export_s = {}, {}, {}
    for backend in backends:  # load (and export, the first time) before any timing
        started = time.perf_counter()
        models[backend] = load_embeddings(base.embedding_model, backend, base.embedding_export_dir)
        export_s[backend] = time.perf_counter() - started
        vectors[backend] = np.array(models[backend].embed_documents(passages))

    encode = {b: Figure(f"{b} encoder paragraphs/s") for b in backends}
    build = {b: Figure(f"{b} build paragraphs/s", runs="builds") for b in backends}
    quality: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for backend in backends:
                started = time.perf_counter()
                models[backend].embed_documents(passages)
                encode[backend].samples.append(len(passages) / (time.perf_counter() - started))
                settings = base.model_copy(
                    update={"embedding_backend": backend, "index_dir": Path(tmp) / f"{backend}-{run}"}
                )
                started = time.perf_counter()
                report = build_index(settings)
                build[backend].samples.append(report.paragraphs / (time.perf_counter() - started))
                if run == 0:  # quality does not change from run to run
                    metrics = evaluate_retrieval(questions, settings, list(MODES)).metrics
                    quality[backend] = {
                        f"{mode} {name}": metrics[mode]["all"][key]
                        for mode in MODES
                        for name, key in (("hit@5", "hit_rate@5"), ("mrr@10", "mrr@10"))
                    }

    torch_encode, torch_build = encode["torch"].median, build["torch"].median
    rows = {}
    for backend in backends:
        cosine = (vectors[backend] * vectors["torch"]).sum(axis=1)
        rows[backend] = {
            "encoder paragraphs/s": encode[backend].median,
            "× torch": encode[backend].median / torch_encode,
            "build paragraphs/s": build[backend].median,
            "build × torch": build[backend].median / torch_build,
            **quality[backend],
            "max 1-cos vs torch": float(1 - cosine.min()),
            "load s (first: export)": export_s[backend],
        }
    columns = list(rows["torch"])
    lines = [
        f"{len(passages)} corpus passages, {sum(q.answerable for q in questions)} answerable questions. "
        f"Speeds: median of {args.runs} runs, taken in turn across back-ends; quality: one run (deterministic). "
        "Load s is a single first load, export included when no exported copy existed yet.",
        "",
        "| backend | " + " | ".join(columns) + " |",
        "|---|" + "---|" * len(columns),
    ]
    cell = {"max 1-cos vs torch": lambda value: f"{value:.1e}"}  # float32 exports differ by ~1e-7
    lines += [f"| {b} | " + " | ".join(cell.get(c, number)(row[c]) for c in columns) + " |" for b, row in rows.items()]
    lines += [f"\nNot run: {backend}: {why}" for backend, why in skipped.items()]
    printed = "\n".join([machine(), "", *lines])
    print(printed)
    if args.out:
        figures = [*encode.values(), *build.values()]
        result = {
            "runs": args.runs,
            "passages": len(passages),
            "backends": rows,
            "skipped": skipped,
            "figures": {figure.name: figure.to_dict() for figure in figures},
        }
        save(args.out, "backends", result, printed)


if __name__ == "__main__":
    main()
