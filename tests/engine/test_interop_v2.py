"""Interop with Compose v2: either tool takes over the other's project without recreating a container."""

from __future__ import annotations

import json

import pytest
from test_up_down import WEB_DB

from pycompose import api
from pycompose.events import CollectingSink

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE_YAML = """\
services:
  db:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "echo hi > /data/x; sleep 3600"]
    volumes: [data:/data, /anon]
    healthcheck: {test: ["CMD", "true"], interval: 1s}
  web:
    image: busybox:latest
    init: true
    command: httpd -f -p 8080
    ports: ["8080"]
    environment: {A: "1"}
    depends_on: {db: {condition: service_healthy}}
volumes:
  data:
"""


@pytest.fixture
def v2_project(tmp_path, project_name, make_project, docker_compose):
    (tmp_path / "compose.yaml").write_text(COMPOSE_YAML)
    loaded = make_project(WEB_DB)
    return loaded, lambda *args: docker_compose("-p", project_name, *args, cwd=str(tmp_path))


def _ids(loaded) -> dict[str, str]:
    return {c.name: c.id for c in api.ps(loaded, all_containers=True)}


def test_same_canonical_model_as_v2(v2_project):
    loaded, compose = v2_project
    printed = json.loads(compose("config", "--format", "json").stdout)
    assert json.dumps(printed) == json.dumps(loaded.config)  # same keys, same order


def test_v2_up_after_pycompose_up_recreates_nothing(v2_project, project_name):
    loaded, compose = v2_project
    api.up(loaded, sink=CollectingSink())
    before = _ids(loaded)

    result = compose("up", "-d")
    assert result.returncode == 0, result.stderr
    assert "Recreate" not in result.stderr and "Creat" not in result.stderr and "Remov" not in result.stderr
    assert _ids(loaded) == before
    listed = compose("ps", "--format", "json").stdout.splitlines()
    assert sorted(json.loads(line)["Name"] for line in listed) == sorted(before)


def test_pycompose_up_after_v2_up_recreates_nothing_and_down_removes_all(v2_project, project_name):
    loaded, compose = v2_project
    result = compose("up", "-d")
    assert result.returncode == 0, result.stderr
    before = _ids(loaded)
    assert sorted(before) == [f"{project_name}-db-1", f"{project_name}-web-1"]

    sink = CollectingSink()
    api.up(loaded, sink=sink)
    assert _ids(loaded) == before
    # as v2: every container "Running", and the service_healthy dependency waited for again
    assert sorted(sink.lines()) == sorted([*(f"Container {n} Running" for n in before),
                                          f"Container {project_name}-db-1 Waiting",
                                          f"Container {project_name}-db-1 Healthy"])

    api.down(loaded, api.DownOptions(volumes=True, timeout=1), sink=CollectingSink())
    assert _ids(loaded) == {}
    assert compose("ps", "-a", "-q").stdout.strip() == ""


REFERENCES_YAML = """\
services:
  vpn:
    image: busybox:latest
    init: true
    command: sleep 3600
  app:
    image: busybox:latest
    init: true
    command: sleep 3600
    network_mode: service:vpn
  data:
    image: busybox:latest
    init: true
    command: sleep 3600
    volumes_from: [vpn]
    stop_grace_period: 2s
    labels: {a: "<b>&"}
"""

SLEEP = {"command": ["sleep", "3600"]}
REFERENCES = {
    "networks": {"default": {"ipam": {}}},
    "services": {
        "app": {**SLEEP, "depends_on": {"vpn": {"condition": "service_started", "restart": True, "required": True}},
                "entrypoint": None, "image": "busybox:latest", "init": True, "network_mode": "service:vpn"},
        "data": {**SLEEP, "depends_on": {"vpn": {"condition": "service_started", "required": True}},
                 "entrypoint": None, "image": "busybox:latest", "init": True, "labels": {"a": "<b>&"},
                 "networks": {"default": None}, "stop_grace_period": "2s", "volumes_from": ["vpn"]},
        "vpn": {**SLEEP, "entrypoint": None, "image": "busybox:latest", "init": True, "networks": {"default": None}},
    },
}


def test_service_references_hash_like_v2_both_ways(tmp_path, project_name, make_project, docker_compose):
    """`network_mode: service:x` and `volumes_from: x` are hashed with x's container id, as v2 does."""
    (tmp_path / "compose.yaml").write_text(REFERENCES_YAML)
    loaded = make_project(REFERENCES)

    def compose(*args):
        return docker_compose("-p", project_name, *args, cwd=str(tmp_path))

    assert json.loads(compose("config", "--format", "json").stdout)["services"] == loaded.config["services"]
    api.up(loaded, sink=CollectingSink())
    before = _ids(loaded)
    result = compose("up", "-d")
    assert result.returncode == 0, result.stderr
    assert "Recreate" not in result.stderr and _ids(loaded) == before

    api.up(loaded, api.UpOptions(services=("vpn",), force_recreate=True, timeout=1), sink=CollectingSink())
    api.up(loaded, api.UpOptions(timeout=1), sink=CollectingSink())
    after_vpn = _ids(loaded)
    assert all(after_vpn[name] != before[name] for name in before)  # app and data follow vpn's new id
    result = compose("up", "-d")
    assert "Recreate" not in result.stderr and _ids(loaded) == after_vpn

    result = compose("up", "-d", "--force-recreate", "vpn", "-t", "1")
    assert result.returncode == 0, result.stderr
    sink = CollectingSink()
    api.up(loaded, api.UpOptions(timeout=1), sink=sink)  # like v2's own next up: app and data follow vpn
    recreated = sorted(e.name for e in sink.events if e.status == "Recreated")
    assert recreated == [f"{project_name}-app-1", f"{project_name}-data-1"]
    converged = _ids(loaded)
    result = compose("up", "-d")
    assert "Recreate" not in result.stderr and _ids(loaded) == converged


def test_env_and_label_files_take_over_both_ways_without_recreating(tmp_path, project_name, docker_compose):
    """v2's `up` hashes a service's `label_file` (its labels resolved, the files kept) but not its `env_file`
    (discarded once read): the hash pycompose writes must be that one, or each tool recreates the other's."""
    import subprocess
    import sys

    (tmp_path / "app.env").write_text("FROM_FILE=1\n")
    (tmp_path / "labels.txt").write_text("com.example.from-file=yes\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox:latest\n    init: true\n    command: [sleep, '3600']\n"
        "    env_file: [app.env]\n    label_file: ./labels.txt\n    labels: {a: b}\n")

    def ours(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=120)

    def container_id() -> str:
        return subprocess.run(["docker", "inspect", "-f", "{{.Id}}", f"{project_name}-app-1"], capture_output=True,
                              text=True).stdout.strip()

    try:
        assert ours("up", "-d").returncode == 0
        first = container_id()
        taken = docker_compose("-p", project_name, "up", "-d", cwd=str(tmp_path))
        assert taken.returncode == 0 and "Recreate" not in taken.stderr, taken.stderr
        assert container_id() == first
        docker_compose("-p", project_name, "up", "-d", "--force-recreate", cwd=str(tmp_path))
        second = container_id()
        back = ours("up", "-d")
        assert back.returncode == 0 and "Recreate" not in back.stderr, back.stderr
        assert container_id() == second != first
    finally:
        ours("down", "-t", "0")
