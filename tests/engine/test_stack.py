"""`pycompose stack` on a real single-node swarm: what `docker stack deploy` creates (compared spec by spec),
convergence, --prune, waiting and failures, `stack rm`.

The swarm is initialised here when the engine is not in swarm mode (idempotent; it is left on). Stack names start
with `st`; everything a test made is removed by its namespace label, also when the test fails.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.serial]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "stack"
LABEL = "com.docker.stack.namespace"


def _client():
    import docker

    return docker.APIClient(version="auto", timeout=120)


@pytest.fixture(scope="module")
def swarm():
    client = _client()
    state = (client.info().get("Swarm") or {}).get("LocalNodeState")
    if state != "active":
        try:
            client.init_swarm(advertise_addr="127.0.0.1")
        except Exception as error:  # another worker initialised it first
            if "already part of a swarm" not in str(error):
                raise
    return client


def remove_stack_resources(client, stack: str) -> None:
    flt = {"label": f"{LABEL}={stack}"}
    for service in client.services(filters=flt):
        client.remove_service(service["ID"])
    deadline = time.monotonic() + 60  # a network is busy until its tasks are gone
    for kind in ("secrets", "configs"):
        for obj in getattr(client, kind)(filters=flt):
            getattr(client, f"remove_{kind[:-1]}")(obj["ID"])
    import docker

    for network in client.networks(filters=flt):
        while True:
            try:
                client.remove_network(network["Id"])
                break
            except docker.errors.NotFound:  # gone from the swarm already (the node's listing lags behind)
                break
            except docker.errors.APIError as error:
                if "not found" in str(error.explanation):  # 500 "not found": the node lists what the swarm removed
                    break
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)


@pytest.fixture
def stacks(swarm):
    made: list[str] = []

    def new() -> str:
        name = f"st{uuid.uuid4().hex[:8]}"
        made.append(name)
        return name

    yield new
    failures = []
    for name in made:  # every stack, even when one of them fails to go
        try:
            remove_stack_resources(swarm, name)
        except Exception as error:
            failures.append(f"{name}: {error}")
    assert not failures, failures


def _pycompose(*args: str, cwd: Path, env: dict[str, str] | None = None, check: bool = True):
    result = subprocess.run([sys.executable, "-m", "pycompose", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def _docker_stack(*args: str, cwd: Path, env: dict[str, str] | None = None):
    result = subprocess.run(["docker", "stack", *args], cwd=cwd, capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, timeout=300)
    assert result.returncode == 0, result.stderr
    return result


def _port() -> str:
    return str(random.randint(31000, 32500))


def _specs(client, stack: str) -> dict:
    """The stack's objects as the engine keeps them, with the stack name and IDs normalised away."""
    flt = {"label": f"{LABEL}={stack}"}
    networks = {n["Id"]: n["Name"] for n in client.networks()}
    out: dict = {"services": {}, "networks": {}, "configs": {}, "secrets": {}}
    for service in client.services(filters=flt):
        spec = service["Spec"]
        for net in spec["TaskTemplate"].get("Networks") or []:
            net["Target"] = networks.get(net["Target"], net["Target"])
        container = spec["TaskTemplate"]["ContainerSpec"]
        for ref in container.get("Secrets") or []:
            ref.pop("SecretID")
        for ref in container.get("Configs") or []:
            ref.pop("ConfigID")
        out["services"][spec["Name"]] = spec
    for network in client.networks(filters=flt):
        detail = client.inspect_network(network["Id"])
        out["networks"][detail["Name"]] = {k: detail.get(k) for k in ("Driver", "Scope", "Attachable", "Internal",
                                                                      "Labels", "Ingress")}
    for kind in ("configs", "secrets"):
        for obj in getattr(client, kind)(filters=flt):
            out[kind][obj["Spec"]["Name"]] = obj["Spec"]
    text = json.dumps(out, sort_keys=True).replace(f"{stack}_", "STACK_").replace(f'"{stack}"', '"STACK"')
    out = json.loads(text)
    for spec in out["services"].values():  # docker sorts by the real names, which differ between the two stacks
        spec["TaskTemplate"].get("Networks", []).sort(key=lambda n: n["Target"])
    text = json.dumps(out, sort_keys=True).replace(f"{stack}_", "STACK_").replace(f'"{stack}"', '"STACK"')
    return json.loads(text)


