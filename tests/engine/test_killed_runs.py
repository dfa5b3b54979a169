"""`kill -9` of pycompose after each engine change of `up` and `down`: the next `up` converges (#11 item 2).

`PYCOMPOSE_FAULT_LOG` counts the mutating engine calls of a run; `PYCOMPOSE_FAULT_KILL_AFTER=N` then kills the
run with SIGKILL right after the N-th (pycompose/engine/faults.py). After every kill a plain `up -d` must leave
exactly the expected containers, running, under their final names with v2's aliases, and the named volume with
its data.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  store:
    image: busybox:latest
    init: true
    environment:
      GEN: "${GEN:-1}"
    command: ["sleep", "3600"]
    volumes:
      - data:/data
  probe:
    image: busybox:latest
    init: true
    environment:
      GEN: "${GEN:-1}"
    command: ["sleep", "3600"]
    depends_on: [store]
volumes:
  data:
"""
SERVICES = ("probe", "store")


@pytest.fixture
def killable(tmp_path):
    name = f"pe-kill-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def run(*args: str, gen: int, kill_after: int | None = None, log: Path | None = None):
        env = {**os.environ, "GEN": str(gen)}
        env.pop("PYCOMPOSE_FAULT_KILL_AFTER", None)
        if kill_after is not None:
            env["PYCOMPOSE_FAULT_KILL_AFTER"] = str(kill_after)
        if log is not None:
            env["PYCOMPOSE_FAULT_LOG"] = str(log)
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", name, *args], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=180)

    yield name, run
    remove_project_resources(name)


def _calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def _client():
    import docker

    return docker.APIClient(version="auto")


def assert_converged(name: str, gen: int, *, data: bool = True) -> None:
    client = _client()
    found = client.containers(all=True, filters={"label": [f"com.docker.compose.project={name}"]})
    names = sorted(c["Names"][0].lstrip("/") for c in found)
    assert names == [f"{name}-{service}-1" for service in SERVICES], names  # no duplicate, no temporary name
    for summary in found:
        inspected = client.inspect_container(summary["Id"])
        service = inspected["Config"]["Labels"]["com.docker.compose.service"]
        assert inspected["State"]["Running"], inspected["Name"]
        assert f"GEN={gen}" in inspected["Config"]["Env"], inspected["Name"]
        aliases = inspected["NetworkSettings"]["Networks"][f"{name}_default"]["Aliases"]
        assert aliases[:2] == [f"{name}-{service}-1", service], aliases
        replaced = inspected["Config"]["Labels"].get("com.docker.compose.replace")
        assert replaced in (None, f"{service}-1"), replaced
    volumes = (client.volumes(filters={"label": [f"com.docker.compose.project={name}"]}) or {}).get("Volumes")
    assert [v["Name"] for v in volumes or ()] == [f"{name}_data"]
    if data:
        store = client.exec_create(f"{name}-store-1", ["cat", "/data/kept"])
        assert client.exec_start(store) == b"kept\n"


def converge(run, name: str, gen: int, *, data: bool = True) -> None:
    result = run("up", "-d", gen=gen)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert_converged(name, gen, data=data)


def test_kill_after_each_call_of_a_recreating_up_then_up_converges(killable, tmp_path):
    name, run = killable
    converge(run, name, 1, data=False)
    _client().exec_start(_client().exec_create(f"{name}-store-1", ["sh", "-c", "echo kept > /data/kept"]))
    log = tmp_path / "calls.log"
    counted = run("up", "-d", gen=2, log=log)
    assert counted.returncode == 0, counted.stderr
    calls = _calls(log)
    kinds = [line.split()[1] for line in calls]
    assert kinds.count("create_container") == 2 and kinds.count("rename_container") == 2, calls
    gen = 2
    for after in range(1, len(calls) + 1):
        gen = 3 - gen  # every round changes the file: both services are recreated
        killed = run("up", "-d", gen=gen, kill_after=after)
        assert killed.returncode == -signal.SIGKILL, (after, killed.stderr)
        converge(run, name, gen)


def test_kill_after_each_call_of_a_first_up_then_up_converges(killable, tmp_path):
    name, run = killable
    log = tmp_path / "up.log"
    assert run("up", "-d", gen=1, log=log).returncode == 0
    calls = _calls(log)
    # the network and the volume are created at once, in either order; then the containers
    assert sorted(line.split()[1] for line in calls[:2]) == ["create_network", "create_volume"], calls
    for after in range(1, len(calls) + 1):
        assert run("down", "-v", "-t", "0", gen=1).returncode == 0
        killed = run("up", "-d", gen=1, kill_after=after)
        assert killed.returncode == -signal.SIGKILL, (after, killed.stderr)
        converge(run, name, 1, data=False)


def test_kill_after_each_call_of_down_then_up_converges_with_the_volume_data(killable, tmp_path):
    name, run = killable
    converge(run, name, 1, data=False)
    _client().exec_start(_client().exec_create(f"{name}-store-1", ["sh", "-c", "echo kept > /data/kept"]))
    log = tmp_path / "down.log"
    assert run("down", "-t", "0", gen=1, log=log).returncode == 0
    calls = _calls(log)
    assert len(calls) == 5, calls  # 2 × (stop, remove), the network
    converge(run, name, 1)
    for after in range(1, len(calls) + 1):
        killed = run("down", "-t", "0", gen=1, kill_after=after)
        assert killed.returncode == -signal.SIGKILL, (after, killed.stderr)
        converge(run, name, 1)
