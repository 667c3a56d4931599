"""General repair rules: OCR damage, glued note calls, line joins."""

from __future__ import annotations

import pytest

from rag.ingest.paragraphs import split_blocks
from rag.ingest.textfix import join_lines, repair_ocr, strip_note_calls


@pytest.mark.parametrize(
    ("damaged", "repaired"),
    [
        ("de 1’Organisation pour", "de l’Organisation pour"),
        ("adoptés a I’OSCE sur", "adoptés a l’OSCE sur"),
        ("documents pour ’OSCE.", "documents pour l’OSCE."),
        ("en renfor¢ant la mise en ceuvre", "en renforçant la mise en œuvre"),
        ("DECLARATION‘SUR LE RENFORCEMENT", "DECLARATION SUR LE RENFORCEMENT"),
        # left alone: real digits and quotes
        ("la résolution 1373 (2001) du", "la résolution 1373 (2001) du"),
        ("la « feuille de route » pour", "la « feuille de route » pour"),
        ("l’ONU et l’OSCE", "l’ONU et l’OSCE"),
    ],
)
def test_repair_ocr(damaged: str, repaired: str) -> None:
    assert repair_ocr(damaged) == repaired


def test_note_calls_are_stripped_only_where_the_note_exists() -> None:
    text = "du XXIe siècle1, issue; terrorisme2, qui; A/RES/60/288 et 1373 (2001); fruit3;"
    assert strip_note_calls(text, {"1", "2"}) == (
        "du XXIe siècle, issue; terrorisme, qui; A/RES/60/288 et 1373 (2001); fruit3;",
        ["1", "2"],
    )
    assert strip_note_calls(text, set()) == (text, [])


def test_join_lines_keeps_compound_hyphens_and_spaces_dashes() -> None:
    assert join_lines(["ateliers régionaux et sous-", "régionaux qui"]) == "ateliers régionaux et sous-régionaux qui"
    assert join_lines(["la sécurité coopérative -", "coopération"]) == "la sécurité coopérative - coopération"


def test_ocr_letter_in_a_number_only_where_the_sequence_expects_it() -> None:
    lines = ["4. Nous réaffirmons.", "", "S. Nous reconnaissons.", "", "S. Suite du texte."]
    assert [block.number for block in split_blocks(lines)] == [4, 5, None]


def test_roman_heading_is_not_read_as_paragraph_one() -> None:
    blocks = split_blocks(["I. Objectif du Plan d’action", "", "1. Le terrorisme est une menace."])
    assert [block.number for block in blocks] == [None, 1]
