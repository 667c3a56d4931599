"""Golden tests on the five documents: counts, labels, notes, metadata, whole paragraphs."""

from __future__ import annotations

import re

import pytest

from rag.ingest.corpus import Document


def labels(document: Document, section: str | None = None, kind: str = "paragraph") -> list[str]:
    return [p.label for p in document.paragraphs if p.kind == kind and (section is None or p.section == section)]


def numbered(document: Document) -> list[int]:
    return [int(p.label) for p in document.paragraphs if p.label.isdigit()]


def find(document: Document, quote: str):
    matches = [p for p in document.paragraphs if quote in p.text]
    assert len(matches) == 1, f"{quote!r} found in {len(matches)} paragraphs"
    return matches[0]


def test_paragraph_counts(corpus: dict[str, Document]) -> None:
    counts = {key: len(document.paragraphs) for key, document in corpus.items()}
    assert counts == {"roumanie": 29, "note": 36, "turquie": 47, "plan": 40, "declaration": 13}


def test_numbered_paragraphs_keep_the_documents_numbers(corpus: dict[str, Document]) -> None:
    assert numbered(corpus["plan"]) == list(range(1, 32))
    assert numbered(corpus["turquie"]) == list(range(1, 17))
    assert numbered(corpus["note"]) == list(range(1, 17))
    assert numbered(corpus["declaration"]) == list(range(1, 12))


def test_ocr_damaged_number_is_repaired(corpus: dict[str, Document]) -> None:
    paragraph = find(corpus["declaration"], "Nous reconnaissons le role central")
    assert paragraph.label == "5"
    assert paragraph.lines == (30, 34)
    assert paragraph.text.startswith("Nous reconnaissons le role central de l’Organisation des Nations Unies")


def test_ocr_elisions_are_repaired(corpus: dict[str, Document]) -> None:
    text = " ".join(p.text for p in corpus["declaration"].paragraphs)
    assert "1’" not in text and "I’" not in text and " ’" not in text
    assert "documents pour l’OSCE." in text
    assert "les droits de l’homme" in text


def test_preamble_of_the_bucharest_declaration(corpus: dict[str, Document]) -> None:
    roumanie = corpus["roumanie"]
    assert labels(roumanie, "Préambule") == ["chapeau"] + [f"alinéa {n}" for n in range(1, 6)]
    fourth = find(roumanie, "Réaffirmant notre détermination")
    assert fourth.citation == (
        "Déclaration de Bucarest (annexe à la lettre de la Roumanie du 29 novembre 2006), préambule, alinéa 4"
    )
    assert labels(roumanie, "Dispositif") == ["chapeau"] + [f"alinéa {n}" for n in range(1, 12)]
    assert labels(roumanie, "Suivi") == ["alinéa 1"]


def test_covering_letters_are_their_own_section(corpus: dict[str, Document]) -> None:
    assert labels(corpus["roumanie"], "Lettre d’envoi") == ["alinéa 1", "alinéa 2", "alinéa 3"]
    assert labels(corpus["turquie"], "Lettre d’envoi") == ["alinéa 1", "alinéa 2"]
    signature = find(corpus["roumanie"], "(Signé) Mihnea Ioan Motoc")
    assert signature.label == "signature"
    assert signature.citation == "Lettre de la Roumanie du 29 novembre 2006, signature"


def test_draft_resolution_structure(corpus: dict[str, Document]) -> None:
    note = corpus["note"]
    assert labels(note, "Préambule") == ["chapeau"] + [f"alinéa {n}" for n in range(1, 14)]
    assert labels(note, "Dispositif") == [str(n) for n in range(1, 17)]
    assert find(note, "Par sa résolution 2004/19").section == "Note du Secrétariat"


def test_antalya_statements_by_country(corpus: dict[str, Document]) -> None:
    turquie = corpus["turquie"]
    headings = [p.text for p in turquie.paragraphs if p.kind == "heading" and p.section.startswith(("La ", "Le "))]
    assert headings == [
        "La République d’Arménie",
        "La République d’Azerbaïdjan",
        "La Géorgie",
        "La République du Kazakhstan",
        "La République kirghize",
        "La République du Tadjikistan",
        "La République turque",
        "Le Turkménistan",
        "La République d’Ouzbékistan",
    ]
    assert labels(turquie, "La République d’Arménie") == ["alinéa 1", "alinéa 2"]
    kirghize = find(turquie, "La République kirghize se félicite")
    assert kirghize.section == "La République kirghize"
    bridge = find(turquie, "font les déclarations suivantes")
    assert bridge.text.startswith("ET À cet égard")


def test_plan_of_action_sections_and_unnumbered_follow_ups(corpus: dict[str, Document]) -> None:
    plan = corpus["plan"]
    assert [p.text for p in plan.paragraphs if p.kind == "heading"] == [
        "I. Objectif du Plan d’action",
        "II. Obligations juridiques et engagements politiques internationaux",
        "III. Action préventive contre le terrorisme dans l’espace de l’OSCE",
        "IV. Action en vertu de la Plate-forme pour la sécurité coopérative - coopération avec d’autres organisations",
        "V. Suivi",
    ]
    assert find(plan, "Le Forum examinera la pertinence").label == "8, alinéa 2"
    assert find(plan, "Compte tenu des informations fournies").label == "31, alinéa 2"
    assert find(plan, "Aucune circonstance ni cause").citation == (
        "Plan d’action de Bucarest, section III, paragraphe 9"
    )


