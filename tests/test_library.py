"""Adding and removing documents (rag.ingest.library, rag add / rag remove): incremental, safe, concurrent.

Fake embeddings and a real Chroma in tmp_path, on a writable copy of the corpus.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from filelock import FileLock
from langchain_core.embeddings import DeterministicFakeEmbedding

import rag.ingest.library
from conftest import DATA
from rag.answering.assistant import Assistant
from rag.config import Settings
from rag.indexing.index import IndexBusyError, build_index, chroma_client, collection, read_manifest
from rag.ingest.library import DocumentError, NameClashError, add_document, add_file, remove_document, safe_name
from rag.interfaces.cli import main
from rag.search.retriever import load_retriever

pytestmark = pytest.mark.usefixtures("fake_embeddings")

NORWAY = DATA / "un_en_es" / "2023-05-10_letter_norway_oslo_workshop_declaration.txt"
DRAFT = DATA / "un_en_es" / "2022_resolution_corruption_draft.txt"
VIRTUAL_ASSETS = "virtual assets terrorism financing cases per cent"
PARAGRAPH_3 = "Oslo Declaration (annex to the letter from Norway of 10 May 2023), paragraph 3"


def stored_ids(settings: Settings) -> set[str]:
    return set(collection(chroma_client(settings), settings.index_name()).get(include=[])["ids"])


def corpus_state(corpus: Path) -> dict[str, bytes]:
    """Every file under the corpus folder, hidden ones included, with its content."""
    return {str(path.relative_to(corpus)): path.read_bytes() for path in corpus.rglob("*") if path.is_file()}


@pytest.fixture
def embedded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The passages embedded from now on, in order."""
    passages: list[str] = []
    embed = DeterministicFakeEmbedding.embed_documents

    def recording(self: DeterministicFakeEmbedding, texts: list[str]) -> list[list[float]]:
        passages.extend(texts)
        return embed(self, texts)

    monkeypatch.setattr(DeterministicFakeEmbedding, "embed_documents", recording)
    return passages


@pytest.fixture
def settings(corpus_copy: Path) -> Settings:
    """The settings of a built index over a copy of the five documents."""
    settings = Settings()
    build_index(settings)
    return settings


def test_an_add_embeds_only_the_new_paragraphs_and_they_are_found_at_once(
    settings: Settings, corpus_copy: Path, embedded: list[str]
) -> None:
    before = read_manifest(settings)
    stages, progress = [], []
    report = add_file(settings, NORWAY, on_stage=stages.append, on_progress=lambda *done: progress.append(done))
    assert stages == [f"Reading {NORWAY.name}", f"Embedding 29 paragraphs of {NORWAY.name}", "Updating the index"]
    assert progress == [(29, 29)]
    assert (report.source, report.info.symbol, report.full_build) == (NORWAY.name, "A/77/893", False)
    assert report.paragraphs == report.embedded == 29 == len(embedded)
    after = read_manifest(settings)
    new = [entry for entry in after.entries if entry.source == NORWAY.name]
    assert [entry.passage for entry in new] == embedded  # nothing of the other documents embedded again
    assert len(after.entries) == len(before.entries) + 29
    assert stored_ids(settings) == {entry.chroma_id for entry in after.entries}
    assert (corpus_copy / NORWAY.name).read_bytes() == NORWAY.read_bytes()
    for mode in ("bm25", "dense"):  # BM25 rebuilt with the new paragraphs; their vectors in Chroma
        docs = load_retriever(k=40, mode=mode, docs=["norway"]).invoke(VIRTUAL_ASSETS)
        assert PARAGRAPH_3 in [doc.metadata["citation"] for doc in docs], mode
    assert load_retriever(k=1, mode="bm25").invoke(VIRTUAL_ASSETS)[0].metadata["citation"] == PARAGRAPH_3
    # What the add wrote is what a full build writes: it then has nothing to do.
    embedded.clear()
    rebuilt = build_index(settings)
    assert (rebuilt.embedded, rebuilt.removed, embedded) == (0, 0, [])
    assert read_manifest(settings).entries == after.entries


