"""No log line is lost: attached `up`, `logs -f` and `Project.logs(follow=True)` on many containers that each write
a fast burst ending in a line longer than 16 KiB (stored by the engine as several partial messages) and exit.

The loss of issue #11 (2,000-3,500 of 10,000 lines missing in 4 of 7 attached runs) came from the engine: Docker
20.10 can end a follow stream when the container stops, before the tail of its log file has been sent. `logs.py`
reads once more without following after a follow stream ends, from the last time it saw. A loss that shows in half
the runs escapes n runs with probability 2^-n: each path runs REPEAT times here (with test_attached_up.py and
test_observing.py, over ten runs of each path per CI run).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

REPEAT = 4
REPEAT_ATTACHED = 6
"""Attached `up` lost lines in 4 of 7 runs before the fix; without it, this shape loses lines in about one run
in four (measured): six runs, with test_attached_up.py's five, miss such a loss rarely."""
CONTAINERS = 4
LINES = 10_000
LONG = 20_000

MANY = f"""\
services:
  burst:
    image: busybox:latest
    init: true
    scale: {CONTAINERS}
    command:
      - sh
      - -c
      - |
        sleep ${{DELAY:-0}}
        i=0
        while [ $$i -lt {LINES} ]; do echo n-$$i-{'x' * 40}; i=$$((i+1)); done
        printf 'last-'; head -c {LONG} /dev/zero | tr '\\0' y; echo
"""

EXPECTED = [f"n-{i}-{'x' * 40}" for i in range(LINES)] + ["last-" + "y" * LONG]


@pytest.fixture
def project(tmp_path):
    name = f"sg-{uuid.uuid4().hex[:10]}"
    (tmp_path / "compose.yaml").write_text(MANY)
    yield name, tmp_path
    remove_project_resources(name)


def pycompose(project, *args: str, delay: int = 0) -> subprocess.CompletedProcess:
    name, directory = project
    environ = {**{k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROGRESS", "COMPOSE_ANSI")},
               "NO_COLOR": "1", "DELAY": str(delay)}
    result = subprocess.run([sys.executable, "-m", "pycompose", "-p", name, *args], cwd=directory,
                            capture_output=True, timeout=300, env=environ)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(), result.stderr.decode())


def by_container(lines: list[str]) -> dict[str, list[str]]:
    """`burst-3  | text` lines → {"burst-3": texts}."""
    texts: dict[str, list[str]] = {}
    for line in lines:
        if " | " in line:
            name, text = line.split(" | ", 1)
            texts.setdefault(name.strip(), []).append(text)
    return texts


def assert_complete(texts: dict[str, list[str]]) -> None:
    assert sorted(texts) == sorted(f"burst-{n}" for n in range(1, CONTAINERS + 1)), sorted(texts)
    for name, got in texts.items():
        missing = len(EXPECTED) - len(got)
        assert got == EXPECTED, f"{name}: {missing} lines missing or different (last seen: {got[-1][:40]!r})"


@pytest.mark.parametrize("run", range(REPEAT_ATTACHED))
def test_attached_up_delivers_every_line_of_many_bursting_containers(project, run):
    result = pycompose(project, "up")
    assert result.returncode == 0, result.stderr[-2000:]
    assert_complete(by_container(result.stdout.split("\n")))
    exits = [line for line in result.stdout.split("\n") if " exited with code 0" in line]
    assert len(exits) == CONTAINERS, exits


@pytest.mark.parametrize("run", range(REPEAT))
def test_logs_follow_delivers_every_line_of_many_bursting_containers(project, run):
    up = pycompose(project, "up", "-d", delay=3)  # the bursts begin once `logs -f` follows
    assert up.returncode == 0, up.stderr
    result = pycompose(project, "logs", "-f")
    assert result.returncode == 0, result.stderr[-2000:]
    assert_complete(by_container(result.stdout.split("\n")))


@pytest.mark.parametrize("run", range(REPEAT))
def test_the_api_follow_delivers_every_line_of_many_bursting_containers(project, run):
    from pycompose import api
    from pycompose.events import CollectingSink

    name, directory = project
    up = pycompose(project, "up", "-d", delay=3)
    assert up.returncode == 0, up.stderr
    stack = api.Project.load(directory / "compose.yaml", project_name=name, sink=CollectingSink(),
                             env={"DELAY": "3"})
    assert_complete(by_container(list(stack.logs(follow=True))))
