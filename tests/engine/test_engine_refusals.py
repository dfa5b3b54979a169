"""The engine's refusals reported as what they are: one line naming the service and the cause, no traceback, and a
state the next `up` converges from (no duplicate, nothing under a temporary name).

The service is named in the last line by the executor (`service "web": …`), a network by `failed to create
network …`, as v2 names them.
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

@pytest.fixture
def project(tmp_path):
    name = f"sg-{uuid.uuid4().hex[:10]}"
    yield name, tmp_path
    remove_project_resources(name)


def up(project, compose: str, *args: str) -> subprocess.CompletedProcess:
    name, directory = project
    (directory / "compose.yaml").write_text(compose)
    environ = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_PROGRESS", "NO_COLOR")}
    return subprocess.run([*PYCOMPOSE, "-p", name, "up", "-d", *args], cwd=directory, capture_output=True,
                          text=True, timeout=120, env=environ)


def containers(name: str) -> list[str]:
    import docker

    client = docker.APIClient(version="auto")
    found = client.containers(all=True, filters={"label": f"com.docker.compose.project={name}"})
    return sorted(c["Names"][0].lstrip("/") for c in found)


def refused(result: subprocess.CompletedProcess, service: str, *causes: str) -> str:
    """The last line of a refused `up`: exit 1, no traceback, the service and every cause named in it."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    last = result.stderr.rstrip("\n").split("\n")[-1]
    for cause in causes:
        assert cause in last, result.stderr
    assert f'service "{service}"' in last, last
    return last


def converges(project, compose: str, service: str, *causes: str) -> None:
    """`up` again: the same refusal, and still one container at most, under the service's own name."""
    again = up(project, compose)
    refused(again, service, *causes)
    names = containers(project[0])
    assert names in ([], [f"{project[0]}-{service}-1"]), names


def test_an_image_that_cannot_be_pulled(project):
    compose = "services:\n  nopull:\n    image: 127.0.0.1:1/sg/nothing:1\n"
    refused(up(project, compose), "nopull", "cannot pull image 127.0.0.1:1/sg/nothing:1", "connection refused")
    converges(project, compose, "nopull", "connection refused")
    assert containers(project[0]) == []


def test_a_command_that_does_not_exist_in_the_image(project):
    compose = "services:\n  nocmd:\n    image: busybox:latest\n    command: /no/such/binary\n"
    refused(up(project, compose), "nocmd", '"/no/such/binary"', "no such file or directory")
    converges(project, compose, "nocmd", "no such file or directory")


def test_a_bind_mount_of_a_missing_path_is_created_as_v2_does(project):
    missing = project[1] / "does-not-exist"
    compose = ("services:\n  nobind:\n    image: busybox:latest\n    command: sleep 60\n    init: true\n"
               f"    volumes:\n      - type: bind\n        source: {missing}\n        target: /data\n")
    result = up(project, compose)
    assert result.returncode == 0, result.stderr
    assert missing.is_dir()


def test_a_bind_mount_the_engine_refuses_names_the_service(project):
    # a file where the bind source's parent should be: nobody can create the path, v2 fails too
    blocker = project[1] / "a-file"
    blocker.write_text("")
    compose = ("services:\n  nobind:\n    image: busybox:latest\n    command: sleep 60\n"
               f"    volumes:\n      - type: bind\n        source: {blocker}/below\n        target: /data\n")
    refused(up(project, compose), "nobind", str(blocker))


@pytest.fixture
def taken_port():
    """A TCP port on all addresses that another process (this one) holds."""
    holder = socket.socket()
    holder.bind(("0.0.0.0", 0))
    holder.listen()
    yield holder.getsockname()[1]
    holder.close()


def test_a_port_already_allocated(project, taken_port):
    compose = (f"services:\n  taken:\n    image: busybox:latest\n    command: sleep 60\n"
               f"    ports: [\"{taken_port}:80\"]\n")
    refused(up(project, compose), "taken", f"0.0.0.0:{taken_port}", "address already in use")
    converges(project, compose, "taken", "address already in use")


def test_a_name_conflict_with_a_foreign_container(project):
    import docker

    foreign = f"{project[0]}-foreign"
    client = docker.APIClient(version="auto")
    client.create_container("busybox:latest", "true", name=foreign)
    try:
        compose = (f"services:\n  web:\n    image: busybox:latest\n    container_name: {foreign}\n"
                   "    command: sleep 60\n")
        refused(up(project, compose), "web", f'"/{foreign}" is already in use')
        again = up(project, compose)
        refused(again, "web", "is already in use")
        assert containers(project[0]) == []  # the foreign one carries no project label, and is left alone
        assert client.inspect_container(foreign)["Config"]["Labels"] == {}
    finally:
        client.remove_container(foreign, force=True)


def test_the_pull_failure_is_the_only_line_after_the_progress(project):
    """v2 prints the daemon's words; pycompose adds the service and the image, on one line."""
    result = up(project, "services:\n  nopull:\n    image: 127.0.0.1:1/sg/nothing:1\n")
    errors = [line for line in result.stderr.split("\n") if line and not line.startswith(" ")]
    assert len(errors) == 1, result.stderr


@pytest.fixture
def one_pool_engine():
    """A private dockerd (see test_engine_outage.py) whose address pools hold a single /24: the second network
    of a project finds no address. Never the shared engine, whose pools others use."""
    import shutil
    import tempfile
    from pathlib import Path

    from test_engine_outage import PrivateEngine

    if shutil.which("dockerd") is None or shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs dockerd, unshare and root to start a private engine")
    private = PrivateEngine(Path(tempfile.mkdtemp(prefix="sg-dd-", dir="/tmp")), pool="base=10.214.0.0/24,size=24")
    try:
        private.start()
        saved = subprocess.run(["docker", "save", "busybox:latest"], capture_output=True, timeout=120, check=True)
        private.docker("load", input=saved.stdout)
        yield private
    finally:
        private.tear_down()


@pytest.mark.serial
@pytest.mark.outage
def test_out_of_address_pools_names_the_network(one_pool_engine, tmp_path):
    name = f"sg-{uuid.uuid4().hex[:10]}"
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: busybox:latest\n    command: sleep 60\n    networks: [one, two]\n"
        "networks:\n  one: {}\n  two: {}\n")

    def up() -> subprocess.CompletedProcess:
        return subprocess.run([*PYCOMPOSE, "-p", name, "up", "-d"], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, env=one_pool_engine.env())

    for _ in range(2):  # the same refusal again: nothing half-made in the way
        result = up()
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        last = result.stderr.rstrip("\n").split("\n")[-1]
        assert "could not find an available, non-overlapping IPv4 address pool" in last, last
        # both networks are created at once: whichever comes second finds the only pool taken
        assert f"failed to create network {name}_" in last, last