def test_a_running_assistant_answers_from_an_added_document(settings: Settings) -> None:
    assistant = Assistant(settings)
    assert PARAGRAPH_3 not in [
        c.citation for c in assistant.ask("What share of terrorism financing used virtual assets?").citations
    ]
    add_file(settings, NORWAY)
    assistant.reload_if_rebuilt()  # what the app and `rag chat` do before each question
    answer = assistant.ask("What share of the terrorism financing cases used virtual assets?")
    assert PARAGRAPH_3 in [citation.citation for citation in answer.citations]


def test_a_removed_document_leaves_chroma_bm25_and_the_corpus_folder(settings: Settings, corpus_copy: Path) -> None:
    add_file(settings, NORWAY)
    with_norway = read_manifest(settings)
    report = remove_document(settings, NORWAY.stem)  # by identifier; the file name works too
    assert (report.source, report.paragraphs) == (NORWAY.name, 29)
    assert not (corpus_copy / NORWAY.name).exists()
    assert report.moved_to.parent == corpus_copy / ".removed" and report.moved_to.read_bytes() == NORWAY.read_bytes()
    manifest = read_manifest(settings)
    assert len(manifest.entries) == len(with_norway.entries) - 29
    assert all(entry.source != NORWAY.name for entry in manifest.entries)
    assert stored_ids(settings) == {entry.chroma_id for entry in manifest.entries}
    for mode in ("bm25", "dense", "hybrid"):
        docs = load_retriever(k=20, mode=mode).invoke(VIRTUAL_ASSETS)
        assert docs and all(doc.metadata["source"] != NORWAY.name for doc in docs), mode
    assert build_index(settings).embedded == 0  # the folder and the index agree


def test_a_document_with_a_sidecar_is_removed_with_it(settings: Settings, corpus_copy: Path) -> None:
    plan = "2001_osce_plan_action_bucarest_terrorisme"
    report = remove_document(settings, f"{plan}.txt")
    assert report.paragraphs == 40
    assert not list(corpus_copy.glob(f"{plan}*"))
    assert sorted(path.name.split("_", 1)[1] for path in (corpus_copy / ".removed").iterdir()) == [
        f"{plan}.meta.json",
        f"{plan}.txt",
    ]


def test_removing_an_unknown_document_names_the_known_ones(settings: Settings, corpus_copy: Path) -> None:
    before = corpus_state(corpus_copy)
    with pytest.raises(DocumentError, match=r"No document 'nothing' in .*Documents: 2001_osce_plan") as caught:
        remove_document(settings, "nothing")
    assert caught.value.reason == "not_found"
    assert corpus_state(corpus_copy) == before


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../../etc/passwd.txt", "without a folder"),
        ("..\\evil.txt", "without a folder"),
        ("sub/letter.txt", "without a folder"),
        (".hidden.txt", "hidden file"),
        (".txt", "hidden file"),
        ("..", "empty"),
        ("   ", "empty"),
        ("bad\x00name.txt", "control character"),
        ("line\nbreak.txt", "control character"),
        ("???.txt", "nothing is left"),
        ("CON.txt", "nothing is left"),
    ],
)
def test_unsafe_names_are_refused(name: str, why: str, settings: Settings, corpus_copy: Path) -> None:
    before = corpus_state(corpus_copy)
    with pytest.raises(DocumentError, match=why) as caught:
        add_document(settings, name, NORWAY.read_bytes())
    assert caught.value.reason == "unsafe_name"
    assert corpus_state(corpus_copy) == before
    assert not (corpus_copy.parent / "etc").exists()


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("Lettre de la Norvège (2023).TXT", "Lettre_de_la_Norvège_(2023).txt"),
        ("  a  b.txt ", "a_b.txt"),
        ("-rf.txt", "rf.txt"),
        ("what?*<>|.txt", "what.txt"),
    ],
)
def test_names_are_made_safe(name: str, safe: str) -> None:
    assert safe_name(name) == safe


