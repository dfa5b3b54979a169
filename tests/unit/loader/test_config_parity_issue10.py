"""`config` parity with v2 (issue #10): top-level models, --no-normalize, --no-interpolate, --all-resources."""

from __future__ import annotations

from pathlib import Path

import pytest

from pycompose.loader.options import ConfigOutput, ProjectOptions, config_load_options
from pycompose.loader.project import load_project
from pycompose.render.config_output import render_model

_MODELS = """services:
  llm:
    image: busybox
    models:
      small: {endpoint_var: URL, model_var: NAME}
  plain:
    image: busybox
models:
  small:
    x-note: 1
    runtime_flags: ["--a"]
    context_size: 1024
    model: ai/smollm2
  unused:
    model: ai/other
"""

_PROFILES = """services:
  web:
    image: busybox
    networks: [front]
  db:
    image: busybox
    profiles: [db]
    networks: [back]
networks:
  front: {}
  back: {}
  spare: {}
volumes:
  vol: {}
"""

_NORMALIZED = """services:
  a:
    image: busybox
    links: [b]
    pull_policy: if_not_present
  b:
    build: .
secrets:
  s: {file: ./s.txt}
"""


def _load(tmp_path: Path, text: str, output: ConfigOutput = ConfigOutput.MODEL, **options: object):
    (tmp_path / "compose.yaml").write_text(text)
    base = ProjectOptions(working_directory=str(tmp_path), project_name="p", **options)  # type: ignore[arg-type]
    return load_project(config_load_options(output, base))


def test_a_service_may_use_a_top_level_model(tmp_path):
    config = _load(tmp_path, _MODELS).config
    assert config["services"]["llm"]["models"] == {"small": {"endpoint_var": "URL", "model_var": "NAME"}}
    # compose-go's field order, extensions last; the model no service uses is dropped
    assert config["models"] == {
        "small": {"model": "ai/smollm2", "context_size": 1024, "runtime_flags": ["--a"], "x-note": 1}
    }


def test_top_level_models_are_in_the_yaml_but_not_the_json(tmp_path):
    config = _load(tmp_path, _MODELS).config
    assert "models:\n  small:\n    model: ai/smollm2\n    context_size: 1024\n" in render_model(config, "yaml")
    assert '"ai/smollm2"' not in render_model(config, "json")


def test_the_models_output_lists_the_used_models(tmp_path):
    from pycompose.render.config_output import render_output

    loaded = _load(tmp_path, _MODELS, ConfigOutput.MODELS)
    assert "".join(render_output(ConfigOutput.MODELS, loaded)) == "ai/smollm2\n"


def test_an_undefined_model_is_still_refused(tmp_path):
    from pycompose.errors import ConfigError

    with pytest.raises(ConfigError, match="undefined model large"):
        _load(tmp_path, _MODELS.replace("small: {endpoint_var", "large: {endpoint_var"))


def test_no_interpolate_keeps_every_service_and_resource(tmp_path):
    config = _load(tmp_path, _PROFILES, interpolate=False).config
    assert sorted(config["services"]) == ["db", "web"]
    assert sorted(config["networks"]) == ["back", "front", "spare"]
    assert config["volumes"] == {"vol": {"name": "p_vol"}}


def test_no_interpolate_ignores_the_service_arguments(tmp_path):
    config = _load(tmp_path, _PROFILES, interpolate=False, services=("web",)).config
    assert sorted(config["services"]) == ["db", "web"]


def test_the_interpolated_model_drops_what_profiles_disable(tmp_path):
    config = _load(tmp_path, _PROFILES).config
    assert list(config["services"]) == ["web"]
    assert list(config["networks"]) == ["front"]
    assert "volumes" not in config


def test_all_resources_keeps_the_unused_resources_not_the_disabled_services(tmp_path):
    config = _load(tmp_path, _PROFILES, all_resources=True).config
    assert list(config["services"]) == ["web"]
    assert sorted(config["networks"]) == ["back", "front", "spare"]
    assert config["volumes"] == {"vol": {"name": "p_vol"}}


def test_no_normalize_adds_no_names(tmp_path):
    config = _load(tmp_path, _PROFILES, normalize=False).config
    assert config["networks"] == {"front": {"ipam": {}}}
    assert "name" not in config["networks"]["front"]


def test_no_normalize_adds_no_default_network_dependency_or_build_default(tmp_path):
    (tmp_path / "s.txt").write_text("x")
    config = _load(tmp_path, _NORMALIZED, normalize=False).config
    a, b = config["services"]["a"], config["services"]["b"]
    assert "depends_on" not in a
    assert "networks" not in a and "networks" not in config
    assert a["pull_policy"] == "if_not_present"
    assert b["build"] == {"context": str(tmp_path)}


def test_normalize_adds_them(tmp_path):
    config = _load(tmp_path, _NORMALIZED).config
    a, b = config["services"]["a"], config["services"]["b"]
    assert a["depends_on"] == {"b": {"condition": "service_started", "restart": True, "required": True}}
    assert a["networks"] == {"default": None}
    assert a["pull_policy"] == "missing"
    assert b["build"]["dockerfile"] == "Dockerfile"
    assert config["networks"]["default"]["name"] == "p_default"



