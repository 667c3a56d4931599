"""``rag eval``: several answer configurations compared in one report; a model that cannot answer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

import rag.answering.llm
from conftest import REPO
from rag.config import Settings
from rag.evaluation.evaluate import RetrievalReport, answer_assistant, evaluate_answers
from rag.evaluation.questions import load_questions
from rag.evaluation.report import answer_table, as_json, write_report
from rag.indexing.index import build_index
from rag.interfaces.cli import main

pytestmark = pytest.mark.usefixtures("fake_embeddings")


@pytest.fixture
def questions(tmp_path: Path) -> Path:
    """Five questions of the repository's set: facts, an English one, an unanswerable one, a conversation."""
    wanted = {"q01", "q03", "q19", "q116", "q132"}
    lines = (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    chosen = [line for line in lines if json.loads(line)["id"] in wanted]
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(chosen) + "\n", encoding="utf-8")
    return path


def unverifiable_model() -> FakeListChatModel:
    """A chat model whose every answer fails verification, so the extractive answer is given instead."""
    return FakeListChatModel(responses=["Le séminaire s'est tenu à Paris en 1999 [1]."])


def test_two_answer_configurations_in_one_report(questions: Path, tmp_path: Path) -> None:
    settings = Settings()
    build_index(settings)
    assistants = {
        "extractive": answer_assistant("extractive", settings),
        "openai": answer_assistant("openai", settings, chat_model=unverifiable_model()),
    }

    report = evaluate_answers(load_questions(questions), assistants, RetrievalReport())

    assert list(report.answers) == ["extractive", "openai"]
    assert report.answers["extractive"]["all"]["fallbacks"] == 0
    assert report.answers["openai"]["all"]["fallbacks"] > 0
    table = answer_table(report).splitlines()
    assert [line.split(" | ")[:3] for line in table[2:4]] == [["| all", "extractive", "5"], ["| all", "openai", "5"]]
    assert {line.split(" | ")[0] for line in table[2:]} >= {"| all", "| lang:en", "| kind:abstain"}
    data = as_json(report)
    assert [run["id"] for run in data["answer_per_question"]["openai"]] == ["q01", "q03", "q19", "q116", "q132"]
    paths = write_report(report, tmp_path / "report")
    assert [path.name for path in paths] == ["report.md", "report.json", "hit_at_k.png", "answers.png"]
    assert "### Answers of `openai`" in paths[0].read_text(encoding="utf-8")


@pytest.mark.slow  # ranx compiles its metrics with numba: about a minute
def test_rag_eval_compares_answer_configurations(
    questions: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    build_index(Settings())
    # "openai" stands for any chat model here.
    fake = unverifiable_model()
    monkeypatch.setattr(
        rag.answering.llm, "chat_model_from_settings", lambda s: fake if s.llm_provider == "openai" else None
    )
    out = tmp_path / "report"

    code = main(
        ["eval", str(questions), "--compare", "hybrid,bm25", "--answers", "extractive,openai", "--out", str(out)]
    )

    assert code == 0
    printed = capsys.readouterr().out
    assert "| all | extractive | 5 |" in printed and "| all | openai | 5 |" in printed
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert list(report["answers"]) == ["extractive", "openai"]
    assert {"all", "lang:en", "lang:fr", "kind:abstain", "kind:fact"} <= report["answers"]["openai"].keys()
    extractive, model = report["answers"]["extractive"]["all"], report["answers"]["openai"]["all"]
    assert extractive["fallbacks"] == 0 and extractive["generated"] == 0
    assert model["fallbacks"] > 0  # every answer the model was asked for failed verification
    modes = {run["mode"] for run in report["answer_per_question"]["openai"]}
    assert modes <= {"extractive", "fallback"} and "fallback" in modes
    assert [run["id"] for run in report["answer_per_question"]["extractive"]] == ["q01", "q03", "q19", "q116", "q132"]
    assert list(report["retrieval"]) == ["hybrid", "bm25"]
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "### Answers of `extractive`" in markdown and "### Answers of `openai`" in markdown
    assert (out / "answers.png").stat().st_size > 0 and (out / "hit_at_k.png").stat().st_size > 0


def test_a_model_that_cannot_answer_stops_the_run_with_a_message(
    questions: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RAG_LLM_BASE_URL", "http://127.0.0.1:9")  # nothing listens there

    code = main(["eval", str(questions), "--answers", "extractive,ollama"])

    assert code == 1
    err = capsys.readouterr().err
    assert "answer configuration 'ollama' cannot answer: ConnectError" in err
    assert "leave it out of --answers" in err and "Traceback" not in err


def test_unknown_configuration_is_a_usage_error(questions: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["eval", str(questions), "--answers", "extractive,gpt"])
    assert exit_.value.code == 2
    assert "'gpt': choose from extractive, ollama, openai, gguf" in capsys.readouterr().err
