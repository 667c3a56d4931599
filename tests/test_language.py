"""Language detection and English questions put into the documents' French words."""

from __future__ import annotations

from rag.languages.language import detect_language, glossary_french_words, glossary_terms, to_french_terms


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


def test_the_unpacked_language_model_identifies_as_py3langids_own(tmp_path, monkeypatch) -> None:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    from rag.languages.language import LANGUAGES, _load_identifier, _model_arrays

    own = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    own.set_languages(list(LANGUAGES))
    texts = [
        "Quand s'est tenu le deuxième atelier ?", "Who signed the letter?", "¿Quién firmó la carta?",
        "Wer hat den Brief unterzeichnet?", "Кто подписал письмо?", "من وقع الرسالة؟", "谁签署了这封信？", "OSCE", "",
    ]  # fmt: skip
    for cache in (tmp_path / "cache", tmp_path / "cache"):  # unpacked the first time, read back the second
        monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
        _load_identifier.cache_clear()
        assert [_load_identifier().classify(text) for text in texts] == [own.classify(text) for text in texts]
    assert any((tmp_path / "cache" / "rag" / "models").glob("py3langid-*/ptc.npy"))
    unwritable = tmp_path / "a-file"
    unwritable.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(unwritable))  # the cache cannot be made: unpacked in memory
    assert len(_model_arrays()) == 6
    _load_identifier.cache_clear()
