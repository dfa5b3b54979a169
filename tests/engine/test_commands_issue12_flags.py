"""Issue #12, item 7: the differences the differential suite found in run, commit, top, stats, volumes, events and
`use_api_socket`, fixed; each test says what v2 does."""

from __future__ import annotations

import json
import subprocess

import pytest
from project_cli import project_folder, run_pycompose

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  web:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
    cap_drop: [CHOWN]
    volumes: [data:/data]
  sock:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
    use_api_socket: true
    profiles: [sock]
volumes:
  data:
"""


@pytest.fixture
def project(tmp_path):
    with project_folder(tmp_path, "cr-i12", COMPOSE) as (name, folder):
        yield name, folder


_run = run_pycompose


def _inspect(name: str) -> dict:
    out = subprocess.run(["docker", "inspect", name], capture_output=True, text=True, check=True).stdout
    return json.loads(out)[0]


def test_run_takes_pflag_bool_values_before_the_service_only(project):
    name = project[0]
    result = _run(project, "run", "-d", "--name", f"{name}-off", "-T", "-i=false", "web", "sh", "-c",
                  "echo -i=false; sleep 60")
    assert result.returncode == 0, result.stderr
    config = _inspect(f"{name}-off")["Config"]
    assert config["OpenStdin"] is False
    assert config["Cmd"] == ["sh", "-c", "echo -i=false; sleep 60"]  # after SERVICE: the command's, untouched
    assert _inspect(f"{name}-off")["HostConfig"]["CapDrop"] == ["CAP_CHOWN"]
    bogus = _run(project, "run", "--rm", "-T", "--interactive=maybe", "web", "true")
    assert bogus.returncode == 1
    assert 'invalid argument "maybe" for "-i, --interactive" flag: strconv.ParseBool' in bogus.stderr


def test_run_cap_add_takes_the_capability_out_of_cap_drop(project):
    name = project[0]
    result = _run(project, "run", "-d", "--name", f"{name}-caps", "--cap-add", "CHOWN", "--cap-drop", "NET_RAW",
                  "web")
    assert result.returncode == 0, result.stderr
    host = _inspect(f"{name}-caps")["HostConfig"]
    assert host["CapAdd"] == ["CAP_CHOWN"]
    assert host["CapDrop"] == ["CAP_NET_RAW"]


def test_commit_pause_false_and_read_only_commands_with_unknown_services(project):
    name = project[0]
    assert _run(project, "up", "-d").returncode == 0
    image = f"{name}-img:1"
    try:
        result = _run(project, "commit", "--pause=false", "web", image)
        assert result.returncode == 0, result.stderr
        short = _run(project, "commit", "-p=false", "web", f"{name}-img:2")
        assert short.returncode == 0, short.stderr
    finally:
        subprocess.run(["docker", "rmi", "-f", image, f"{name}-img:2"], capture_output=True)
    # v2's top and stats filter the containers by service and check no name; volumes checks them against a project
    # it loaded (`-f`, or no `-p`), not with `-p NAME` alone (v2 `projectOrName`)
    for args in (("top", "nosuch"), ("stats", "--no-stream", "nosuch")):
        found = _run(project, *args)
        assert (found.returncode, found.stdout.strip() if args[0] == "top" else "") == (0, ""), found.stderr
    volumes = _run(project, "-f", "compose.yaml", "volumes", "nosuch")
    assert (volumes.returncode, volumes.stderr.strip()) == (1, "no such service: nosuch")
    by_name = _run(project, "volumes", "nosuch")
    assert (by_name.returncode, by_name.stdout.split()) == (0, ["DRIVER", "VOLUME", "NAME"]), by_name.stderr
    assert _run(project, "volumes", "-q", "web").stdout.split() == [f"{name}_data"]


def test_events_since_a_duration_until_now_prints_the_past_and_ends(project):
    name = project[0]
    assert _run(project, "up", "-d").returncode == 0
    result = _run(project, "events", "--json", "--since", "10m", "--until", "0s")
    assert result.returncode == 0, result.stderr
    actions = [json.loads(line)["action"] for line in result.stdout.splitlines() if line.strip()]
    assert "create" in actions and "start" in actions
    assert all(json.loads(line)["service"] == "web" for line in result.stdout.splitlines() if line.strip())
    assert name


def test_use_api_socket_binds_the_socket_and_writes_a_docker_config(project):
    name = project[0]
    result = _run(project, "--profile", "sock", "up", "-d", "sock")
    assert result.returncode == 0, result.stderr
    info = _inspect(f"{name}-sock-1")
    assert "/var/run/docker.sock:/var/run/docker.sock:rw" in info["HostConfig"]["Binds"]
    assert "DOCKER_CONFIG=/run/secrets/docker" in info["Config"]["Env"]
    stat = subprocess.run(["docker", "exec", f"{name}-sock-1", "stat", "-c", "%a %u %g",
                           "/run/secrets/docker/config.json"], capture_output=True, text=True)
    assert stat.stdout.strip() == "444 0 0"
    content = subprocess.run(["docker", "exec", f"{name}-sock-1", "cat", "/run/secrets/docker/config.json"],
                             capture_output=True, text=True)
    assert content.stdout == '{\n\t"auths": {}\n}'
    again = _run(project, "--profile", "sock", "up", "-d", "sock")  # the hash agrees with the planner: no recreate
    assert _inspect(f"{name}-sock-1")["Id"] == info["Id"], again.stderr
