"""Paragraph, note, section and part references, and follow-ups, in the UN's languages and German."""

from __future__ import annotations

import pytest

from rag.languages.layout import OPERATIVE, PREAMBLE
from rag.search.conversation import needs_context
from rag.search.references import Reference, parse_reference


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Que dit le paragraphe 16 du dispositif du projet de résolution ?", Reference(paragraph=16, part=OPERATIVE)),
        ("Que contient le deuxième alinéa du paragraphe 8 du Plan d'action ?", Reference(paragraph=8, alinea=2)),
        ("What does the 5th paragraph say?", Reference(paragraph=5)),
        ("What is in the third preambular paragraph?", Reference(alinea=3, part=PREAMBLE)),
        ("¿Qué dice el párrafo 3 de la parte dispositiva?", Reference(paragraph=3, part=OPERATIVE)),
        ("¿Qué dice el párrafo 2 del preámbulo?", Reference(alinea=2, part=PREAMBLE)),
        ("Was steht im 3. Absatz des Aktionsplans?", Reference(paragraph=3)),
        ("Что говорится в пункте 5 постановляющей части?", Reference(paragraph=5, part=OPERATIVE)),
        ("Что в 5-м пункте?", Reference(paragraph=5)),
        ("ماذا تقول الفقرة 4 من المنطوق؟", Reference(paragraph=4, part=OPERATIVE)),
        ("执行部分第5段说了什么？", Reference(paragraph=5, part=OPERATIVE)),
        ("第三段说了什么？", Reference(paragraph=3)),
        ("Que dit la note 2 ?", Reference(note=2)),
        ("Was besagt Fußnote 1?", Reference(note=1)),
        ("Что в сноске 3?", Reference(note=3)),
        ("ما الحاشية 1؟", Reference(note=1)),
        ("脚注1是什么？", Reference(note=1)),
        ("¿Qué trata la sección II?", Reference(section="II")),
        ("Quel est l'intitulé de la section IV ?", Reference(section="IV", title=True)),
        ("Que disent les notes de bas de page de la Déclaration ?", Reference(any_note=True)),
        ("¿Qué se propone en el apartado b) de la sección V?", Reference(section="V", item="b")),
        ("What does subparagraph (c) of paragraph 5 require?", Reference(paragraph=5, item="c")),
        ("Что говорится в подпункте (ii)?", Reference(item="ii")),
    ],
)
def test_references_are_read_in_every_language(question: str, expected: Reference) -> None:
    assert parse_reference(question) == expected


@pytest.mark.parametrize(
    "question",
    [
        "What did the 12 conventions require?",
        "Qui a signé la lettre de la Turquie ?",
        "¿Quién firmó la carta de México?",
        "Welche Staaten nahmen an dem Seminar in Oslo teil?",
        "Roman numerals in lower case are words: the section vi of nothing",
        "Who (in the Secretariat) drafted the report?",
    ],
)
def test_questions_without_a_reference_point_nowhere(question: str) -> None:
    assert parse_reference(question).empty


@pytest.mark.parametrize(
    "turn",
    [
        "Et sur les mouvements de terroristes ?",
        "¿Y con qué socios fuera del área debe ampliar el diálogo?",
        "Und wie viele Experten nahmen an dem Seminar teil?",
        "А когда в этот документ была внесена поправка?",
        "وماذا عن التعاون مع الأمم المتحدة في هذا المجال؟",
        "那么它的通过日期是什么时候，由哪个机构通过？",
        "Et 2002 ?",
    ],
)
def test_follow_ups_are_recognised_in_every_language(turn: str) -> None:
    assert needs_context(turn)


@pytest.mark.parametrize(
    "turn",
    [
        "Quelles organisations ont suivi le séminaire d'Antalya en qualité d'observateurs ?",
        "¿Qué plan transmitió México al Secretario General en septiembre de 2021?",
        "Welche Aufgaben überträgt der Aktionsplan von Bukarest dem Generalsekretär der OSZE?",
        "Какие государства участвовали в семинаре в Осло по финансированию терроризма?",
        "ما هي الالتزامات التي تعهدت بها الدول المشاركة في خطة عمل بوخارست لمكافحة الإرهاب؟",
        "布加勒斯特行动计划要求欧安组织秘书长在打击恐怖主义方面承担哪些具体任务？",
    ],
)
def test_questions_that_stand_alone_are_searched_alone(turn: str) -> None:
    assert not needs_context(turn)


def test_a_document_is_named_by_its_rarest_words_not_by_a_long_glossary_reading() -> None:
    """The English "UNODC" is read in French as the eight words of the Office's name, which a French document's title
    holds: it counts as one word of the question, not as six, and "Oslo Declaration" names the Oslo one."""
    from conftest import CORPUS, DATA
    from rag.config import Settings
    from rag.indexing.index import entries_for
    from rag.ingest.corpus import load_corpus
    from rag.search.references import DocumentNames

    documents = [*load_corpus(CORPUS), *load_corpus(DATA / "un_en_es")]
    names = DocumentNames(entries_for(documents, Settings()))
    named = names.named("What is UNODC asked to do in paragraph 7 of the Oslo Declaration?", "en")
    assert named == {"2023-05-10_letter_norway_oslo_workshop_declaration"}
