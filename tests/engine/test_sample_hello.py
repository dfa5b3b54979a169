"""samples/hello, driven through the CLI as the README shows: it answers, keeps its notes, and `down -v` drops them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "hello" / "compose.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> str:
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_hello_sample_serves_and_keeps_notes_until_down_v(project_name):
    port = free_port()
    env_args = {"HELLO_PORT": str(port)}

    def compose(*args: str) -> subprocess.CompletedProcess:
        import os

        return subprocess.run(
            [sys.executable, "-m", "pycompose", "-f", str(SAMPLE), "-p", project_name, *args],
            capture_output=True, text=True, env={**os.environ, **env_args}, timeout=120,
        )

    up = compose("up", "-d", "--wait")
    assert up.returncode == 0, up.stderr
    assert "Hello from pycompose" in get(f"http://127.0.0.1:{port}/site/index.html")
    first_notes = get(f"http://127.0.0.1:{port}/notes/notes.txt")
    assert first_notes.strip(), "the writer wrote nothing"

    assert compose("port", "web", "8080").stdout.strip().endswith(f":{port}")

    assert compose("down").returncode == 0
    assert compose("up", "-d", "--wait").returncode == 0
    assert get(f"http://127.0.0.1:{port}/notes/notes.txt").startswith(first_notes.splitlines()[0])

    assert compose("down", "-v").returncode == 0
    assert compose("up", "-d", "--wait").returncode == 0
    again = get(f"http://127.0.0.1:{port}/notes/notes.txt")
    assert first_notes.splitlines()[0] not in again, "the notes survived down -v"
    assert compose("down", "-v", "-t", "1").returncode == 0
