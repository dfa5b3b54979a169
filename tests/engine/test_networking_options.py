"""Networks with IPAM, static IPs and aliases; resources, logging, dns, configs — applied, and v2 agrees."""

from __future__ import annotations

import json

import docker
import pytest

from pycompose import api
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker

COMPOSE_YAML = """\
services:
  app:
    image: busybox:latest
    init: true
    entrypoint: ["sh", "-c"]
    command: ["sleep 3600"]
    networks:
      back:
        aliases: [api.internal]
        ipv4_address: 10.199.28.10
    dns: [8.8.8.8]
    mem_limit: 64m
    cpus: 0.5
    logging: {driver: json-file, options: {max-size: 1m}}
    configs: [app_conf]
    stop_grace_period: 3s
    stop_signal: SIGINT
  client:
    image: busybox:latest
    init: true
    command: sleep 3600
    networks: [back]
networks:
  back:
    ipam:
      config: [{subnet: 10.199.28.0/24}]
configs:
  app_conf:
    file: ./app.conf
"""


def canonical(tmp_path, project_name) -> dict:
    return {
        "configs": {"app_conf": {"name": f"{project_name}_app_conf", "file": str(tmp_path / "app.conf")}},
        "networks": {"back": {"ipam": {"config": [{"subnet": "10.199.28.0/24"}]}}},
        "services": {
            "app": {"cpus": 0.5, "command": ["sleep 3600"], "configs": [{"source": "app_conf"}], "dns": ["8.8.8.8"],
                    "entrypoint": ["sh", "-c"], "image": "busybox:latest", "init": True,
                    "logging": {"driver": "json-file", "options": {"max-size": "1m"}}, "mem_limit": "67108864",
                    "networks": {"back": {"aliases": ["api.internal"], "ipv4_address": "10.199.28.10"}},
                    "stop_grace_period": "3s", "stop_signal": "SIGINT"},
            "client": {"command": ["sleep", "3600"], "entrypoint": None, "image": "busybox:latest", "init": True,
                       "networks": {"back": None}},
        },
    }


def test_network_options_resources_and_configs(make_project, project_name, tmp_path):
    (tmp_path / "app.conf").write_text("x=1\n")
    loaded = make_project(canonical(tmp_path, project_name))
    api.up(loaded, sink=CollectingSink())
    client = docker.APIClient(version="auto")
    app = client.inspect_container(f"{project_name}-app-1")
    host = app["HostConfig"]
    assert host["Memory"] == 64 * 1024 * 1024 and host["NanoCpus"] == 500_000_000
    assert host["Dns"] == ["8.8.8.8"] and host["LogConfig"] == {"Type": "json-file", "Config": {"max-size": "1m"}}
    assert app["Config"]["StopTimeout"] == 3 and app["Config"]["StopSignal"] == "SIGINT"
    assert app["Config"]["Entrypoint"] == ["sh", "-c"]
    endpoint = app["NetworkSettings"]["Networks"][f"{project_name}_back"]
    assert endpoint["IPAddress"] == "10.199.28.10"

    def run(container: str, *command: str) -> tuple[int, str]:
        exec_id = client.exec_create(container, list(command))
        output = client.exec_start(exec_id).decode().strip()
        return client.exec_inspect(exec_id)["ExitCode"], output

    assert run(f"{project_name}-app-1", "cat", "/app_conf") == (0, "x=1")
    code, output = run(f"{project_name}-client-1", "ping", "-c", "1", "-W", "2", "api.internal")
    assert code == 0 and "10.199.28.10" in output


def test_v2_agrees_nothing_to_recreate(make_project, project_name, tmp_path, docker_compose):
    (tmp_path / "app.conf").write_text("x=1\n")
    (tmp_path / "compose.yaml").write_text(COMPOSE_YAML)
    loaded = make_project(canonical(tmp_path, project_name))
    printed = json.loads(docker_compose("-p", project_name, "config", "--format", "json", cwd=str(tmp_path)).stdout)
    assert printed["services"] == loaded.config["services"]
    api.up(loaded, sink=CollectingSink())
    before = {c.name: c.id for c in api.ps(loaded)}
    result = docker_compose("-p", project_name, "up", "-d", cwd=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "Recreate" not in result.stderr and "Remov" not in result.stderr, result.stderr
    assert {c.name: c.id for c in api.ps(loaded)} == before
