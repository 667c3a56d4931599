"""What a question requires of its answer: the kind of answer, and the specifics it names."""

from __future__ import annotations

from rag.answering.constraints import answers_the_type, quantities, requirement, specifics, unmentioned
from rag.indexing.lexical import tokenize

CORPUS = (
    "Exprimant notre gratitude au Gouvernement roumain, qui a accueilli le deuxième atelier sous-régional "
    "d’experts qui s’est tenu du 13 au 15 novembre 2006 à Bucarest. La Géorgie et l’Arménie ont adopté "
    "la résolution 2004/19 ; trois experts y ont participé."
)
KNOWN = set(tokenize([CORPUS], "fr")[0])


def known(stem: str) -> bool:
    return stem in KNOWN


def test_a_quantity_is_not_a_year_a_date_or_a_symbol() -> None:
    assert quantities("la résolution 2004/19 du 21 juillet 2004, paragraphe 8") == set()
    assert quantities("les 12 conventions, et trois protocoles") == {"12", "trois"}


def test_the_kind_of_answer() -> None:
    assert not answers_the_type("Combien de voix ?", "Par sa résolution 2004/19 du 21 juillet 2004, le Conseil")
    assert answers_the_type("Combien de conventions ?", "parties aux 12 conventions et protocoles")
    assert answers_the_type("Quand s’est tenu l’atelier ?", "du 13 au 15 novembre 2006 à Bucarest")
    assert not answers_the_type("En quelle année, après 2006 ?", "tenu en 2006")
    assert answers_the_type("Which countries adopted it?", "La Géorgie et l’Arménie ont adopté")
    assert not answers_the_type("Quel pays l’a proposée ?", "Les États participants ont adopté")
    assert answers_the_type("Que demande la déclaration ?", "Nous demandons")
    assert answers_the_type("Dans quelle ville s'est tenu le Congrès ?", "le Congrès tenu à Vienne du 10 au 17 avril")
    assert answers_the_type("In which city was it adopted?", "réunion d’experts tenue au Cap (Afrique du Sud)")
    assert not answers_the_type("In which city was it adopted?", "Nous, Ministres des affaires étrangères de l’OSCE")


def test_specifics_named_by_the_question() -> None:
    years, ordinals, names = specifics("Où s’est tenu le troisième atelier de la Fédération de Russie en 2007 ?")
    assert years == {"2007"} and ordinals == {"troisiem"}
    assert ("Fédération de Russie", {"feder", "russ"}, {"feder", "russ"}) in names
    assert specifics("Where was the third workshop held?")[1] == {"troisiem"}


def test_a_name_the_corpus_never_uses_means_no_answer() -> None:
    assert unmentioned("Quelle déclaration la Fédération de Russie a-t-elle faite ?", known) == "Fédération de Russie"
    assert unmentioned("What does the Budapest Convention require?", known) == "Budapest Convention"
    assert unmentioned("Qu’a adopté la Géorgie ?", known) is None
    assert unmentioned("What did Georgia adopt?", known) is None  # the glossary gives "Géorgie"


def test_years_and_ordinals_must_be_in_the_paragraph() -> None:
    assert not requirement("Où s’est tenu le troisième atelier sous-régional ?")(CORPUS)
    assert requirement("Où s’est tenu le deuxième atelier ?")(CORPUS)
    assert requirement("Qui a participé à l’atelier de 2004 ou de 2006 ?")(CORPUS)  # one of the years is enough


def test_a_question_about_a_person_needs_a_person_named() -> None:
    signature = "L’Ambassadeur, Représentant permanent (Signé) Ümit Pamir"
    assert answers_the_type("Who signed Turkey's letter?", signature)
    assert answers_the_type("Qui présidait la réunion ?", "Mihnea Ioan Motoc, Représentant permanent")
    assert not answers_the_type("Qui présidait la réunion du Conseil ministériel ?", "Le Conseil ministériel de l’OSCE")
    assert not answers_the_type(
        "Quel est le nom du ministre roumain ?", "Exprimant notre gratitude au Gouvernement roumain"
    )
    # institutions are not people, and "when" does not make it a question about a date
    assert not answers_the_type(
        "Who was the Secretary-General of the United Nations when Turkey wrote in April 2004?",
        "Lettre datée du 12 avril 2004, adressée au Secrétaire général par le Représentant permanent de la Turquie "
        "auprès de l’Organisation des Nations Unies",
    )
    # the holder of an office is a person, whatever the office
    high_commissioner = "Haut Commissaire pour les minorités nationales : Il continuera à soutenir les États"
    assert not answers_the_type("Qui est le Haut Commissaire pour les minorités nationales ?", high_commissioner)
    assert not answers_the_type("Who was the High Commissioner on National Minorities?", high_commissioner)
    # "who" questions answered by an organ are not questions about a person
    assert answers_the_type("Qui a organisé l’atelier ?", "organisé par l’ONUDC et l’OSCE")


def test_a_question_about_a_duration_needs_one() -> None:
    assert answers_the_type("How long did the workshop last?", "qui s’est tenu du 13 au 15 novembre 2006")
    assert answers_the_type("Combien de temps dure le mandat ?", "pour une période de trois ans")
    assert not answers_the_type("How long did the meeting last?", "tenue à Bucarest le 4 décembre 2001")
