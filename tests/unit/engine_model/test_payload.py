"""Canonical service → Engine API create body: the fields v2 maps, and the labels with the hash."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pycompose import labels
from pycompose.bind import bind_project, parse_duration
from pycompose.engine.context import resolve_endpoint
from pycompose.engine.payload import container_spec
from pycompose.errors import OperationFailed
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
    assert host["Init"] is True and host["ExtraHosts"] == ["h:1.2.3.4"] and host["CapAdd"] == ["CAP_NET_ADMIN"]
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


def test_binds_go_through_the_legacy_field_unless_only_the_mounts_api_can_say_it():
    """v2 `bindRequiresMountAPI`: a bind that may create its host path (a long-syntax one without `bind:` too)
    is a `Binds` entry, which makes the engine create a missing source; the others are `Mounts`."""
    proj = project({"volumes": [
        {"type": "bind", "source": "/w/missing", "target": "/a"},
        {"type": "bind", "source": "/w/src", "target": "/b", "bind": {"create_host_path": True, "selinux": "z"}},
        {"type": "bind", "source": "/w/src", "target": "/c", "bind": {"create_host_path": False}},
        {"type": "bind", "source": "/w/src", "target": "/d", "bind": {"create_host_path": True,
                                                                      "propagation": "rprivate"}},
    ]})
    host = spec(proj).body["HostConfig"]
    assert host["Binds"] == ["/w/missing:/a:rw", "/w/src:/b:rw,z"]
    assert host["Mounts"] == [
        {"Type": "bind", "Target": "/c", "Source": "/w/src", "BindOptions": {}},
        {"Type": "bind", "Target": "/d", "Source": "/w/src", "BindOptions": {"Propagation": "rprivate"}},
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


def test_capabilities_and_expose_reach_the_engine_as_v2_sends_them():
    """Measured with `docker inspect` of v2's container: caps upper-cased, `CAP_`-prefixed except `ALL`,
    deduplicated and sorted (moby client `normalizeCapabilities`); `expose` entries as written."""
    proj = project({"cap_add": ["NET_ADMIN", "CAP_SYS_TIME", "ALL", "net_admin"], "cap_drop": ["MKNOD", "cap_chown"],
                    "expose": ["7000", "7001/udp", "7002-7003", "7004-7005/udp"],
                    "ports": [{"mode": "ingress", "target": 7000, "published": "8080", "protocol": "tcp"}]})
    body = spec(proj).body
    assert body["HostConfig"]["CapAdd"] == ["ALL", "CAP_NET_ADMIN", "CAP_SYS_TIME"]
    assert body["HostConfig"]["CapDrop"] == ["CAP_CHOWN", "CAP_MKNOD"]
    assert body["ExposedPorts"] == {"7000/tcp": {}, "7000": {}, "7001/udp": {}, "7002-7003": {}, "7004-7005/udp": {}}


def test_inline_and_environment_configs_and_secrets_become_files_at_v2s_paths_and_modes():
    proj = project({
        "configs": [{"source": "inline", "target": "/etc/inline.conf"}, {"source": "fromenv"},
                    {"source": "long", "target": "/etc/long.conf", "uid": "123", "gid": "456", "mode": "0640"},
                    {"source": "onhost"}, {"source": "empty"}],
        "secrets": [{"source": "token", "target": "/run/secrets/token"}, {"source": "rel", "target": "sub/x"}],
    }, configs={"inline": {"name": "p_inline", "content": "hello\n"}, "fromenv": {"name": "p_fromenv",
                                                                                  "environment": "VALUE"},
                "long": {"name": "p_long", "content": "x"}, "onhost": {"name": "p_onhost", "file": "/w/f"},
                "empty": {"name": "p_empty", "content": ""}},
        secrets={"token": {"name": "p_token", "environment": "VALUE"}, "rel": {"name": "p_rel", "content": "r"}})
    proj = replace(proj, environment={"VALUE": "from-env"})
    files = {file.path: (file.content, oct(file.mode), file.uid, file.gid) for file in spec(proj).files}
    assert files == {
        "/run/secrets/token": (b"from-env", "0o444", 0, 0),
        "/run/secrets/sub/x": (b"r", "0o444", 0, 0),
        "/etc/inline.conf": (b"hello\n", "0o444", 0, 0),
        "/fromenv": (b"from-env", "0o444", 0, 0),
        "/etc/long.conf": (b"x", "0o640", 123, 456),
    }
    assert [file.path for file in spec(proj).files][:2] == ["/run/secrets/token", "/run/secrets/sub/x"]


def test_config_hash_ignores_the_content_of_inline_configs():
    def hash_of(content: str) -> str:
        proj = project({"configs": [{"source": "c"}]}, configs={"c": {"name": "p_c", "content": content}})
        return spec(proj).body["Labels"][labels.CONFIG_HASH]

    assert hash_of("one") == hash_of("two")


def test_read_only_service_refuses_inline_configs_and_secrets_with_v2s_message():
    proj = project({"read_only": True, "configs": [{"source": "inline"}]},
                   configs={"inline": {"name": "p_inline", "content": "x"}})
    with pytest.raises(OperationFailed) as refused:
        spec(proj)
    assert str(refused.value) == ('cannot create config "p_inline" in read-only service s: '
                                  "`file` is the sole supported option")
    proj = project({"read_only": True, "secrets": [{"source": "tok"}], "configs": [{"source": "onhost"}]},
                   secrets={"tok": {"name": "p_tok", "environment": "X"}}, configs={"onhost": {"file": "/w/f"}})
    with pytest.raises(OperationFailed, match='cannot create secret "p_tok" in read-only service s'):
        spec(replace(proj, environment={"X": "1"}))
    proj = project({"read_only": True, "configs": [{"source": "onhost"}]}, configs={"onhost": {"file": "/w/f"}})
    assert spec(proj).files == ()  # a file source is bind-mounted: allowed


def test_an_unset_environment_source_is_refused_as_v2_refuses_it():
    proj = project({"secrets": [{"source": "tok"}]}, secrets={"tok": {"name": "p_tok", "environment": "NOPE"}})
    with pytest.raises(OperationFailed, match='^environment variable "NOPE" required by secret "p_tok" is not set$'):
        spec(proj)


@pytest.mark.parametrize(("secrets", "configs", "message"), [
    ({"s": {"name": "p_s", "file": "/w/s", "external": True}}, {}, "unsupported external secret p_s"),
    ({"s": {"name": "p_s", "file": "/w/s", "driver": "vault"}}, {}, "Docker Compose does not support secrets.*.driver"),
    ({"s": {"name": "p_s", "environment": "X", "template_driver": "golang"}}, {},
     "Docker Compose does not support secrets.*.template_driver"),
    ({}, {"c": {"name": "outside", "external": True}}, "unsupported external config outside"),
    ({}, {"c": {"name": "p_c", "content": "x", "template_driver": "golang"}},
     "Docker Compose does not support configs.*.template_driver"),
])
def test_swarm_only_secret_and_config_keys_are_refused_with_v2s_message(secrets, configs, message):
    service = {"secrets": [{"source": key} for key in secrets], "configs": [{"source": key} for key in configs]}
    with pytest.raises(OperationFailed) as refused:
        spec(replace(project(service, secrets=secrets, configs=configs), environment={"X": "1"}))
    assert str(refused.value) == message


def test_file_references_warn_as_v2_in_its_order_also_before_a_refusal(tmp_path):
    present = tmp_path / "present"
    present.write_text("x")
    service = {"secrets": [{"source": "gone", "mode": 0o400}, {"source": "env", "uid": "1"}],
               "configs": [{"source": "c", "gid": "2"}, {"source": "bad"}]}
    secrets = {"gone": {"name": "p_gone", "file": str(tmp_path / "nothing")}, "env": {"environment": "X"}}
    configs = {"c": {"name": "p_c", "file": str(present)}, "bad": {"name": "p_bad", "template_driver": "golang"}}
    said: list[str] = []
    with pytest.raises(OperationFailed, match=r"configs\.\*\.template_driver"):
        spec(replace(project(service, secrets=secrets, configs=configs), environment={"X": "1"}), warn=said.append)
    assert said == ["secrets `uid`, `gid` and `mode` are not supported, they will be ignored",
                    "secret file p_gone does not exist",
                    "config `uid`, `gid` and `mode` are not supported, they will be ignored"]


@pytest.mark.parametrize(("service", "message"), [
    ({"healthcheck": {"test": ["CMD", "true"], "start_period": "1s", "start_interval": "1s"}},
     "can't set healthcheck.start_interval as feature require Docker Engine v25 or later"),
    ({"networks": {"default": {"interface_name": "eth7"}}}, "interface_name requires Docker Engine v28.1 or later"),
    ({"volumes": [{"type": "image", "source": "busybox", "target": "/i"}]},
     "volume with type=image require Docker Engine v28 or later"),
])
def test_keys_the_engine_is_too_old_for_are_refused_with_v2s_message(service, message):
    proj = project(service)
    with pytest.raises(OperationFailed) as refused:
        spec(proj, api_version="1.41")
    assert str(refused.value) == message
    spec(proj)  # no version given: no check


def test_start_interval_is_sent_to_a_recent_engine_and_needs_a_start_period():
    check = {"test": ["CMD", "true"], "start_period": "2s", "start_interval": "1s"}
    body = spec(project({"healthcheck": check}), api_version="1.44").body
    assert body["Healthcheck"]["StartInterval"] == 1_000_000_000
    del check["start_period"]
    with pytest.raises(OperationFailed, match="^healthcheck.start_interval requires healthcheck.start_period"):
        spec(project({"healthcheck": check}), api_version="1.51")


def test_links_and_endpoint_driver_opts_reach_the_endpoint_as_v2_writes_them():
    proj = project({"links": ["t:alias"], "external_links": ["other-container:ext", "bare"],
                    "networks": {"back": {"driver_opts": {"foo": "bar"}}}})
    proj = replace(proj, services=(*proj.services, replace(proj.service("s"), name="t", config={"image": "x"})))
    (back,) = container_spec(proj, proj.service("s"), 2, name="p-s-2", container_id_of=lambda _: None,
                             image=None).networks
    assert back.endpoint["Links"] == ["p-t-1:alias", "p-t-1:t-2", "p-t-1:p-t-2", "other-container:ext", "bare:bare"]
    assert back.endpoint["DriverOpts"] == {"foo": "bar"}


def test_gpus_device_reservations_and_storage_opt_reach_the_engine():
    """Sent as v2 sends them, for the engine to accept or refuse (v2 does not drop them)."""
    proj = project({"gpus": [{"count": -1}], "storage_opt": {"size": "1G"},
                    "deploy": {"resources": {"reservations": {"devices": [
                        {"capabilities": ["compute"], "driver": "nvidia", "device_ids": ["0"]}]}}}})
    host = spec(proj).body["HostConfig"]
    assert host["DeviceRequests"] == [
        {"Driver": "nvidia", "Count": 0, "DeviceIDs": ["0"], "Capabilities": [["compute"]], "Options": None},
        {"Driver": "", "Count": -1, "DeviceIDs": None, "Capabilities": [["gpu"]], "Options": None},
    ]
    assert host["StorageOpt"] == {"size": "1G"}
