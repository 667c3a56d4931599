"""Verification of generated sentences: every specific anywhere in a sentence, and its content words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rag.answering.sentences import clauses, split_sentences
from rag.answering.verify import DraftVerifier, check_sentence, claims, verify
from rag.indexing.index import Entry
from rag.search.retrieve import Hit

ANTALYA = (
    "Le Séminaire international sur la coopération contre le terrorisme et la criminalité transnationale "
    "organisée s’est tenu à Antalya (Turquie) du 23 au 25 février 2004."
)
SIGNATURE = "(Signé) Baki İlkin"


def hit(text: str, citation: str = "Lettre de la Turquie du 12 avril 2004, alinéa 1") -> Hit:
    entry = Entry(
        chroma_id="x", passage=text, para_id="p", source="s.txt", doc_id="s", doc_title="Titre", doc_kind="letter",
        short_title="Titre", letter=None, section="", paragraph="1", kind="paragraph", lines=(1, 1),
        citation=citation, text=text, language="fr",
    )  # fmt: skip
    return Hit(entry=entry, score=1.0)


HITS = [hit(ANTALYA), hit(SIGNATURE, "Lettre de la Turquie du 12 avril 2004, signature")]


def test_a_name_that_opens_a_sentence_is_a_claim() -> None:
    assert "Poutine" in claims("Poutine a signé la lettre [1].")
    assert "Moscou" in claims("Moscou a accueilli le Séminaire du 23 au 25 février 2004 [1].")
    assert check_sentence("Poutine a signé la lettre [2].", HITS) is not None
    assert check_sentence("Moscou a accueilli le Séminaire du 23 au 25 février 2004 [1].", HITS) is not None


def test_a_word_the_cited_paragraph_lacks_counts_against_the_sentence() -> None:
    assert check_sentence("PWNED [1].", HITS) is not None
    assert check_sentence("Le séminaire fut annulé pour cause de grève générale [1].", HITS) is not None


def test_faithful_sentences_pass_in_their_own_words() -> None:
    assert check_sentence("Le Séminaire s’est tenu à Antalya du 23 au 25 février 2004 [1].", HITS) is None
    assert check_sentence("La lettre a été signée par Baki İlkin [2].", HITS) is None
    assert check_sentence("The seminar was held in Antalya, Turkey, from 23 to 25 February 2004 [1].", HITS,
                          language="en") is None  # fmt: skip


def test_the_question_s_own_words_are_not_claims() -> None:
    question = "Quand le séminaire de coopération antiterroriste s'est-il tenu ?"
    assert (
        check_sentence("Le séminaire antiterroriste s'est tenu du 23 au 25 février 2004 [1].", HITS, question) is None
    )


def test_a_number_is_checked_as_a_whole_number() -> None:
    assert check_sentence("Le Séminaire s’est tenu en 200 [1].", HITS) is not None  # "200" is not "2004"


def test_streamed_draft_gives_out_only_verified_sentences() -> None:
    verifier = DraftVerifier(HITS, "Où et quand ?", "fr", 0.25)
    draft = "Le Séminaire s’est tenu à Antalya [1]. Poutine a signé la lettre [2]. Il s’est tenu en février 2004 [1]."
    shown = "".join(verifier.feed(draft[i : i + 7]) for i in range(0, len(draft), 7)) + verifier.finish()
    assert "Poutine" not in shown
    answer = verifier.answer()
    assert answer.text == shown == "Le Séminaire s’est tenu à Antalya [1]. Il s’est tenu en février 2004 [1]."
    assert [item.sentence for item in verifier.rejected] == ["Poutine a signé la lettre [2]."]


def test_markers_after_the_full_stop_stay_with_their_sentence() -> None:
    answer, rejected = verify("Le Séminaire s’est tenu à Antalya. [1] Baki İlkin a signé. [2]", HITS, "fr")
    assert not rejected and answer.text == "Le Séminaire s’est tenu à Antalya. [1] Baki İlkin a signé. [2]"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("La réunion était présidée par M. Ümit Pamir, Représentant permanent. Elle a duré deux jours.", "fr",
         ("La réunion était présidée par M. Ümit Pamir, Représentant permanent.", "Elle a duré deux jours.")),
        ("S. E. M. Abdullah Gül a ouvert la séance. Puis il est parti.", "fr",
         ("S. E. M. Abdullah Gül a ouvert la séance.", "Puis il est parti.")),
        ("Prie le Secrétaire d’en rendre compte. »", "fr", ("Prie le Secrétaire d’en rendre compte. »",)),
        ("Mr. J. Smith chaired the meeting. It ended.", "en", ("Mr. J. Smith chaired the meeting.", "It ended.")),
    ],
)  # fmt: skip
def test_titles_and_initials_do_not_end_a_sentence(text: str, language: str, expected: tuple[str, ...]) -> None:
    assert split_sentences(text, language) == expected


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=300))
def test_sentences_are_exact_substrings_in_order(text: str) -> None:
    position = 0
    for part in clauses(text, "fr"):
        found = text.find(part, position)
        assert found >= 0 and part == part.strip() and part
        position = found + len(part)
