"""A real three-node swarm (issue #13, item 5): three Docker engines in containers (samples/stack/node/Dockerfile:
debian with docker.io, `dockerd --storage-driver=vfs`), on a bridge network of their own; the first is the manager,
the other two join as workers. `pycompose stack deploy` (DOCKER_HOST on the manager) deploys a global service, a
service constrained to workers with at most one replica per node, and one pinned to a hostname; the test checks on
which node each task runs.

Slow (the image is built when missing: it needs apt's network; the engines start in ~10 s each): marked
`multinode` to be selected or left out (`-m multinode`, `-m "not multinode"`), and `serial`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.serial, pytest.mark.multinode]

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "stnode:test"
CAPS = ["--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN", "--cap-add", "NET_RAW", "--cap-add", "SYS_PTRACE",
        "--security-opt", "seccomp=unconfined", "--security-opt", "apparmor=unconfined",
        "--security-opt", "systempaths=unconfined", "-v", "/sys/fs/cgroup:/sys/fs/cgroup:rw",
        "--tmpfs", "/run", "--tmpfs", "/var/lib/docker:exec"]


def _run(*argv: str, input_: bytes | None = None, timeout: float = 300) -> str:
    result = subprocess.run(argv, capture_output=True, input=input_, timeout=timeout)
    assert result.returncode == 0, (argv, result.stderr.decode(errors="replace"))
    return result.stdout.decode(errors="replace").strip()


def _ensure_image() -> None:
    if subprocess.run(["docker", "image", "inspect", IMAGE], capture_output=True).returncode != 0:
        _run("docker", "build", "--network", "host", "-t", IMAGE, str(ROOT / "samples" / "stack" / "node"),
             timeout=1200)


@pytest.fixture
def three_nodes():
    _ensure_image()
    prefix = f"sbmn{uuid.uuid4().hex[:6]}"
    network = f"{prefix}_net"
    names = [f"{prefix}-n{i}" for i in (1, 2, 3)]
    _run("docker", "network", "create", network)
    try:
        for index, name in enumerate(names, 1):
            _run("docker", "run", "-d", "--name", name, "--hostname", f"n{index}", "--network", network, *CAPS, IMAGE)
        for name in names:
            deadline = time.monotonic() + 120
            while subprocess.run(["docker", "exec", name, "docker", "info"], capture_output=True).returncode:
                assert time.monotonic() < deadline, f"the engine in {name} did not start"
                time.sleep(1)
        saved = subprocess.run(["docker", "save", "busybox:latest"], capture_output=True, check=True).stdout
        for name in names:  # no registry: each node gets the image
            _run("docker", "exec", "-i", name, "docker", "load", input_=saved)
        ips = [_run("docker", "inspect", "-f", f"{{{{(index .NetworkSettings.Networks \"{network}\").IPAddress}}}}",
                    name) for name in names]
        _run("docker", "exec", names[0], "docker", "swarm", "init", "--advertise-addr", ips[0])
        token = _run("docker", "exec", names[0], "docker", "swarm", "join-token", "-q", "worker")
        for name in names[1:]:
            _run("docker", "exec", name, "docker", "swarm", "join", "--token", token, f"{ips[0]}:2377")
        yield f"tcp://{ips[0]}:2375", names
    finally:
        for name in names:
            subprocess.run(["docker", "rm", "-f", "-v", name], capture_output=True)
        subprocess.run(["docker", "network", "rm", network], capture_output=True)


COMPOSE = """
services:
  everywhere:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    deploy:
      mode: global
  workers:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    deploy:
      replicas: 2
      placement:
        constraints: [node.role==worker]
        max_replicas_per_node: 1
  pinned:
    image: busybox:latest
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"]
    deploy:
      replicas: 2
      placement:
        constraints: [node.hostname==n3]
"""


def test_tasks_land_where_placement_says(three_nodes, tmp_path):
    host, _ = three_nodes
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    env = {**os.environ, "DOCKER_HOST": host}
    result = subprocess.run([sys.executable, "-m", "pycompose", "stack", "deploy", "--detach=false", "--timeout",
                             "240", "--resolve-image", "never", "-c", "compose.yaml", "sbmn"], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=400)
    assert result.returncode == 0, result.stdout + result.stderr
    import docker

    client = docker.APIClient(base_url=host, version="auto")
    nodes = {n["ID"]: n["Description"]["Hostname"] for n in client.nodes()}
    assert sorted(nodes.values()) == ["n1", "n2", "n3"]
    placed: dict[str, list[str]] = {}
    for service in client.services(filters={"label": "com.docker.stack.namespace=sbmn"}):
        tasks = client.tasks(filters={"service": service["ID"], "desired-state": "running"})
        placed[service["Spec"]["Name"]] = sorted(nodes[t["NodeID"]] for t in tasks
                                                 if t["Status"]["State"] == "running")
    assert placed == {"sbmn_everywhere": ["n1", "n2", "n3"], "sbmn_workers": ["n2", "n3"],
                      "sbmn_pinned": ["n3", "n3"]}
    listed = subprocess.run([sys.executable, "-m", "pycompose", "stack", "services", "sbmn"], env=env,
                            capture_output=True, text=True, timeout=120)
    row = next(line.split() for line in listed.stdout.splitlines() if "sbmn_everywhere" in line)
    assert row[1:4] == ["sbmn_everywhere", "global", "3/3"], listed.stdout
