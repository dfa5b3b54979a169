"""Races: two runs on one project at once (pycompose twice, pycompose and v2, `up` and `down`), a container removed
behind pycompose's back between plan and execute, a port another process holds. Each ends in a clear error or a
converged state: never a duplicate, a container left under a temporary name, or a traceback.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

PYCOMPOSE = [sys.executable, "-m", "pycompose"]

STACK = """\
services:
  db:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "sleep 2; touch /tmp/ready; exec sleep 300"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
  web:
    image: busybox:latest
    init: true
    command: sleep 300
    scale: 2
    depends_on:
      db:
        condition: service_healthy
"""


@pytest.fixture
def project(tmp_path):
    name = f"sg-{uuid.uuid4().hex[:10]}"
    (tmp_path / "compose.yaml").write_text(STACK)
    yield name, tmp_path
    remove_project_resources(name)


def environ() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROGRESS", "NO_COLOR")}


def start(project, *args: str, binary: list[str] | None = None) -> subprocess.Popen:
    name, directory = project
    return subprocess.Popen([*(binary or PYCOMPOSE), "-p", name, *args], cwd=directory, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environ())


def finish(process: subprocess.Popen) -> tuple[int, str]:
    _, stderr = process.communicate(timeout=180)
    return process.returncode, stderr


def run(project, *args: str) -> subprocess.CompletedProcess:
    name, directory = project
    return subprocess.run([*PYCOMPOSE, "-p", name, *args], cwd=directory, capture_output=True, text=True,
                          timeout=180, env=environ())


def names(name: str) -> list[str]:
    import docker

    client = docker.APIClient(version="auto")
    found = client.containers(all=True, filters={"label": f"com.docker.compose.project={name}"})
    return sorted(c["Names"][0].lstrip("/") for c in found)


def running(name: str) -> list[str]:
    import docker

    client = docker.APIClient(version="auto")
    found = client.containers(filters={"label": f"com.docker.compose.project={name}", "status": "running"})
    return sorted(c["Names"][0].lstrip("/") for c in found)


def converged(name: str) -> list[str]:
    return [f"{name}-db-1", f"{name}-web-1", f"{name}-web-2"]


def clear(code: int, stderr: str) -> None:
    """Done, or a clear error: no traceback, no internal error, a last line that is not empty."""
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code != 0:
        assert code == 1 and stderr.strip(), stderr


@pytest.mark.parametrize("attempt", range(3))
def test_two_pycompose_up_at_once_converge_without_duplicates(project, attempt):
    first, second = start(project, "up", "-d"), start(project, "up", "-d")
    for process in (first, second):
        code, stderr = finish(process)
        assert code == 0, stderr
        clear(code, stderr)
    assert names(project[0]) == converged(project[0])


@pytest.mark.reference
@pytest.mark.serial  # alone: under the parallel tests' load both tools can create the network (the engine's duplicate
# check is not atomic), and on engine 20.10 a name shared by two networks cannot be attached to
def test_pycompose_and_v2_up_at_once_end_converged_or_in_a_clear_error(project, reference_compose):
    ours, theirs = start(project, "up", "-d"), start(project, "up", "-d", binary=[reference_compose])
    clear(*finish(ours))
    finish(theirs)
    assert len(names(project[0])) == len(set(names(project[0])))
    again = run(project, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert names(project[0]) == running(project[0]) == converged(project[0])


@pytest.mark.parametrize("attempt", range(2))
def test_up_and_down_at_once_end_in_a_clear_state_and_the_next_up_converges(project, attempt):
    assert run(project, "up", "-d").returncode == 0
    recreate, down = start(project, "up", "-d", "--force-recreate"), start(project, "down", "-t", "1")
    for process in (recreate, down):
        clear(*finish(process))
    assert not [n for n in names(project[0]) if "_" in n], names(project[0])  # nothing under a temporary name
    again = run(project, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert names(project[0]) == running(project[0]) == converged(project[0])


def test_two_downs_at_once_both_succeed(project):
    assert run(project, "up", "-d").returncode == 0
    first, second = start(project, "down", "-t", "1"), start(project, "down", "-t", "1")
    for process in (first, second):
        code, stderr = finish(process)
        assert code == 0, stderr
    assert names(project[0]) == []


class RemovesAfterObserving:
    """The real engine, except that right after the command's one observation it removes a container: someone
    else's `docker rm -f` landing between plan and execute."""

    def __init__(self, engine, victim: str) -> None:
        self._engine = engine
        self.victim = victim
        self.removed = False

    def observe(self, *args, **kwargs):
        state = self._engine.observe(*args, **kwargs)
        if not self.removed:
            import docker

            docker.APIClient(version="auto").remove_container(self.victim, force=True)
            self.removed = True
        return state

    def __getattr__(self, name: str):
        return getattr(self._engine, name)


