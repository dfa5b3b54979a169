"""`config --no-interpolate` / `--variables`: v2 loads a model it does not check and prints it as a map."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.options import ConfigOutput, ProjectOptions, config_load_options
from pycompose.loader.project import load_project

_PORT_VARIABLE = "services:\n  web:\n    image: nginx\n    ports:\n      - ${PUBLIC_PORT}:80\n"
_CYCLE = "services:\n  a:\n    image: x\n    depends_on: [b]\n  b:\n    image: x\n    depends_on: [a]\n"


def _load(tmp_path: Path, text: str, output: ConfigOutput = ConfigOutput.MODEL, **options: object):
    (tmp_path / "compose.yaml").write_text(text)
    base = ProjectOptions(working_directory=str(tmp_path), project_name="p", **options)  # type: ignore[arg-type]
    return load_project(config_load_options(output, base))


def test_an_uninterpolated_port_is_kept_as_written(tmp_path):
    config = _load(tmp_path, _PORT_VARIABLE, interpolate=False).config
    assert config["services"]["web"]["ports"] == ["${PUBLIC_PORT}:80"]


def test_an_interpolated_bad_port_is_still_refused(tmp_path):
    with pytest.raises(ConfigError, match="invalid hostPort"):
        _load(tmp_path, _PORT_VARIABLE.replace("${PUBLIC_PORT}", "nope"))


def test_no_interpolate_adds_no_go_type_defaults(tmp_path):
    config = _load(tmp_path, _PORT_VARIABLE, interpolate=False).config
    assert "command" not in config["services"]["web"]
    assert "entrypoint" not in config["services"]["web"]
    assert config["networks"]["default"] == {"name": "p_default"}


def test_the_interpolated_model_keeps_them(tmp_path):
    config = _load(tmp_path, "services:\n  web:\n    image: nginx\n").config
    assert config["services"]["web"]["command"] is None
    assert config["networks"]["default"] == {"name": "p_default", "ipam": {}}


@pytest.mark.parametrize("output", [ConfigOutput.VARIABLES, ConfigOutput.MODEL])
def test_the_unchecked_model_loads_despite_a_cycle(tmp_path, output):
    interpolate = output is ConfigOutput.VARIABLES
    assert set(_load(tmp_path, _CYCLE, output, interpolate=interpolate).config["services"]) == {"a", "b"}


def test_the_checked_model_refuses_a_cycle(tmp_path):
    with pytest.raises(ConfigError, match="dependency cycle"):
        _load(tmp_path, _CYCLE)


_AS_WRITTEN = """\
services:
  a:
    image: busybox
    privileged: false
    cpus: 0
    user: ""
    cap_add: []
    shm_size: 64m
    tmpfs: /tmp
    dns: [""]
    gpus: all
    volumes:
      - type: tmpfs
        target: /x
        tmpfs: {size: 1m, mode: 0755}
      - type: bind
        source: ./src
        target: /y/../z/
        bind: {create_host_path: false}
    secrets:
      - source: s
        mode: 0400
    environment: [HOME, A=1]
    logging: {options: {a: 1}}
    build:
      context: ./ctx
      args: [ARG1=one, NOVALUE]
      labels: [com.example=1]
      extra_hosts: ["build.local:10.9.9.9"]
      pull: false
    label_file: labels.txt
    links: [b:bee]
  b:
    image: busybox
    networks: [n]
secrets:
  s: {file: ./secret}
networks:
  n: {labels: [a=1], driver_opts: {x: 1}, internal: false}
volumes:
  unused:
"""


def test_the_uninterpolated_model_keeps_every_value_as_written(tmp_path):
    """Pinned from `docker compose config --no-interpolate` (v2.40.3) on the same file."""
    config = _load(tmp_path, _AS_WRITTEN, interpolate=False).config
    a = config["services"]["a"]
    assert (a["privileged"], a["cpus"], a["user"], a["cap_add"], a["shm_size"], a["tmpfs"]) == \
        (False, 0, "", [], "64m", "/tmp")
    assert a["dns"] == []
    assert a["gpus"] == [{"count": "all"}]
    assert a["volumes"][0]["tmpfs"] == {"size": "1m", "mode": 0o755}
    assert a["volumes"][1] == {"type": "bind", "source": f"{tmp_path}/src", "target": "/z",
                               "bind": {"create_host_path": False}}
    assert a["secrets"] == [{"source": "s", "mode": 0o400, "target": "/run/secrets/s"}]
    assert a["environment"] == ["HOME", "A=1"]  # v2 gives this model no environment to resolve HOME from
    assert a["logging"] == {"options": {"a": 1}}
    assert a["build"] == {"context": f"{tmp_path}/ctx", "dockerfile": "Dockerfile", "args": ["ARG1=one"],
                          "labels": ["com.example=1"], "extra_hosts": ["build.local:10.9.9.9"], "pull": False}
    assert a["label_file"] == [f"{tmp_path}/labels.txt"]
    assert a["depends_on"] == {"b": {"condition": "service_started", "restart": True, "required": True}}
    assert config["networks"]["n"] == {"name": "p_n", "labels": ["a=1"], "driver_opts": {"x": 1},
                                       "internal": False}
    assert config["volumes"]["unused"] == {"name": "p_unused"}
    assert config["secrets"]["s"] == {"name": "p_s", "file": f"{tmp_path}/secret"}


def test_without_normalisation_a_bare_resource_stays_null_and_the_model_has_no_name(tmp_path):
    config = _load(tmp_path, _AS_WRITTEN, interpolate=False, normalize=False).config
    assert "name" not in config
    assert config["volumes"]["unused"] is None
    assert "depends_on" not in config["services"]["a"]
    assert config["services"]["a"]["build"]["args"] == ["ARG1=one", "NOVALUE"]
