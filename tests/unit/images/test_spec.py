"""build_spec: a service's canonical `build:` → what the classic builder is sent."""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.images.spec import BuildOverrides, build_spec, builder_of, parse_build_args, resolve_args
from pycompose.labels import compose_version

FULL = {
    "image": "x/b:2",
    "build": {"context": "/ctx", "dockerfile_inline": "FROM busybox\n", "args": {"A": "1", "B": None, "C": None},
              "labels": {"l": "1"}, "cache_from": ["x/b:1"], "no_cache": True, "pull": True,
              "extra_hosts": ["h=1.2.3.4"], "network": "host", "target": "t", "shm_size": "67108864",
              "tags": ["x/b:extra", "x/b:2"]},
}


def test_every_build_key_reaches_the_spec():
    spec = build_spec("proj", "b", FULL, {"B": "from-env"})
    assert spec.tags == ("x/b:2", "x/b:extra")
    assert spec.args == {"A": "1", "B": "from-env"}  # C: no value anywhere, left to its ARG default
    assert spec.labels == {"l": "1", "com.docker.compose.project": "proj", "com.docker.compose.service": "b",
                           "com.docker.compose.version": compose_version()}
    assert (spec.target, spec.network, spec.shm_size) == ("t", "host", 67108864)
    assert spec.extra_hosts == ("h:1.2.3.4",)
    assert spec.cache_from == ("x/b:1",)
    assert spec.no_cache and spec.pull


def test_default_name_and_flags():
    spec = build_spec("proj", "web", {"build": {"context": "/ctx", "dockerfile": "Dockerfile"}},
                      {"DOCKER_BUILDKIT": "0"}, BuildOverrides(args={"X": "cli"}, no_cache=True, pull=True))
    assert spec.tags == ("proj-web",)
    assert spec.args == {"X": "cli"}
    assert spec.no_cache and spec.pull
    assert spec.labels == {"com.docker.compose.image.builder": "classic"}


def test_cli_build_args_override_and_resolve_from_the_environment():
    assert parse_build_args(("A=1", "B", "C=")) == {"A": "1", "B": None, "C": ""}
    assert resolve_args({"A": "0", "B": "0"}, {"A": "1", "B": None}, {"B": "env"}) == {"A": "1", "B": "env"}


@pytest.mark.parametrize("key, value, message", [
    ("ssh", ["default"], "doesn't support SSH keys"),
    ("secrets", [{"source": "s"}], "doesn't support secrets"),
    ("additional_contexts", {"x": "service:a"}, "doesn't support additional contexts"),
    ("privileged", True, "doesn't support privileged mode"),
    ("platforms", ["linux/amd64", "linux/arm64"], "doesn't support multi-arch build"),
    ("context", "https://github.com/x/y.git", "remote build contexts"),
])
def test_what_the_classic_builder_cannot_do_is_refused(key, value, message):
    with pytest.raises(ConfigError, match=message):
        build_spec("p", "s", {"build": {"context": "/ctx", key: value}}, {})


@pytest.mark.parametrize(("value", "builder"), [(None, "buildkit"), ("", "buildkit"), ("1", "buildkit"),
                                                ("True", "buildkit"), ("0", "classic"), ("false", "classic"),
                                                ("F", "classic")])
def test_docker_buildkit_is_read_as_go_parse_bool(value, builder):
    assert builder_of({} if value is None else {"DOCKER_BUILDKIT": value}) == builder


@pytest.mark.parametrize("value", ["yes", "on", "2", " 1"])
def test_docker_buildkit_refuses_what_parse_bool_refuses(value):
    with pytest.raises(ConfigError, match=f'DOCKER_BUILDKIT environment variable expects boolean value: '
                                          f'strconv.ParseBool: parsing "{value}": invalid syntax'):
        builder_of({"DOCKER_BUILDKIT": value})
