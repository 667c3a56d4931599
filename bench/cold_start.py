"""Cold start: how long a new process takes to give its first answer, each measured in fresh processes.

1. `rag ask QUESTION`: wall time of the whole command, from its start to its exit;
2. `rag serve`: from the process's start until GET /ready says ready (index open, question encoder and
   language model loaded), then until its first POST /v1/ask answers;
3. the app (`streamlit run app.py`): from the server's start until its first answer shows in a page
   that Chromium (Debian's, headless, started beforehand: a user's browser is already open) opened
   on it as soon as the server listened.

The index must exist (`rag index`): its build, and the question encoder's one-off export, are not
counted. The settings are the environment's (RAG_*). Runs alternate between the measures; the table
gives the median and the range.

    .venv/bin/python bench/cold_start.py --runs 5 --out bench/results
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from figures import machine, save
from serve_load import free_port, start_server

REPO = Path(__file__).resolve().parent.parent
QUESTION = "Quand s'est tenu le deuxième atelier sous-régional ?"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def ask_once(question: str) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "rag"), "ask", question], capture_output=True, text=True, cwd=REPO
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0 or "[1]" not in done.stdout:
        raise SystemExit(f"rag ask did not answer with a citation (rc {done.returncode}): {done.stderr[-500:]}")
    return seconds


def serve_once(question: str, log: Path) -> tuple[float, float]:
    started = time.perf_counter()
    server, url = start_server(log, timeout=120)
    ready = time.perf_counter() - started
    try:
        answer = httpx.post(f"{url}/v1/ask", json={"question": question}, timeout=60)
        answer.raise_for_status()
        first = time.perf_counter() - started
        if not answer.json()["citations"]:
            raise SystemExit(f"rag serve answered without a citation: {answer.text[:300]}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return ready, first


def app_once(question: str, page, log: Path) -> float:
    from playwright.sync_api import expect

    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(REPO / "app.py"), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=REPO,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        while True:
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.perf_counter() - started > 120:
                raise SystemExit(f"streamlit did not start; see {log}")
            time.sleep(0.05)
        page.goto(url, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        expect(box).to_be_visible(timeout=120_000)
        box.fill(question)
        box.press("Enter")
        # the answer, with its first citation marker (the sidebar has expanders of its own: not a source card)
        expect(page.get_by_test_id("stChatMessage").filter(has_text="[1]").first).to_be_visible(timeout=120_000)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def spread(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} | {min(values):.2f}–{max(values):.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per measure")
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--no-app", action="store_true", help="skip the app (no Chromium)")
    parser.add_argument("--out", type=Path, help="write cold_start.json and cold_start.md here")
    args = parser.parse_args()
    logs = REPO / "test-artifacts"
    logs.mkdir(exist_ok=True)
    times: dict[str, list[float]] = {"ask": [], "ready": [], "serve_first": [], "app_first": []}

    def measure(page) -> None:
        for _ in range(args.runs):
            times["ask"].append(ask_once(args.question))
            ready, first = serve_once(args.question, logs / "cold_start_serve.log")
            times["ready"].append(ready)
            times["serve_first"].append(first)
            if page is not None:
                times["app_first"].append(app_once(args.question, page, logs / "cold_start_app.log"))

    if args.no_app or not Path(CHROMIUM).exists():
        measure(None)
    else:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
            try:
                measure(browser.new_page())
            finally:
                browser.close()
    rows = [
        ("`rag ask` (whole command)", "ask", 3.0),
        ("`rag serve` ready (GET /ready)", "ready", 3.0),
        ("`rag serve` first answer (POST /v1/ask)", "serve_first", None),
        ("app: first answer shown (Chromium)", "app_first", 5.0),
    ]
    lines = ["| from a new process to | median s | range s | target s |", "|---|---|---|---|"]
    lines += [f"| {label} | {spread(times[key])} | {target or '–'} |" for label, key, target in rows if times[key]]
    printed = "\n".join(lines) + f"\n\n{args.runs} runs each; {machine()}"
    settings = {key: value for key, value in os.environ.items() if key.startswith("RAG_")}
    print(printed)
    if args.out:
        save(args.out, "cold_start", {"seconds": times, "runs": args.runs, "settings": settings}, printed)


if __name__ == "__main__":
    main()