def _diff(mine: dict, reference: dict) -> str:
    """A unified diff of two spec dumps ('' when equal)."""
    import difflib

    def lines(value: dict) -> list[str]:
        return json.dumps(value, indent=1, sort_keys=True).splitlines()

    return "\n".join(difflib.unified_diff(lines(reference), lines(mine), "docker stack", "pycompose stack",
                                          lineterm=""))


def _copy_sample(tmp_path: Path) -> Path:
    target = tmp_path / "stack"
    shutil.copytree(SAMPLE, target)
    return target


def test_same_specs_as_docker_stack_deploy(stacks, swarm, tmp_path):
    """The differential check: the sample stack (every deploy key this sample uses) deployed by both tools."""
    folder = _copy_sample(tmp_path)
    env = {"WEB_PORT": _port()}
    ours, theirs = stacks(), stacks()
    _pycompose("stack", "deploy", "-c", "compose.yaml", ours, cwd=folder, env=env)
    mine = _specs(swarm, ours)
    remove_stack_resources(swarm, ours)  # the published port is free again
    _docker_stack("deploy", "-c", "compose.yaml", theirs, cwd=folder, env=env)
    reference = _specs(swarm, theirs)
    assert sorted(mine["services"]) == ["STACK_agent", "STACK_migrate", "STACK_web"]
    difference = _diff(mine, reference)
    assert not difference, "\n" + difference


def test_same_specs_for_external_and_named_objects(stacks, swarm, tmp_path):
    outside = f"st{uuid.uuid4().hex[:8]}_outside"
    ours = theirs = "unused"
    swarm.create_network(outside, driver="overlay", attachable=True)
    try:
        (tmp_path / "c.txt").write_text("shared\n")
        (tmp_path / "compose.yaml").write_text(f"""
services:
  app:
    image: busybox:latest
    command: ["sleep", "1000"]
    hostname: app-host
    user: "1000"
    working_dir: /tmp
    init: true
    read_only: true
    stop_signal: SIGINT
    extra_hosts: ["db.local:10.1.2.3"]
    dns: [8.8.8.8]
    cap_add: [NET_ADMIN]
    sysctls: {{net.core.somaxconn: "1024"}}
    ulimits: {{nofile: {{soft: 1000, hard: 2000}}}}
    healthcheck: {{disable: true}}
    logging: {{driver: json-file, options: {{max-size: 1m}}}}
    volumes: [data:/data, {{type: tmpfs, target: /scratch}}]
    ports: [{{target: 9000, published: {_port()}, mode: host}}]
    networks:
      outside: {{}}
      inner: {{aliases: [app-alias]}}
    configs: [{{source: shared, target: /etc/shared, mode: 0400}}]
    deploy:
      replicas: 0
      restart_policy: {{condition: none}}
networks:
  outside: {{external: true, name: {outside}}}
  inner: {{internal: true, labels: {{team: a}}}}
volumes:
  data: {{labels: {{keep: "yes"}}}}
configs:
  shared: {{file: ./c.txt, name: {outside}-cfg}}
""")
        ours, theirs = stacks(), stacks()
        _pycompose("stack", "deploy", "-c", "compose.yaml", ours, cwd=tmp_path)
        mine = _specs(swarm, ours)
        remove_stack_resources(swarm, ours)
        _docker_stack("deploy", "-c", "compose.yaml", theirs, cwd=tmp_path)
        reference = _specs(swarm, theirs)
        difference = _diff(mine, reference)
        assert not difference, "\n" + difference
    finally:
        for stack in (ours, theirs):
            remove_stack_resources(swarm, stack)
        for config in swarm.configs(filters={"name": f"{outside}-cfg"}):
            swarm.remove_config(config["ID"])
        swarm.remove_network(outside)


def _versions(client, stack: str) -> dict[str, tuple[str, int]]:
    return {s["Spec"]["Name"]: (s["ID"], s["Version"]["Index"])
            for s in client.services(filters={"label": f"{LABEL}={stack}"})}


