"""Parsing does work linear in the size of a document: big documents parse, they do not hang.

Not a timing test: each input is sized so that the quadratic code before the fix needs minutes
while linear parsing needs about a second on this project's loaded 2-core machine, and the
deadline sits far from both; it only turns a hang into a failure. (Before the fix, measured: a
200 KB paragraph took 6.5 s, 8,000 list items after page breaks 33 s, 8,000 headings 31 s; the
work grows with the square of the size, so the inputs below need about 2.5, 3 and 2 minutes.
Each of them fails at the deadline on that code.)
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from rag.ingest.corpus import parse_document

DEADLINE_S = 30
LINE = "de la coopération internationale contre le terrorisme et la criminalité organisée dans\n"


@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail, instead of hanging, when the block is still running after ``seconds``."""

    def expire(signum: int, frame: object) -> None:
        raise AssertionError(f"still parsing after {seconds} s: the work grows faster than the input")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        pytest.param(LINE * 12_000, 1, id="one hard-wrapped paragraph of 1 MB"),
        pytest.param(
            "Les mesures suivantes\n" + "de la\n" * 20_000 + ":\n" + "\n- a\n" * 20_000,
            1,
            id="20,000 list items each after a page break",
        ),
        # each one a "titre" of the front matter: 16,000 paragraphs whose ids need a suffix
        pytest.param("Coopération régionale\n\n" * 16_000, 16_000, id="16,000 headings"),
    ],
)
def test_big_documents_parse_in_linear_work(text: str, paragraphs: int) -> None:
    with deadline(DEADLINE_S):
        document = parse_document("big.txt", text)
    assert len(document.paragraphs) == paragraphs
    taken = [number for paragraph in document.paragraphs for number in paragraph.source_lines]
    assert len(taken) == sum(1 for line in text.splitlines() if line)
    assert len({paragraph.id for paragraph in document.paragraphs}) == paragraphs
