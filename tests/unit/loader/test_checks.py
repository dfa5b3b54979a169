"""Consistency checks on canonical projects, against Docker Compose v2.40.3.

GOLDEN was produced with the reference binary: for each small compose file, the canonical project
(`docker-compose config --no-consistency --format json`, project name `p`, in /tmp/gold/proj) and the error
`docker-compose config -q` printed (None when it accepted the file).
"""

from __future__ import annotations

import json

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.checks import check_project, find_cycle, service_dependencies

GOLDEN = {
    'no_image': (
        'service "s" has neither an image nor a build context specified: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"s":{"command":["x"],'
        '"entrypoint":null,"networks":{"default":null}}}}',
    ),
    'undefined_dep': (
        'service "s" depends on undefined service "nope": invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"s":{"command":null,'
        '"depends_on":{"nope":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'undefined_volume': (
        'service "s" refers to undefined volume data: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"s":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null},"volumes":[{"type":"volume","source":"data",'
        '"target":"/d","volume":{}}]}}}',
    ),
    'undefined_network': (
        'service "s" refers to undefined network back: invalid compose project',
        '{"name":"p","services":{"s":{"command":null,"entrypoint":null,"image":"x","networks":{"back":null}}}}',
    ),
    'undefined_secret': (
        'service "s" refers to undefined secret sec: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"s":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null},"secrets":[{"source":"sec",'
        '"target":"/run/secrets/sec"}]}}}',
    ),
    'undefined_config': (
        'service "s" refers to undefined config cfg: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"s":{"command":null,'
        '"configs":[{"source":"cfg"}],"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'cycle3': (
        'dependency cycle detected: a -> b -> c -> a',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"b":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}},"b":{"command":null,"depends_on":{"c":{"condition":"service_started",'
        '"required":true}},"entrypoint":null,"image":"x","networks":{"default":null}},"c":{"command":null,'
        '"depends_on":{"a":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'cycle_links_volumes_from': (
        'dependency cycle detected: a -> b -> a',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"b":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null},"volumes_from":["b"]},"b":{"command":null,'
        '"depends_on":{"a":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"image":"x","links":["a"],"networks":{"default":null}}}}',
    ),
    'cycle_network_mode': (
        'dependency cycle detected: a -> b -> a',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"b":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"image":"x","network_mode":"service:b"},"b":{"command":null,"depends_on":{"a":{"condition":"service_started",'
        '"required":true}},"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'cycle_late': (
        'dependency cycle detected: n -> p -> n',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"z":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}},"m":{"command":null,"depends_on":{"n":{"condition":"service_started",'
        '"required":true}},"entrypoint":null,"image":"x","networks":{"default":null}},"n":{"command":null,'
        '"depends_on":{"p":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}},"p":{"command":null,"depends_on":{"n":{"condition":"service_started",'
        '"required":true}},"entrypoint":null,"image":"x","networks":{"default":null}},"z":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'dup_container_name': (
        'services.b: container name "xy" is already in use by service {}"',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"container_name":"xy","entrypoint":null,"image":"x","networks":{"default":null}},"b":{"command":null,'
        '"container_name":"xy","entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'container_name_scale': (
        "services.scale: can't set container_name and a as container name must be unique: invalid compose project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"container_name":"xy","entrypoint":null,"image":"x","networks":{"default":null},"scale":2}}}',
    ),
    'container_name_replicas': (
        "services.deploy.replicas: can't set container_name and a as container name must be unique: invalid compose "
        "project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"container_name":"xy","deploy":{"replicas":2,"resources":{},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'network_mode_and_networks': (
        'service a declares mutually exclusive `network_mode` and `networks`: invalid compose project',
        '{"name":"p","services":{"a":{"command":null,"entrypoint":null,"image":"x","network_mode":"host",'
        '"networks":{"default":null}}}}',
    ),
    'network_mode_undefined': (
        'service "a" depends on undefined service "zz": invalid compose project',
        '{"name":"p","services":{"a":{"command":null,"depends_on":{"zz":{"condition":"service_started","restart":true,'
        '"required":true}},"entrypoint":null,"image":"x","network_mode":"service:zz"}}}',
    ),
    'healthcheck_test': (
        'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"entrypoint":null,"healthcheck":{"test":["FOO"]},"image":"x","networks":{"default":null}}}}',
    ),
    'scale_vs_replicas': (
        "services.a: can't set distinct values on 'scale' and 'deploy.replicas': invalid compose project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"replicas":3,"resources":{},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null},"scale":2}}}',
    ),
    'negative_scale': (
        'services.a.scale: must be greater than or equal to 0',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null},"scale":-1}}}',
    ),
    'negative_replicas': (
        'services.a.deploy.replicas: must be greater than or equal to 0',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"replicas":-2,"resources":{},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'tmpfs_volume_target': (
        'services.a.volumes[0]: target /a already mounted as services.a.tmpfs[0]',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null},"tmpfs":["/a"],"volumes":[{"type":"volume",'
        '"target":"/a"}]}}}',
    ),
    'dockerfile_inline': (
        'service "a" declares mutualy exclusive dockerfile and dockerfile_inline: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"build":{"context":"/tmp/gold/proj","dockerfile":"a","dockerfile_inline":"b"},"command":null,'
        '"entrypoint":null,"networks":{"default":null}}}}',
    ),
    'cpus_mismatch': (
        "services.a: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus': invalid compose project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"cpus":1,"command":null,'
        '"deploy":{"resources":{"limits":{"cpus":2}},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'cpus_no_limit': (
        "services.a: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus': invalid compose project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"cpus":1,"command":null,'
        '"deploy":{"resources":{"limits":{"memory":"1073741824"}},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'cpus_same': (
        None,
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"cpus":1.5,"command":null,'
        '"deploy":{"resources":{"limits":{"cpus":1.5}},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'mem_mismatch': (
        "services.a: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory': invalid compose "
        "project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"resources":{"limits":{"memory":"2147483648"}},"placement":{}},"entrypoint":null,"image":"x",'
        '"mem_limit":"1073741824","networks":{"default":null}}}}',
    ),
    'mem_same': (
        None,
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"resources":{"limits":{"memory":"1073741824"}},"placement":{}},"entrypoint":null,"image":"x",'
        '"mem_limit":"1073741824","networks":{"default":null}}}}',
    ),
    'pids_mismatch': (
        "services.a: can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids': invalid compose "
        "project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"resources":{"limits":{"pids":20}},"placement":{}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null},"pids_limit":10}}}',
    ),
    'memres_mismatch': (
        "services.a: can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory': "
        "invalid compose project",
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"deploy":{"resources":{"reservations":{"memory":"2147483648"}},"placement":{}},"entrypoint":null,"image":"x",'
        '"mem_reservation":"1073741824","networks":{"default":null}}}}',
    ),
    'platforms': (
        'service.build.platforms MUST include service.platform "linux/amd64": invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"build":{"context":"/tmp/gold/proj","dockerfile":"Dockerfile","platforms":["linux/arm64"]},'
        '"command":null,"entrypoint":null,"image":"x","networks":{"default":null},"platform":"linux/amd64"}}}',
    ),
    'undefined_model': (
        'service "a" refers to undefined model m: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"entrypoint":null,"image":"x","models":{"m":null},"networks":{"default":null}}}}',
    ),
    'undefined_build_secret': (
        'service "a" refers to undefined build secret zz: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"build":{"context":"/tmp/gold/proj","dockerfile":"Dockerfile","secrets":[{"source":"zz"}]},'
        '"command":null,"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'watch_target': (
        'services.a.develop.watch: target is required for non-rebuild actions: invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"develop":{"watch":[{"path":"/tmp/gold/proj/x","action":"sync","exec":{"command":null}}]},'
        '"command":null,"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'additional_context_unknown': (
        'service "a" declares unknown service "zz" as additional contexts x',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"build":{"context":"/tmp/gold/proj","dockerfile":"Dockerfile",'
        '"additional_contexts":{"x":"service:zz"}},"command":null,"entrypoint":null,"networks":{"default":null}}}}',
    ),
    'additional_context_not_buildable': (
        'service "a" declares non-buildable service "b" as additional contexts x',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},'
        '"services":{"a":{"build":{"context":"/tmp/gold/proj","dockerfile":"Dockerfile",'
        '"additional_contexts":{"x":"service:b"}},"command":null,"entrypoint":null,"networks":{"default":null}},'
        '"b":{"command":null,"entrypoint":null,"image":"x","networks":{"default":null}}}}',
    ),
    'volumes_from_undefined': (
        'service "a" depends on undefined service "zz": invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"zz":{"condition":"service_started","required":true}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null},"volumes_from":["zz"]}}}',
    ),
    'volumes_from_container': (
        None,
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"entrypoint":null,"image":"x","networks":{"default":null},"volumes_from":["container:zz"]}}}',
    ),
    'ipc_undefined': (
        'service "a" depends on undefined service "zz": invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"zz":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"image":"x","ipc":"service:zz","networks":{"default":null}}}}',
    ),
    'required_false_undefined': (
        'service "a" depends on undefined service "b": invalid compose project',
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"services":{"a":{"command":null,'
        '"depends_on":{"b":{"condition":"service_started","required":false}},"entrypoint":null,"image":"x",'
        '"networks":{"default":null}}}}',
    ),
    'valid_full': (
        None,
        '{"configs":{"c1":{"name":"p_c1","content":"hi"}},"name":"p","networks":{"back":{"name":"p_back","ipam":{}},'
        '"default":{"name":"p_default","ipam":{}}},"secrets":{"s1":{"name":"p_s1","file":"/tmp/gold/proj/s"}},'
        '"services":{"a":{"command":null,"configs":[{"source":"c1"}],"container_name":"ca",'
        '"depends_on":{"b":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"healthcheck":{"test":["CMD-SHELL","true"]},"image":"x","links":["b"],"networks":{"back":null},'
        '"secrets":[{"source":"s1","target":"/run/secrets/s1"}],"tmpfs":["/t"],"volumes":[{"type":"volume",'
        '"source":"data","target":"/d","volume":{}},{"type":"bind","source":"/tmp/gold/proj/x","target":"/x",'
        '"bind":{"create_host_path":true}},{"type":"volume","target":"/anon","volume":{}}]},"b":{"command":null,'
        '"depends_on":{"c":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"image":"x","network_mode":"service:c","volumes_from":["c"]},"c":{"command":null,'
        '"depends_on":{"d":{"condition":"service_started","restart":true,"required":true}},"entrypoint":null,'
        '"image":"x","ipc":"service:d","networks":{"default":null}},"d":{"command":null,"entrypoint":null,"image":"x",'
        '"networks":{"default":null},"secrets":[{"source":"s1","target":"/x"}]}},"volumes":{"data":{"name":"p_data"}}}',
    ),
    'valid_external_secret': (
        None,
        '{"name":"p","networks":{"default":{"name":"p_default","ipam":{}}},"secrets":{"s":{"name":"s",'
        '"external":true}},"services":{"a":{"command":null,"entrypoint":null,"image":"x","networks":{"default":null},'
        '"secrets":[{"source":"s","target":"/run/secrets/s"}]}}}',
    ),
}

# v2 garbles these messages (Go format arguments); we say what it meant.
IMPROVED = {
    "dup_container_name": 'services.b.container_name: container name "xy" is already in use by service "a"',
    "container_name_scale": (
        "services.a.scale: can't set container_name and scale as container name must be unique: "
        "invalid compose project"
    ),
    "container_name_replicas": (
        "services.a.deploy.replicas: can't set container_name and deploy.replicas as container name must be "
        "unique: invalid compose project"
    ),
}


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_checks_agree_with_compose_v2(case: str) -> None:
    v2_error, canonical = GOLDEN[case]
    config = json.loads(canonical)
    if v2_error is None:
        check_project(config)
        return
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    error = caught.value
    assert error.keys is None or isinstance(error.keys, tuple)
    if case in IMPROVED:
        assert str(error) == IMPROVED[case]
    else:
        # v2 prints either a bare message or "path: message"; we carry the path separately
        assert v2_error in (error.message, str(error)), str(error)


def test_errors_carry_a_key_path_for_locating() -> None:
    config = json.loads(GOLDEN["undefined_volume"][1])
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    assert caught.value.keys == ("services", "s", "volumes", 0)


def _project(**services: dict) -> dict:
    return {"name": "p", "services": {name: {"image": "x", **body} for name, body in services.items()}}


def test_find_cycle_follows_v2_order() -> None:
    config = _project(c={"depends_on": {"a": {}}}, a={"depends_on": {"b": {}}}, b={"depends_on": {"c": {}}})
    assert find_cycle(config) == ["a", "b", "c", "a"]
    assert find_cycle(_project(a={"depends_on": {"b": {}}}, b={})) is None


def test_find_cycle_counts_implicit_dependencies() -> None:
    config = _project(a={"links": ["b:alias"]}, b={"network_mode": "service:c"}, c={"volumes_from": ["a:ro"]})
    assert find_cycle(config) == ["a", "b", "c", "a"]
    assert service_dependencies({"volumes_from": ["container:x", "y"], "ipc": "service:z"}) == ["z", "y"]


def test_find_cycle_is_fast_on_wide_acyclic_graphs() -> None:
    # every service depends on every earlier one: a naive search explores 2**n paths
    names = [f"s{i:03d}" for i in range(200)]
    config = _project(**{n: {"depends_on": {m: {} for m in names[:i]}} for i, n in enumerate(names)})
    assert find_cycle(config) is None


def test_disabled_optional_dependency_is_allowed() -> None:
    config = _project(a={"depends_on": {"b": {"condition": "service_started", "required": False}}})
    check_project(config, disabled_services={"b"})
    with pytest.raises(ConfigError, match='depends on undefined service "b"'):
        check_project(config)


def test_model_checks_before_consistency() -> None:
    config = _project()
    config["secrets"] = {"s": {"name": "p_s", "file": "/a", "environment": "B"}}
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    assert str(caught.value) == "secrets.s: file|environment attributes are mutually exclusive"
    config["secrets"] = {"s": {"name": "p_s"}}
    with pytest.raises(ConfigError, match=r"^secrets.s: one of file\|environment must be set$"):
        check_project(config)
    config = _project()
    config["configs"] = {"c": {"name": "x"}}
    with pytest.raises(ConfigError, match=r"one of file\|environment\|content must be set"):
        check_project(config)


def test_external_volume_with_other_attributes() -> None:
    config = _project()
    config["volumes"] = {"v": {"name": "v", "external": True, "driver": "x"}}
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    assert str(caught.value) == 'volumes.v: conflicting parameters "external" and "driver" specified'


def test_port_host_ip_and_device_requests() -> None:
    config = _project(a={"ports": [{"target": 80, "host_ip": "nope", "protocol": "tcp"}]})
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    assert str(caught.value) == "services.a.ports[0]: invalid ip address: nope"
    check_project(_project(a={"ports": [{"target": 80, "host_ip": "::1"}]}))
    config = _project(a={"gpus": [{"count": 1, "device_ids": ["0"]}]})
    with pytest.raises(ConfigError, match='"count" and "device_ids" attributes are exclusive'):
        check_project(config)


def test_odd_shapes_never_escape_as_other_exceptions() -> None:
    for config in ({}, {"services": None}, {"services": {"a": None}}, {"services": {"a": {"image": "x",
                   "volumes": "x", "depends_on": 3, "secrets": [1], "deploy": {"resources": None}}}}):
        try:
            check_project(config)
        except ConfigError:
            pass
    with pytest.raises(ConfigError):
        check_project([])  # type: ignore[arg-type]


def test_secret_with_driver_but_no_source_is_refused_when_used() -> None:
    # canonical form printed by v2.40.3 `config --no-consistency` for a service using `secrets: {s: {driver: x}}`
    config = {
        "name": "sc",
        "networks": {"default": {"name": "sc_default", "ipam": {}}},
        "secrets": {"s": {"name": "sc_s", "driver": "x"}},
        "services": {"a": {"command": None, "entrypoint": None, "image": "x", "networks": {"default": None},
                           "secrets": [{"source": "s", "target": "/run/secrets/s"}]}},
    }
    with pytest.raises(ConfigError) as caught:
        check_project(config)
    assert caught.value.message == 'secret "s" must declare either `file` or `environment`: invalid compose project'
    assert caught.value.keys == ("secrets", "s")
