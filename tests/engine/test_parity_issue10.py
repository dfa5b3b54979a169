"""What the differential suite cannot compare, compared with Compose v2 directly (issue #10).

- `ipc: service:x` / `pid: service:x`: v2 resolves them to `container:<id>`, which differs between any two runs, so
  the harness (it normalises only NetworkMode) cannot put them in a scenario. Here both tools run the same file and
  the joined containers must really share the owner's namespaces, with the same modes up to the id.
- `ps --orphans` is v2's only spelling (a bool flag with `--orphans=false`): `--no-orphans` is refused by both.
- A selected service that uses top-level `models` is refused by both (no Docker Model plugin here) before anything
  is created; `up` of another service of the same project works.
"""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

NAMESPACES = """\
x-svc: &svc
  image: busybox:latest
  init: true
  stop_grace_period: 1s
  command: ["sleep", "3600"]
services:
  owner:
    <<: *svc
    ipc: shareable
  joined:
    <<: *svc
    ipc: service:owner
    pid: service:owner
"""

MODELS = """\
x-svc: &svc
  image: busybox:latest
  init: true
  stop_grace_period: 1s
  command: ["sleep", "3600"]
services:
  plain:
    <<: *svc
  llm:
    <<: *svc
    models: [small]
models:
  small:
    model: ai/smollm2
"""


@pytest.fixture
def tools(tmp_path, reference_compose):
    """run(tool, compose_text, *args) in a folder of its own, with a project name of its own per tool."""
    suffix = uuid.uuid4().hex[:8]
    projects = {"v2": f"dp-v2-{suffix}", "py": f"dp-py-{suffix}"}
    commands = {"v2": [reference_compose], "py": [sys.executable, "-m", "pycompose"]}

    def run(tool: str, compose: str, *args: str) -> subprocess.CompletedProcess:
        folder = tmp_path / tool
        folder.mkdir(exist_ok=True)
        (folder / "compose.yaml").write_text(compose)
        return subprocess.run([*commands[tool], "-p", projects[tool], *args], cwd=folder, capture_output=True,
                              text=True, timeout=120)

    run.projects = projects  # type: ignore[attr-defined]
    try:
        yield run
    finally:
        for project in projects.values():
            remove_project_resources(project)


def _inspect(name: str) -> dict:
    import docker

    return docker.APIClient(version="auto").inspect_container(name)


def _namespace(container: str, kind: str) -> str:
    result = subprocess.run(["docker", "exec", container, "readlink", f"/proc/1/ns/{kind}"], capture_output=True,
                            text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_ipc_and_pid_of_another_service_are_shared_as_v2_shares_them(tools):
    facts = {}
    for tool in ("v2", "py"):
        result = tools(tool, NAMESPACES, "up", "-d")
        assert result.returncode == 0, (tool, result.stderr)
        project = tools.projects[tool]
        owner, joined = _inspect(f"{project}-owner-1"), _inspect(f"{project}-joined-1")
        modes = {key: joined["HostConfig"][key].replace(owner["Id"], "<owner>") for key in ("IpcMode", "PidMode")}
        shared = {kind: _namespace(f"{project}-joined-1", kind) == _namespace(f"{project}-owner-1", kind)
                  for kind in ("ipc", "pid")}
        facts[tool] = (owner["HostConfig"]["IpcMode"], modes, shared)
    assert facts["py"] == facts["v2"] == (
        "shareable", {"IpcMode": "container:<owner>", "PidMode": "container:<owner>"}, {"ipc": True, "pid": True})


def test_ps_knows_only_the_orphans_spelling_of_v2(tools):
    for tool in ("v2", "py"):
        assert tools(tool, NAMESPACES, "ps", "--orphans").returncode == 0, tool
        assert tools(tool, NAMESPACES, "ps", "--no-orphans").returncode != 0, tool


def test_a_service_using_models_is_refused_without_the_model_plugin(tools):
    import docker

    client = docker.APIClient(version="auto")
    for tool in ("v2", "py"):
        refused = tools(tool, MODELS, "up", "-d", "llm")
        assert refused.returncode == 1, (tool, refused.stderr)
        label = f"com.docker.compose.project={tools.projects[tool]}"
        assert client.containers(all=True, filters={"label": [label]}) == [], tool
        started = tools(tool, MODELS, "up", "-d", "plain")
        assert started.returncode == 0, (tool, started.stderr)


WAIT = """\
services:
  quick:
    image: busybox:latest
    command: ["sh", "-c", "sleep 2; exit 5"]
  long:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
"""


def test_wait_down_project_takes_down_every_service_not_only_the_one_waited_for(tools):
    import docker

    client = docker.APIClient(version="auto")
    for tool in ("v2", "py"):
        assert tools(tool, WAIT, "up", "-d").returncode == 0, tool
        waited = tools(tool, WAIT, "wait", "--down-project", "quick")
        assert waited.returncode == 5, (tool, waited.stderr)
        label = f"com.docker.compose.project={tools.projects[tool]}"
        assert client.containers(all=True, filters={"label": [label]}) == [], tool
        assert client.networks(filters={"label": [label]}) == [], tool