def _removed_between_plan_and_execute(project, operation) -> BaseException | None:
    from pycompose.api import Project
    from pycompose.engine.dockerpy import DockerEngine

    name, directory = project
    assert run(project, "up", "-d").returncode == 0
    stack = Project.load(str(directory / "compose.yaml"), project_name=name)
    engine = RemovesAfterObserving(DockerEngine(), f"{name}-web-2")
    try:
        operation(stack.loaded, engine)
    except Exception as error:  # what a user would see
        from pycompose.errors import ComposeError

        assert isinstance(error, ComposeError), f"a bug: {error!r}"
        return error
    finally:
        assert engine.removed
    return None


def test_a_container_removed_between_plan_and_recreate_is_not_an_error(project):
    from pycompose import api

    error = _removed_between_plan_and_execute(
        project, lambda loaded, engine: api.up(loaded, api.UpOptions(force_recreate=True), engine=engine))
    assert error is None
    assert names(project[0]) == converged(project[0])


def test_a_container_removed_between_plan_and_recreate_leaves_a_state_the_next_up_converges(project):
    from pycompose import api

    _removed_between_plan_and_execute(
        project, lambda loaded, engine: api.up(loaded, api.UpOptions(force_recreate=True), engine=engine))
    again = run(project, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert names(project[0]) == running(project[0]) == converged(project[0])


def test_a_container_removed_between_plan_and_down_is_not_an_error(project):
    from pycompose import api

    error = _removed_between_plan_and_execute(
        project, lambda loaded, engine: api.down(loaded, api.DownOptions(timeout=1), engine=engine))
    assert error is None, error
    assert names(project[0]) == []


def test_a_port_held_by_another_process_is_a_clear_error_and_converges_once_free(project):
    holder = socket.socket()
    holder.bind(("0.0.0.0", 0))
    holder.listen()
    port = holder.getsockname()[1]
    name, directory = project
    (directory / "compose.yaml").write_text(
        f"services:\n  web:\n    image: busybox:latest\n    init: true\n    command: sleep 300\n"
        f"    ports: [\"{port}:80\"]\n")
    try:
        refused = run(project, "up", "-d")
        clear(refused.returncode, refused.stderr)
        assert refused.returncode == 1
        assert "address already in use" in refused.stderr.rstrip("\n").split("\n")[-1]
        assert names(name) == [f"{name}-web-1"]
    finally:
        holder.close()
    again = run(project, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert running(name) == [f"{name}-web-1"]


def test_a_network_made_meanwhile_with_the_same_labels_counts_as_created():
    """A run killed with its network create in flight, or another `up` at the same moment, can make the network
    after this run looked: the same network is what was asked; one with other labels is still refused."""
    from pycompose.engine.dockerpy import DockerEngine
    from pycompose.errors import InUse

    name = f"rc-{uuid.uuid4().hex[:10]}"
    wanted = {"com.docker.compose.project": name, "com.docker.compose.network": "default"}
    engine = DockerEngine()
    try:
        engine.create_network(f"{name}_default", {}, wanted)
        engine.create_network(f"{name}_default", {}, wanted)  # made meanwhile: no error
        with pytest.raises(InUse, match="already exists"):
            engine.create_network(f"{name}_default", {}, {**wanted, "other": "1"})
    finally:
        remove_project_resources(name)
