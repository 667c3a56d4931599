"""Benchmark figures measured over several runs, reported as their median with the spread and the run count."""

from __future__ import annotations

import datetime
import json
import os
import statistics
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Figure:
    """One measured quantity and every value it took.

    Attributes:
        name: what is measured, with its unit ("build s", "query p50 ms").
        samples: one value per run.
        runs: what one sample is, for the table ("builds", "passes of 60 queries").
        note: shown instead of the run count when the figure is not a median (e.g. a peak).
    """

    name: str
    samples: list[float] = field(default_factory=list)
    runs: str = "runs"
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def basis(self) -> str:
        """How the figure was obtained, as the table says it."""
        if self.note:
            return self.note
        return f"median of {len(self.samples)} {self.runs}" if len(self.samples) > 1 else "1 run only, not a median"

    def to_dict(self) -> dict[str, object]:
        return {"median": self.median, "samples": self.samples, "basis": self.basis}


def machine() -> str:
    """When and on what the figures were taken: other work on the machine skews them."""
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    return f"{datetime.date.today()}, {os.cpu_count()} CPU cores, load average {load} when the table was printed."


def number(value: float) -> str:
    """Three decimals below 10, one above: ratios and hit rates stay readable next to milliseconds."""
    if value != value:
        return "–"
    if float(value).is_integer() and abs(value) >= 100:
        return f"{value:.0f}"
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def table(figures: list[Figure]) -> str:
    """A Markdown table: figure, median, min, max, and how many runs it is the median of."""
    lines = ["| figure | median | min | max | basis |", "|---|---|---|---|---|"]
    for figure in figures:
        low, high = (number(min(figure.samples)), number(max(figure.samples))) if figure.samples else ("–", "–")
        if figure.note:
            low = high = "–"
        lines.append(f"| {figure.name} | {number(figure.median)} | {low} | {high} | {figure.basis} |")
    return "\n".join(lines)


def save(out: Path, name: str, result: dict[str, object], printed: str) -> None:
    """Write ``name.json`` (the figures) and ``name.md`` (the table as printed) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (out / f"{name}.md").write_text(printed + "\n", encoding="utf-8")
