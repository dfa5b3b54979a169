"""stop / start / restart / kill / rm / ps filters on real containers."""

from __future__ import annotations

import docker
import pytest

from pycompose import api
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker

SLEEPER = {"command": ["sleep", "3600"], "entrypoint": None, "image": "busybox:latest", "init": True,
           "networks": {"default": None}}
PAIR = {
    "networks": {"default": {"ipam": {}}},
    "services": {
        "db": SLEEPER,
        "web": {**SLEEPER, "depends_on": {"db": {"condition": "service_started", "required": True}}},
    },
}


def states(loaded) -> dict[str, str]:
    return {c.service: c.state for c in api.ps(loaded, all_containers=True)}


def test_stop_start_restart_kill_rm(make_project, project_name):
    loaded = make_project(PAIR)
    quiet = CollectingSink()
    api.up(loaded, sink=quiet)
    started_at = docker.APIClient(version="auto").inspect_container(f"{project_name}-web-1")["State"]["StartedAt"]

    stopping = CollectingSink()
    api.stop(loaded, timeout=1, sink=stopping)
    assert states(loaded) == {"db": "exited", "web": "exited"}
    order = [e.name for e in stopping.events if e.status == "Stopped"]
    assert order == [f"{project_name}-web-1", f"{project_name}-db-1"]  # dependents first
    assert api.ps(loaded) == []  # without -a only running ones

    api.start(loaded, ("web",), sink=quiet)  # starts web's stopped dependency too
    assert states(loaded) == {"db": "running", "web": "running"}

    api.restart(loaded, ("db",), timeout=1, sink=quiet)
    info = docker.APIClient(version="auto").inspect_container(f"{project_name}-web-1")
    assert info["State"]["Running"] and info["State"]["StartedAt"] != started_at

    api.kill(loaded, ("web",), signal="SIGKILL", sink=quiet)
    web = next(c for c in api.ps(loaded, all_containers=True) if c.service == "web")
    assert web.state == "exited" and web.exit_code == 137

    removed = api.rm(loaded, sink=quiet)
    assert removed == [f"{project_name}-web-1"]  # db still runs: rm leaves it without --stop
    assert states(loaded) == {"db": "running"}
    assert api.rm(loaded, stop_first=True, sink=quiet) == [f"{project_name}-db-1"]
    assert states(loaded) == {}


def test_unreachable_engine_is_one_clear_error(make_project):
    from pycompose.engine.context import EngineEndpoint
    from pycompose.engine.dockerpy import DockerEngine
    from pycompose.errors import EngineUnreachable

    engine = DockerEngine(EngineEndpoint("unix:///tmp/pycompose-no-such.sock"))
    with pytest.raises(EngineUnreachable) as caught:
        api.up(make_project(PAIR), engine=engine, sink=CollectingSink())
    assert str(caught.value) == (
        "Cannot connect to the Docker daemon at unix:///tmp/pycompose-no-such.sock. Is the docker daemon running?"
    )


def test_down_by_project_name_without_a_compose_file(loader, make_project, project_name, tmp_path_factory):
    from pycompose.loader.options import ProjectOptions

    api.up(make_project(PAIR), sink=CollectingSink())
    empty = tmp_path_factory.mktemp("elsewhere")  # no compose file here nor in any parent
    by_name = ProjectOptions(project_name=project_name, working_directory=str(empty), environ={})
    assert [c.service for c in api.ps(by_name)] == ["db", "web"]
    sink = CollectingSink()
    api.down(by_name, api.DownOptions(timeout=1), sink=sink)
    assert api.ps(by_name, all_containers=True) == []
    assert f"Network {project_name}_default Removed" in sink.lines()
    stopped = [e.name for e in sink.events if e.status == "Stopped"]
    assert stopped == [f"{project_name}-web-1", f"{project_name}-db-1"]  # order from the depends_on label
