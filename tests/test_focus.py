"""The focus of a question: what its interrogative asks about, which the documents must speak of."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.answering.constraints import unaddressed, unmentioned
from rag.answering.focus import question_focus, yes_no_topic
from rag.indexing.lexical import tokenize
from rag.ingest.textfix import fold

CORPUS = (
    "Les États participants s'efforceront de devenir parties, si possible d'ici le 31 décembre 2002, aux douze "
    "conventions ; la conférence de Bichkek apportera en même temps un appui pratique aux services de police."
)
KNOWN = set(tokenize([CORPUS], "fr")[0])
WORDS = set(re.findall(r"[\w-]+", fold(CORPUS)))


def known(stem: str) -> bool:
    return stem in KNOWN


def uses_word(word: str) -> bool:
    return fold(word) in WORDS


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("Quelle peine de prison la Déclaration prévoit-elle ?", "fr", [{"pein"}]),
        ("Quel temps fait-il à Antalya ?", "fr", [{"temp"}]),
        ("Dans quel hôtel s'est tenu le séminaire ?", "fr", [{"hotel"}]),
        ("Quels atouts propres à l'OSCE le Plan met-il en valeur ?", "fr", [{"atout", "propr"}]),
        ("Quel soutien et quelle aide apporte-t-elle ?", "fr", [{"soutien"}, {"aid"}]),
        ("What is the street address of the UNODC headquarters?", "en", [{"street@en", "address@en"}]),
        ("Which airline carried the delegations?", "en", [{"airline@en"}]),  # the glossary lacks it
        ("Which Motoc letter is meant?", "en", [set(tokenize(["lettre Motoc"], "fr")[0])]),  # a name stays as it is
        ("What right must persons belonging to minorities enjoy?", "en", [{"droit"}]),  # the glossary
        ("What kind of training does the Plan envisage?", "en", []),  # the class of the answer
        ("Quel est l'objectif affiché du Plan d'action ?", "fr", []),
        ("Quelles formes d'intolérance le Représentant doit-il combattre ?", "fr", []),
        ("Dans quelle ville et à quelles dates s'est tenu le Congrès ?", "fr", []),
        ("Which country proposed the declaration?", "en", []),
        ("Qui a signé la lettre ?", "fr", []),  # no interrogative adjective: no focus
        ("Quelle a été la réponse ?", "fr", []),  # a verb right after the interrogative
        ("How does the declaration describe the ways in which crime harms stability?", "en", []),  # relative
    ],
)
def test_the_focus_of_a_question(question: str, language: str, expected: list[set[str]]) -> None:
    assert [focus.stems for focus in question_focus(question, language, uses_word)] == expected


def test_a_focus_the_documents_never_use_means_no_answer() -> None:
    assert unmentioned("What penalty does the conference set for missing the deadline?", known) == "penalty"
    assert unmentioned("Dans quel hôtel s'est tenue la conférence de Bichkek ?", known) == "hôtel"
    assert unmentioned("Quel appui la conférence de Bichkek apportera-t-elle ?", known) is None
    # known to the documents, the focus may be said in other words by the paragraph that answers
    assert unmentioned("Quel temps fait-il à Bichkek ?", known) is None


def test_an_english_word_the_glossary_lacks_is_not_read_as_french() -> None:
    # "fine" is not the French "fin" (an end), which the documents use; "services" is written alike
    knows_fin = KNOWN | {"fin"}
    assert unmentioned("What fine does the conference set?", knows_fin.__contains__, None, uses_word) == "fine"
    assert unmentioned("For which services does the conference provide support?", known, None, uses_word) is None
    # without the documents' words, an untranslated English word is read as French
    assert question_focus("Which airline carried them?", "en")[0].stems == set(tokenize(["airline"], "fr")[0])


def test_a_class_noun_asks_nothing_of_the_documents_words() -> None:
    assert unmentioned("Avant quelle échéance les États devaient-ils devenir parties ?", known) is None
    assert unmentioned("Dans quels secteurs la conférence apportera-t-elle un appui ?", known) is None


def test_the_focus_is_the_last_turn_s() -> None:
    merged = "Quel appui la conférence de Bichkek apportera-t-elle ? Et dans quel hôtel ?"
    assert unmentioned(merged, known, last_turn="Quel appui apportera-t-elle ?") is None
    assert unmentioned(merged, known, last_turn="Et dans quel hôtel ?") == "hôtel"


@pytest.mark.parametrize(
    ("question", "language", "expected"),
    [
        ("La Déclaration a-t-elle été adoptée à l'unanimité ?", "fr", ["unanimité"]),
        ("Le projet de résolution parle-t-il du changement climatique ?", "fr", ["changement", "climatique"]),
        ("Est-ce que la conférence prévoit des amendes ?", "fr", ["conférence", "amendes"]),
        ("La Géorgie envisage-t-elle de créer une agence ?", "fr", ["agence"]),  # "de créer": a verb
        # a class noun or a number names the kind of answer, not what it is about
        ("Les États se fixent-ils une échéance pour les douze conventions ?", "fr", ["conventions"]),
        ("Does the Declaration mention cybercrime?", "en", ["cybercrime"]),
        ("Does the Plan of Action set up a compensation fund?", "en", ["compensation"]),  # "fund": "fonds"
        ("Does the Plan call for a rapid deployment capability?", "en", []),  # a glossary term, read whole
        ("Quel appui la conférence apportera-t-elle ?", "fr", []),  # an interrogative: not a yes/no question
        ("Did Turkey host the seminar?", "en", []),  # no verb that names a topic
    ],
)
def test_the_topic_of_a_yes_no_question(question: str, language: str, expected: list[str]) -> None:
    assert [focus.words for focus in yes_no_topic(question, language)] == expected


def test_a_yes_no_question_about_what_no_document_speaks_of_means_no_answer() -> None:
    assert unmentioned("La conférence de Bichkek a-t-elle été adoptée à l'unanimité ?", known) == "unanimité"
    assert unmentioned("Does the conference provide for fines?", known, None, uses_word) == "fines"
    assert unmentioned("La conférence apportera-t-elle un appui pratique ?", known) is None


def test_the_paragraphs_found_must_speak_of_the_focus() -> None:
    found = ["La conférence de Bichkek apportera un appui pratique.", "L'attentat perpétré contre le siège."]
    # the corpus uses "temps" ("en même temps"), but not the paragraphs that speak of Bichkek
    assert unaddressed("Quel temps fait-il à Bichkek ?", found) == "temps"
    assert unaddressed("What budget does the Bichkek conference have?", found) == "budget"
    assert unaddressed("Quel appui la conférence apportera-t-elle ?", found) is None
    # in a word the glossary gives for the same thing: "soutien" or "appui", "attaque" or "attentat"
    assert unaddressed("Quel soutien la conférence apportera-t-elle ?", found) is None
    assert unaddressed("Quelle attaque le texte condamne-t-il ?", found) is None
    assert unaddressed("Qui a signé la lettre ?", found) is None  # no focus: nothing to check


@given(st.text(max_size=200), st.sampled_from(["fr", "en"]))
def test_any_text_has_a_focus_or_none(text: str, language: str) -> None:
    for focus in question_focus(f"Quel {text} ?" if language == "fr" else f"Which {text}?", language, uses_word):
        assert focus.words and focus.stems
    question_focus(text, language)


@given(st.text(max_size=200), st.sampled_from(["fr", "en"]))
def test_any_text_has_a_yes_no_topic_or_none(text: str, language: str) -> None:
    for start in ("", "Est-ce que ", "Le Plan prévoit-il ", "offre-t-elle", "Does the Plan mention "):
        for focus in yes_no_topic(f"{start}{text}", language, uses_word):
            assert focus.words and focus.stems
