"""Which sentences an extractive answer quotes when the question is in another language than the paragraphs."""

from __future__ import annotations

from rag.answering.abstention import Calibration, Calibrations
from rag.answering.extractive import Vocabulary, extractive_answer
from rag.indexing.index import Entry
from rag.search.retrieve import Hit

PARTIES = (
    "Al 31 de diciembre de 2023, la Convención contaba con 192 Estados partes; el Protocolo contra la trata de "
    "personas, con 182; el Protocolo contra el tráfico ilícito de migrantes, con 152; y el Protocolo sobre armas "
    "de fuego, con 123."
)
OTHER = "La UNODC ejecutó 418 actividades de asistencia técnica en 67 Estados durante 2023."
QUESTION = "Wie viele Vertragsstaaten hatte das Feuerwaffenprotokoll am 31. Dezember 2023?"
# always answers: the choice of sentences is what is tested, not the decision to answer
ANSWERS = Calibration(("support",), (0.0,), (1.0,), (0.0,), 5.0, 0.1, 0.5)


def entry(para_id: str, text: str) -> Entry:
    citation = f"Informe, párrafo {para_id}"
    return Entry(para_id, text, f"informe/{para_id}", "informe.txt", "informe", "Informe", "report", "Informe",
                 None, "II. Actividades", para_id, "paragraph", (1, 1), citation, text, "es")  # fmt: skip


class Embedded:
    """The index's side of an answer, with an embedding that finds the Firearms Protocol nearest the question."""

    def __init__(self, embeddings: bool = True) -> None:
        self.embeddings = embeddings

    def similarities(self, question: str, texts: list[str]) -> list[float] | None:
        return [0.9 if "armas de fuego" in text else 0.5 for text in texts] if self.embeddings else None

    def notes_called(self, entry: Entry) -> list[Entry]:
        return []

    def items(self, entry: Entry) -> list[Entry]:
        return []

    def signatures(self, entry: Entry) -> list[Entry]:
        return []


def answer(related: Embedded):
    hits = [Hit(entry("5", PARTIES), 0.03), Hit(entry("3", OTHER), 0.02)]
    vocabulary = Vocabulary([hit.entry for hit in hits])
    return extractive_answer(QUESTION, "de", hits, vocabulary, Calibrations(ANSWERS, ANSWERS), related=related)


def test_a_question_in_another_language_gets_the_sentences_nearest_it_by_embedding() -> None:
    found = answer(Embedded())
    assert "« y el Protocolo sobre armas de fuego, con 123. » [1]" in found.text, found.text


def test_without_embeddings_the_best_paragraph_is_quoted_from_its_start() -> None:
    found = answer(Embedded(embeddings=False))
    assert found.text.splitlines()[2].startswith("« Al 31 de diciembre de 2023"), found.text
    assert "123" not in found.text
