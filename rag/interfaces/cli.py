"""The ``rag`` command: a thin layer over the package."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pydantic import ValidationError
from tqdm.contrib.logging import logging_redirect_tqdm

from rag.config import Settings
from rag.evaluation.evaluate import ANSWERERS, CONFIGS
from rag.ingest.textfix import valid_text
from rag.languages.messages import place

if TYPE_CHECKING:
    from rag.ingest.corpus import Document

# The errors a command reports as a message rather than a traceback, by the module that defines them
# (imported by the commands that need them: `rag ask` does not load the corpus readers or the chat models).
_USER_ERRORS = {
    "rag.ingest.corpus": "EmptyCorpusError",
    "rag.indexing.index": "RagIndexError",
    "rag.indexing.models": "ModelUnavailableError",
    "rag.answering.llm": "GenerationError",
}


def _paragraphs(args: argparse.Namespace, settings: Settings) -> int:
    from rag.ingest.corpus import require_corpus
    from rag.interfaces.inventory import paragraph_record, select_documents

    documents = require_corpus(settings, show_progress=True)
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
        print(f"\n{paragraph.citation}  ({place(paragraph.lines, paragraph.pages, 'fr')})")
        print(f"  {paragraph.text}")
    print()


def _index(args: argparse.Namespace, settings: Settings) -> int:
    from rag.indexing.index import build_index

    report = build_index(settings, show_progress=True, on_stage=lambda message: print(message, flush=True))
    print(
        f"Index {settings.index_name()} ready in {settings.index_dir}: {report.paragraphs} paragraphs "
        f"from {report.documents} documents ({report.embedded} embedded, {report.removed} removed) "
        f"in {report.seconds:.1f} s."
    )
    return 0


def _add(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from rag.ingest.library import REMOVED, DocumentError, NameClashError, add_file

    failed = 0
    for file in args.files:
        path = Path(file)
        try:
            try:
                report = add_file(settings, path, args.on_clash, on_stage=_say, show_progress=True)
            except NameClashError as clash:
                choice = _ask_clash(clash)
                if choice is None:
                    raise
                report = add_file(settings, path, choice, on_stage=_say, show_progress=True)
        except DocumentError as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        aside = settings.corpus_dir / REMOVED
        replaced = f", replacing {report.replaced} (moved to {aside})" if report.replaced else ""
        built = " (there was no index: the whole corpus was indexed)" if report.full_build else ""
        print(
            f"Added {report.source} ({report.info.short_title}): {report.paragraphs} paragraphs, "
            f"{report.embedded} embedded{replaced}{built}, in {report.seconds:.1f} s."
        )
    return 1 if failed else 0


def _say(message: str) -> None:
    print(message, flush=True)


def _ask_clash(clash) -> str | None:
    """On a terminal, the user's choice for a name clash; None (the clash is reported) otherwise."""
    if not sys.stdin.isatty():
        return None
    print(f"{clash.name}: the corpus already has {clash.existing}.")
    while True:
        try:
            answer = input(f"Replace it (r), keep both as {clash.alternative} (k), or skip (s)? ").strip().lower()
        except EOFError:
            return None
        if answer in ("r", "k", "s"):
            return {"r": "replace", "k": "keep-both", "s": None}[answer]


def _remove(args: argparse.Namespace, settings: Settings) -> int:
    from rag.ingest.library import DocumentError, remove_document

    failed = 0
    for name in args.names:
        try:
            report = remove_document(settings, name)
        except DocumentError as error:
            print(error, file=sys.stderr)
            failed += 1
            continue
        where = f"; its file is now {report.moved_to}" if report.moved_to else ""
        print(f"Removed {report.source}: {report.paragraphs} paragraphs left the index{where}.")
    return 1 if failed else 0


def _documents(args: argparse.Namespace, settings: Settings) -> int:
    from rag.indexing.index import IndexMissingError, read_manifest
    from rag.ingest.corpus import load_corpus
    from rag.ingest.library import listing

    try:
        manifest = read_manifest(settings)
    except IndexMissingError:
        manifest = None
    rows = listing(load_corpus(settings.corpus_dir, settings.max_document_bytes), manifest)
    for row in rows:
        info = row.info
        indexed = f"{row.paragraphs} paragraphs" if row.paragraphs else "not in the index"
        facts = " · ".join(part for part in (info.kind, info.date, info.symbol, indexed) if part)
        print(f"{info.source}\n  {info.short_title}\n  {facts}")
    if not rows:
        print(f"No document in {settings.corpus_dir}.", file=sys.stderr)
    return 0


