"""The app in a real browser: headless Chromium (Debian's) driven by Playwright, against `streamlit run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import DATA, REPO
from rag.config import Settings
from rag.indexing.index import build_index
from rag.ingest.corpus import load_corpus

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic",
]  # fmt: skip

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (.ci/run installs it)",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def serve(tmp_path: Path):
    """Start `streamlit run app.py` on the corpus as it is when called; the app's address."""
    servers = []

    def start() -> str:
        build_index(Settings())  # the real packaged MiniLM: this is the app as users get it
        port = free_port()
        log = (tmp_path / "streamlit.log").open("w")
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, env=os.environ.copy(),
        )  # fmt: skip
        servers.append(server)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return url
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((tmp_path / "streamlit.log").read_text()) from None
                time.sleep(0.5)

    yield start
    for server in servers:
        server.terminate()
        server.wait(timeout=30)


@contextmanager
def chromium_page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def ask(page, question: str) -> None:
    from playwright.sync_api import expect

    box = page.get_by_test_id("stChatInputTextArea")
    expect(box).to_be_visible(timeout=90_000)
    box.fill(question)
    box.press("Enter")


def test_question_answer_and_source_card_in_chromium(corpus_copy: Path, serve) -> None:
    from playwright.sync_api import expect

    url = serve()
    artifacts = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    with chromium_page() as page:
        page.goto(url, wait_until="domcontentloaded")
        ask(page, "Quels pays ont participé à l'atelier de Bucarest ?")
        card = page.locator("details").filter(has_text="préambule, chapeau")
        expect(card).to_be_visible(timeout=120_000)
        expect(page.get_by_test_id("stChatMessage").last).to_contain_text("Albanie")
        card.locator("summary").click()
        highlighted = card.locator("mark", has_text="Slovaquie")
        expect(highlighted).to_be_visible()
        background = highlighted.evaluate("element => getComputedStyle(element).backgroundColor")
        assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
        expect(card).to_contain_text("lignes 44–46")
        page.screenshot(path=str(artifacts / "browser-answer.png"), full_page=True)


SELECTED_TEXT = """element => {
    const range = document.createRange();
    range.selectNodeContents(element);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    return getSelection().toString();
}"""


def test_document_text_is_shown_verbatim_never_as_a_link_or_an_image(corpus_copy: Path, serve) -> None:
    from playwright.sync_api import expect

    shutil.copy(DATA / "untrusted" / "document_piege.txt", corpus_copy)
    trap = next(document for document in load_corpus(corpus_copy) if document.info.source == "document_piege.txt")
    quoted = next(paragraph.text for paragraph in trap.paragraphs if "bureau quarkien" in paragraph.text)
    url = serve()
    with chromium_page() as page:
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(url, wait_until="domcontentloaded")
        ask(page, "Où le bureau quarkien publie-t-il ses rapports ?")
        answer = page.get_by_test_id("stChatMessage").last
        card = answer.locator("details").filter(has_text="dispositif, alinéa 3")
        expect(card).to_be_visible(timeout=120_000)
        card.locator("summary").click()
        # The text is the document's, character for character, as shown and as copied.
        expect(card.locator("summary")).to_have_text(f"[1] {trap.info.title}, dispositif, alinéa 3")
        assert card.locator("mark").evaluate(SELECTED_TEXT) == quoted
        assert quoted in answer.inner_text()
        answer.get_by_role("button", name="Voir le document entier").click()
        view = page.locator(".st-key-document-view")
        expect(view.locator(".st-key-cited-paragraph mark")).to_have_text(quoted)
        expect(card).to_have_count(1)  # the rerun is over: no stale copy of the card left
        assert view.locator(".st-key-cited-paragraph mark").evaluate(SELECTED_TEXT) == quoted
        shown = view.inner_text()
        assert all(paragraph.text in shown for paragraph in trap.paragraphs)
        # No link and no image in the answer, its source card or the document view, nor anywhere for the
        # document's addresses (its title is in the sidebar and above the document view too).
        for region in (answer, view):
            found = region.locator("a, img").evaluate_all("elements => elements.map(e => e.outerHTML)")
            assert found == [], found
        addresses = "a[href*='quarkien'], a[href*='127.0.0.1:9'], a[href^='mailto:'], img[src*='127.0.0.1:9']"
        assert page.locator(addresses).count() == 0
        assert not [address for address in requested if "127.0.0.1:9" in address or "example.invalid" in address]


