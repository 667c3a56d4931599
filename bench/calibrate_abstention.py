"""Calibrate the abstention threshold on a question set.

For every question, the support the retrieved paragraphs give it (see rag/extractive.py)
is computed; the table shows, for each threshold, the abstention accuracy on unanswerable
questions and the false abstentions on answerable ones.

    .venv/bin/python bench/calibrate_abstention.py eval/questions.jsonl
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from rag.config import Settings
from rag.conversation import standalone_question
from rag.extractive import Vocabulary, extractive_answer, support
from rag.language import detect_language
from rag.questions import load_questions
from rag.retrieve import ParagraphIndex


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("questions", type=Path)
    args = parser.parse_args()
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    settings = Settings()
    index = ParagraphIndex(settings)
    vocabulary = Vocabulary(index.manifest.entries)
    rows = []
    for question in load_questions(args.questions):
        query = standalone_question(question.messages)
        hits = index.search(query, settings.k)
        rows.append((support(query, detect_language(query), hits, vocabulary).value, question, query, hits))
    answerable = [row for row in rows if row[1].answerable]
    unanswerable = [row for row in rows if not row[1].answerable]

    def abstains(row: tuple, threshold: float) -> bool:
        _, question, query, hits = row
        last = question.messages[-1]
        return extractive_answer(query, detect_language(last), hits, vocabulary, threshold, last_turn=last).abstained

    print(f"{len(answerable)} answerable, {len(unanswerable)} unanswerable questions\n")
    print("| threshold | abstains on unanswerable | false abstentions |")
    print("|---|---|---|")
    for step in range(0, 60, 5):
        threshold = step / 100
        right = sum(abstains(row, threshold) for row in unanswerable)
        wrong = sum(abstains(row, threshold) for row in answerable)
        share = wrong / len(answerable)
        print(f"| {threshold:.2f} | {right}/{len(unanswerable)} | {wrong}/{len(answerable)} ({share:.1%}) |")
    print("\nunanswerable questions by support:")
    for value, question, _, _ in sorted(unanswerable, key=lambda r: -r[0]):
        print(f"  {value:.2f}  {question.id}  {question.messages[-1][:90]}")
    print("\nlowest-supported answerable questions:")
    for value, question, _, _ in sorted(answerable, key=lambda r: r[0])[:12]:
        print(f"  {value:.2f}  {question.id}  {question.messages[-1][:90]}")


if __name__ == "__main__":
    main()