@pytest.mark.parametrize(
    ("name", "data", "reason", "message"),
    [
            ("slides.pptx", b"PK\x03\x04", "unsupported", r"slides\.pptx: this type of file \(\.pptx\) cannot be "
                                                         r"added; accepted: \.txt, \.pdf, \.docx, \.html, \.htm"),
            ("scan.pdf", b"%PDF-1.7 ...", "unreadable", r"scan\.pdf cannot be added: not a readable PDF"),
        ("notes", b"text", "unsupported", r"\(no extension\)"),
        ("x.meta.json", b"{}", "unsupported", r"cannot be added"),
        ("empty.txt", b"", "empty", r"empty\.txt is empty"),
        ("blank.txt", b" \n\t\n", "empty", r"blank\.txt is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", r"image\.txt is not a text file"),
        ("latin1.txt", "Déclaration de Genève\n".encode("latin-1"), "unreadable", r"latin1\.txt cannot be added: "
                                                                                  r"not UTF-8 text"),
        ("big.txt", b"de la cooperation\n" * 100, "too_big", r"big\.txt: 1,800 bytes, over the limit of 1,000 bytes"),
    ],
)  # fmt: skip
def test_refused_files_say_why_and_change_nothing(
    name: str, data: bytes, reason: str, message: str, settings: Settings, corpus_copy: Path, embedded: list[str]
) -> None:
    settings = settings.model_copy(update={"max_document_bytes": 1000})
    before, manifest = corpus_state(corpus_copy), read_manifest(settings)
    with pytest.raises(DocumentError, match=message) as caught:
        add_document(settings, name, data)
    assert caught.value.reason == reason
    assert corpus_state(corpus_copy) == before and read_manifest(settings) == manifest and embedded == []


def test_a_name_clash_is_asked_then_keep_both_or_replace(settings: Settings, corpus_copy: Path) -> None:
    add_file(settings, NORWAY)
    first = read_manifest(settings)
    changed = NORWAY.read_bytes().replace(b"37 per cent", b"41 per cent")
    with pytest.raises(NameClashError) as caught:
        add_document(settings, NORWAY.name.upper().replace(".TXT", ".txt"), changed)  # the same id, whatever the case
    assert (caught.value.existing, caught.value.alternative) == (NORWAY.name, f"{NORWAY.stem.upper()}-2.txt")
    assert read_manifest(settings) == first and (corpus_copy / NORWAY.name).read_bytes() == NORWAY.read_bytes()

    both = add_document(settings, NORWAY.name, changed, on_clash="keep-both")
    assert both.source == f"{NORWAY.stem}-2.txt" and (corpus_copy / both.source).read_bytes() == changed
    sources = {entry.source for entry in read_manifest(settings).entries}
    assert {NORWAY.name, both.source} <= sources
    remove_document(settings, both.source)

    replaced = add_document(settings, NORWAY.name, changed, on_clash="replace")
    assert (replaced.replaced, replaced.embedded) == (NORWAY.name, 1)  # only the changed paragraph is embedded
    assert (corpus_copy / NORWAY.name).read_bytes() == changed
    aside = sorted((corpus_copy / ".removed").glob(f"*_{NORWAY.name}"))
    assert NORWAY.read_bytes() in [path.read_bytes() for path in aside]
    texts = [entry.text for entry in read_manifest(settings).entries if entry.source == NORWAY.name]
    assert len(texts) == 29 and any("41 per cent" in text for text in texts)
    assert not any("37 per cent" in text for text in texts)
    assert stored_ids(settings) == {entry.chroma_id for entry in read_manifest(settings).entries}


