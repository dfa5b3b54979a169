"""A second `up -d` runs an exited one-shot dependency again and waits for it, as v2 does (issue #10).

v2's `startService` starts every container of the project that is not running and checks every dependency
condition, even for a dependent that is already running (which stays as it is). Both tools run the same file;
after each `up -d` they must agree on the one-shot's runs, its state when `up` returned, the dependent's start
time and the exit code.
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
  init:
    image: busybox:latest
    command: ["sh", "-c", "sleep 2; echo run >> /log/runs; exit ${INIT_EXIT:-0}"]
    volumes: ["log:/log"]
  app:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
    depends_on:
      init:
        condition: service_completed_successfully
volumes:
  log:
"""


def _state(project: str) -> dict:
    import docker

    client = docker.APIClient(version="auto")
    init = client.inspect_container(f"{project}-init-1")
    app = client.containers(all=True, filters={"name": f"{project}-app-1"})
    started = client.inspect_container(app[0]["Id"])["State"]["StartedAt"] if app else None
    return {"init": (init["State"]["Status"], init["State"]["ExitCode"]), "app_started": started}


def _runs(project: str) -> int:
    out = subprocess.run(["docker", "run", "--rm", "--network", "none", "-v", f"{project}_log:/log",
                          "busybox:latest", "cat", "/log/runs"], capture_output=True, text=True)
    return len(out.stdout.split())


@pytest.fixture
def tools(tmp_path, reference_compose):
    suffix = uuid.uuid4().hex[:8]
    projects = {"v2": f"pe-os-v2-{suffix}", "py": f"pe-os-py-{suffix}"}
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    commands = {"v2": [reference_compose], "py": [sys.executable, "-m", "pycompose"]}

    def up(tool: str, *, init_exit: int = 0) -> tuple[int, dict]:
        env = {**os.environ, "INIT_EXIT": str(init_exit)}
        result = subprocess.run([*commands[tool], "-p", projects[tool], "up", "-d"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert "Traceback" not in result.stderr
        return result.returncode, _state(projects[tool])  # the state the moment `up` returned

    yield projects, up
    for project in projects.values():
        remove_project_resources(project)


def test_second_up_reruns_the_exited_one_shot_and_waits_for_it(tools):
    projects, up = tools
    for tool, project in projects.items():
        code, first = up(tool)
        assert code == 0 and first["init"] == ("exited", 0), tool
        code, second = up(tool)
        assert code == 0, tool
        assert second["init"] == ("exited", 0), tool  # waited for: it had run 2 s when up returned
        assert second["app_started"] == first["app_started"], tool  # the dependent was left running
        assert _runs(project) == 2, tool


def test_failing_one_shot_runs_again_and_fails_up_again_with_v2_exit_code(tools):
    projects, up = tools
    results = {}
    for tool, project in projects.items():
        first_code, first = up(tool, init_exit=3)
        second_code, second = up(tool, init_exit=3)
        results[tool] = (first_code, first["init"], second_code, second["init"], second["app_started"],
                         _runs(project))
    assert results["py"] == results["v2"]
    assert results["py"][-1] == 2
