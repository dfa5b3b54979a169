"""Bad values raise ConfigError with v2.40.3's wording (messages taken from the reference binary) and the key path."""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.canonical import CanonicalContext, canonicalize

CTX = CanonicalContext(project_name="test", working_dir="/PROJECT", home_dir="/home/user")

CASES = [
    ({"ports": ["abc:80"]}, "invalid hostPort: abc", ("services", "a", "ports", 0)),
    ({"ports": ["  80"]}, "invalid containerPort:   80", ("services", "a", "ports", 0)),
    ({"volumes": ["/a:/b:ro:x"]}, "invalid spec: /a:/b:ro:x: too many colons", ("services", "a", "volumes", 0)),
    ({"ports": ["80:abc"]}, "invalid containerPort: abc", ("services", "a", "ports", 0)),
    ({"ports": ["99999:80"]}, "invalid hostPort: 99999", ("services", "a", "ports", 0)),
    ({"ports": ["1.2.3:80:80"]}, "invalid IP address: 1.2.3", ("services", "a", "ports", 0)),
    ({"ports": ["80:80/xyz"]}, "invalid proto: xyz", ("services", "a", "ports", 0)),
    ({"ports": ["80", "80-81:90-93"]},
     "invalid ranges specified for container and host Ports: 90-93 and 80-81", ("services", "a", "ports", 1)),
    ({"healthcheck": {"interval": "10x"}}, 'time: unknown unit "x" in duration "10x"',
     ("services", "a", "healthcheck", "interval")),
    ({"healthcheck": {"interval": "10"}}, 'time: missing unit in duration "10"',
     ("services", "a", "healthcheck", "interval")),
    ({"stop_grace_period": "abc"}, 'time: invalid duration "abc"', ("services", "a", "stop_grace_period")),
    ({"mem_limit": "10q"}, "invalid suffix: 'q'", ("services", "a", "mem_limit")),
    ({"mem_limit": "10kbb"}, "invalid suffix: 'kbb'", ("services", "a", "mem_limit")),
    ({"mem_limit": "1.2.3m"}, 'strconv.ParseFloat: parsing "1.2.3": invalid syntax', ("services", "a", "mem_limit")),
    ({"shm_size": "abc"}, "invalid size: 'abc'", ("services", "a", "shm_size")),
    ({"volumes": [":/x"]}, "invalid spec: :/x: empty section between colons", ("services", "a", "volumes", 0)),
    ({"devices": ["a:b:c:d"]}, "confusing device mapping, please use long syntax: a:b:c:d",
     ("services", "a", "devices", 0)),
]


@pytest.mark.parametrize(("service", "message", "keys"), CASES, ids=[c[1] for c in CASES])
def test_bad_value_reports_v2_message(service: dict, message: str, keys: tuple) -> None:
    merged = {"services": {"a": {"image": "busybox", **service}}}
    with pytest.raises(ConfigError) as raised:
        canonicalize(merged, CTX)
    assert raised.value.message == message
    assert raised.value.keys == keys


def test_unexpected_shapes_stay_config_errors() -> None:
    merged = {"services": {"a": {"image": "busybox", "ports": [["nested"]], "deploy": {"resources": 3}}}}
    with pytest.raises(ConfigError):
        canonicalize(merged, CTX)
