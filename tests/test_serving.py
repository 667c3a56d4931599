"""How `make run` serves the app: on the loopback interface only, unless told otherwise."""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import REPO

LISTEN = "0A"  # the TCP state of a listening socket in /proc/net/tcp


def streamlit_arguments(*make_variables: str) -> list[str]:
    """What `make run` passes to `streamlit`, read from a dry run of the Makefile."""
    dry_run = subprocess.run(
        ["make", "--dry-run", "run", *make_variables], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    words = shlex.split(next(line for line in dry_run.splitlines() if "streamlit run" in line))
    return words[words.index("run") :]


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on a TCP port (Linux's /proc/net/tcp and tcp6)."""
    addresses = set()
    for table, family in (("/proc/net/tcp", socket.AF_INET), ("/proc/net/tcp6", socket.AF_INET6)):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == LISTEN and int(local_port, 16) == port:
                raw = bytes.fromhex(address)  # 32-bit words in host (little-endian) order
                addresses.add(socket.inet_ntop(family, b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))))
    return addresses


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads the listening sockets from Linux's /proc")
def test_make_run_serves_on_the_loopback_interface_only(tmp_path: Path) -> None:
    port = free_port()
    env = {name: value for name, value in os.environ.items() if not name.startswith("STREAMLIT_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", *streamlit_arguments(f"PORT={port}")],
        cwd=REPO,  # where `make run` starts it, so the project's .streamlit/config.toml applies
        env=env,
        stdout=(tmp_path / "streamlit.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError((tmp_path / "streamlit.log").read_text()) from None
                time.sleep(0.5)
        assert listening_addresses(port) == {"127.0.0.1"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_serving_the_network_is_asked_for_explicitly() -> None:
    arguments = streamlit_arguments("ADDRESS=0.0.0.0")
    assert arguments[arguments.index("--server.address") + 1] == "0.0.0.0"
