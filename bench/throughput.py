"""Encoder throughput against index build rate, and cold start to a first answer.

- the embedding model's raw encoding speed on the corpus passages (paragraphs/s);
- the index build's speed from scratch, model already loaded (paragraphs/s), and their ratio;
- cold start: a new `rag ask` process until its answer is printed (s), and its peak memory (MB).
Each figure is the median of --runs runs; the printed table says so, and --out saves it with the figures.

    .venv/bin/python bench/throughput.py --out bench/results
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from figures import Figure, machine, save, table

from rag.config import Settings
from rag.indexing.embeddings import load_embeddings
from rag.indexing.index import build_index, entries_for
from rag.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Qui a signé la lettre de la Turquie ?"


def cold_ask(index_dir: Path, corpus_dir: Path) -> tuple[float, float]:
    """Seconds until a new ``rag ask`` process has printed its answer, and that process's peak memory in MB."""
    env = {"RAG_INDEX_DIR": str(index_dir), "RAG_CORPUS_DIR": str(corpus_dir), "PATH": "/usr/bin:/bin"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "rag.interfaces.cli", "ask", QUESTION],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )  # fmt: skip
    # wait4 gives this child's own peak; RUSAGE_CHILDREN would be the largest of all children so far.
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, process.args)
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each measurement (default 3)")
    parser.add_argument("--out", type=Path, default=None, help="folder for throughput.json and throughput.md")
    args = parser.parse_args()
    settings = Settings(corpus_dir=REPO / "corpus")
    passages = [entry.passage for entry in entries_for(load_corpus(settings.corpus_dir), settings)]
    embeddings = load_embeddings(settings.embedding_model)
    embeddings.embed_documents(passages[:32])  # warm

    encode = Figure("encoder paragraphs/s")
    build = Figure("build paragraphs/s (model loaded)", runs="builds")
    cold = Figure("cold start to first answer s", runs="new processes")
    memory = Figure("peak memory of that process MB", runs="new processes")
    for _ in range(args.runs):
        started = time.perf_counter()
        embeddings.embed_documents(passages)
        encode.samples.append(len(passages) / (time.perf_counter() - started))
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            report = build_index(settings.model_copy(update={"index_dir": Path(tmp)}))
            build.samples.append(report.paragraphs / (time.perf_counter() - started))
    with tempfile.TemporaryDirectory() as tmp:
        build_index(settings.model_copy(update={"index_dir": Path(tmp)}))
        for _ in range(args.runs):
            seconds, megabytes = cold_ask(Path(tmp), settings.corpus_dir)
            cold.samples.append(seconds)
            memory.samples.append(megabytes)
    ratio = Figure("encoder / build", [encode.median / build.median], note="ratio of the medians")

    printed = machine() + f"\n\n{len(passages)} corpus passages.\n\n" + table([encode, build, ratio, cold, memory])
    print(printed)
    if args.out:
        result = {
            "runs": args.runs,
            "passages": len(passages),
            "encoder_paragraphs_per_s": encode.median,
            "build_paragraphs_per_s": build.median,
            "encoder_over_build": ratio.median,
            "cold_start_to_first_answer_s": cold.median,
            "peak_memory_mb": memory.median,
            "figures": {figure.name: figure.to_dict() for figure in (encode, build, ratio, cold, memory)},
        }
        save(args.out, "throughput", result, printed)


if __name__ == "__main__":
    main()
