"""Encoder throughput against index build rate, and cold start to a first answer.

- the embedding model's raw encoding speed on the corpus passages (paragraphs/s);
- the index build's speed from scratch, model already loaded (paragraphs/s), and their ratio;
- cold start: a new `rag ask` process until its answer is printed (s), and its peak memory (MB).
Each figure is the median of --runs runs.

    .venv/bin/python bench/throughput.py --out bench/results
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rag.config import Settings
from rag.corpus import load_corpus
from rag.embeddings import load_embeddings
from rag.index import build_index, entries_for

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    settings = Settings(corpus_dir=REPO / "corpus")
    passages = [entry.passage for entry in entries_for(load_corpus(settings.corpus_dir), settings)]
    embeddings = load_embeddings(settings.embedding_model)
    embeddings.embed_documents(passages[:32])  # warm

    encode, build, cold, memory = [], [], [], []
    for _ in range(args.runs):
        started = time.perf_counter()
        embeddings.embed_documents(passages)
        encode.append(len(passages) / (time.perf_counter() - started))
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            report = build_index(settings.model_copy(update={"index_dir": Path(tmp)}))
            build.append(report.paragraphs / (time.perf_counter() - started))
    with tempfile.TemporaryDirectory() as tmp:
        index_dir = Path(tmp)
        build_index(settings.model_copy(update={"index_dir": index_dir}))
        for _ in range(args.runs):
            env = {"RAG_INDEX_DIR": str(index_dir), "RAG_CORPUS_DIR": str(settings.corpus_dir), "PATH": "/usr/bin:/bin"}
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            started = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "rag.cli", "ask", "Qui a signé la lettre de la Turquie ?"],
                check=True, capture_output=True, env=env,
            )  # fmt: skip
            cold.append(time.perf_counter() - started)
            memory.append(max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024)

    result = {
        "passages": len(passages),
        "encoder_paragraphs_per_s": statistics.median(encode),
        "build_paragraphs_per_s": statistics.median(build),
        "encoder_over_build": statistics.median(encode) / statistics.median(build),
        "cold_start_to_first_answer_s": statistics.median(cold),
        "peak_memory_mb": statistics.median(memory),
    }
    print("| " + " | ".join(result) + " |")
    print("|" + "---|" * len(result))
    print(
        "| "
        + " | ".join(f"{value:.2f}" if isinstance(value, float) else str(value) for value in result.values())
        + " |"
    )
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "throughput.json").write_text(json.dumps(result, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
