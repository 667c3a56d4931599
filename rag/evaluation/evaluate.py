"""Offline evaluation on a question set: retrieval and answer quality per configuration, split by kind."""

from __future__ import annotations

import statistics
import time
import warnings
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from tqdm.auto import tqdm

from rag.config import Settings
from rag.evaluation.questions import Question
from rag.search.conversation import standalone_question

RETRIEVAL_METRICS = ("hit_rate@1", "hit_rate@5", "recall@5", "mrr@10", "ndcg@10")
_DEPTH = 10
_UNREACHABLE = "__gold-in-no-passage__"


@dataclass
class RetrievalRun:
    """One configuration's ranking for one question."""

    question: Question
    config: str
    ranked: list[tuple[str, float, str]]  # (id, score, text), best first
    relevant: set[str]
    seconds: float

    @property
    def first_hit(self) -> int | None:
        """1-based rank of the first relevant result in the top 10, or None."""
        return next((rank for rank, (rid, _, _) in enumerate(self.ranked, 1) if rid in self.relevant), None)


@dataclass
class RetrievalReport:
    """Metrics per configuration and group of questions ("all", "kind:…", "lang:…").

    Attributes:
        metrics: retrieval configuration → group → metric (answerable questions only).
        latency: retrieval configuration → p50/p95 search time in milliseconds.
        runs: retrieval configuration → one run per answerable question.
        answers: answer configuration → group → answer metric (see ``answer_metrics``).
        answer_runs: answer configuration → one run per question.
    """

    metrics: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    latency: dict[str, dict[str, float]] = field(default_factory=dict)
    runs: dict[str, list[RetrievalRun]] = field(default_factory=dict)
    answers: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    answer_runs: dict[str, list[AnswerRun]] = field(default_factory=dict)


Searcher = Callable[[str, int], list[tuple[str, float, str]]]


def paragraph_searcher(settings: Settings, mode: str) -> tuple[Searcher, dict[str, str]]:
    """Search function of this project's index in one mode, and every paragraph's text by id."""
    from rag.search.retrieve import ParagraphIndex

    index = ParagraphIndex(settings)

    def search(question: str, k: int) -> list[tuple[str, float, str]]:
        return [(h.entry.para_id, h.score, h.entry.text) for h in index.search(question, k, mode)]

    return search, {entry.para_id: entry.text for entry in index.manifest.entries}


def baseline_searcher(settings: Settings) -> tuple[Searcher, dict[str, str]]:
    """Search function of the LangChain-tutorial baseline, and every chunk's text by id."""
    from rag.evaluation.baseline import TutorialBaseline, unwrap

    baseline = TutorialBaseline(settings.corpus_dir, settings.embedding_model)
    stored = baseline.store.get()
    texts = {cid: unwrap(text) for cid, text in zip(stored["ids"], stored["documents"], strict=True)}

    def search(question: str, k: int) -> list[tuple[str, float, str]]:
        return [(c.chunk_id, c.score, c.text) for c in baseline.search(question, k)]

    return search, texts


def run_retrieval(
    questions: list[Question], config: str, searcher: Searcher, texts: dict[str, str], show_progress: bool = False
) -> list[RetrievalRun]:
    """Rank the top 10 for every answerable question."""
    runs = []
    for question in tqdm(
        [q for q in questions if q.answerable], desc=f"retrieval {config}", disable=not show_progress, leave=False
    ):
        query = standalone_question(question.messages)
        started = time.perf_counter()
        ranked = searcher(query, _DEPTH)
        seconds = time.perf_counter() - started
        # A gold quote that no passage contains (a chunk cut through it) counts as a miss.
        relevant = {doc_id for doc_id, text in texts.items() if question.is_relevant(text)} or {_UNREACHABLE}
        runs.append(RetrievalRun(question, config, ranked, relevant, seconds))
    return runs


