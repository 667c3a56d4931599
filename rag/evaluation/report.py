"""Evaluation reports: Markdown and JSON for people and tools, PNG charts for reports."""

from __future__ import annotations

import json
from pathlib import Path

from rag.evaluation.evaluate import RETRIEVAL_METRICS, RetrievalReport, hit_curve


def retrieval_table(report: RetrievalReport, group: str = "all") -> str:
    """A Markdown table: one row per configuration for one group of questions."""
    header = "| configuration | n | " + " | ".join(RETRIEVAL_METRICS) + " | p50 ms | p95 ms |"
    lines = [header, "|" + "---|" * (len(RETRIEVAL_METRICS) + 4)]
    for config, metrics in report.metrics.items():
        if group not in metrics:
            continue
        row = metrics[group]
        values = " | ".join(f"{row[name]:.3f}" for name in RETRIEVAL_METRICS)
        speed = report.latency[config]
        lines.append(f"| {config} | {row['n']} | {values} | {speed['p50_ms']:.1f} | {speed['p95_ms']:.1f} |")
    return "\n".join(lines)


def _in_order(names: set[str]) -> list[str]:
    return sorted(names, key=lambda name: (name != "all", not name.startswith("lang:"), name))


def groups(report: RetrievalReport) -> list[str]:
    """Question groups present in the report's retrieval: all, then languages, then kinds."""
    return _in_order({name for metrics in report.metrics.values() for name in metrics})


def answer_groups(report: RetrievalReport) -> list[str]:
    """Question groups present in the report's answers, in the same order."""
    return _in_order({name for metrics in report.answers.values() for name in metrics})


def failures(report: RetrievalReport, config: str) -> list[dict[str, object]]:
    """Questions whose gold paragraph is not first, with what came first instead."""
    rows = []
    for run in report.runs.get(config, []):
        if run.first_hit == 1:
            continue
        top = run.ranked[0][0] if run.ranked else "—"
        rows.append({"id": run.question.id, "kind": run.question.kind, "rank": run.first_hit, "top": top})
    return rows


ANSWER_COLUMNS = (
    "facts_recall", "all_facts", "abstention_accuracy", "false_abstentions", "citation_validity",
    "generated", "fallbacks", "answer_p50_ms", "answer_p95_ms",
)  # fmt: skip


def answer_table(report: RetrievalReport) -> str:
    """A Markdown table of the answer metrics: per group of questions, one row per answer configuration."""
    header = "| group | configuration | n | " + " | ".join(ANSWER_COLUMNS) + " |"
    lines = [header, "|" + "---|" * (len(ANSWER_COLUMNS) + 3)]
    for group in answer_groups(report):
        for config, metrics in report.answers.items():
            if group not in metrics:
                continue
            row = metrics[group]
            values = " | ".join("–" if row[c] != row[c] else f"{row[c]:.3f}" if c[-3:] != "_ms" else f"{row[c]:.0f}"
                                for c in ANSWER_COLUMNS)  # fmt: skip
            lines.append(f"| {group} | {config} | {row['n']} | {values} |")
    return "\n".join(lines)


def answer_failures(report: RetrievalReport, config: str) -> list[str]:
    """Markdown rows for the questions whose answer misses a fact, or abstains wrongly, in one configuration."""
    rows = []
    for run in report.answer_runs.get(config, []):
        wrong_abstention = run.abstained == run.question.answerable
        missing = [fact for fact, found in zip(run.question.facts, run.facts, strict=True) if not found]
        if wrong_abstention or (missing and not run.abstained):
            what = "abstained" if run.abstained else ("answered" if not run.question.answerable else "")
            rows.append(f"| {run.question.id} | {run.question.kind} | {what} | {'; '.join(missing)} |")
    return rows


def markdown(report: RetrievalReport) -> str:
    """The whole report as Markdown."""
    parts = ["# Evaluation", ""]
    if report.answers:
        parts += ["## Answers", "", answer_table(report), ""]
    for config in report.answers:
        parts += [f"### Answers of `{config}` that miss a fact or abstain wrongly", ""]
        parts += ["| id | kind | abstention | missing facts |", "|---|---|---|---|"]
        parts += [*answer_failures(report, config), ""]
    parts += ["## Retrieval", ""]
    for group in groups(report):
        parts += [f"### {group}", "", retrieval_table(report, group), ""]
    first = next(iter(report.metrics), None)
    if first:
        parts += [f"### Questions where `{first}` does not rank a gold paragraph first", ""]
        parts += ["| id | kind | rank of first gold | ranked first |", "|---|---|---|---|"]
        parts += [f"| {r['id']} | {r['kind']} | {r['rank'] or '> 10'} | {r['top']} |" for r in failures(report, first)]
    return "\n".join(parts) + "\n"


