"""compose model → swarm specs, field by field as docker/cli's convert package (checked on the engine by
tests/engine/test_stack_differential.py)."""

from __future__ import annotations

import base64

import pytest

from pycompose.errors import ConfigError
from pycompose.stack.convert import IMAGE_LABEL, NAMESPACE_LABEL, check_properties, convert

FULL = """
services:
  web:
    image: busybox:latest
    entrypoint: ["sh"]
    command: ["-c", "sleep 1000"]
    environment: {B: "2", A: "1", C: null}
    labels: [x=y]
    ports:
      - "18080:80"
      - {target: 81, published: 18081, mode: host}
    healthcheck: {test: ["CMD", "true"], interval: 10s, retries: 3}
    stop_grace_period: 5s
    deploy:
      replicas: 2
      labels: {dl: "1"}
      resources:
        limits: {cpus: "0.5", memory: 50M}
        reservations: {memory: 10M}
      restart_policy: {condition: on-failure, delay: 5s, max_attempts: 3, window: 10s}
      placement:
        constraints: [node.role==manager]
        preferences: [{spread: node.id}]
        max_replicas_per_node: 2
      update_config: {parallelism: 2, delay: 2s, order: start-first, failure_action: rollback}
      rollback_config: {parallelism: 0}
      endpoint_mode: vip
    configs: [cfg]
    secrets: [sec]
    networks: [front]
  worker:
    image: busybox:latest
    deploy: {mode: global}
networks:
  front: {attachable: true}
configs:
  cfg: {file: ./cfg.txt}
secrets:
  sec: {file: ./sec.txt}
"""


def test_full_service_spec(load_stack):
    project = load_stack(FULL, files={"cfg.txt": "config!", "sec.txt": "secret!"})
    spec = convert(project.config, "st")
    web = spec.services["st_web"]
    assert web["Name"] == "st_web"
    assert web["Labels"] == {"dl": "1", NAMESPACE_LABEL: "st", IMAGE_LABEL: "busybox:latest"}
    container = web["TaskTemplate"]["ContainerSpec"]
    assert container["Image"] == "busybox:latest"
    assert container["Command"] == ["sh"] and container["Args"] == ["-c", "sleep 1000"]
    assert container["Env"] == ["A=1", "B=2", "C"]
    assert container["Labels"] == {"x": "y", NAMESPACE_LABEL: "st"}
    assert container["StopGracePeriod"] == 5_000_000_000
    assert container["Healthcheck"] == {"Test": ["CMD", "true"], "Interval": 10_000_000_000, "Retries": 3}
    assert container["Secrets"] == [{"File": {"Name": "sec", "UID": "0", "GID": "0", "Mode": 0o444},
                                     "SecretName": "st_sec"}]
    assert container["Configs"] == [{"File": {"Name": "cfg", "UID": "0", "GID": "0", "Mode": 0o444},
                                     "ConfigName": "st_cfg"}]
    task = web["TaskTemplate"]
    assert task["Resources"] == {"Limits": {"NanoCPUs": 500_000_000, "MemoryBytes": 50 << 20},
                                 "Reservations": {"MemoryBytes": 10 << 20}}
    assert task["RestartPolicy"] == {"Condition": "on-failure", "Delay": 5_000_000_000, "MaxAttempts": 3,
                                     "Window": 10_000_000_000}
    assert task["Placement"] == {"Constraints": ["node.role==manager"],
                                 "Preferences": [{"Spread": {"SpreadDescriptor": "node.id"}}], "MaxReplicas": 2}
    assert task["Networks"] == [{"Target": "st_front", "Aliases": ["web"]}]
    assert web["Mode"] == {"Replicated": {"Replicas": 2}}
    assert web["UpdateConfig"] == {"Parallelism": 2, "Delay": 2_000_000_000, "FailureAction": "rollback",
                                   "Order": "start-first"}
    assert web["RollbackConfig"] == {"Parallelism": 0}
    assert web["EndpointSpec"] == {"Mode": "vip", "Ports": [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 18080, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 81, "PublishedPort": 18081, "PublishMode": "host"}]}
    assert spec.services["st_worker"]["Mode"] == {"Global": {}}
    assert spec.services["st_worker"]["TaskTemplate"]["Networks"] == [{"Target": "st_default", "Aliases": ["worker"]}]


def test_networks_configs_secrets(load_stack):
    project = load_stack(FULL, files={"cfg.txt": "config!", "sec.txt": "secret!"})
    spec = convert(project.config, "st")
    assert spec.networks == {
        "st_default": {"Driver": "overlay", "Labels": {NAMESPACE_LABEL: "st"}},
        "st_front": {"Driver": "overlay", "Labels": {NAMESPACE_LABEL: "st"}, "Attachable": True},
    }
    assert base64.b64decode(spec.configs["st_cfg"].spec["Data"]) == b"config!"
    assert spec.configs["st_cfg"].spec["Labels"] == {NAMESPACE_LABEL: "st"}
    assert base64.b64decode(spec.secrets["st_sec"].spec["Data"]) == b"secret!"


