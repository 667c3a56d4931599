"""Precision and recall of the citation check on labelled generated sentences.

Each line of the set (``eval/verification.jsonl``) is one generated sentence with the
paragraphs its markers cite, labelled ``faithful`` (everything it says is in them) or
``unfaithful``: sentences SmolLM2-135M wrote for questions of the question set, labelled
by hand, and sentences written by hand (paraphrases, English renderings, and invented names,
numbers, dates, entities and instructions). The check *rejects* a sentence; precision is the
share of rejected sentences that were unfaithful, recall the share of unfaithful sentences
rejected. One row per value of ``verify_max_unsupported``:

    .venv/bin/python bench/verification.py eval/verification.jsonl
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rag.answering.verify import check_sentence
from rag.config import Settings
from rag.indexing.index import entries_for
from rag.ingest.corpus import load_corpus
from rag.search.retrieve import Hit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sentences", type=Path)
    parser.add_argument("--shares", default="0,0.1,0.2,0.25,0.34,0.5,1", help="values of verify_max_unsupported")
    parser.add_argument("--show", type=float, help="print each misjudged sentence at this value")
    args = parser.parse_args()
    settings = Settings()
    entries = {entry.para_id: entry for entry in entries_for(load_corpus(settings.corpus_dir), settings)}
    items = [json.loads(line) for line in args.sentences.read_text(encoding="utf-8").splitlines() if line.strip()]
    shares = [float(value) for value in args.shares.split(",")]
    counts = ", ".join(f"{source}: {sum(item['source'] == source for item in items)}" for source in sources(items))
    print(f"{len(items)} sentences: {counts}")
    print("| max unsupported | source | precision | recall | faithful kept | rejected |")
    print("|---|---|---|---|---|---|")
    for share in shares:
        verdicts = []
        for item in items:
            hits = [Hit(entry=entries[para_id], score=1.0) for para_id in item["para_ids"]]
            reason = check_sentence(item["sentence"], hits, item["question"], item["lang"], share)
            verdicts.append((item, reason))
            if args.show == share and (reason is None) != (item["label"] == "faithful"):
                print(f"  misjudged ({item['label']}): {item['sentence']} -> {reason}")
        for source in ["all", *sources(items)]:
            chosen = [(item, reason) for item, reason in verdicts if source in ("all", item["source"])]
            rejected = [item for item, reason in chosen if reason is not None]
            unfaithful = [item for item, _ in chosen if item["label"] == "unfaithful"]
            faithful = len(chosen) - len(unfaithful)
            caught = sum(item["label"] == "unfaithful" for item in rejected)
            precision = caught / len(rejected) if rejected else 1.0
            recall = caught / len(unfaithful) if unfaithful else 1.0
            kept = (faithful - (len(rejected) - caught)) / faithful if faithful else 1.0
            row = f"{precision:.3f} | {recall:.3f} | {kept:.3f} | {len(rejected)}/{len(chosen)}"
            print(f"| {share:g} | {source} | {row} |")


def sources(items: list[dict]) -> list[str]:
    return sorted({item["source"] for item in items})


if __name__ == "__main__":
    main()
