"""Config hashes: values from the reference document (checked against v2 container labels) and from
`docker-compose config --hash` (more cases in tests/unit/render/test_golden.py)."""

from __future__ import annotations

from pycompose import hashing

SERVICE = {
    "command": ["sleep", "3600"],
    "entrypoint": None,
    "healthcheck": {"test": ["CMD", "true"], "interval": "1s"},
    "image": "busybox:latest",
    "networks": {"default": None},
}
SERVICE_HASH = "4d0f42f8e591ff7b017eec597336ce5febf95379003a077bfdb80dc95464321a"


def test_service_hash_matches_v2():
    assert hashing.service_hash(SERVICE) == SERVICE_HASH


def test_fields_v2_blanks_do_not_change_the_hash():
    noisy = {
        **SERVICE,
        "build": {"context": "/x"},
        "pull_policy": "always",
        "scale": 3,
        "depends_on": {"db": {"condition": "service_started", "required": True}},
        "profiles": ["dev"],
        "x-extension": {"a": 1},
    }
    assert hashing.service_hash(noisy) == SERVICE_HASH


def test_replicas_are_not_hashed_but_deploy_is():
    with_replicas = {**SERVICE, "deploy": {"replicas": 2, "resources": {}, "placement": {}}}
    without_replicas = {**SERVICE, "deploy": {"resources": {}, "placement": {}}}
    assert hashing.service_hash(with_replicas) == hashing.service_hash(without_replicas)
    assert hashing.service_hash(with_replicas) != SERVICE_HASH


def test_hashed_fields_change_the_hash():
    assert hashing.service_hash({**SERVICE, "image": "busybox:1"}) != SERVICE_HASH


def test_html_characters_and_line_separators_are_escaped_as_go_does():
    # `docker-compose config --hash '*'` (v2.40.3) of `command: ["echo", "<a&b>", "ü\u2028"]`
    service = {"command": ["echo", "<a&b>", "ü\u2028"], "entrypoint": None, "image": "busybox",
               "networks": {"default": None}}
    assert hashing.service_hash(service) == "e065ff882e1893010a03cebb8903cdd8af929aaef8ae4e0b858795152978bb08"


def test_network_hash_matches_v2():
    network = {"name": "my_projdir_default", "ipam": {}}
    assert hashing.network_hash(network) == "e63a10d9c8ce47b17839ccb09b43dacb9679bc758e9c3650f11a80aaa6e3782b"


def test_volume_hash_defaults_the_driver_to_local():
    expected = "22501a1d43e2db972f31bd7d1e47673818ac1fd1b8022c115ffad5367bfd13b0"
    assert hashing.volume_hash({"name": "my_projdir_data"}) == expected
    assert hashing.volume_hash({"name": "my_projdir_data", "driver": "local"}) == expected
    assert hashing.volume_hash({"name": "my_projdir_data", "driver": "other"}) != expected


def test_bad_input_raises_compose_error():
    import pytest

    from pycompose.errors import ComposeError

    with pytest.raises(ComposeError):
        hashing.service_hash(["not", "a", "service"])  # type: ignore[arg-type]
    with pytest.raises(ComposeError):
        hashing.network_hash({"name": object()})
