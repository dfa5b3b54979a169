"""What pycompose says on stderr where v2 says something precise: a log that cannot be read, a service with no
running container, nothing left to take down, a network still in use, no stopped container. Each against the
engine, and beside v2 where it is installed (the same run of steps, the same lines once times are set aside)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

COMPOSE = """\
name: {name}
services:
  quiet:
    image: busybox:latest
    init: true
    command: sh -c "echo unseen; sleep 300"
    stop_grace_period: 1s
    logging:
      driver: none
  talk:
    image: busybox:latest
    init: true
    command: sh -c "echo said; sleep 300"
    stop_grace_period: 1s
"""

_TIME = re.compile(r'time="[^"]*" ')


def _steps(command: list[str], folder: Path, name: str, elsewhere: Path) -> list[tuple[int, list[str]]]:
    """The steps, each as (exit code, stderr lines that are not progress), run in `folder` (the project named by
    its file, which they read); the last by `-p` from `elsewhere`, a folder with no compose file above it."""
    env = {**os.environ, "COMPOSE_PROGRESS": "plain"}
    outcomes = []

    def step(*args: str) -> None:
        done = subprocess.run([*command, *args], cwd=folder, capture_output=True, text=True, timeout=120, env=env)
        lines = [_TIME.sub("", line) for line in done.stderr.splitlines()
                 if not re.match(r" (Container|Network) \S+  (Creat|Start|Stop|Remov|Running)", line)]
        outcomes.append((done.returncode, lines))

    step("up", "-d")
    step("logs", "quiet")
    step("exec", "-T", "nosuch", "true")
    step("rm", "-f")
    intruder = f"{name}-intruder"
    subprocess.run(["docker", "run", "-d", "--name", intruder, "--network", f"{name}_default", "busybox:latest",
                    "sleep", "300"], check=True, capture_output=True)
    try:
        step("down", "-t", "1")
    finally:
        subprocess.run(["docker", "rm", "-f", intruder], capture_output=True)
    step("down")  # the network goes now
    step("down")  # nothing left, but the file declares a network: v2 plans its removal, says nothing
    done = subprocess.run([*command, "-p", name, "down"], cwd=elsewhere, capture_output=True, text=True, env=env)
    outcomes.append((done.returncode, [_TIME.sub("", line) for line in done.stderr.splitlines()]))
    return outcomes


def test_the_messages(project_name, tmp_path_factory):
    folder, elsewhere = tmp_path_factory.mktemp("project"), tmp_path_factory.mktemp("elsewhere")
    (folder / "compose.yaml").write_text(COMPOSE.format(name=project_name))
    outcomes = _steps([sys.executable, "-m", "pycompose"], folder, project_name, elsewhere)
    assert outcomes == [
        (0, []),
        (0, [f'level=warning msg="Can\'t retrieve logs for \\"{project_name}-quiet-1\\": Error response from '
             'daemon: configured logging driver does not support reading"']),
        (1, ['service "nosuch" is not running']),
        (0, ["No stopped containers"]),
        (0, [f" Network {project_name}_default  Resource is still in use"]),
        (0, []),
        (0, []),
        (0, [f'level=warning msg="Warning: No resource found to remove for project \\"{project_name}\\"."']),
    ]


@pytest.mark.reference
def test_the_messages_as_v2(project_name, tmp_path_factory, reference_compose):
    folder, elsewhere = tmp_path_factory.mktemp("project"), tmp_path_factory.mktemp("elsewhere")
    (folder / "compose.yaml").write_text(COMPOSE.format(name=project_name))
    theirs = _steps([reference_compose], folder, project_name, elsewhere)
    ours = _steps([sys.executable, "-m", "pycompose"], folder, project_name, elsewhere)
    assert ours == theirs