def as_json(report: RetrievalReport) -> dict[str, object]:
    """The report as plain data."""
    return {
        "answers": report.answers,
        "answer_per_question": {
            config: [
                {"id": run.question.id, "kind": run.question.kind, "lang": run.question.lang, "mode": run.mode,
                 "abstained": run.abstained, "facts": run.facts, "citations_valid": run.citations_valid,
                 "ms": run.seconds * 1000, "answer": run.text}
                for run in runs
            ]
            for config, runs in report.answer_runs.items()
        },
        "retrieval": report.metrics,
        "latency": report.latency,
        "hit_curves": {config: hit_curve(runs) for config, runs in report.runs.items()},
        "per_question": {
            config: [
                {"id": run.question.id, "kind": run.question.kind, "lang": run.question.lang,
                 "first_hit": run.first_hit, "ranked": [rid for rid, _, _ in run.ranked]}
                for run in runs
            ]
            for config, runs in report.runs.items()
        },
    }  # fmt: skip


def chart(report: RetrievalReport, path: Path) -> None:
    """Hit@k curves (k = 1..10) per configuration, overall and for each language."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    languages = sorted({run.question.lang for runs in report.runs.values() for run in runs})
    panels = [("all questions", None)] + [(f"lang = {lang}", lang) for lang in languages]
    figure, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 4), squeeze=False)
    for axis, (title, lang) in zip(axes[0], panels, strict=True):
        for config, runs in report.runs.items():
            chosen = [run for run in runs if lang is None or run.question.lang == lang]
            curve = hit_curve(chosen)
            axis.plot(range(1, len(curve) + 1), curve, marker="o", label=config)
        axis.set(title=title, xlabel="k", ylabel="hit@k", ylim=(0, 1.02))
        axis.grid(alpha=0.3)
        if report.runs:
            axis.legend(loc="lower right")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


ANSWER_CHART = {
    "facts_recall": "facts recall",
    "all_facts": "all facts",
    "abstention_accuracy": "abstains when it should",
    "false_abstentions": "false abstentions (lower is better)",
    "citation_validity": "citation validity",
}


def answer_chart(report: RetrievalReport, path: Path) -> None:
    """Bars of the answer metrics per answer configuration, overall and for each language."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [("all questions", "all")] + [
        (f"lang = {group.removeprefix('lang:')}", group) for group in answer_groups(report) if group.startswith("lang:")
    ]
    configs = list(report.answers)
    width = 0.8 / len(configs)
    figure, axes = plt.subplots(1, len(panels), figsize=(6 * len(panels), 4), squeeze=False)
    for axis, (title, group) in zip(axes[0], panels, strict=True):
        for number, config in enumerate(configs):
            row = report.answers[config].get(group, {})
            values = [row.get(metric, float("nan")) for metric in ANSWER_CHART]
            positions = [index + (number - (len(configs) - 1) / 2) * width for index in range(len(ANSWER_CHART))]
            axis.bar(positions, [0 if value != value else value for value in values], width, label=config)
        axis.set_xticks(range(len(ANSWER_CHART)), list(ANSWER_CHART.values()), rotation=20, ha="right")
        axis.set(title=title, ylim=(0, 1.2), yticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])  # room for the legend
        axis.grid(alpha=0.3, axis="y")
        axis.legend(loc="upper center", ncol=len(configs), fontsize="small")
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)


def write_report(report: RetrievalReport, out: Path) -> list[Path]:
    """Write report.md, report.json, hit_at_k.png and, with answers, answers.png into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.md", out / "report.json", out / "hit_at_k.png"]
    paths[0].write_text(markdown(report), encoding="utf-8")
    paths[1].write_text(json.dumps(as_json(report), ensure_ascii=False, indent=1), encoding="utf-8")
    chart(report, paths[2])
    if report.answers:
        paths.append(out / "answers.png")
        answer_chart(report, paths[3])
    return paths
