"""`pycompose stack` on a real single-node swarm: what `docker stack deploy` creates (compared spec by spec),
convergence, --prune, waiting and failures, `stack rm`.

The swarm is initialised here when the engine is not in swarm mode (idempotent; it is left on). Stack names start
with `sb`; everything a test made is removed by its namespace label, also when the test fails: the services, secrets,
configs and networks, and what a stack leaves on the node after `stack rm` (docker's as well as ours): the exited
task containers of replicated-job / global-job services, and the named volumes its tasks created.
"""

from __future__ import annotations

import json
import os
import random
import re
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
    import docker

    flt = {"label": f"{LABEL}={stack}"}
    for service in client.services(filters=flt):
        client.remove_service(service["ID"])
    deadline = time.monotonic() + 60  # a network is busy until its tasks are gone
    for kind in ("secrets", "configs"):
        for obj in getattr(client, kind)(filters=flt):
            getattr(client, f"remove_{kind[:-1]}")(obj["ID"])
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
    # the node keeps what the swarm does not remove: the task containers of jobs (exited), the volumes tasks made
    for container in client.containers(all=True, filters=flt):
        try:
            client.remove_container(container["Id"], force=True, v=True)
        except docker.errors.APIError as error:  # the swarm removed it meanwhile, or is removing it
            if error.status_code not in (404, 409):
                raise
    while client.containers(all=True, filters=flt) and time.monotonic() < deadline:
        time.sleep(0.5)  # the swarm's own removals of running tasks
    for volume in (client.volumes(filters=flt) or {}).get("Volumes") or []:
        try:
            client.remove_volume(volume["Name"], force=True)
        except docker.errors.NotFound:
            pass


def leftovers(client, stack: str) -> dict[str, list[str]]:
    """What the engine still has with the stack's label."""
    flt = {"label": f"{LABEL}={stack}"}
    return {kind: names for kind, names in {
        "services": [s["Spec"]["Name"] for s in client.services(filters=flt)],
        "networks": [n["Name"] for n in client.networks(filters=flt)],
        "configs": [c["Spec"]["Name"] for c in client.configs(filters=flt)],
        "secrets": [c["Spec"]["Name"] for c in client.secrets(filters=flt)],
        "containers": [c["Names"][0] for c in client.containers(all=True, filters=flt)],
        "volumes": [v["Name"] for v in (client.volumes(filters=flt) or {}).get("Volumes") or []],
    }.items() if names}


@pytest.fixture
def stacks(swarm):
    made: list[str] = []

    def new() -> str:
        name = f"sb{uuid.uuid4().hex[:8]}"
        made.append(name)
        return name

    yield new
    failures = []
    for name in made:  # every stack, even when one of them fails to go
        try:
            remove_stack_resources(swarm, name)
            deadline = time.monotonic() + 60  # the node forgets a network some seconds after the swarm removed it
            while (left := leftovers(swarm, name)) and time.monotonic() < deadline:
                time.sleep(0.5)
            if left:
                failures.append(f"{name}: left behind: {left}")
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


def _warnings(stderr: str, stack: str) -> list[str]:
    """What a deploy warned about (not docker's detach notice), the stack name normalised."""
    notice = ("Since --detach=false was not specified", "In a future release, --detach=false")
    return sorted(line.replace(stack, "STACK") for line in stderr.splitlines()
                  if line.strip() and not line.startswith(notice))


def _differential(swarm, stacks, folder: Path, env: dict[str, str], *files: str) -> dict:
    """Deploy `files` with pycompose then (ours removed first: ports) with the docker CLI; the spec dumps and the
    warnings must be the same. Returns our dump."""
    ours, theirs = stacks(), stacks()
    args = [arg for name in files for arg in ("-c", name)]
    mine_run = _pycompose("stack", "deploy", *args, ours, cwd=folder, env=env)
    mine = _specs(swarm, ours)
    remove_stack_resources(swarm, ours)  # the published ports are free again
    their_run = _docker_stack("deploy", *args, theirs, cwd=folder, env=env)
    reference = _specs(swarm, theirs)
    remove_stack_resources(swarm, theirs)
    difference = _diff(mine, reference)
    assert not difference, "\n" + difference
    assert _warnings(mine_run.stderr, ours) == _warnings(their_run.stderr, theirs)
    return mine


def _v3_schema(path: Path) -> None:
    """What docker stack's loader (the v3 schema, not the compose spec) refuses and swarm ignores anyway, taken out
    for both tools: the top-level `name:` (the stack name names everything) and depends_on's long form (a list)."""
    import yaml

    data = yaml.safe_load(path.read_text())
    data.pop("name", None)
    for service in data.get("services", {}).values():
        if isinstance(service.get("depends_on"), dict):
            service["depends_on"] = sorted(service["depends_on"])
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize("sample", ["stack", "hello", "log-bursts"])
def test_same_specs_as_docker_stack_deploy(stacks, swarm, tmp_path, sample):
    """The differential check on the samples docker can deploy (samples/lamp builds its images: refused, below)."""
    folder = tmp_path / sample
    shutil.copytree(ROOT / "samples" / sample, folder)
    _v3_schema(folder / "compose.yaml")
    env = {"WEB_PORT": _port(), "HELLO_PORT": _port(), "DELAY": "0"}
    mine = _differential(swarm, stacks, folder, env, "compose.yaml")
    expected = {"stack": ["STACK_agent", "STACK_migrate", "STACK_web"], "hello": ["STACK_web", "STACK_writer"],
                "log-bursts": ["STACK_long", "STACK_mixed", "STACK_short"]}[sample]
    assert sorted(mine["services"]) == expected


