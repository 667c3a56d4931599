"""Regression gate: quality on the repository's question set must not drop below eval/thresholds.json."""

from __future__ import annotations

import json

import pytest

from conftest import CORPUS, REPO
from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.evaluation.evaluate import answer_metrics, evaluate_retrieval, run_answers
from rag.evaluation.questions import load_questions
from rag.indexing.index import build_index


@pytest.mark.slow
def test_quality_does_not_regress(tmp_path) -> None:
    thresholds = json.loads((REPO / "eval" / "thresholds.json").read_text(encoding="utf-8"))
    settings = Settings(corpus_dir=CORPUS, index_dir=tmp_path / "index")
    build_index(settings)
    questions = load_questions(REPO / "eval" / "questions.jsonl")
    retrieval = evaluate_retrieval(questions, settings, ["hybrid"]).metrics["hybrid"]["all"]
    answers = answer_metrics(run_answers(questions, Assistant(settings)))["all"]
    measured = {
        "hit_rate@5": retrieval["hit_rate@5"],
        "citation_validity": answers["citation_validity"],
        "facts_recall": answers["facts_recall"],
        "abstention_accuracy": answers["abstention_accuracy"],
    }
    for name, value in measured.items():
        assert value >= thresholds[name], f"{name} fell to {value:.3f} (gate {thresholds[name]})"
    false_abstentions = answers["false_abstentions"]
    assert false_abstentions <= thresholds["false_abstentions"], (
        f"false abstentions rose to {false_abstentions:.3f} (gate {thresholds['false_abstentions']})"
    )
