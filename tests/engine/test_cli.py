"""The commands end to end through the CLI: flags, stdout data, stderr progress, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  db:
    image: busybox:latest
    init: true
    command: sleep 3600
  web:
    image: busybox:latest
    init: true
    command: httpd -f -p 8080
    ports: ["8080"]
    depends_on: [db]
"""


@pytest.fixture
def cli(loader, tmp_path, project_name):
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})})

    return run


def test_up_ps_down_through_the_cli(cli, project_name):
    up = cli("up", "-d")
    assert up.returncode == 0, up.stderr
    assert f" Container {project_name}-web-1  Started\n" in up.stderr
    assert up.stdout == ""

    table = cli("ps").stdout.splitlines()
    assert table[0].split() == ["NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS"]
    assert [line.split()[0] for line in table[1:]] == [f"{project_name}-db-1", f"{project_name}-web-1"]
    rows = [json.loads(line) for line in cli("ps", "--format", "json").stdout.splitlines()]
    web = next(row for row in rows if row["Service"] == "web")
    assert web["State"] == "running" and web["Project"] == project_name
    assert any(p["TargetPort"] == 8080 and p["PublishedPort"] for p in web["Publishers"])
    assert cli("ps", "--services").stdout.split() == ["db", "web"]
    assert len(cli("ps", "-q").stdout.split()) == 2

    again = cli("up", "-d")
    assert f" Container {project_name}-web-1  Running\n" in again.stderr

    assert cli("stop", "-t", "1", "web").returncode == 0
    assert cli("ps", "--status", "exited", "--services").stdout.split() == ["web"]
    assert cli("start").returncode == 0
    assert cli("restart", "-t", "1").returncode == 0
    restarted = cli("restart", "web")  # no -t: the container's own stop timeout
    assert restarted.returncode == 0 and "Traceback" not in restarted.stderr, restarted.stderr
    assert f"{project_name}-web-1" in restarted.stderr
    assert cli("kill", "-s", "SIGKILL", "web").returncode == 0
    assert cli("rm", "-f").stdout == ""
    assert cli("ps", "-a", "--services").stdout.split() == ["db"]

    down = cli("down", "-t", "1", "-v")
    assert down.returncode == 0, down.stderr
    assert f" Network {project_name}_default  Removed\n" in down.stderr
    assert cli("ps", "-a", "-q").stdout == ""


def test_unreachable_engine_is_one_line_and_exit_1(cli):
    result = cli("up", "-d", env={"DOCKER_HOST": "unix:///tmp/pycompose-no-such.sock"})
    assert result.returncode == 1
    assert result.stderr == (
        "Cannot connect to the Docker daemon at unix:///tmp/pycompose-no-such.sock. Is the docker daemon running?\n"
    )


def test_dry_run_changes_nothing(cli, project_name):
    result = cli("--dry-run", "up", "-d")
    assert result.returncode == 0, result.stderr
    assert "Create: not found" in result.stderr
    assert cli("ps", "-a", "-q").stdout == ""


def test_attached_up_stops_gracefully_on_ctrl_c(cli, project_name, tmp_path):
    import signal
    import time

    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  a:\n"
        "    image: busybox:latest\n"
        "    command: [\"sh\", \"-c\", \"trap 'echo bye; exit 0' TERM; echo hello; while true; do sleep 0.2; done\"]\n"
    )
    process = subprocess.Popen([sys.executable, "-m", "pycompose", "-p", project_name, "up"], cwd=tmp_path,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not cli("ps", "-q").stdout.strip():
        time.sleep(0.3)
    time.sleep(1)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "a-1  | hello\n" in out and "a-1  | bye\n" in out
    assert "Gracefully Stopping..." in err
    assert cli("ps", "-q").stdout == ""