def _retrieve(args: argparse.Namespace, settings: Settings) -> int:
    from rag.search.retriever import load_retriever, to_document

    retriever = load_retriever(k=args.k, settings=settings, mode=args.mode, docs=args.doc)
    hits = retriever.index.search(valid_text(args.question), retriever.k, args.mode, args.doc, None)
    for rank, hit in enumerate(hits, 1):
        document = to_document(hit)
        if args.json:
            print(json.dumps({"rank": rank, "text": document.page_content, **document.metadata}, ensure_ascii=False))
        else:
            first, last = hit.entry.lines
            print(f"[{rank}] {hit.score:.4f}  {hit.entry.citation}  ({hit.entry.source}, lignes {first}–{last})")
            print(f"    {hit.entry.text}\n")
    if not hits:
        print("No paragraph found.", file=sys.stderr)
    return 0


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from rag.evaluation.evaluate import (
        AnswererError,
        answer_assistant,
        answerer_name,
        evaluate_answers,
        evaluate_retrieval,
    )
    from rag.evaluation.questions import QuestionSetError, load_questions
    from rag.evaluation.report import answer_table, as_json, groups, retrieval_table, write_report

    try:
        questions = load_questions(Path(args.questions))
    except QuestionSetError as error:
        print(error, file=sys.stderr)
        return 2
    if args.k:
        settings = settings.model_copy(update={"k": args.k})
    answerers = [] if args.no_answers else args.answers or [answerer_name(settings)]
    try:  # every model is checked before the long runs start
        assistants = {name: answer_assistant(name, settings) for name in answerers}
    except AnswererError as error:
        hint = "Start its server or fix its settings (RAG_LLM_*), or leave it out of --answers."
        print(f"{error}\n{hint}", file=sys.stderr)
        return 1
    report = evaluate_retrieval(questions, settings, args.compare, show_progress=not args.json)
    evaluate_answers(questions, assistants, report, show_progress=not args.json)
    if args.json:
        print(json.dumps(as_json(report), ensure_ascii=False))
    else:
        if report.answers:
            print(f"\nanswers\n{answer_table(report)}")
        for group in groups(report):
            print(f"\nretrieval, {group}\n{retrieval_table(report, group)}")
    if args.out:
        for path in write_report(report, Path(args.out)):
            print(f"wrote {path}", file=sys.stderr)
    return 0


def _names(choices: Sequence[str]):
    """An argparse type: comma-separated names, each one of ``choices``."""

    def parse(value: str) -> list[str]:
        names = [name.strip() for name in value.split(",") if name.strip()]
        unknown = [name for name in names if name not in choices]
        if unknown or not names:
            raise argparse.ArgumentTypeError(f"{', '.join(unknown) or value!r}: choose from {', '.join(choices)}")
        return names

    return parse


def _paragraph_count(value: str) -> int:
    """An argparse type: a number of paragraphs, at least 1."""
    try:
        count = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
    if count < 1:
        raise argparse.ArgumentTypeError(f"{count}: the number of paragraphs must be at least 1")
    return count


def _assistant(args: argparse.Namespace, settings: Settings):
    from rag.answering.assistant import Assistant

    if getattr(args, "llm", None):
        settings = settings.model_copy(update={"llm_provider": args.llm})
    return Assistant(settings)


def _ask(args: argparse.Namespace, settings: Settings) -> int:
    answer = _assistant(args, settings).ask(args.question)
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        print(answer.as_text())
    return 0 if answer.notice != "no_index" else 1


