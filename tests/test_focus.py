"""The focus of a question: what its interrogative asks about, which the answering paragraph must name."""

from __future__ import annotations

import pytest

from rag.constraints import requirement
from rag.focus import focus_stems
from rag.lexical import tokenize

PARAGRAPH = (
    "Les États participants s'efforceront de devenir parties, si possible d'ici le 31 décembre 2002, aux douze "
    "conventions ; la conférence de Bichkek apportera un appui pratique aux États d'Asie centrale."
)
KNOWN = set(tokenize([PARAGRAPH])[0]) | set(tokenize(["en même temps, la sanction"])[0])


def known(stem: str) -> bool:
    return stem in KNOWN


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("Quelle peine de prison la Déclaration prévoit-elle ?", "fr", [{"pein", "sanction", "penal"}]),
        ("Quel temps fait-il à Antalya ?", "fr", [{"temp"}]),
        ("Dans quel hôtel s'est tenu le séminaire ?", "fr", [{"hotel"}]),
        ("Quels atouts propres à l'OSCE le Plan met-il en valeur ?", "fr", [{"atout", "propr"}]),
        ("What is the street address of the UNODC headquarters?", "en", [{"street", "address"}]),
        ("Which airline carried the delegations?", "en", [{"airlin"}]),
        ("What kind of training does the Plan envisage?", "en", []),  # the class of the answer
        ("Quel est l'objectif affiché du Plan d'action ?", "fr", []),
        ("Quelles formes d'intolérance le Représentant doit-il combattre ?", "fr", []),
        ("Dans quelle ville et à quelles dates s'est tenu le Congrès ?", "fr", []),
        ("Which country proposed the declaration?", "en", []),
        ("Qui a signé la lettre ?", "fr", []),  # no interrogative adjective: no focus
        ("How does the declaration describe the ways in which crime harms stability?", "en", []),  # relative
    ],
)
def test_the_focus_of_a_question(question: str, language: str, expected: list[set[str]]) -> None:
    assert focus_stems(question, language) == expected


def test_a_focus_word_is_found_through_its_synonyms() -> None:
    [stems] = focus_stems("Quel soutien la conférence de Bichkek doit-elle apporter ?", "fr")
    assert {"soutien", "appui", "aid"} <= stems


def test_a_paragraph_that_does_not_name_the_focus_does_not_answer() -> None:
    meets = requirement("Quel soutien la conférence de Bichkek apportera-t-elle ?", known)
    assert meets is not None and meets(PARAGRAPH)  # "un appui pratique"
    meets = requirement("Quel temps fait-il en décembre ?", known)
    assert meets is not None and not meets(PARAGRAPH)
    meets = requirement("Avant quelle échéance les États devaient-ils devenir parties ?", known)
    assert meets is not None and meets(PARAGRAPH)  # a deadline is given as a date


def test_a_focus_the_corpus_never_uses_means_no_answer() -> None:
    assert requirement("What penalty does the Plan provide for missing the deadline?", known) is None
    assert requirement("Dans quel hôtel s'est tenue la conférence de Bichkek ?", known) is None
    assert requirement("Quelle sanction la conférence prévoit-elle ?", known) is not None


def test_the_focus_is_the_last_turn_s() -> None:
    merged = "Quel soutien la conférence de Bichkek apportera-t-elle ? Et dans quel hôtel ?"
    assert requirement(merged, known, last_turn="Quelle aide apportera-t-elle ?") is not None
    assert requirement(merged, known, last_turn="Et dans quel hôtel ?") is None