def test_convergence_prune_and_rm(stacks, swarm, tmp_path):
    folder = _copy_sample(tmp_path)
    stack = stacks()
    env = {"WEB_PORT": _port()}
    first = _pycompose("stack", "deploy", "--detach=false", "-c", "compose.yaml", stack, cwd=folder, env=env)
    assert f"{stack}_web: 2/2 running (converged)" in first.stdout
    before = _versions(swarm, stack)
    again = _pycompose("stack", "deploy", "-c", "compose.yaml", stack, cwd=folder, env=env)
    assert "Updating" not in again.stdout and "Creating" not in again.stdout
    assert _versions(swarm, stack) == before  # an unchanged redeploy updates nothing

    plan = _pycompose("stack", "deploy", "--dry-run", "-c", "compose.yaml", stack, cwd=folder,
                      env={**env, "WEB_REPLICAS": "1"})
    assert f"service {stack}_web: update (changed: Mode.Replicated.Replicas)" in plan.stdout
    assert _versions(swarm, stack) == before

    changed = _pycompose("stack", "deploy", "--detach=false", "-c", "compose.yaml", stack, cwd=folder,
                         env={**env, "WEB_REPLICAS": "1"})
    after = _versions(swarm, stack)
    assert f"Updating service {stack}_web (id: {before[f'{stack}_web'][0]})" in changed.stdout
    assert after[f"{stack}_web"][0] == before[f"{stack}_web"][0]  # in place: same service
    assert after[f"{stack}_web"][1] > before[f"{stack}_web"][1]
    assert after[f"{stack}_agent"] == before[f"{stack}_agent"]

    (folder / "small.yaml").write_text((folder / "compose.yaml").read_text().split("  agent:")[0]
                                       + (folder / "compose.yaml").read_text().split("    deploy:\n      mode: "
                                                                                      "replicated-job")[1]
                                       .split("\n", 2)[2])
    kept = _pycompose("stack", "deploy", "-c", "small.yaml", stack, cwd=folder, env={**env, "WEB_REPLICAS": "1"})
    assert "Removing" not in kept.stdout and len(_versions(swarm, stack)) == 3
    pruned = _pycompose("stack", "deploy", "--prune", "-c", "small.yaml", stack, cwd=folder,
                        env={**env, "WEB_REPLICAS": "1"})
    assert f"Removing service {stack}_agent" in pruned.stdout
    assert sorted(_versions(swarm, stack)) == [f"{stack}_web"]

    listed = _pycompose("stack", "ls", cwd=folder)
    assert any(line.split()[:2] == [stack, "1"] for line in listed.stdout.splitlines())
    services = _pycompose("stack", "services", stack, cwd=folder)
    assert f"{stack}_web" in services.stdout and "replicated" in services.stdout

    stranger = swarm.create_network(f"{stack}x_net", driver="overlay", labels={LABEL: f"{stack}x"})
    try:
        _pycompose("stack", "rm", stack, cwd=folder)
        flt = {"label": f"{LABEL}={stack}"}
        assert swarm.services(filters=flt) == [] and swarm.configs(filters=flt) == []
        assert swarm.secrets(filters=flt) == []
        deadline = time.monotonic() + 60
        while swarm.networks(filters=flt) and time.monotonic() < deadline:
            time.sleep(0.5)
            _pycompose("stack", "rm", stack, cwd=folder, check=False)
        assert swarm.networks(filters=flt) == []
        assert swarm.inspect_network(stranger["Id"])["Name"] == f"{stack}x_net"  # nothing else removed
    finally:
        swarm.remove_network(stranger["Id"])


def test_failed_task_is_reported_and_exit_code_says_so(stacks, swarm, tmp_path):
    (tmp_path / "compose.yaml").write_text("""
services:
  broken:
    image: busybox:latest
    command: ["sh", "-c", "exit 3"]
    deploy:
      restart_policy: {condition: none}
""")
    stack = stacks()
    result = _pycompose("stack", "deploy", "--detach=false", "--timeout", "60", "-c", "compose.yaml", stack,
                        cwd=tmp_path, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "non-zero exit (3)" in result.stdout
    assert f"{stack}_broken: failed to converge" in result.stdout
    assert f"stack {stack} did not converge" in result.stderr


def test_refusals(stacks, tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    build: .\n")
    result = _pycompose("stack", "deploy", "-c", "compose.yaml", stacks(), cwd=tmp_path, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "invalid image reference for service a: no image specified" in result.stderr
