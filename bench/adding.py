"""Time from adding a document to its first cited answer, against rebuilding the index from scratch.

In a copy of the corpus, with the embedding model already loaded (as in the running app): the index of
the corpus is built, then a document is added (``rag.ingest.library.add_document``, what the app's upload
calls) and a question asked (the Assistant reloads the index first, as the app does); for comparison, a
fresh index of the corpus with that document is built from scratch. Any file ``load_document`` reads
can be given (a PDF once that format is read).

    .venv/bin/python bench/adding.py [FILE] [--question TEXT]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.indexing.embeddings import load_embeddings
from rag.indexing.index import build_index
from rag.ingest.library import add_document

REPO = Path(__file__).resolve().parent.parent
LETTER = REPO / "tests" / "data" / "un_en_es" / "2023-05-10_letter_norway_oslo_workshop_declaration.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", nargs="?", type=Path, default=LETTER)
    parser.add_argument("--question", default="What share of the terrorism financing cases used virtual assets?")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        shutil.copytree(REPO / "corpus", work / "corpus")
        settings = Settings(corpus_dir=work / "corpus", index_dir=work / "index")
        load_embeddings(settings.embedding_model, settings.embedding_backend, settings.embedding_export_dir)
        build_index(settings)
        assistant = Assistant(settings)
        assistant.ask(args.question)  # the index opened, as in an app that has answered before

        started = time.perf_counter()
        report = add_document(settings, args.file.name, args.file.read_bytes())
        added = time.perf_counter() - started
        assistant.reload_if_rebuilt()
        answer = assistant.ask(args.question)
        answered = time.perf_counter() - started

        scratch = settings.model_copy(update={"index_dir": work / "scratch"})
        started = time.perf_counter()
        full = build_index(scratch)
        rebuilt = time.perf_counter() - started
    cited = answer.citations[0].citation if answer.citations else "(no citation)"
    print(f"model {settings.embedding_model}; {args.file.name}: {report.paragraphs} paragraphs")
    print("| step | seconds |\n|---|---|")
    print(f"| add ({report.embedded} paragraphs embedded) | {added:.1f} |")
    print(f"| add, then the first answer | {answered:.1f} |")
    print(f"| full build of the {full.documents} documents ({full.embedded} paragraphs embedded) | {rebuilt:.1f} |")
    print(f"first answer cites: {cited}")


if __name__ == "__main__":
    main()