def test_a_streamed_generated_answer_never_shows_an_unverified_claim(
    corpus_copy: Path, serve, fake_openai, monkeypatch: pytest.MonkeyPatch
) -> None:
    from playwright.sync_api import expect

    # A draft that invents a city, a signatory and a word, streamed slowly enough to be watched.
    fake_openai.reply = (
        "Moscou a accueilli le Séminaire du 23 au 25 février 2004 [1]. Poutine a signé la lettre [1]. "
        "Le Séminaire s’est tenu à Antalya du 23 au 25 février 2004 [1]. PWNED [1]."
    )
    fake_openai.chunk_delay = 0.15
    monkeypatch.setenv("RAG_LLM_PROVIDER", "openai")
    monkeypatch.setenv("RAG_LLM_BASE_URL", fake_openai.base_url)
    monkeypatch.setenv("RAG_LLM_MODEL", "fake")
    url = serve()
    with chromium_page() as page:
        page.goto(url, wait_until="domcontentloaded")
        ask(page, "Quand et où s'est tenu le Séminaire d'Antalya ?")
        answer = page.get_by_test_id("stChatMessage").last
        seen = []
        deadline = time.monotonic() + 120
        while not fake_openai.requests or not page.locator("details").count():  # bounded: until the cards show
            seen.append(page.locator("main").inner_text())
            assert time.monotonic() < deadline, "no answer within 120 s"
            time.sleep(0.1)
        expect(answer).to_contain_text("Antalya du 23 au 25 février 2004", timeout=30_000)
        seen.append(page.locator("main").inner_text())
    assert len(seen) > 5  # the page was read while the draft streamed (about 4 s of chunks)
    for invented in ("Moscou", "Poutine", "PWNED"):
        assert not any(invented in text for text in seen), invented


DROP_FILE = """(dropzone, [name, type, base64]) => {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    const transfer = new DataTransfer();
    transfer.items.add(new File([bytes], name, {type: type}));
    for (const type of ["dragenter", "dragover", "drop"]) {
        dropzone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
    }
}"""


def test_drop_a_pdf_letter_see_it_listed_ask_and_download_it_in_chromium(
    corpus_copy: Path, serve, tmp_path: Path
) -> None:
    import base64
    import re

    from playwright.sync_api import expect

    from un_layout import write_pdf

    # The Norway letter as the Official Document System prints it: running header with the symbol,
    # footer with the page and the job number, paragraphs running on across pages.
    text = (DATA / "un_en_es" / "2023-05-10_letter_norway_oslo_workshop_declaration.txt").read_text(encoding="utf-8")
    letter = tmp_path / "2023-05-10_letter_norway_oslo_workshop_declaration.pdf"
    pages = write_pdf(text, letter, symbol="A/77/893", job="23-08811", language_letter="E")
    assert pages > 1
    url = serve()
    artifacts = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    with chromium_page() as page:
        page.goto(url, wait_until="domcontentloaded")
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Ajouter ou retirer des documents").click()
        dropzone = sidebar.get_by_test_id("stFileUploaderDropzone")
        expect(dropzone).to_be_visible(timeout=90_000)
        # Dragged onto the drop zone as a file from the desktop is: a DataTransfer with the file in it.
        encoded = base64.b64encode(letter.read_bytes()).decode("ascii")
        dropzone.evaluate(DROP_FILE, [letter.name, "application/pdf", encoded])
        expect(sidebar).to_contain_text(f"{letter.name} ajouté : 29 paragraphes", timeout=120_000)
        expect(sidebar).to_contain_text("lettre et annexe · 2023-04-26 · A/77/893 · 29 paragraphes")
        assert (corpus_copy / letter.name).read_bytes() == letter.read_bytes()
        ask(page, "What share of the terrorism financing cases used virtual assets?")
        answer = page.get_by_test_id("stChatMessage").last
        card = answer.locator("details").filter(
            has_text="Oslo Declaration (annex to the letter from Norway of 10 May 2023), paragraph 3"
        )
        expect(card).to_be_visible(timeout=120_000)
        expect(answer).to_contain_text("37 per cent")
        card.locator("summary").click()
        expect(card).to_contain_text(re.compile(rf"pages? \d+(?:–\d+)? of {letter.name}"))  # its page in the PDF
        with page.expect_download() as download:
            answer.get_by_role("button", name="Download the original").first.click()
        assert download.value.suggested_filename == letter.name
        assert Path(download.value.path()).read_bytes() == letter.read_bytes()
        page.screenshot(path=str(artifacts / "browser-upload.png"), full_page=True)
