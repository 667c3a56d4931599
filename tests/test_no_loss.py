"""No text is lost or duplicated: on the five documents and on generated junk (hypothesis)."""

from __future__ import annotations

import difflib
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import CORPUS
from rag.ingest.corpus import Paragraph, parse_document
from rag.ingest.paragraphs import _SEPARATOR, furniture_lines


def tokens(text: str) -> list[str]:
    """Words as the invariant counts them: a line-end hyphen may glue two of them."""
    return re.findall(r"[^\s-]+", text)


def assert_no_loss(text: str, paragraphs: tuple[Paragraph, ...]) -> None:
    lines = text.splitlines()
    # page furniture (job numbers, barcodes, page numbers, the symbol atop a page) is no text
    expected = {n for n, line in enumerate(lines, 1) if line.strip() and not _SEPARATOR.match(line)}
    expected -= furniture_lines(lines)
    taken = [n for paragraph in paragraphs for n in paragraph.source_lines]
    assert len(taken) == len(set(taken)), "a source line is in two paragraphs"
    assert set(taken) == expected, f"lines lost: {sorted(expected - set(taken))[:5]}"
    for paragraph in paragraphs:
        assert list(paragraph.source_lines) == sorted(paragraph.source_lines), "words out of order"
        source_words = [word for n in paragraph.source_lines for word in tokens(lines[n - 1])]
        assert tokens(paragraph.raw) == source_words
        assert_text_is_raw_repaired(paragraph)


def assert_text_is_raw_repaired(paragraph: Paragraph) -> None:
    """The cleaned text is the raw text with its label taken off and small local repairs only."""
    raw = paragraph.raw
    if paragraph.label.isdigit() or paragraph.kind == "note":
        raw = re.sub(r"^\s*\S{1,3}\.?\s+", "", raw, count=1)
    words_raw, words_text = _letters(raw), _letters(paragraph.text)
    if words_raw == words_text:
        return
    matcher = difflib.SequenceMatcher(None, words_raw, words_text, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 - i1 == j2 - j1:  # word for word repairs
            pairs = list(zip(words_raw[i1:i2], words_text[j1:j2], strict=True))
        else:  # a word split or glued, or a call digit dropped
            pairs = [("".join(words_raw[i1:i2]), "".join(words_text[j1:j2]))]
            assert i2 - i1 <= 2 and j2 - j1 <= 2, f"{pairs}"
        for before, after in pairs:
            assert abs(len(before) - len(after)) <= 2, f"{before!r} -> {after!r}"
            if before and after:
                assert difflib.SequenceMatcher(None, before, after).ratio() >= 0.6, f"{before!r} -> {after!r}"


def _letters(text: str) -> list[str]:
    return [word for word in (re.sub(r"\W", "", token) for token in text.split()) if word]


def test_no_loss_on_the_five_documents() -> None:
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert not furniture_lines(text.splitlines())
        assert_no_loss(text, parse_document(path.name, text).paragraphs)


french_words = st.sampled_from(
    "le la les des terrorisme coopération Nations Unies l’Office résolution 1373 (2001) A/RES/60/288 "
    "Conseil sécurité, États; paragraphe: sous- régionaux siècle1 Macédoine1 I’OSCE 1’Organisation".split()
)
sentence = st.lists(french_words, min_size=1, max_size=14).map(" ".join)
line = st.one_of(
    sentence,
    sentence.map(lambda s: " " + s),
    sentence.map(lambda s: "   " + s.capitalize()),
    st.integers(0, 40).map(lambda n: f"{n}. Nous encourageons"),
    st.integers(0, 5).map(lambda n: f" {n}  Publication des Nations Unies"),
    st.sampled_from(["", "   ", "__________________", "S. Nous", "- d’examiner", "(Signé) Nom", " ET", "Suivi"]),
    st.text(max_size=60),  # anything, including non-French scripts and control characters
    st.text(alphabet="абвгд 漢字 αβγ", min_size=1, max_size=30),
    st.just("x" * 5000),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(line, max_size=40))
def test_no_loss_and_no_crash_on_generated_documents(lines: list[str]) -> None:
    text = "\n".join(lines)
    document = parse_document("generated.txt", text)
    assert_no_loss(text, document.paragraphs)


@given(st.text())
def test_any_text_parses(text: str) -> None:
    document = parse_document("anything.txt", text)
    assert all(paragraph.citation for paragraph in document.paragraphs)


def test_empty_and_lone_separator_documents() -> None:
    assert parse_document("empty.txt", "").paragraphs == ()
    assert parse_document("sep.txt", "__________________\n\n").paragraphs == ()


def test_the_check_catches_a_lost_or_duplicated_paragraph() -> None:
    path = next(CORPUS.glob("*roumanie*.txt"))
    text = path.read_text(encoding="utf-8")
    paragraphs = parse_document(path.name, text).paragraphs
    for broken in (paragraphs[:-1], (*paragraphs, paragraphs[3])):
        try:
            assert_no_loss(text, broken)
        except AssertionError:
            continue
        raise AssertionError("the no-loss check accepted a broken inventory")
