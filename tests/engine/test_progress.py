"""Progress output of real commands: plain lines on a pipe, JSON lines, quiet, and the live view on a PTY."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  db:
    environment: {DEBUG: "0"}
    labels: {tier: back}
    image: busybox:latest
    command: [sleep, "3600"]
    init: true
  web:
    depends_on: [db]
    image: busybox:latest
    command: [sleep, "3600"]
    init: true
"""
PLAIN_LINE = re.compile(r"^ (Network|Volume|Container) \S+  (Creating|Created|Starting|Started|Running)$")


def cli_runner(tmp_path, project_name):
    """Runs `pycompose -p NAME …` in a directory holding COMPOSE (or `compose=` text), stderr piped."""
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def run(*args: str, env: dict | None = None, compose: str | None = None) -> subprocess.CompletedProcess:
        if compose is not None:
            (tmp_path / "compose.yaml").write_text(compose)
        environ = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROGRESS", "COMPOSE_ANSI")}
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env={**environ, **(env or {})})

    run.directory = tmp_path
    return run


@pytest.fixture
def pycompose(loader, tmp_path, project_name):
    """The CLI on COMPOSE (`cli_runner`); it shadows the `pycompose` fixture of pycompose's pytest plugin."""
    return cli_runner(tmp_path, project_name)


def test_up_on_a_pipe_prints_v2_plain_lines_without_ansi(pycompose, project_name):
    result = pycompose("up", "-d")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert "\x1b" not in result.stderr
    assert all(PLAIN_LINE.match(line) for line in lines), lines
    assert f" Container {project_name}-web-1  Started" in lines
    assert result.stdout == ""


def test_json_progress_is_one_object_per_state_change(pycompose, project_name):
    assert pycompose("up", "-d").returncode == 0
    result = pycompose("--progress", "json", "stop")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stderr.splitlines()]
    assert {(e["id"], e["status"], e["state"]) for e in events} == {
        (f"Container {project_name}-{s}-1", status, state)
        for s in ("db", "web") for status, state in (("Stopping", "working"), ("Stopped", "done"))
    }
    assert all(set(e) >= {"id", "status", "resource", "name", "state", "time"} for e in events)
    # dependents stop first
    order = [e["name"] for e in events if e["status"] == "Stopped"]
    assert order == [f"{project_name}-web-1", f"{project_name}-db-1"]


def test_compose_progress_environment_variable_is_the_default(pycompose):
    assert pycompose("up", "-d").returncode == 0
    result = pycompose("kill", env={"COMPOSE_PROGRESS": "json"})
    assert result.returncode == 0, result.stderr
    assert {json.loads(line)["status"] for line in result.stderr.splitlines()} == {"Killing", "Killed"}


def test_quiet_prints_nothing(pycompose):
    assert pycompose("up", "-d").returncode == 0
    for command in (("stop",), ("start",), ("rm", "-f", "-s")):
        result = pycompose("--progress", "quiet", *command)
        assert result.returncode == 0, result.stderr
        assert result.stderr == "" and result.stdout == ""


def test_live_view_on_a_terminal(pycompose, project_name):
    if shutil.which("script") is None:
        pytest.skip("needs script(1) for a pseudo-terminal")
    assert pycompose("up", "-d").returncode == 0
    command = f"{sys.executable} -m pycompose -p {project_name} stop"
    result = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=pycompose.directory,
                            capture_output=True, text=True, timeout=120,
                            env={**os.environ, "COLUMNS": "80", "LINES": "24"})
    assert result.returncode == 0, result.stdout
    screen = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stdout)
    assert "[+] Stopping 2/2" in screen
    assert re.search(rf"✔ Container {project_name}-web-1 +Stopped +\d+\.\ds", screen)
    assert result.stdout.rstrip().endswith("\x1b[?25h")  # the cursor is back
