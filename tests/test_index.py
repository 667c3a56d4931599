"""Index lifecycle and the retriever API, with deterministic fake embeddings and a real Chroma."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_core.embeddings import DeterministicFakeEmbedding

from rag.config import Settings
from rag.indexing.index import IndexBusyError, IndexMissingError, build_index, chroma_client, collection, read_manifest
from rag.ingest.corpus import EmptyCorpusError
from rag.search.retriever import load_retriever

pytestmark = pytest.mark.usefixtures("fake_embeddings")

ANTALYA = "2004-04-12_lettre_turquie_document_final_antalya"


def stored_ids(settings: Settings) -> set[str]:
    return set(collection(chroma_client(settings), settings.index_name()).get(include=[])["ids"])


def test_retriever_returns_cited_paragraphs(corpus_copy: Path) -> None:
    build_index(Settings())
    retriever = load_retriever(k=5)
    docs = retriever.invoke("Quand s'est tenu le Séminaire d'Antalya ?")
    assert len(docs) == 5
    keys = {"source", "doc_title", "letter", "section", "paragraph", "para_id", "lines", "citation", "score"}
    assert all(keys <= doc.metadata.keys() for doc in docs)
    assert [doc.metadata["score"] for doc in docs] == sorted((doc.metadata["score"] for doc in docs), reverse=True)
    assert any("Antalya" in doc.page_content for doc in docs)
    assert docs[0].metadata["source"] in {path.name for path in corpus_copy.glob("*.txt")}


def test_filters_by_document_and_section(corpus_copy: Path) -> None:
    build_index(Settings())
    by_doc = load_retriever(k=10, docs=["antalya"]).invoke("coopération contre le terrorisme")
    assert by_doc and {doc.metadata["source"] for doc in by_doc} == {f"{ANTALYA}.txt"}
    by_section = load_retriever(k=10, sections=["Préambule"]).invoke("Rappelant ses résolutions")
    assert by_section and {doc.metadata["section"] for doc in by_section} == {"Préambule"}
    assert load_retriever(k=3, docs=["no such document"]).invoke("terrorisme") == []


def test_ainvoke_works(corpus_copy: Path) -> None:
    build_index(Settings())
    retriever = load_retriever(k=3)
    assert len(asyncio.run(retriever.ainvoke("entraide judiciaire"))) == 3
    assert len(asyncio.run(retriever.ainvoke("entraide judiciaire", k=1))) == 1


@pytest.mark.parametrize("k", [0, -1])
def test_k_below_one_is_refused_not_replaced(corpus_copy: Path, k: int, capsys: pytest.CaptureFixture[str]) -> None:
    from rag.interfaces.cli import main

    build_index(Settings())
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        load_retriever(k=k)
    with pytest.raises(ValueError, match=f"k is the number of paragraphs to return: at least 1, not {k}"):
        load_retriever().invoke("terrorisme", k=k)
    with pytest.raises(SystemExit):
        main(["retrieve", "terrorisme", "-k", str(k)])
    assert "at least 1" in capsys.readouterr().err


def test_paragraph_cited_by_number_comes_first(corpus_copy: Path) -> None:
    build_index(Settings())
    docs = load_retriever(k=3).invoke("Que dit le paragraphe 16 du dispositif du projet de résolution ?")
    assert docs[0].metadata["para_id"] == "2004_note_secretariat_projet_resolution_terrorisme/dispositif/16"
    # by its rank: "the opening paragraph", "le premier paragraphe"
    docs = load_retriever(k=3).invoke("How does the opening paragraph of the Bucharest Plan of Action see terrorism?")
    assert docs[0].metadata["citation"] == "Plan d’action de Bucarest, section I, paragraphe 1"


def test_title_of_a_section_is_its_heading(corpus_copy: Path) -> None:
    build_index(Settings())
    docs = load_retriever(k=3).invoke("What is the heading of section IV of the Plan of Action?")
    assert docs[0].metadata["kind"] == "heading" and docs[0].metadata["section"].startswith("IV. ")


def test_footnote_named_without_number_comes_first(corpus_copy: Path) -> None:
    build_index(Settings())
    docs = load_retriever(k=3).invoke("Que signale la note de bas de page de la déclaration de Bucarest ?")
    assert docs[0].metadata["para_id"] == "2006-11-29_lettre_roumanie_declaration_bucarest/notes/note-1"


def test_unchanged_paragraphs_are_not_embedded_again(corpus_copy: Path) -> None:
    first = build_index(Settings())
    assert first.embedded == first.paragraphs == 165
    again = build_index(Settings())
    assert (again.embedded, again.removed) == (0, 0)


def test_changed_and_removed_documents_disappear(corpus_copy: Path) -> None:
    settings = Settings()
    build_index(settings)
    before = stored_ids(settings)
    path = corpus_copy / f"{ANTALYA}.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("Ümit Pamir", "Ümit Pamir et Zorglub"), encoding="utf-8")
    changed = build_index(settings)
    assert changed.embedded == 1 and changed.removed == 1
    assert "Zorglub" in load_retriever(k=1, docs=["antalya"]).invoke("Zorglub")[0].page_content

    path.unlink()
    removed = build_index(settings)
    assert removed.removed == 47 and removed.embedded == 0
    assert len(stored_ids(settings)) == len(before) - 47
    assert all(entry.source != path.name for entry in read_manifest(settings).entries)
    assert not load_retriever(k=5, docs=["antalya"]).invoke("Antalya")


class BuildKilled(Exception):
    """Stands for the kill -9 of a build (tests/test_index_real.py kills a real one)."""


def test_vectors_of_an_interrupted_build_stay_out_of_search_and_are_cleaned_up(
    corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings()
    build_index(settings)
    manifest_ids = {entry.chroma_id for entry in read_manifest(settings).entries}
    question = "Quand s'est tenu le Séminaire d'Antalya ?"
    before = [doc.metadata["para_id"] for doc in load_retriever(k=5, mode="dense").invoke(question)]
    for copy in range(12):
        for path in sorted(corpus_copy.glob("[0-9]*.txt")):
            shutil.copy(path, corpus_copy / f"copie{copy:02d}_{path.name}")
    # The build dies after three batches are written, before its manifest: as kill -9 would leave it.
    embed = DeterministicFakeEmbedding.embed_documents
    batches = itertools.count(1)

    def embed_then_die(self: DeterministicFakeEmbedding, texts: list[str]) -> list[list[float]]:
        if next(batches) > 3:
            raise BuildKilled
        return embed(self, texts)

    monkeypatch.setattr(DeterministicFakeEmbedding, "embed_documents", embed_then_die)
    with pytest.raises(BuildKilled):
        build_index(settings)
    leftovers = stored_ids(settings) - manifest_ids
    assert leftovers, "nothing was half written"

    after = [doc.metadata["para_id"] for doc in load_retriever(k=5, mode="dense").invoke(question)]
    assert len(after) == 5 and after == before

    monkeypatch.setattr(DeterministicFakeEmbedding, "embed_documents", embed)
    for path in corpus_copy.glob("copie*"):
        path.unlink()
    report = build_index(settings)
    assert (report.embedded, report.removed) == (0, len(leftovers))
    assert stored_ids(settings) == manifest_ids


def test_an_empty_corpus_is_refused_and_leaves_the_index_as_it_was(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings()
    build_index(settings)
    empty = settings.model_copy(update={"corpus_dir": tmp_path / "empty"})
    empty.corpus_dir.mkdir()
    with pytest.raises(EmptyCorpusError, match=r"No readable document in"):
        build_index(empty)
    assert len(read_manifest(settings).entries) == len(stored_ids(settings)) == 165
    assert load_retriever(k=1, docs=["antalya"]).invoke("Antalya")


def test_missing_index_names_the_command(corpus_copy: Path) -> None:
    with pytest.raises(IndexMissingError, match="Run `rag index`"):
        load_retriever()


def test_incompatible_index_is_not_reused(corpus_copy: Path) -> None:
    build_index(Settings())
    other = Settings(embed_context=False)
    assert other.index_name() != Settings().index_name()
    assert Settings(embedding_model="some/other-model").index_name() != Settings().index_name()
    with pytest.raises(IndexMissingError, match="built with other settings"):
        load_retriever(settings=other)


def test_a_second_build_refuses_clearly_while_one_runs(corpus_copy: Path, tmp_path: Path) -> None:
    settings = Settings()
    settings.index_dir.mkdir(parents=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
            "print('locked', flush=True); time.sleep(60)",
            str(settings.index_dir / ".build.lock"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(IndexBusyError, match="Another `rag index`"):
            build_index(settings)
    finally:
        holder.kill()
        holder.wait()
    assert build_index(settings).paragraphs == 165


def test_cli_retrieve_without_index_is_a_clear_error(corpus_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from rag.interfaces.cli import main

    assert main(["retrieve", "terrorisme"]) == 1
    assert "Run `rag index`" in capsys.readouterr().err


def test_an_entry_knows_the_footnotes_it_calls(corpus_copy: Path) -> None:
    build_index(Settings())
    entries = {entry.para_id: entry for entry in read_manifest(Settings()).entries}
    resolution = "2004_note_secretariat_projet_resolution_terrorisme"
    # "…relever les défis du XXIe siècle¹, issue du dixième Congrès…"
    assert entries[f"{resolution}/preambule/alinea-7"].notes == (f"{resolution}/notes/note-1",)
    assert entries[f"{resolution}/notes/note-1"].text.startswith("Résolution 55/59")
    assert entries[f"{resolution}/preambule/alinea-6"].notes == ()


def test_a_corpus_of_stop_words_only_is_indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mots").mkdir()
    (tmp_path / "mots" / "le.txt").write_text("Et le la.\n", encoding="utf-8")
    monkeypatch.setenv("RAG_CORPUS_DIR", str(tmp_path / "mots"))
    assert build_index(Settings()).paragraphs == 1
    assert load_retriever(k=1, mode="bm25").invoke("le") == []
