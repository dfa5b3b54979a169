"""`post_start` / `pre_stop` hooks run where v2 runs them (issue #10; v2 pkg/compose/hook.go).

v2 runs `post_start` right after a container starts (user, working_dir, environment of the hook) and `pre_stop`
before `stop` and `down` stop it, not before a recreate stops the replaced container; a hook that exits non-zero
fails the command with `<service> hook exited with status <n>`, and a failed `pre_stop` leaves the container
running. Both tools run the same steps; what the hooks wrote and the exit codes must agree.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE = """\
services:
  app:
    image: busybox:latest
    init: true
    environment:
      GEN: "${GEN:-1}"
    command: ["sleep", "3600"]
    volumes: ["log:/log"]
    post_start:
      - command: ["sh", "-c", "echo post $$(id -u) $$HOOK $$PWD $$GEN >> /tmp/post"]
        user: "1000"
        working_dir: /tmp
        environment:
          HOOK: from-hook
    pre_stop:
      - command: ["sh", "-c", "echo pre $$GEN >> /log/events; exit $${PRE_EXIT:-0}"]
        environment:
          PRE_EXIT: "${PRE_EXIT:-0}"
  bad:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
    profiles: [bad]
    post_start:
      - command: ["sh", "-c", "exit 3"]
volumes:
  log:
"""


def _read(project: str, *command: str) -> str:
    return subprocess.run(["docker", "exec", f"{project}-app-1", *command], capture_output=True, text=True).stdout


def _events(project: str) -> str:
    return subprocess.run(["docker", "run", "--rm", "--network", "none", "-v", f"{project}_log:/log",
                           "busybox:latest", "cat", "/log/events"], capture_output=True, text=True).stdout


def _state(project: str) -> str:
    import docker

    return docker.APIClient(version="auto").inspect_container(f"{project}-app-1")["State"]["Status"]


@pytest.fixture
def tools(tmp_path, reference_compose):
    suffix = uuid.uuid4().hex[:8]
    projects = {"v2": f"pe-hk-v2-{suffix}", "py": f"pe-hk-py-{suffix}"}
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    commands = {"v2": [reference_compose], "py": [sys.executable, "-m", "pycompose"]}

    def run(tool: str, *args: str, **variables: str) -> tuple[int, str]:
        result = subprocess.run([*commands[tool], "-f", "compose.yaml", "-p", projects[tool], *args], cwd=tmp_path,
                                env={**os.environ, **variables}, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in result.stderr
        last = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        return result.returncode, last if result.returncode else ""

    yield projects, run
    for project in projects.values():
        remove_project_resources(project)


def test_hooks_run_and_fail_as_in_v2(tools):
    projects, run = tools
    seen = {}
    for tool, project in projects.items():
        steps = [run(tool, "up", "-d"), _read(project, "cat", "/tmp/post")]
        steps += [run(tool, "stop"), _events(project)]
        steps += [run(tool, "up", "-d"), run(tool, "stop", PRE_EXIT="4"), _state(project)]
        steps += [run(tool, "up", "-d", GEN="2"), _events(project)]  # recreated: no pre_stop
        steps += [run(tool, "down"), _events(project)]
        steps += [run(tool, "--profile", "bad", "up", "-d", "bad")]
        seen[tool] = steps
    assert seen["py"] == seen["v2"]
    assert seen["py"][1] == "post 1000 from-hook /tmp 1\n"
    assert seen["py"][5:7] == [(1, "app hook exited with status 4"), "running"]
    assert seen["py"][-2] == "pre 1\npre 1\npre 2\n"
    assert seen["py"][-1] == (1, "bad hook exited with status 3")
