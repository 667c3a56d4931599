"""The ``rag`` command: a thin layer over the package."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence

from rag.config import Settings
from rag.corpus import Document, load_corpus
from rag.inventory import paragraph_record, select_documents


def _paragraphs(args: argparse.Namespace, settings: Settings) -> int:
    documents = load_corpus(settings.corpus_dir)
    if not documents:
        print(f"No readable .txt document in {settings.corpus_dir}.", file=sys.stderr)
        return 1
    selected = select_documents(documents, args.doc)
    if not selected:
        names = ", ".join(document.info.doc_id for document in documents)
        print(f"No document matches {args.doc!r}. Documents: {names}", file=sys.stderr)
        return 2
    for document in selected:
        if args.json:
            for paragraph in document.paragraphs:
                print(json.dumps(paragraph_record(document, paragraph), ensure_ascii=False))
        else:
            _print_document(document)
    return 0


def _print_document(document: Document) -> None:
    info = document.info
    print(f"# {info.title}  [{info.source}]")
    if info.letter:
        print(f"  {info.letter}")
    for paragraph in document.paragraphs:
        first, last = paragraph.lines
        print(f"\n{paragraph.citation}  (lignes {first}–{last})")
        print(f"  {paragraph.text}")
    print()


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface, one sub-command per job."""
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from UN and OSCE documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    commands = parser.add_subparsers(dest="command", required=True)
    paragraphs = commands.add_parser("paragraphs", help="list the citable paragraphs of the corpus")
    paragraphs.add_argument("--json", action="store_true", help="one JSON object per line")
    paragraphs.add_argument("--doc", metavar="NAME", help="only documents whose file name or title contains NAME")
    paragraphs.set_defaults(handler=_paragraphs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rag`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    return args.handler(args, Settings())


if __name__ == "__main__":
    sys.exit(main())
