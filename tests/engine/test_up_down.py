"""up -d / ps / down on a real engine: names, labels, config hash, reachability, convergence."""

from __future__ import annotations

import time

import docker
import pytest

from pycompose import api
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker

WEB_DB = {
    "networks": {"default": {"ipam": {}}},
    "services": {
        "db": {
            "command": ["sh", "-c", "echo hi > /data/x; sleep 3600"],
            "entrypoint": None,
            "healthcheck": {"test": ["CMD", "true"], "interval": "1s"},
            "image": "busybox:latest",
            "init": True,
            "networks": {"default": None},
            "volumes": [
                {"type": "volume", "source": "data", "target": "/data", "volume": {}},
                {"type": "volume", "target": "/anon", "volume": {}},
            ],
        },
        "web": {
            "command": ["httpd", "-f", "-p", "8080"],
            "depends_on": {"db": {"condition": "service_healthy", "required": True}},
            "entrypoint": None,
            "environment": {"A": "1"},
            "image": "busybox:latest",
            "init": True,
            "networks": {"default": None},
            "ports": [{"mode": "ingress", "target": 8080, "protocol": "tcp"}],
        },
    },
    "volumes": {"data": {}},
}

# the label Compose v2.40.3 wrote on the `web` container of this very service (verified with docker-compose up)
V2_WEB_HASH = "0ca34cc6fdce4a289873382a2e121e492538a864ec51f5f1b93119294d7497ea"


def _client():
    return docker.APIClient(version="auto")


def _host_port(name: str) -> str:
    info = _client().inspect_container(name)
    return info["NetworkSettings"]["Ports"]["8080/tcp"][0]["HostPort"]


def _with_published(config: dict, port: str) -> dict:
    import copy

    config = copy.deepcopy(config)
    # v2's key order matters for the hash: published sits between target and protocol
    config["services"]["web"]["ports"] = [{"mode": "ingress", "target": 8080, "published": port, "protocol": "tcp"}]
    return config


def test_up_creates_v2_names_labels_and_hash_and_serves(make_project, project_name):
    project = make_project(_with_published(WEB_DB, "18080"))
    sink = CollectingSink()
    api.up(project, sink=sink)

    client = _client()
    web = client.inspect_container(f"{project_name}-web-1")
    assert web["State"]["Running"]
    labels = web["Config"]["Labels"]
    assert labels["com.docker.compose.config-hash"] == V2_WEB_HASH
    assert labels["com.docker.compose.project"] == project_name
    assert labels["com.docker.compose.service"] == "web"
    assert labels["com.docker.compose.container-number"] == "1"
    assert labels["com.docker.compose.oneoff"] == "False"
    assert labels["com.docker.compose.depends_on"] == "db:service_healthy:false"
    assert labels["com.docker.compose.version"] == "2.40.3"
    assert labels["com.docker.compose.image"].startswith("sha256:")
    aliases = web["NetworkSettings"]["Networks"][f"{project_name}_default"]["Aliases"]
    assert f"{project_name}-web-1" in aliases and "web" in aliases
    net = client.inspect_network(f"{project_name}_default")
    assert net["Labels"]["com.docker.compose.network"] == "default"
    vol = client.inspect_volume(f"{project_name}_data")
    assert vol["Labels"]["com.docker.compose.volume"] == "data"
    # db became healthy before web started: the wait is in the event stream, in that order
    lines = sink.lines()
    healthy = lines.index(f"Container {project_name}-db-1 Healthy")
    assert healthy < lines.index(f"Container {project_name}-web-1 Started")
    # the port answers, and web reaches db by its service name
    _wait_http(f"http://127.0.0.1:{_host_port(f'{project_name}-web-1')}/")
    exec_id = client.exec_create(f"{project_name}-web-1", ["ping", "-c", "1", "-W", "2", "db"])
    client.exec_start(exec_id)
    assert client.exec_inspect(exec_id)["ExitCode"] == 0

    listed = api.ps(project)
    assert [c.name for c in listed] == [f"{project_name}-db-1", f"{project_name}-web-1"]


def test_second_up_changes_nothing_and_change_recreates_only_that_service(make_project, project_name):
    project = make_project(WEB_DB)
    api.up(project, sink=CollectingSink())
    before = {c.name: c.id for c in api.ps(project)}

    again = CollectingSink()
    api.up(project, sink=again)
    assert {c.name: c.id for c in api.ps(project)} == before
    # as v2: every container "Running", and the service_healthy dependency waited for again
    assert sorted(again.lines()) == sorted([*(f"Container {n} Running" for n in before),
                                          f"Container {project_name}-db-1 Waiting",
                                          f"Container {project_name}-db-1 Healthy"])

    changed = make_project({**WEB_DB, "services": {**WEB_DB["services"], "web": {
        **WEB_DB["services"]["web"], "environment": {"A": "2"}}}})
    sink = CollectingSink()
    api.up(changed, sink=sink)
    after = {c.name: c.id for c in api.ps(changed)}
    assert after[f"{project_name}-db-1"] == before[f"{project_name}-db-1"]
    assert after[f"{project_name}-web-1"] != before[f"{project_name}-web-1"]
    env = _client().inspect_container(f"{project_name}-web-1")["Config"]["Env"]
    assert "A=2" in env


def test_named_volume_survives_down_and_goes_with_down_v(make_project, project_name):
    project = make_project(WEB_DB)
    api.up(project, sink=CollectingSink())
    api.down(project, api.DownOptions(timeout=1), sink=CollectingSink())
    client = _client()
    assert client.containers(all=True, filters={"label": f"com.docker.compose.project={project_name}"}) == []
    assert client.networks(names=[f"{project_name}_default"]) == []
    client.inspect_volume(f"{project_name}_data")  # still there

    api.up(project, sink=CollectingSink())
    exec_id = client.exec_create(f"{project_name}-db-1", ["cat", "/data/x"])
    assert client.exec_start(exec_id).strip() == b"hi"
    api.down(project, api.DownOptions(volumes=True, timeout=1), sink=CollectingSink())
    with pytest.raises(docker.errors.NotFound):
        client.inspect_volume(f"{project_name}_data")


def _wait_http(url: str, attempts: int = 40) -> None:
    import urllib.request

    for _ in range(attempts):
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError as error:
            if getattr(error, "code", None):  # an HTTP error status still means the port answers
                return
            time.sleep(0.25)
    raise AssertionError(f"{url} never answered")