def _chat(args: argparse.Namespace, settings: Settings) -> int:
    assistant = _assistant(args, settings)
    # Bytes the terminal's encoding cannot decode reach the assistant as surrogate escapes, which
    # it reads back (rag.ingest.textfix.valid_text), instead of killing the session with a UnicodeDecodeError.
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")
    history: list[dict[str, str]] = []
    print("Posez vos questions (/nouveau pour recommencer, Ctrl-D pour quitter).")
    while True:
        try:
            question = input("\n› ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        question = valid_text(question)
        if question in ("/nouveau", "/new"):
            history = []
            print("Nouvelle conversation.")
            continue
        if not question:
            continue
        assistant.reload_if_rebuilt()  # a `rag index` run meanwhile is answered from at once
        answer = None
        for part in assistant.stream(question, history):
            if isinstance(part, str):
                continue
            answer = part
        print(answer.as_text())
        history += [{"role": "user", "content": question}, {"role": "assistant", "content": answer.text}]


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from rag.interfaces.http_api import ServeConfigError, serve

    try:
        serve(settings, host=args.host, port=args.port)
    except ServeConfigError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def _mcp(args: argparse.Namespace, settings: Settings) -> int:
    from rag.interfaces.http_api import ServeConfigError
    from rag.interfaces.mcp_server import run

    try:
        run(settings, transport="streamable-http" if args.http else "stdio", host=args.host, port=args.port)
    except ServeConfigError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command-line interface, one sub-command per job."""
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from UN and OSCE documents.")
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug messages")
    commands = parser.add_subparsers(dest="command", required=True)
    paragraphs = commands.add_parser("paragraphs", help="list the citable paragraphs of the corpus")
    paragraphs.add_argument("--json", action="store_true", help="one JSON object per line")
    paragraphs.add_argument("--doc", metavar="NAME", help="only documents whose file name or title contains NAME")
    paragraphs.set_defaults(handler=_paragraphs)
    index = commands.add_parser("index", help="build or update the search index")
    index.set_defaults(handler=_index)
    add = commands.add_parser("add", help="add documents to the corpus and the index (only they are embedded)")
    add.add_argument("files", nargs="+", metavar="FILE")
    clash = add.add_mutually_exclusive_group()
    clash.add_argument(
        "--replace",
        dest="on_clash",
        action="store_const",
        const="replace",
        help="replace a document of the same name (the old file is moved to .removed/ in the corpus folder)",
    )
    clash.add_argument(
        "--keep-both",
        dest="on_clash",
        action="store_const",
        const="keep-both",
        help="keep a document of the same name and add this one as NAME-2",
    )
    add.set_defaults(handler=_add, on_clash="ask")
    remove = commands.add_parser("remove", help="remove documents from the index and the corpus folder")
    remove.add_argument("names", nargs="+", metavar="NAME", help="file name or identifier, as `rag documents` lists")
    remove.set_defaults(handler=_remove)
    documents = commands.add_parser("documents", help="list the documents of the corpus and their paragraphs")
    documents.set_defaults(handler=_documents)
    retrieve = commands.add_parser("retrieve", help="show the paragraphs found for a question")
    retrieve.add_argument("question")
    retrieve.add_argument("-k", type=_paragraph_count, default=None, help="number of paragraphs (default: RAG_K)")
    retrieve.add_argument("--doc", action="append", metavar="NAME", help="only documents whose name contains NAME")
    retrieve.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    retrieve.add_argument("--json", action="store_true", help="one JSON object per paragraph")
    retrieve.set_defaults(handler=_retrieve)
    ask = commands.add_parser("ask", help="answer one question, with citations")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="the answer and its citations as JSON")
    ask.add_argument("--llm", choices=["none", "ollama", "openai", "gguf"], help="answerer (default: RAG_LLM_PROVIDER)")
    ask.set_defaults(handler=_ask)
    chat = commands.add_parser("chat", help="a conversation in the terminal")
    chat.add_argument(
        "--llm", choices=["none", "ollama", "openai", "gguf"], help="answerer (default: RAG_LLM_PROVIDER)"
    )
    chat.set_defaults(handler=_chat)
    serve = commands.add_parser("serve", help="the HTTP API and OpenAI-compatible chat (docs at /docs)")
    serve.add_argument("--host", help="address to listen on (default: RAG_SERVE_HOST, 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: RAG_SERVE_PORT, 8000)")
    serve.set_defaults(handler=_serve)
    mcp = commands.add_parser("mcp", help="an MCP server for agents (stdio, or streamable HTTP with --http)")
    mcp.add_argument("--http", action="store_true", help="streamable HTTP at /mcp instead of stdio")
    mcp.add_argument("--host", help="with --http: address (default: RAG_SERVE_HOST, 127.0.0.1)")
    mcp.add_argument("--port", type=int, help="with --http: port (default: RAG_SERVE_PORT, 8000)")
    mcp.set_defaults(handler=_mcp)
    evaluate = commands.add_parser("eval", help="evaluate on a question set (JSON lines)")
    evaluate.add_argument("questions", help="question set, e.g. eval/questions.jsonl")
    evaluate.add_argument("--json", action="store_true", help="print the report as JSON")
    evaluate.add_argument(
        "--out", metavar="DIR", help="write report.md, report.json, hit_at_k.png and answers.png here"
    )
    evaluate.add_argument(
        "--compare",
        type=_names(CONFIGS),
        default=["hybrid"],
        metavar="CONFIGS",
        help="comma-separated retrieval configurations to compare: hybrid, dense, bm25, baseline (default: hybrid)",
    )
    evaluate.add_argument("-k", type=_paragraph_count, default=None, help="paragraphs per question (default: RAG_K)")
    answers = evaluate.add_mutually_exclusive_group()
    answers.add_argument(
        "--answers",
        type=_names(ANSWERERS),
        metavar="CONFIGS",
        help="comma-separated answer configurations to compare: extractive (no model), ollama and openai "
        "(RAG_LLM_MODEL at RAG_LLM_BASE_URL), gguf (SmolLM2 in process, or RAG_LLM_GGUF_PATH), "
        "e.g. extractive,gguf; each model is checked first, and a model that cannot answer stops the run "
        "(default: the one RAG_LLM_PROVIDER names)",
    )
    answers.add_argument("--no-answers", action="store_true", help="evaluate retrieval only")
    evaluate.set_defaults(handler=_eval)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``rag`` console script."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        settings = Settings()
    except ValidationError as error:
        print(f"Invalid setting in the environment (RAG_*): {error}", file=sys.stderr)
        return 2
    if args.handler in (_ask, _chat, _retrieve, _serve, _mcp):
        from rag.indexing.query_encoder import preload

        preload(settings)  # loads while the command imports the rest
    try:
        with logging_redirect_tqdm():  # warnings print above the progress bars, not through them
            return args.handler(args, settings)
    except Exception as error:
        if not isinstance(error, _user_errors()):
            raise
        print(error, file=sys.stderr)
        return 1


def _user_errors() -> tuple[type[Exception], ...]:
    """The classes of ``_USER_ERRORS`` this process has loaded (a module not loaded raised none of its errors)."""
    return tuple(getattr(sys.modules[module], name) for module, name in _USER_ERRORS.items() if module in sys.modules)


if __name__ == "__main__":
    sys.exit(main())