def test_same_refusal_as_docker_for_the_lamp_sample(stacks, tmp_path):
    """samples/lamp has `build:` and no `image:`: both tools refuse it, with the same message."""
    folder = tmp_path / "lamp"
    shutil.copytree(ROOT / "samples" / "lamp", folder)
    _v3_schema(folder / "compose.yaml")
    stack = stacks()
    mine = _pycompose("stack", "deploy", "-c", "compose.yaml", stack, cwd=folder, check=False)
    theirs = subprocess.run(["docker", "stack", "deploy", "-c", "compose.yaml", stack], cwd=folder,
                            capture_output=True, text=True, timeout=120)
    assert mine.returncode == theirs.returncode == 1, mine.stderr + theirs.stderr
    assert "Traceback" not in mine.stderr
    # docker names the first service without an image in Go's map order (either one, at random); we name one too
    message = re.compile(r"invalid image reference for service (web|db): no image specified")
    assert message.fullmatch(theirs.stderr.strip().splitlines()[-1]), theirs.stderr
    assert message.fullmatch(mine.stderr.strip().splitlines()[-1]), mine.stderr


def test_same_specs_for_every_deploy_key(stacks, swarm, tmp_path):
    """Item 2's keys the samples leave out: global-job, ingress ports in long form (tcp and udp), vip, every
    resources field, a full healthcheck, external and named secrets, labels on everything, the keys swarm ignores
    (the same warnings)."""
    outside = f"sb{uuid.uuid4().hex[:8]}-outside-secret"
    secret = swarm.create_secret(outside, b"s3cret", labels={"k": "v"})
    try:
        (tmp_path / "key.txt").write_text("key\n")
        (tmp_path / "compose.yaml").write_text(f"""
services:
  once:
    image: busybox:latest
    command: ["true"]
    deploy:
      mode: global-job
      resources:
        limits: {{cpus: "0.5", memory: 16M, pids: 50}}
        reservations: {{cpus: "0.1", memory: 4M}}
  api:
    image: busybox:latest
    command: ["sleep", "1000"]
    privileged: true
    cgroup_parent: x
    restart: always
    container_name: fixed
    expose: ["81"]
    ports:
      - {{target: 80, published: {_port()}, protocol: tcp, mode: ingress}}
      - {{target: 53, published: {_port()}, protocol: udp}}
    healthcheck:
      test: ["CMD-SHELL", "true"]
      interval: 3s
      timeout: 2s
      retries: 4
      start_period: 7s
    stop_grace_period: 1m30s
    labels: {{tier: api}}
    secrets:
      - source: outside
        target: /run/o
        uid: "1000"
        gid: "1000"
        mode: 0400
      - named
    deploy:
      replicas: 0
      endpoint_mode: vip
      labels: [team=x]
      restart_policy: {{condition: any, delay: 1s, max_attempts: 0, window: 0s}}
      placement: {{constraints: ["node.labels.zone != nowhere"], preferences: [{{spread: node.labels.zone}}]}}
      update_config: {{parallelism: 2, delay: 3s, failure_action: pause, monitor: 4s, max_failure_ratio: 0.5,
                      order: stop-first}}
      rollback_config: {{parallelism: 3, delay: 1s, failure_action: continue, monitor: 2s, max_failure_ratio: 0.25,
                        order: start-first}}
secrets:
  outside: {{external: true, name: {outside}}}
  named: {{file: ./key.txt, name: sbnamed-{uuid.uuid4().hex[:8]}, labels: {{a: b}}}}
""")
        mine = _differential(swarm, stacks, tmp_path, {}, "compose.yaml")
        assert sorted(mine["services"]) == ["STACK_api", "STACK_once"]
    finally:
        swarm.remove_secret(secret["ID"])


def test_same_specs_for_external_and_named_objects(stacks, swarm, tmp_path):
    """External overlay network, internal network with labels, named volume, config with `name:`, host-mode port."""
    outside = f"sb{uuid.uuid4().hex[:8]}_outside"
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
        removed = _pycompose("stack", "rm", "--detach=false", stack, cwd=folder)
        assert f"Removing network {stack}_back" in removed.stdout
        flt = {"label": f"{LABEL}={stack}"}
        assert swarm.services(filters=flt) == [] and swarm.configs(filters=flt) == []
        assert swarm.secrets(filters=flt) == []
        assert swarm.networks(filters=flt) == []  # --detach=false: waited until the node forgot them
        assert swarm.containers(filters=flt) == []  # and until the tasks stopped
        assert swarm.inspect_network(stranger["Id"])["Name"] == f"{stack}x_net"  # nothing else removed
        again = _pycompose("stack", "rm", stack, cwd=folder)
        assert again.returncode == 0 and f"Nothing found in stack: {stack}" in again.stdout + again.stderr
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