@pytest.mark.parametrize(
    ("key", "start", "end", "joined"),
    [
        # page breaks (runs of blank lines) inside a paragraph
        ("plan", "Les conventions des Nations Unies", "et les mettent en oeuvre.", "énoncent l’engagement de l’OSCE"),
        ("plan", "Les Etats participants présenteront", "pour lutter contre le terrorisme.", "les armes légères et de"),
        ("plan", "Il envisagera d’organiser", "d’améliorer la coopération.", "le cas échéant, d’experts de l’OSCE"),
        ("plan", "Conférence internationale de Bichkek", "qui les intéressent.", "international et - de recourir"),
        # footnotes in the middle of a paragraph
        ("note", "Notant également avec appréciation", "2004,", "lors de la réunion d’un groupe d’experts"),
        ("note", "Prend note avec satisfaction", "États participants;", "les dispositions de la résolution 1373"),
        # a hyphen at a line end that is part of the word
        ("note", "Prend note avec satisfaction", "États participants;", "régionaux et sous-régionaux qui"),
    ],
)
def test_paragraphs_are_rejoined_across_breaks(
    corpus: dict[str, Document], key: str, start: str, end: str, joined: str
) -> None:
    paragraph = find(corpus[key], start)
    assert paragraph.text.endswith(end)
    assert joined in paragraph.text


def test_notes_are_paragraphs_of_their_own(corpus: dict[str, Document]) -> None:
    notes = {
        key: [(p.label, p.text) for p in document.paragraphs if p.kind == "note"] for key, document in corpus.items()
    }
    assert notes["roumanie"] == [
        (
            "note 1",
            "En attendant que soit réglé le différend concernant son nom, cet État est provisoirement désigné "
            "sous le nom d’ex-République yougoslave de Macédoine, conformément à la résolution 47/225 "
            "de l’Assemblée générale.",
        )
    ]
    assert notes["note"] == [
        ("note 1", "Résolution 55/59 de l’Assemblée générale, annexe"),
        ("note 2", "Publication des Nations Unies, numéro de vente : F.04.V.7."),
        ("note 3", "S/2004/276, annexe."),
    ]
    assert notes["declaration"] == [
        (
            "note 1",
            "Comprend une correction apportée au document lors de la séance de mise en conformité "
            "linguistique tenue le 5 février 2021.",
        )
    ]
    assert notes["turquie"] == notes["plan"] == []


def test_no_paragraph_holds_a_separator_or_a_stray_note(corpus: dict[str, Document]) -> None:
    for document in corpus.values():
        for paragraph in document.paragraphs:
            assert "____" not in paragraph.text
            if paragraph.kind != "note":
                assert not re.search(
                    r"Publication des Nations Unies, numéro de vente|S/2004/276, annexe", paragraph.text
                )


def test_glued_note_calls_are_recognised(corpus: dict[str, Document]) -> None:
    chapeau = find(corpus["roumanie"], "Nous, délégations des pays")
    assert "ex-République yougoslave de Macédoine, Moldova" in chapeau.text
    assert chapeau.notes == ("1",)
    vienna = find(corpus["note"], "relever les défis du XXIe siècle")
    assert "XXIe siècle, issue" in vienna.text and vienna.notes == ("1",)
    assert find(corpus["note"], "Guide législatif sur les Conventions et Protocoles mondiaux contre le terrorisme, qui")
    assert find(corpus["note"], "est le fruit;").notes == ("3",)
    # numbers that are not calls stay whole
    assert "(A/RES/60/288)" in find(corpus["roumanie"], "Stratégie mondiale de lutte").text
    assert "1373 (2001)" in find(corpus["note"], "Félicite l’Office").text


def test_metadata_of_the_five_documents(corpus: dict[str, Document]) -> None:
    roumanie = corpus["roumanie"].info
    assert roumanie.kind == "letter_with_annex"
    assert roumanie.title.startswith("Déclaration de Bucarest sur la coopération internationale")
    assert roumanie.short_title == "Déclaration de Bucarest"
    assert roumanie.letter == (
        "Lettre datée du 29 novembre 2006, adressée au Secrétaire général par le Représentant permanent "
        "de la Roumanie auprès de l’Organisation des Nations Unies"
    )
    assert (roumanie.date, roumanie.letter_date) == ("2006-11-15", "2006-11-29")
    assert roumanie.sender == "Représentant permanent de la Roumanie auprès de l’Organisation des Nations Unies"
    assert roumanie.signatory == "Mihnea Ioan Motoc"
    assert roumanie.letter_ref == "lettre de la Roumanie du 29 novembre 2006"

    turquie = corpus["turquie"].info
    assert turquie.kind == "letter_with_annex"
    assert turquie.short_title == "Document final du Séminaire d’Antalya"
    assert (turquie.date, turquie.letter_date) == ("2004-02-25", "2004-04-12")
    assert turquie.signatory == "Ümit Pamir"
    assert turquie.letter_ref == "lettre de la Turquie du 12 avril 2004"

    note = corpus["note"].info
    assert note.kind == "note"
    assert note.title.startswith("Intensification de la coopération internationale et de l’assistance technique")
    assert note.title.endswith("contre la drogue et le crime")
    assert (note.sender, note.letter, note.signatory) == ("Secrétariat", None, None)

    plan = corpus["plan"].info
    assert plan.kind == "plan_of_action"
    assert plan.short_title == "Plan d’action de Bucarest"
    assert plan.date == "2001-12-04"  # from the sidecar: the text does not say

    declaration = corpus["declaration"].info
    assert declaration.kind == "declaration"
    assert declaration.sender.startswith("Ministres des affaires étrangéres des Etats participants de l’Organisation")
    assert declaration.letter is None


def test_ids_are_unique_and_stable(corpus: dict[str, Document]) -> None:
    ids = [p.id for document in corpus.values() for p in document.paragraphs]
    assert len(ids) == len(set(ids))
    assert "2004_note_secretariat_projet_resolution_terrorisme/dispositif/16" in ids