_ENV_FILE = "services:\n  a:\n    image: busybox\n    env_file: [missing.env]\n"


def test_outputs_loaded_without_env_resolution_keep_env_file_unread(tmp_path):
    # v2 loads `--services`, `--images`… WithoutEnvironmentResolution: a missing env file is no error
    config = _load(tmp_path, _ENV_FILE, ConfigOutput.SERVICES).config
    assert config["services"]["a"]["env_file"] == [{"path": str(tmp_path / "missing.env"), "required": True}]
    assert "environment" not in config["services"]["a"]


def test_hash_reads_env_files_as_up_does(tmp_path):
    """Deliberate (README): `--hash` prints the hash `up` writes on the container, env files read; v2's own
    `--hash` leaves them unread and prints a hash no container carries (docker/compose#9211)."""
    from pycompose import hashing

    (tmp_path / "present.env").write_text("A=1\n")
    text = _ENV_FILE.replace("missing", "present")
    hashed = _load(tmp_path, text, ConfigOutput.HASH).config["services"]["a"]
    assert hashed["environment"] == {"A": "1"} and "env_file" not in hashed
    assert hashing.service_hash(hashed) == hashing.service_hash(_load(tmp_path, text).config["services"]["a"])


def test_the_model_output_still_reads_env_files(tmp_path):
    from pycompose.errors import ConfigError

    (tmp_path / "present.env").write_text("A=1\n")
    config = _load(tmp_path, _ENV_FILE.replace("missing", "present")).config
    assert config["services"]["a"]["environment"] == {"A": "1"}
    with pytest.raises(ConfigError, match="missing.env"):
        _load(tmp_path, _ENV_FILE)


def _included(tmp_path: Path) -> None:
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "compose.yaml").write_text(
        "services:\n  sub:\n    image: busybox\n    build: .\n    volumes: ['./here:/x']\n"
    )


def test_no_path_resolution_rebases_included_paths_relative_to_the_project(tmp_path):
    _included(tmp_path)
    sub = _load(tmp_path, "include: [inc/compose.yaml]\n", resolve_paths=False).config["services"]["sub"]
    assert sub["build"]["context"] == "inc"
    assert sub["volumes"][0]["type"] == "bind" and sub["volumes"][0]["source"] == "inc/here"


def test_included_paths_are_absolute_otherwise(tmp_path):
    _included(tmp_path)
    sub = _load(tmp_path, "include: [inc/compose.yaml]\n").config["services"]["sub"]
    assert sub["build"]["context"] == str(tmp_path / "inc")
    assert sub["volumes"][0]["source"] == str(tmp_path / "inc" / "here")


def test_no_path_resolution_rebases_an_extended_file_relative_to_the_project(tmp_path):
    (tmp_path / "base").mkdir()
    (tmp_path / "base" / "common.yaml").write_text("services:\n  b:\n    image: busybox\n    build: ../ctx\n")
    text = "services:\n  a:\n    extends: {file: base/common.yaml, service: b}\n"
    assert _load(tmp_path, text, resolve_paths=False).config["services"]["a"]["build"]["context"] == "ctx"


_WRITTEN = """services:
  a:
    image: busybox
    command: echo hello
    environment: [A=1]
    expose: [80]
    mem_limit: 64m
    healthcheck: {test: exit 0, interval: 5m}
    deploy: {resources: {reservations: {memory: 16M}}}
    env_file: [missing.env]
"""


def test_no_interpolate_prints_go_typed_keys_as_written(tmp_path):
    a = _load(tmp_path, _WRITTEN, interpolate=False).config["services"]["a"]
    assert a["command"] == "echo hello"
    assert a["environment"] == ["A=1"]
    assert a["expose"] == [80]
    assert a["mem_limit"] == "64m"
    assert a["healthcheck"] == {"test": "exit 0", "interval": "5m"}
    assert a["deploy"] == {"resources": {"reservations": {"memory": "16M"}}}
    # env files are not read for that model either (a missing one is no error)
    assert a["env_file"] == [{"path": str(tmp_path / "missing.env"), "required": True}]


def test_the_interpolated_model_types_them(tmp_path):
    (tmp_path / "missing.env").write_text("B=2\n")
    a = _load(tmp_path, _WRITTEN).config["services"]["a"]
    assert a["command"] == ["echo", "hello"]
    assert a["environment"] == {"A": "1", "B": "2"}
    assert a["expose"] == ["80"]
    assert a["mem_limit"] == "67108864"


def test_no_interpolate_prints_the_implied_restart_false(tmp_path):
    text = "services:\n  a:\n    image: busybox\n    volumes_from: [b]\n  b:\n    image: busybox\n"
    assert _load(tmp_path, text, interpolate=False).config["services"]["a"]["depends_on"]["b"]["restart"] is False
    assert "restart" not in _load(tmp_path, text).config["services"]["a"]["depends_on"]["b"]