def test_a_failed_index_write_puts_everything_back(
    settings: Settings, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_file(settings, NORWAY)
    before, manifest = corpus_state(corpus_copy), read_manifest(settings)

    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(rag.ingest.library, "commit", disk_full)
    changed = NORWAY.read_bytes().replace(b"37 per cent", b"41 per cent")
    with pytest.raises(OSError, match="No space left"):
        add_document(settings, NORWAY.name, changed, on_clash="replace")
    with pytest.raises(OSError, match="No space left"):
        add_file(settings, DRAFT)
    with pytest.raises(OSError, match="No space left"):
        remove_document(settings, NORWAY.name)
    assert corpus_state(corpus_copy) == before  # no staging folder left either
    assert read_manifest(settings) == manifest
    assert load_retriever(k=1, mode="bm25").invoke(VIRTUAL_ASSETS)[0].metadata["citation"] == PARAGRAPH_3


def test_an_add_without_an_index_builds_it(corpus_copy: Path) -> None:
    report = add_file(Settings(), NORWAY)
    assert report.full_build and report.embedded == 165 + 29
    assert len(read_manifest(Settings()).entries) == 165 + 29


def test_two_adds_at_once_run_one_after_the_other_and_both_documents_are_kept(
    settings: Settings, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Embedding is slowed down so the two adds overlap; the lock must make them take turns.
    embed = DeterministicFakeEmbedding.embed_documents
    inside, most, guard = [0], [0], threading.Lock()

    def slow(self: DeterministicFakeEmbedding, texts: list[str]) -> list[list[float]]:
        with guard:
            inside[0] += 1
            most[0] = max(most[0], inside[0])
        time.sleep(0.5)
        with guard:
            inside[0] -= 1
        return embed(self, texts)

    monkeypatch.setattr(DeterministicFakeEmbedding, "embed_documents", slow)
    start, reports, errors = threading.Barrier(2), [], []

    def add(path: Path) -> None:
        start.wait(timeout=10)
        try:
            reports.append(add_file(settings, path))
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(path,)) for path in (NORWAY, DRAFT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "an add did not finish within 60 s"
    assert errors == [] and most[0] == 1
    manifest = read_manifest(settings)
    assert {NORWAY.name, DRAFT.name} <= {entry.source for entry in manifest.entries}
    assert len(manifest.entries) == 165 + 29 + 26
    assert stored_ids(settings) == {entry.chroma_id for entry in manifest.entries}
    assert (corpus_copy / NORWAY.name).exists() and (corpus_copy / DRAFT.name).exists()
    assert not [path for path in corpus_copy.iterdir() if path.name.startswith(".upload-")]


def test_an_add_waits_for_a_build_and_gives_up_with_a_message(settings: Settings, corpus_copy: Path) -> None:
    before, manifest = corpus_state(corpus_copy), read_manifest(settings)
    patient = settings.model_copy(update={"index_lock_timeout": 0.3})
    busy = pytest.raises(IndexBusyError, match=r"stayed busy for 0.3 s .*nothing was changed")
    with FileLock(str(settings.index_dir / ".build.lock")), busy:  # a `rag index` running
        add_file(patient, NORWAY)
    assert corpus_state(corpus_copy) == before and read_manifest(settings) == manifest


# ---- the commands


def test_cli_add_list_and_remove(settings: Settings, corpus_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", str(NORWAY), str(DRAFT)]) == 0
    out = capsys.readouterr().out
    assert f"Added {NORWAY.name} (Oslo Declaration): 29 paragraphs, 29 embedded" in out
    assert f"Added {DRAFT.name} " in out
    assert main(["documents"]) == 0
    listed = capsys.readouterr().out
    assert f"{NORWAY.name}\n  Oslo Declaration\n  letter_with_annex · 2023-04-26 · A/77/893 · 29 paragraphs" in listed
    assert main(["remove", DRAFT.stem]) == 0
    assert f"Removed {DRAFT.name}: 26 paragraphs left the index; its file is now" in capsys.readouterr().out
    assert main(["remove", DRAFT.stem]) == 1
    assert f"No document {DRAFT.stem!r}" in capsys.readouterr().err


def test_cli_add_reports_a_clash_and_each_refused_file(
    settings: Settings, corpus_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    note = "2004_note_secretariat_projet_resolution_terrorisme.txt"
    assert main(["add", str(corpus_copy / note), str(empty), str(NORWAY)]) == 1
    captured = capsys.readouterr()
    assert f"the corpus already has a document named {note}" in captured.err
    assert "--replace" in captured.err and "--keep-both" in captured.err
    assert "empty.txt is empty" in captured.err
    assert f"Added {NORWAY.name}" in captured.out  # the others are added all the same
    assert main(["add", "--keep-both", str(NORWAY)]) == 0
    assert f"Added {NORWAY.stem}-2.txt" in capsys.readouterr().out
    assert main(["add", str(tmp_path / "missing.txt")]) == 1
    assert "missing.txt: cannot be read (No such file or directory)" in capsys.readouterr().err


def test_cli_add_asks_on_a_terminal(
    settings: Settings, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    add_file(settings, NORWAY)
    answers = iter(["x", "r"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    assert main(["add", str(NORWAY)]) == 0
    out = capsys.readouterr().out
    assert f"{NORWAY.name}: the corpus already has {NORWAY.name}." in out
    assert f"Added {NORWAY.name} (Oslo Declaration): 29 paragraphs, 0 embedded, replacing {NORWAY.name}" in out


def test_a_page_range_goes_from_the_paragraph_to_the_manifest_and_the_citation(tmp_path: Path) -> None:
    from dataclasses import replace

    from rag.answering.answer import Answer
    from rag.answering.extractive import citation_for
    from rag.indexing.index import Manifest, entries_for
    from rag.ingest.corpus import load_document

    document = load_document(NORWAY)

    paged = [replace(paragraph, pages=(2, 3)) for paragraph in document.paragraphs]
    entries = entries_for([replace(document, paragraphs=tuple(paged))], Settings())
    assert {entry.pages for entry in entries} == {(2, 3)}
    assert {entry.pages for entry in entries_for([document], Settings())} == {None}  # text files have no pages
    manifest = Manifest("n", "m", "t", "b", tuple(entries))
    manifest.write(tmp_path / "manifest.json")
    assert Manifest.read(tmp_path / "manifest.json") == manifest
    citation = citation_for(entries[0], 1, entries[0].text)
    assert citation.pages == (2, 3)
    assert Answer("a", [citation], language="fr").as_text().endswith(f"{NORWAY.name}, pages 2–3")
    assert Answer("a", [replace(citation, pages=(4, 4))]).as_text().endswith(f"{NORWAY.name}, page 4")
    first, last = entries[0].lines
    assert Answer("a", [replace(citation, pages=None)]).as_text().endswith(f"{NORWAY.name}, lines {first}–{last}")


def test_a_build_without_progress_bars_still_reports_its_progress(corpus_copy: Path) -> None:
    progress: list[tuple[int, int]] = []
    build_index(Settings(), on_progress=lambda *done: progress.append(done))  # as the app's rebuild button calls it
    assert progress == [(165, 165)]  # one batch of 256


def test_only_files_of_the_corpus_folder_are_given_for_download(corpus_copy: Path, tmp_path: Path) -> None:
    from rag.ingest.library import original_file

    (tmp_path / "secret.txt").write_text("not a document", encoding="utf-8")
    (corpus_copy / ".removed").mkdir()
    (corpus_copy / ".removed" / "old.txt").write_text("removed", encoding="utf-8")
    note = "2004_note_secretariat_projet_resolution_terrorisme.txt"
    assert original_file(Settings(), note) == corpus_copy / note
    for source in ("../secret.txt", str(tmp_path / "secret.txt"), ".removed/old.txt", ".removed", "..", "", "nope.txt"):
        assert original_file(Settings(), source) is None, source


FAKE_ADD = """
import sys
from langchain_core.embeddings import DeterministicFakeEmbedding
import rag.indexing.embeddings
rag.indexing.embeddings.load_embeddings = lambda name, *_: DeterministicFakeEmbedding(size=32)
from rag.interfaces.cli import main
sys.exit(main(["add", sys.argv[1]]))
"""


def test_a_running_assistant_searches_a_document_another_process_added(settings: Settings) -> None:
    import subprocess
    import sys

    dense = settings.model_copy(update={"dense_weight": 0.5, "dense_weight_other_language": 1.0})
    assistant = Assistant(dense)
    assistant.ask("What share of the terrorism financing cases used virtual assets?")  # Chroma searched once
    # `rag add` in a terminal while the app runs: another process writes the vectors.
    done = subprocess.run(
        [sys.executable, "-c", FAKE_ADD, str(NORWAY)], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assistant.reload_if_rebuilt()
    hits = assistant.index.search(VIRTUAL_ASSETS, 40, mode="dense")  # the new vectors are among those searched
    assert NORWAY.name in {hit.entry.source for hit in hits}
    hybrid = assistant.index.search("What share of the terrorism financing cases used virtual assets?", 5)
    assert PARAGRAPH_3 in [hit.entry.citation for hit in hybrid]


def test_a_failure_after_the_manifest_is_written_keeps_the_new_file(
    settings: Settings, corpus_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chromadb.api.models.Collection import Collection

    add_file(settings, NORWAY)
    changed = NORWAY.read_bytes().replace(b"37 per cent", b"41 per cent")
    delete = Collection.delete

    def disk_full(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Collection, "delete", disk_full)  # the old paragraph's vector cannot be deleted
    with pytest.raises(OSError, match="No space left"):
        add_document(settings, NORWAY.name, changed, on_clash="replace")
    # The index names the new version: the folder keeps it, so the two still agree.
    assert (corpus_copy / NORWAY.name).read_bytes() == changed
    assert any("41 per cent" in entry.text for entry in read_manifest(settings).entries)
    monkeypatch.setattr(Collection, "delete", delete)
    cleanup = build_index(settings)
    assert (cleanup.embedded, cleanup.removed) == (0, 1)  # the next change deletes the vector left behind
    assert stored_ids(settings) == {entry.chroma_id for entry in read_manifest(settings).entries}


SLOW_ADD = """
import sys, time
from langchain_core.embeddings import DeterministicFakeEmbedding
import rag.indexing.embeddings

class Slow(DeterministicFakeEmbedding):
    def embed_documents(self, texts):
        print("embedding", time.time(), flush=True)
        time.sleep(1.0)
        vectors = super().embed_documents(texts)
        print("embedded", time.time(), flush=True)
        return vectors

rag.indexing.embeddings.load_embeddings = lambda name, *_: Slow(size=32)
from rag.config import Settings
from rag.ingest.library import add_file
from pathlib import Path
add_file(Settings(), Path(sys.argv[1]))
"""


def test_two_processes_adding_at_once_take_turns(settings: Settings, corpus_copy: Path) -> None:
    import subprocess
    import sys

    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    adds = [subprocess.Popen([sys.executable, "-c", SLOW_ADD, str(path)], **pipes) for path in (NORWAY, DRAFT)]
    outputs = []
    for add in adds:
        out, err = add.communicate(timeout=120)
        assert add.returncode == 0, err
        outputs.append({line.split()[0]: float(line.split()[1]) for line in out.splitlines()})
    first, second = sorted(outputs, key=lambda times: times["embedding"])
    assert second["embedding"] >= first["embedded"]  # the lock: the second embeds once the first is done
    manifest = read_manifest(settings)
    assert {NORWAY.name, DRAFT.name} <= {entry.source for entry in manifest.entries}
    assert len(manifest.entries) == 165 + 29 + 26
    assert stored_ids(settings) == {entry.chroma_id for entry in manifest.entries}
