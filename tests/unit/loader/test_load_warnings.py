"""The warnings of a load reach `ProjectOptions.warn` as v2 logs them: every command that reads the files says
them (not only `config`), those met before a failure too, and a second pass over the files (for
`${COMPOSE_PROJECT_NAME}`) neither repeats nor loses them."""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.options import ProjectOptions
from pycompose.loader.project import load_project

UNSET = 'The "NOPE" variable is not set. Defaulting to a blank string.'


def _options(directory, seen: list[str], **overrides) -> ProjectOptions:
    return ProjectOptions(working_directory=str(directory), environ={}, warn=seen.append, **overrides)


def test_the_warnings_are_passed_on_and_kept(tmp_path):
    (tmp_path / "compose.yaml").write_text('version: "3"\nservices:\n  app:\n    image: busybox${NOPE}\n')
    seen: list[str] = []
    loaded = load_project(_options(tmp_path, seen))
    assert seen == list(loaded.warnings)
    assert seen[0] == UNSET
    assert seen[1].endswith("compose.yaml: the attribute `version` is obsolete, it will be ignored, please remove "
                            "it to avoid potential confusion")


def test_the_warnings_before_a_failure_are_passed_on(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox${NOPE}\n    restart: 5\n")
    seen: list[str] = []
    with pytest.raises(ConfigError):
        load_project(_options(tmp_path, seen))
    assert seen == [UNSET]


def test_a_second_pass_for_the_project_name_neither_repeats_nor_loses_them(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox${NOPE}\n    container_name: ${COMPOSE_PROJECT_NAME}-app\n")
    (tmp_path / "compose.yml").write_text("services: {}\n")  # two default names: v2 warns which one it takes
    seen: list[str] = []
    loaded = load_project(_options(tmp_path, seen))
    assert loaded.config["services"]["app"]["container_name"] == f"{tmp_path.name.lower()}-app"
    assert seen.count(UNSET) == 1
    assert any(message.startswith("Found multiple config files") for message in seen)
    assert not any("COMPOSE_PROJECT_NAME" in message for message in seen)


def test_without_warn_they_are_only_kept(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox${NOPE}\n")
    loaded = load_project(ProjectOptions(working_directory=str(tmp_path), environ={}))
    assert loaded.warnings == (UNSET,)


def test_the_python_api_passes_them_to_its_sink(tmp_path):
    from pycompose.api import Project
    from pycompose.events import CollectingSink

    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox${NOPE}\n")
    sink = CollectingSink()
    Project.load(tmp_path, env={}, inherit_env=False, sink=sink)
    assert sink.warnings == [UNSET]