def by_group(runs: list) -> dict[str, list]:
    """Runs of all questions ("all"), and by kind ("kind:…") and language ("lang:…")."""
    groups: dict[str, list] = defaultdict(list)
    for run in runs:
        groups["all"].append(run)
        groups[f"kind:{run.question.kind}"].append(run)
        groups[f"lang:{run.question.lang}"].append(run)
    return groups


def retrieval_metrics(runs: list[RetrievalRun]) -> dict[str, dict[str, float]]:
    """ranx metrics over the runs, for all questions and per kind and language."""
    from ranx import Qrels, Run, evaluate

    results = {}
    for group, members in sorted(by_group(runs).items()):
        qrels = Qrels({run.question.id: {doc_id: 1 for doc_id in run.relevant} for run in members})
        ranking = Run(
            {
                run.question.id: {doc_id: float(_DEPTH - rank) for rank, (doc_id, _, _) in enumerate(run.ranked)}
                or {"__none__": 0.0}
                for run in members
            }
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = evaluate(qrels, ranking, list(RETRIEVAL_METRICS), make_comparable=True)
        results[group] = {metric: float(value) for metric, value in scores.items()} | {"n": len(members)}
    return results


def latency(runs: list[RetrievalRun]) -> dict[str, float]:
    """Median and 95th percentile of the search time, in milliseconds."""
    return latency_of([run.seconds for run in runs])


CONFIGS = ("hybrid", "dense", "bm25", "baseline")


def searcher_for(config: str, settings: Settings) -> tuple[Searcher, dict[str, str]]:
    """The search function of a named configuration."""
    if config == "baseline":
        return baseline_searcher(settings)
    if config in ("hybrid", "dense", "bm25"):
        return paragraph_searcher(settings, config)
    raise ValueError(f"unknown configuration {config!r}; choose from {', '.join(CONFIGS)}")


def evaluate_retrieval(
    questions: list[Question], settings: Settings, configs: list[str], show_progress: bool = False
) -> RetrievalReport:
    """Run every configuration on the question set, in the same process."""
    report = RetrievalReport()
    for config in configs:
        searcher, texts = searcher_for(config, settings)
        searcher("warm-up", _DEPTH)  # load the model once, so latency is the warm query latency
        runs = run_retrieval(questions, config, searcher, texts, show_progress)
        report.runs[config] = runs
        report.metrics[config] = retrieval_metrics(runs)
        report.latency[config] = latency(runs)
    return report


def hit_curve(runs: list[RetrievalRun], depth: int = _DEPTH) -> list[float]:
    """Share of questions with a relevant result in the top k, for k = 1..depth."""
    if not runs:
        return [0.0] * depth
    return [sum(1 for run in runs if run.first_hit and run.first_hit <= k) / len(runs) for k in range(1, depth + 1)]


@dataclass
class AnswerRun:
    """The assistant's answer to one question, judged against the set.

    Attributes:
        mode: how the answer was made: ``extractive``, ``generative``, or ``fallback``
            (the model failed or wrote nothing verifiable: the extractive answer instead).
    """

    question: Question
    abstained: bool
    facts: list[bool]
    citations_valid: list[bool]
    seconds: float
    text: str
    config: str = "extractive"
    mode: str = "extractive"


ANSWERERS = ("extractive", "ollama", "openai", "gguf")


class AnswererError(RuntimeError):
    """An answer configuration cannot answer: its model is missing, or its server down."""


def answerer_name(settings: Settings) -> str:
    """The answer configuration the settings describe: ``extractive``, or the chat model provider."""
    return "extractive" if settings.llm_provider == "none" else settings.llm_provider


def answer_assistant(name: str, settings: Settings, chat_model: object | None = None):
    """The assistant of a named answer configuration, its model checked with one short request.

    The request also loads a local model, so the answers' latencies are warm ones.

    Args:
        name: one of ``ANSWERERS``; ``ollama`` and ``openai`` use ``RAG_LLM_MODEL`` and
            ``RAG_LLM_BASE_URL``, ``gguf`` the packaged SmolLM2 or ``RAG_LLM_GGUF_PATH``.
        settings: everything but the chat model provider.
        chat_model: a LangChain chat model to use instead of the one the name stands for.

    Raises:
        ValueError: an unknown name.
        AnswererError: the model could not answer the check.
    """
    from rag.answering.assistant import Assistant

    if name not in ANSWERERS:
        raise ValueError(f"unknown answer configuration {name!r}; choose from {', '.join(ANSWERERS)}")
    provider = "none" if name == "extractive" else name
    assistant = Assistant(settings.model_copy(update={"llm_provider": provider}), chat_model=chat_model)
    try:
        if assistant.generator is not None:
            assistant.generator.model.invoke("Réponds par « oui ».")
    except Exception as error:  # any client error: missing package or file, connection refused, timeout
        raise AnswererError(f"answer configuration {name!r} cannot answer: {type(error).__name__}: {error}") from error
    return assistant


def run_answers(
    questions: list[Question], assistant: object, show_progress: bool = False, config: str | None = None
) -> list[AnswerRun]:
    """Ask every question (conversations turn by turn, the assistant's own answers as history).

    Args:
        config: the configuration's name in the report (default: the assistant's answerer).
    """
    from rag.evaluation.questions import normalise

    config = config or answerer_name(assistant.settings)
    runs = []
    for question in tqdm(questions, desc=f"answers {config}", disable=not show_progress, leave=False):
        history: list[dict[str, str]] = []
        for turn in question.messages[:-1]:
            earlier = assistant.ask(turn, history=history)
            history += [{"role": "user", "content": turn}, {"role": "assistant", "content": earlier.text}]
        started = time.perf_counter()
        answer = assistant.ask(question.messages[-1], history=history)
        seconds = time.perf_counter() - started
        valid = [normalise(c.quote) in normalise(c.text) and bool(c.quote.strip()) for c in answer.citations]
        found = question.facts_found(answer.text)
        runs.append(AnswerRun(question, answer.abstained, found, valid, seconds, answer.text, config, answer.mode))
    return runs


def evaluate_answers(
    questions: list[Question], assistants: dict[str, object], report: RetrievalReport, show_progress: bool = False
) -> RetrievalReport:
    """Run every answer configuration on the question set and add its runs and metrics to the report."""
    for config, assistant in assistants.items():
        report.answer_runs[config] = run_answers(questions, assistant, show_progress, config)
        report.answers[config] = answer_metrics(report.answer_runs[config])
    return report


def answer_metrics(runs: list[AnswerRun]) -> dict[str, dict[str, float]]:
    """Facts recall, abstention, false abstentions, citation validity and answer modes, overall and per kind."""
    results = {}
    for group, members in sorted(by_group(runs).items()):
        answerable = [run for run in members if run.question.answerable]
        unanswerable = [run for run in members if not run.question.answerable]
        facts = [found for run in answerable for found in run.facts]
        citations = [valid for run in members for valid in run.citations_valid]
        results[group] = {
            "n": len(members),
            "facts_recall": sum(facts) / len(facts) if facts else float("nan"),
            "all_facts": sum(all(run.facts) for run in answerable) / len(answerable) if answerable else float("nan"),
            "abstention_accuracy": (
                sum(run.abstained for run in unanswerable) / len(unanswerable) if unanswerable else float("nan")
            ),
            "false_abstentions": (
                sum(run.abstained for run in answerable) / len(answerable) if answerable else float("nan")
            ),
            "citation_validity": sum(citations) / len(citations) if citations else float("nan"),
            "generated": sum(run.mode == "generative" for run in members) / len(members),
            "fallbacks": sum(run.mode == "fallback" for run in members) / len(members),
            **{f"answer_{key}": value for key, value in latency_of([run.seconds for run in members]).items()},
        }
    return results


def latency_of(seconds: list[float]) -> dict[str, float]:
    """Median and 95th percentile, in milliseconds."""
    times = sorted(value * 1000 for value in seconds)
    if not times:
        return {"p50_ms": 0.0, "p95_ms": 0.0}
    return {"p50_ms": statistics.median(times), "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]}
