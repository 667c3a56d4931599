"""Language detection and English questions put into the documents' French words."""

from __future__ import annotations

from rag.language import detect_language, glossary_french_words, glossary_terms, to_french_terms


def test_detect_language() -> None:
    assert detect_language("Who signed the letter from Turkey?") == "en"
    assert detect_language("Qui a signé la lettre de la Turquie ?") == "fr"


def test_english_terms_become_the_documents_french_terms() -> None:
    terms = to_french_terms("What does the Plan of Action say about money laundering?").split()
    assert "say" not in terms and "what" not in terms
    assert {"plan", "blanchiment"} <= set(terms)


def test_words_that_only_shape_the_question_are_left_out() -> None:
    terms = to_french_terms("According to the declaration, what exactly is the workshop supposed to look into?")
    assert not {"according", "exactly", "supposed", "look"} & set(terms.split())


def test_names_the_glossary_does_not_know_are_kept() -> None:
    assert "pamir" in to_french_terms("Did Ümit Pamir sign it?").split()


def test_the_glossary_french_vocabulary_is_institutions_not_people() -> None:
    assert {"nations", "unies", "conseil"} <= glossary_french_words()
    assert "pamir" not in glossary_french_words()


def test_a_glossary_term_is_found_in_the_other_number() -> None:
    # the glossary has "representatives" and "problems"; "representative" and "problem" find them
    assert glossary_terms("Which representative?") == (["représentants"], [])
    assert glossary_terms("What problem?")[0] == ["problème"]
    assert glossary_terms("Which entity?") == (["entités"], [])  # "entities"


def test_a_hyphenated_compound_is_translated_part_by_part() -> None:
    french, rest = glossary_terms("a joint UNODC-OSCE mission")
    assert "onudc" in " ".join(french) and "osce" in french and not any("unodc" in word for word in rest)


def test_common_words_of_the_documents_are_in_the_glossary() -> None:
    french, rest = glossary_terms("a rapid answer in these areas, research and its quality")
    assert rest == [] and {"rapide rapidement", "domaines domaine", "recherches recherche"} <= set(french)
