"""Pulling on the real engine with no registry: an unreachable one (loopback port 9, never anything else) fails
with one line naming the service and the image, and `up` creates nothing; policies that need no pull work."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.docker

UNREACHABLE = "127.0.0.1:9/nope:1"

COMPOSE = f"""\
services:
  web:
    image: {UNREACHABLE}
    depends_on: [db]
  db:
    image: busybox:latest
    pull_policy: missing
    command: sleep 3600
    init: true
  never:
    image: {UNREACHABLE}
    pull_policy: never
    profiles: [never]
"""


@pytest.fixture
def cli(loader, tmp_path, project_name):
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120, env={**os.environ})

    return run


def _project_containers(project_name: str) -> str:
    return subprocess.run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={project_name}"],
                          capture_output=True, text=True).stdout


def test_pull_from_an_unreachable_registry_fails_with_one_line(cli):
    result = cli("pull", "-q", "web")
    assert result.returncode == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f'service "web": cannot pull image {UNREACHABLE}: Error response from daemon: ')
    assert "connection refused" in last
    assert "Traceback" not in result.stderr


def test_pull_ignore_failures_warns_and_exits_zero(cli):
    result = cli("pull", "--ignore-pull-failures", "web")
    assert result.returncode == 0, result.stderr
    assert " web Warning " in result.stderr


def test_pull_skips_what_the_policy_says_is_present(cli):
    # (a `latest` tag such as db's is pulled by `pull` whatever its policy, as in v2: not asked for here)
    result = cli("--profile", "never", "pull", "never")
    assert result.returncode == 0, result.stderr
    assert " never Skipped \n" in result.stderr  # v2: the same line, trailing space included


def test_up_with_an_unpullable_image_creates_nothing(cli, project_name):
    result = cli("up", "-d")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1].startswith(f'service "web": cannot pull image {UNREACHABLE}: ')
    assert _project_containers(project_name) == ""
    networks = subprocess.run(["docker", "network", "ls", "--format", "{{.Name}}"], capture_output=True,
                              text=True).stdout.split()
    assert f"{project_name}_default" not in networks


def test_up_with_pull_policy_never_and_a_missing_image_fails_cleanly(cli, project_name):
    result = cli("--profile", "never", "up", "-d", "never")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f'service "never": image {UNREACHABLE} is not available locally and pull_policy is never')
    assert _project_containers(project_name) == ""


def test_up_pulls_nothing_for_a_present_image_with_policy_missing(cli, project_name):
    result = cli("up", "-d", "--no-deps", "db")
    assert result.returncode == 0, result.stderr
    assert "Pulling" not in result.stderr
