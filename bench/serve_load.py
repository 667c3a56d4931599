"""`rag serve` under load: concurrent clients asking through the HTTP API on loopback, for a bounded time.

1. starts `rag serve` on a free loopback port (or uses --url), waits until /ready;
2. asks each question once, one after another: the reference answers and the sequential latency;
3. --clients clients ask the same questions concurrently (POST /v1/ask) for --duration seconds (and at most
   --max-requests each): errors, answers that differ from the sequential ones, p50/p95 latency, requests/s;
4. the server's memory (RSS) when ready, before the load, at its peak and at the end.

The settings are the environment's (RAG_*), as for `rag serve`. One run; the table says the machine's load.

    .venv/bin/python bench/serve_load.py --duration 60 --out bench/results
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
from figures import machine, save

REPO = Path(__file__).resolve().parent.parent


def rss_mb(pid: int | None) -> float:
    """Resident memory of a process in MB (Linux's /proc), NaN when unknown."""
    if pid is None:
        return float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(log: Path, timeout: float) -> tuple[subprocess.Popen, str]:
    """`rag serve` on 127.0.0.1, ready (index and encoder loaded) within ``timeout`` seconds."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rag.interfaces.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=REPO,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"rag serve exited with {server.returncode}; see {log}")
        try:
            ready = httpx.get(f"{url}/ready", timeout=5)
            if ready.status_code == 200:
                return server, url
            if "Loading" not in ready.json()["message"]:
                server.terminate()
                raise SystemExit(f"rag serve is not ready: {ready.json()['message']}")
        except httpx.TransportError:
            pass
        time.sleep(0.25)
    server.terminate()
    raise SystemExit(f"rag serve was not ready after {timeout:g} s; see {log}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def load(
    url: str, questions: list[str], reference: dict[str, dict], clients: int, duration: float, max_requests: int, pid
) -> dict[str, object]:
    """``clients`` concurrent clients asking round-robin until ``duration`` s or ``max_requests`` each."""
    latencies: list[float] = []
    errors: list[str] = []
    unanswered = 0  # requests that got no response at all
    different: list[str] = []
    samples: list[tuple[float, float]] = []  # (seconds into the load, RSS MB)
    deadline = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async with httpx.AsyncClient(base_url=url, timeout=120, limits=limits) as http:

        async def client(number: int) -> None:
            for turn in range(max_requests):
                if time.monotonic() >= deadline:
                    return
                question = questions[(number + turn) % len(questions)]
                started = time.perf_counter()
                try:
                    response = await http.post("/v1/ask", json={"question": question})
                except httpx.HTTPError as error:
                    nonlocal unanswered
                    unanswered += 1
                    errors.append(f"{type(error).__name__}: {error}")
                    continue
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                elif response.json() != reference[question]:
                    different.append(question)

        async def watch() -> None:
            while time.monotonic() < deadline:
                samples.append((time.perf_counter() - started, rss_mb(pid)))
                await asyncio.sleep(0.5)

        started = time.perf_counter()
        watcher = asyncio.create_task(watch())
        await asyncio.gather(*(client(number) for number in range(clients)))
        elapsed = time.perf_counter() - started
        watcher.cancel()
    return {
        "seconds": elapsed,
        "requests": len(latencies) + unanswered,
        "errors": errors,
        "different": different,
        "latencies": latencies,
        "rss_samples": [*samples, (elapsed, rss_mb(pid))],
    }


def rss_at(samples: list[tuple[float, float]], share: float) -> float:
    """The RSS sampled nearest to ``share`` of the load's duration."""
    if not samples:
        return float("nan")
    moment = share * samples[-1][0]
    return min(samples, key=lambda sample: abs(sample[0] - moment))[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients (default 32)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load (default 60)")
    parser.add_argument("--max-requests", type=int, default=10_000, help="requests per client at most")
    parser.add_argument(
        "--questions", type=Path, default=REPO / "eval/questions.jsonl", help="JSON lines (single questions are used)"
    )
    parser.add_argument("--limit", type=int, default=24, help="distinct questions asked (default 24)")
    parser.add_argument("--url", help="an already running rag serve (memory is then read from --pid)")
    parser.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    parser.add_argument("--startup-timeout", type=float, default=300.0, help="seconds to wait for /ready")
    parser.add_argument("--out", type=Path, help="folder for serve_load.json and serve_load.md")
    args = parser.parse_args()

    lines = args.questions.read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    questions = [record["question"] for record in records if "question" in record][: args.limit]  # not conversations
    server = None
    if args.url:
        url, pid = args.url.rstrip("/"), args.pid
    else:
        log = Path(os.environ.get("TMPDIR", "/tmp")) / "serve_load.log"
        started = time.perf_counter()
        server, url = start_server(log, args.startup_timeout)
        pid = server.pid
        print(f"rag serve ready in {time.perf_counter() - started:.1f} s at {url}", file=sys.stderr)
    try:
        rss_ready = rss_mb(pid)
        reference, sequential = {}, []
        with httpx.Client(base_url=url, timeout=120) as http:
            for question in questions:
                started = time.perf_counter()
                response = http.post("/v1/ask", json={"question": question})
                sequential.append(time.perf_counter() - started)
                response.raise_for_status()
                reference[question] = response.json()
        rss_start = rss_mb(pid)
        result = asyncio.run(load(url, questions, reference, args.clients, args.duration, args.max_requests, pid))
        rss_end = rss_mb(pid)
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()

    latencies, samples = result["latencies"], result["rss_samples"]
    rows = [
        ("clients", f"{args.clients}"),
        ("duration s", f"{result['seconds']:.1f}"),
        ("distinct questions", f"{len(questions)}"),
        ("requests", f"{result['requests']}"),
        ("errors", f"{len(result['errors'])}"),
        ("answers different from sequential", f"{len(result['different'])}"),
        ("requests/s", f"{len(latencies) / result['seconds']:.2f}"),
        ("latency p50 ms", f"{percentile(latencies, 0.5) * 1000:.0f}"),
        ("latency p95 ms", f"{percentile(latencies, 0.95) * 1000:.0f}"),
        ("sequential latency p50 ms (1 client)", f"{statistics.median(sequential) * 1000:.0f}"),
        ("server RSS MB: ready", f"{rss_ready:.0f}"),
        ("server RSS MB: before the load (after the sequential pass)", f"{rss_start:.0f}"),
        (
            "server RSS MB: at 1/4, 1/2, 3/4 of the load",
            " / ".join(f"{rss_at(samples, x):.0f}" for x in (0.25, 0.5, 0.75)),
        ),
        ("server RSS MB: peak during the load", f"{max((rss for _, rss in samples), default=float('nan')):.0f}"),
        ("server RSS MB: end", f"{rss_end:.0f}"),
    ]
    printed = "\n".join(
        ["| figure | value |", "|---|---|", *(f"| {name} | {value} |" for name, value in rows), "", machine()]
    )
    print(printed)
    for error in result["errors"][:5]:
        print(f"error: {error}", file=sys.stderr)
    if args.out:
        figures = {name: value for name, value in rows}
        extra = {"errors": result["errors"][:50], "rss_samples": samples, "latencies": latencies}
        save(args.out, "serve_load", {"figures": figures, **extra}, printed)


if __name__ == "__main__":
    main()
