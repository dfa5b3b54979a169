"""The public Python API: its names, what importing it loads, and the logic that needs no engine."""

from __future__ import annotations

import inspect
import subprocess
import sys

import pytest

from pycompose import api
from pycompose.errors import OperationFailed
from pycompose.loader.options import LoadedProject
from pycompose.observed import ObservedContainer, ObservedState, PortBinding

EXPECTED = {
    "BuildOptions", "PullOptions", "PushOptions", "build", "pull", "push", "images", "list_projects",
    "ContainerRecord", "DownOptions", "ExecOptions", "Project", "PublishedPort", "RunOptions", "UpOptions", "attach",
    "down", "exec_command", "kill", "logs", "port", "ps", "restart", "rm", "service_names", "start", "stop", "up",
    "wait", "wait_healthy",
    "OneOffOptions", "OneOffResult", "run_oneoff",
    "ContainerProcesses", "ContainerUsage", "ProjectEvent", "attach_service", "commit", "events", "export", "pause",
    "scale", "stats", "top", "unpause",
    "PublishOptions", "PublishResult", "fetch_artifact", "publish", "Watch", "WatchOptions", "watch",
}


def test_all_is_the_curated_public_surface_and_every_name_is_documented():
    assert set(api.__all__) == EXPECTED
    for name in api.__all__:
        assert hasattr(api, name), name
    for name in ("Project", "ContainerRecord", "ExecOptions", "port", "exec_command", "logs", "wait", "wait_healthy"):
        assert inspect.getdoc(getattr(api, name)), name
    for name in ("run_oneoff", "OneOffOptions", "pause", "events", "stats", "attach_service", "scale"):
        assert inspect.getdoc(getattr(api, name)), name
    for method in ("load", "up", "down", "rm", "ps", "logs", "exec", "port", "endpoint", "wait_healthy", "wait",
                   "run", "events", "pause", "publish", "watch"):
        assert inspect.getdoc(getattr(api.Project, method)), method


def test_the_project_has_the_operations_test_code_uses():
    for method in ("up", "down", "stop", "start", "restart", "kill", "rm", "ps", "logs", "exec", "port",
                   "wait_healthy", "__enter__", "__exit__"):
        assert callable(getattr(api.Project, method)), method
    assert inspect.signature(api.Project.up).parameters["wait"].default is True
    assert inspect.signature(api.Project.down).parameters["volumes"].default is False


@pytest.mark.parametrize("module", ["pycompose.api", "pycompose.testing.plugin"])
def test_importing_loads_no_heavy_package(module):
    code = (f"import sys, {module}\n"
            "heavy = [m for m in ('docker', 'networkx', 'jsonschema', 'rich') if m in sys.modules]\n"
            "assert not heavy, heavy\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


# the logic above the engine, with a stand-in engine that only observes ---------------------------------------------


class ObservingEngine:
    """Answers `observe` from a list of containers (all the functions under test ask of it)."""

    def __init__(self, *containers: ObservedContainer) -> None:
        self.containers = containers

    def observe(self, project, *, networks=(), volumes=(), images=(), all_containers=True) -> ObservedState:
        found = tuple(c for c in self.containers if all_containers or c.running)
        return ObservedState(project=project, containers=found)


def _project() -> LoadedProject:
    service = {"command": None, "entrypoint": None, "image": "busybox:latest", "networks": {"default": None}}
    config = {"name": "p", "services": {"app": dict(service), "job": dict(service)},
              "networks": {"default": {"name": "p_default", "ipam": {}}}}
    return LoadedProject(name="p", working_dir="/tmp", config_files=("/tmp/compose.yaml",), env_files=(),
                         environment={}, config=config)


def _container(service: str, number: int = 1, *, state: str = "running", health: str | None = None,
               exit_code: int = 0, ports=()) -> ObservedContainer:
    labels = {"com.docker.compose.project": "p", "com.docker.compose.service": service,
              "com.docker.compose.container-number": str(number), "com.docker.compose.oneoff": "False"}
    return ObservedContainer(id=f"{service}{number}", name=f"p-{service}-{number}", state=state, labels=labels,
                             health=health, exit_code=exit_code, ports=tuple(ports))


PORTS = (PortBinding(ip="0.0.0.0", private_port=80, public_port=32768),
         PortBinding(ip="::", private_port=80, public_port=32768),
         PortBinding(private_port=9000))


def test_port_answers_the_first_binding_like_v2():
    engine = ObservingEngine(_container("app", ports=PORTS), _container("app", 2, ports=(PORTS[2],)))
    assert api.port(_project(), "app", 80, engine=engine) == ("0.0.0.0", 32768)
    assert api.port(_project(), "app", 9000, engine=engine) == ("", 0)  # exposed only: v2 prints ":0"
    with pytest.raises(OperationFailed, match=r"^no port 80/tcp for container p-app-2: 0/tcp$"):
        api.port(_project(), "app", 80, index=2, engine=engine)
    with pytest.raises(OperationFailed, match="^no port 80/udp for container p-app-1: "):
        api.port(_project(), "app", 80, protocol="udp", engine=engine)
    with pytest.raises(OperationFailed, match='^service "job" is not running$'):
        api.port(_project(), "job", 80, engine=engine)


def test_container_records_carry_the_publishers():
    record = api.ContainerRecord.from_observed(_container("app", ports=PORTS[:1], health="healthy"))
    assert (record.name, record.service, record.number, record.health, record.running) == (
        "p-app-1", "app", 1, "healthy", True)
    assert record.publishers == (api.PublishedPort(url="0.0.0.0", target_port=80, published_port=32768),)


def test_wait_healthy_accepts_healthy_running_and_completed_containers():
    engine = ObservingEngine(_container("app", health="healthy"), _container("job", state="exited"))
    assert [c.name for c in api.wait_healthy(_project(), timeout=0, engine=engine)] == ["p-app-1", "p-job-1"]


@pytest.mark.parametrize("container, message", [
    (_container("app", health="unhealthy"), "container p-app-1 is unhealthy"),
    (_container("app", state="exited", exit_code=2), r"container p-app-1 exited \(2\)"),
    (_container("app", health="starting"), "application not healthy after 0.1s"),
])
def test_wait_healthy_fails_with_the_reason(container, message):
    with pytest.raises(OperationFailed, match=message):
        api.wait_healthy(_project(), ["app"], timeout=0.1, interval=0.05, engine=ObservingEngine(container))


def test_the_context_manager_takes_the_stack_down_even_when_up_is_interrupted(monkeypatch):
    calls = []
    stack = api.Project(_project(), engine=ObservingEngine())

    def interrupted_up(*args, **kwargs):
        calls.append("up")
        raise KeyboardInterrupt

    monkeypatch.setattr(stack, "up", interrupted_up)
    monkeypatch.setattr(stack, "down", lambda volumes=False, **kw: calls.append(f"down volumes={volumes}"))
    with pytest.raises(KeyboardInterrupt):
        with stack:
            pass
    assert calls == ["up", "down volumes=True"]


def test_the_endpoint_host_follows_a_tcp_engine_address():
    from pycompose.api.project import endpoint_host

    assert endpoint_host("tcp://10.1.2.3:2375") == "10.1.2.3"
    assert endpoint_host("ssh://me@box") == "box"
    assert endpoint_host("unix:///var/run/docker.sock") == "127.0.0.1"


def test_the_plugin_names_projects_per_worker_and_process(monkeypatch):
    import os

    from pycompose.testing.plugin import unique_project_name

    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw3")
    first, second = unique_project_name(), unique_project_name()
    assert first.startswith(f"pytest-gw3-{os.getpid()}-") and first != second