def test_external_and_named_objects(load_stack):
    project = load_stack("""
        services:
          app:
            image: busybox
            networks: [outside]
            secrets: [{source: token, target: tok, mode: 0400, uid: "1"}]
            configs: [{source: shared, target: /etc/shared}]
        networks:
          outside: {external: true, name: corp}
        secrets:
          token: {external: true}
        configs:
          shared: {file: ./c.txt, name: shared-v1}
    """, files={"c.txt": "x"})
    spec = convert(project.config, "st")
    assert spec.external_networks == ("corp",) and spec.networks == {}
    assert ("secret", "token") in spec.external_objects and spec.secrets == {}
    assert list(spec.configs) == ["shared-v1"]
    container = spec.services["st_app"]["TaskTemplate"]["ContainerSpec"]
    assert container["Secrets"] == [{"File": {"Name": "tok", "UID": "1", "GID": "0", "Mode": 0o400},
                                     "SecretName": "token"}]
    assert container["Configs"][0]["ConfigName"] == "shared-v1"
    assert spec.services["st_app"]["TaskTemplate"]["Networks"] == [{"Target": "corp", "Aliases": ["app"]}]


@pytest.mark.parametrize(("deploy", "mode"), [
    ({"mode": "replicated-job", "replicas": 3}, {"ReplicatedJob": {"MaxConcurrent": 3, "TotalCompletions": 3}}),
    ({"mode": "global-job"}, {"GlobalJob": {}}),
    ({}, {"Replicated": {}}),
])
def test_modes(deploy, mode):
    config = {"services": {"a": {"image": "busybox", "deploy": deploy}}}
    assert convert(config, "st").services["st_a"]["Mode"] == mode


def test_global_with_replicas_is_refused():
    config = {"services": {"a": {"image": "busybox", "deploy": {"mode": "global", "replicas": 2}}}}
    with pytest.raises(ConfigError, match="replicas can only be used with replicated or replicated-job mode"):
        convert(config, "st")


def test_refusals_and_warnings():
    assert check_properties({"services": {"a": {"image": "x", "build": {}, "restart": "always",
                                                "container_name": "c"}}}) == [
        "Ignoring unsupported options: build, restart\n\n",
        "Ignoring deprecated options:\n\ncontainer_name: Setting the container name is not supported.\n\n",
    ]
    assert check_properties({"services": {"a": {"image": "x", "expose": ["80"], "container_name": "c"}}}) == [
        "Ignoring deprecated options:\n\ncontainer_name: Setting the container name is not supported.\n\nexpose: "
        "Exposing ports is unnecessary - services on the same network can access each other's containers on any "
        "port.\n\n",
    ]
    with pytest.raises(ConfigError, match="invalid image reference for service a: no image specified"):
        check_properties({"services": {"a": {"build": {"context": "."}}}})
    with pytest.raises(ConfigError, match="unsupported options: volumes_from"):
        check_properties({"services": {"a": {"image": "x", "volumes_from": ["b"]}}})


def test_volumes_become_mounts(load_stack):
    project = load_stack("""
        services:
          a:
            image: busybox
            volumes: [data:/data, ./here:/here:ro, {type: tmpfs, target: /t, tmpfs: {size: 1m}}]
        volumes:
          data: {driver_opts: {type: none}}
    """)
    mounts = convert(project.config, "st").services["st_a"]["TaskTemplate"]["ContainerSpec"]["Mounts"]
    assert mounts[0] == {"Type": "volume", "Source": "st_data", "Target": "/data", "VolumeOptions": {
        "Labels": {NAMESPACE_LABEL: "st"}, "DriverConfig": {"Options": {"type": "none"}}}}
    assert mounts[1]["Type"] == "bind" and mounts[1]["ReadOnly"] is True and mounts[1]["Target"] == "/here"
    assert mounts[2] == {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1 << 20}}


def test_ports_sorted_by_published_port_as_docker_28():
    config = {"services": {"a": {"image": "busybox", "ports": [
        {"target": 80, "published": "9002", "protocol": "tcp"}, {"target": 53, "published": "9001", "protocol": "udp"},
        {"target": 22, "published": "9002", "protocol": "udp"}]}}}
    ports = convert(config, "st").services["st_a"]["EndpointSpec"]["Ports"]
    assert [(p["PublishedPort"], p["TargetPort"]) for p in ports] == [(9001, 53), (9002, 80), (9002, 22)]
