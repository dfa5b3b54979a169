"""Scale, orphans, anonymous volumes across recreate, concurrent ups."""

from __future__ import annotations

import threading

import docker
import pytest

from pycompose import api
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker

BASE = {"command": ["sleep", "3600"], "entrypoint": None, "image": "busybox:latest", "init": True,
        "networks": {"default": None}}


def config(**services) -> dict:
    return {"networks": {"default": {"ipam": {}}}, "services": services}


def names(loaded) -> list[str]:
    return [c.name for c in api.ps(loaded, all_containers=True)]


def test_scale_up_and_down(make_project, project_name):
    loaded = make_project(config(w=BASE))
    api.up(loaded, api.UpOptions(scale={"w": 3}), sink=CollectingSink())
    assert names(loaded) == [f"{project_name}-w-{n}" for n in (1, 2, 3)]
    api.up(loaded, sink=CollectingSink())  # the file's scale (1) comes back, highest numbers go
    assert names(loaded) == [f"{project_name}-w-1"]


def test_orphans_warned_then_removed(make_project, project_name):
    api.up(make_project(config(a=BASE, b=BASE)), sink=CollectingSink())
    only_a = make_project(config(a=BASE))
    sink = CollectingSink()
    api.up(only_a, sink=sink)
    assert any(f"Found orphan containers ([{project_name}-b-1])" in w for w in sink.warnings)
    assert f"{project_name}-b-1" in names(only_a)
    api.up(only_a, api.UpOptions(remove_orphans=True), sink=CollectingSink())
    assert names(only_a) == [f"{project_name}-a-1"]


def test_recreate_keeps_anonymous_volume_and_renew_replaces_it(make_project, project_name):
    with_anon = {**BASE, "volumes": [{"type": "volume", "target": "/anon", "volume": {}}]}
    loaded = make_project(config(a=with_anon))
    api.up(loaded, sink=CollectingSink())
    client = docker.APIClient(version="auto")

    def anon_volume() -> str:
        mounts = client.inspect_container(f"{project_name}-a-1")["Mounts"]
        return next(m["Name"] for m in mounts if m["Destination"] == "/anon")

    first = anon_volume()
    api.up(loaded, api.UpOptions(force_recreate=True, timeout=1), sink=CollectingSink())
    info = client.inspect_container(f"{project_name}-a-1")
    assert info["Config"]["Labels"]["com.docker.compose.replace"] == "a-1"  # v2: <service>-<n>
    assert anon_volume() == first
    api.up(loaded, api.UpOptions(renew_anon_volumes=True, timeout=1), sink=CollectingSink())
    assert anon_volume() != first
    client.remove_volume(first)


def test_two_concurrent_ups_do_not_duplicate(make_project, project_name):
    loaded = make_project(config(a=BASE, b=BASE))
    errors: list[Exception] = []

    def run() -> None:
        try:
            api.up(loaded, sink=CollectingSink())
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert names(loaded) == [f"{project_name}-a-1", f"{project_name}-b-1"]
    assert sorted(c.state for c in api.ps(loaded)) == ["running", "running"]
    assert len(docker.APIClient(version="auto").networks(names=[f"{project_name}_default"])) == 1


def test_restart_true_dependent_is_restarted_not_recreated(make_project, project_name):
    db = {**BASE, "environment": {"V": "1"}}
    web = {**BASE, "depends_on": {"db": {"condition": "service_started", "restart": True, "required": True}}}
    api.up(make_project(config(db=db, web=web)), sink=CollectingSink())
    client = docker.APIClient(version="auto")
    before = client.inspect_container(f"{project_name}-web-1")

    changed = make_project(config(db={**db, "environment": {"V": "2"}}, web=web))
    sink = CollectingSink()
    api.up(changed, api.UpOptions(timeout=1), sink=sink)
    after = client.inspect_container(f"{project_name}-web-1")
    assert after["Id"] == before["Id"] and after["State"]["StartedAt"] != before["State"]["StartedAt"]
    lines = sink.lines()
    assert lines.index(f"Container {project_name}-web-1 Stopped") < lines.index(
        f"Container {project_name}-db-1 Recreated") < lines.index(f"Container {project_name}-web-1 Started")


def test_rm_v_removes_anonymous_volumes_and_down_rmi_all_removes_images(make_project, project_name):
    client = docker.APIClient(version="auto")
    image = f"{project_name}-img:1"
    client.tag("busybox:latest", f"{project_name}-img", "1")
    with_anon = {**BASE, "image": image, "volumes": [{"type": "volume", "target": "/anon", "volume": {}}]}
    loaded = make_project(config(a=with_anon))
    api.up(loaded, sink=CollectingSink())
    anon = client.inspect_container(f"{project_name}-a-1")["Mounts"][0]["Name"]
    api.stop(loaded, timeout=1, sink=CollectingSink())
    assert api.rm(loaded, volumes=True, sink=CollectingSink()) == [f"{project_name}-a-1"]
    with pytest.raises(docker.errors.NotFound):
        client.inspect_volume(anon)

    api.up(loaded, sink=CollectingSink())
    api.down(loaded, api.DownOptions(rmi="all", volumes=True, timeout=1), sink=CollectingSink())
    with pytest.raises(docker.errors.ImageNotFound):
        client.inspect_image(image)
    client.inspect_image("busybox:latest")  # only the tag went


def test_changed_network_is_replaced_and_its_containers_restarted(make_project, project_name):
    def with_label(value: str) -> dict:
        return {"networks": {"default": {"labels": {"x": value}, "ipam": {}}}, "services": {"a": BASE, "b": BASE}}

    api.up(make_project(with_label("1")), sink=CollectingSink())
    client = docker.APIClient(version="auto")
    before = client.inspect_container(f"{project_name}-a-1")
    changed = make_project(with_label("2"))
    api.up(changed, api.UpOptions(timeout=1), sink=CollectingSink())

    network = client.inspect_network(f"{project_name}_default")
    assert network["Labels"]["x"] == "2"
    after = client.inspect_container(f"{project_name}-a-1")
    assert after["Id"] == before["Id"] and after["State"]["Running"]
    assert after["NetworkSettings"]["Networks"][f"{project_name}_default"]["NetworkID"] == network["Id"]
    exec_id = client.exec_create(f"{project_name}-a-1", ["ping", "-c", "1", "-W", "2", "b"])
    client.exec_start(exec_id)
    assert client.exec_inspect(exec_id)["ExitCode"] == 0
    sink = CollectingSink()
    api.up(changed, sink=sink)
    assert sorted(sink.lines()) == [f"Container {project_name}-a-1 Running", f"Container {project_name}-b-1 Running"]
