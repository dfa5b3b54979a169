"""Canonical service → Engine API create body: the fields v2 maps, and the labels with the hash."""

from __future__ import annotations

from pycompose import labels
from pycompose.bind import bind_project, parse_duration
from pycompose.engine.context import resolve_endpoint
from pycompose.engine.payload import container_spec
from pycompose.loader.options import LoadedProject
from pycompose.observed import ObservedContainer, ObservedImage, ObservedMount


def project(service: dict, **top):
    config = {"name": "p", "networks": {"default": {"name": "p_default", "ipam": {}},
                                        "back": {"name": "p_back", "ipam": {}}},
              "services": {"s": {"image": "busybox:latest", **service}}, **top}
    return bind_project(LoadedProject(name="p", working_dir="/w", config_files=("/w/compose.yaml",),
                                      env_files=(), environment={}, config=config))


def spec(proj, **kwargs):
    return container_spec(proj, proj.service("s"), 1, name="p-s-1", container_id_of=lambda _: "abc",
                          image=ObservedImage(id="sha256:img", volumes=("/img",)), **kwargs)


def test_runtime_fields_map_to_engine_names():
    proj = project({
        "command": ["sh", "-c", "x"], "entrypoint": None, "environment": {"A": "1", "B": None},
        "healthcheck": {"test": ["CMD", "true"], "interval": "1s", "retries": 3},
        "init": True, "restart": "on-failure:2", "user": "1000", "working_dir": "/app",
        "ports": [{"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"}],
        "extra_hosts": ["h=1.2.3.4"], "ulimits": {"nofile": {"soft": 10, "hard": 20}},
        "stop_grace_period": "1m30s", "cap_add": ["NET_ADMIN"],
        "networks": {"back": {"aliases": ["b"], "ipv4_address": "10.0.0.5"}, "default": None},
        "labels": {"mine": "x", labels.PROJECT: "spoofed"},
    })
    created = spec(proj)
    body, host = created.body, created.body["HostConfig"]
    assert body["Cmd"] == ["sh", "-c", "x"] and "Entrypoint" not in body
    assert body["Env"] == ["A=1", "B"]
    assert body["Healthcheck"] == {"Test": ["CMD", "true"], "Interval": 1_000_000_000, "Retries": 3}
    assert body["StopTimeout"] == 90 and body["User"] == "1000" and body["WorkingDir"] == "/app"
    assert body["ExposedPorts"] == {"80/tcp": {}}
    assert host["PortBindings"] == {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}
    assert host["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert host["Init"] is True and host["ExtraHosts"] == ["h:1.2.3.4"] and host["CapAdd"] == ["NET_ADMIN"]
    assert host["Ulimits"] == [{"Name": "nofile", "Soft": 10, "Hard": 20}]
    assert [a.network for a in created.networks] == ["p_back", "p_default"]
    assert created.networks[0].endpoint == {"Aliases": ["p-s-1", "s", "b"], "IPAMConfig": {"IPv4Address": "10.0.0.5"}}
    assert body["Labels"]["mine"] == "x" and body["Labels"][labels.PROJECT] == "p"
    assert body["Labels"][labels.IMAGE] == "sha256:img"


def test_mounts_binds_relative_to_project_and_anonymous_volumes_inherited():
    proj = project({
        "volumes": [
            {"type": "bind", "source": "/w/conf", "target": "/conf", "read_only": True,
             "bind": {"create_host_path": True}},
            {"type": "volume", "source": "data", "target": "/data", "volume": {}},
            {"type": "volume", "target": "/anon", "volume": {}},
            {"type": "tmpfs", "target": "/t", "tmpfs": {"size": 1024}},
        ],
        "secrets": [{"source": "token"}],
    }, volumes={"data": {"name": "p_data"}}, secrets={"token": {"name": "p_token", "file": "/w/token.txt"}})
    old = ObservedContainer(id="old", name="p-s-1", state="running", labels={}, mounts=(
        ObservedMount("volume", "anon123", "/anon"), ObservedMount("volume", "img456", "/img"),
        ObservedMount("volume", "p_data", "/data")))
    host = spec(proj, inherit=old).body["HostConfig"]
    assert host["Binds"] == ["/w/conf:/conf:ro"]
    assert host["Mounts"] == [
        {"Type": "volume", "Target": "/data", "Source": "p_data"},
        {"Type": "volume", "Target": "/anon", "Source": "anon123"},
        {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"SizeBytes": 1024}},
        {"Type": "volume", "Source": "img456", "Target": "/img"},
        {"Type": "bind", "Source": "/w/token.txt", "Target": "/run/secrets/token", "ReadOnly": True},
    ]


def test_network_mode_service_resolves_to_container_id_in_body_and_hash():
    proj = project({"network_mode": "service:other", "command": None, "entrypoint": None})
    created = spec(proj)
    assert created.body["HostConfig"]["NetworkMode"] == "container:abc"
    assert created.networks == ()


def test_durations_and_endpoint_resolution(tmp_path):
    assert parse_duration("1m30s") == 90 and parse_duration("500ms") == 0.5
    assert resolve_endpoint({"DOCKER_HOST": "tcp://h:1"}).host == "tcp://h:1"
    config = tmp_path / "config.json"
    config.write_text('{"currentContext": "remote"}')
    import hashlib
    meta = tmp_path / "contexts" / "meta" / hashlib.sha256(b"remote").hexdigest()
    meta.mkdir(parents=True)
    (meta / "meta.json").write_text('{"Name":"remote","Endpoints":{"docker":{"Host":"ssh://me@box"}}}')
    assert resolve_endpoint({"DOCKER_CONFIG": str(tmp_path)}).host == "ssh://me@box"
    assert resolve_endpoint({"DOCKER_CONFIG": str(tmp_path / "none")}).host == "unix:///var/run/docker.sock"
