"""The app in a real browser: headless Chromium (Debian's) driven by Playwright, against `streamlit run`."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO
from rag.config import Settings
from rag.index import build_index

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
def served_app(corpus_copy: Path, tmp_path: Path):
    build_index(Settings())  # the real packaged MiniLM: this is the app as users get it
    port = free_port()
    log = (tmp_path / "streamlit.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path, env=os.environ.copy(),
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.kill()
                raise RuntimeError((tmp_path / "streamlit.log").read_text()) from None
            time.sleep(0.5)
    yield url
    server.terminate()
    server.wait(timeout=30)


def test_question_answer_and_source_card_in_chromium(served_app: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    artifacts = Path(os.environ.get("TEST_ARTIFACTS_DIR", REPO / "test-artifacts"))
    artifacts.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        try:
            page.goto(served_app, wait_until="domcontentloaded")
            box = page.get_by_test_id("stChatInputTextArea")
            expect(box).to_be_visible(timeout=90_000)
            box.fill("Quels pays ont participé à l'atelier de Bucarest ?")
            box.press("Enter")
            card = page.get_by_test_id("stExpander").filter(has_text="préambule, chapeau")
            expect(card).to_be_visible(timeout=120_000)
            expect(page.get_by_test_id("stChatMessage").last).to_contain_text("Albanie")
            card.locator("summary").click()
            highlighted = card.locator("span", has_text="Slovaquie").first
            expect(highlighted).to_be_visible()
            background = highlighted.evaluate("element => getComputedStyle(element).backgroundColor")
            assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background
            expect(card).to_contain_text("lignes 44–46")
            page.screenshot(path=str(artifacts / "browser-answer.png"), full_page=True)
        finally:
            browser.close()
