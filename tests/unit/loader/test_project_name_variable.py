"""`${COMPOSE_PROJECT_NAME}` interpolates to the project's name even when the variable is not set, as in v2
(compose-go sets it from `-p`, the top-level `name:` or the directory before it interpolates)."""

from __future__ import annotations

import pytest

from pycompose.loader.options import ProjectOptions
from pycompose.loader.project import load_project

COMPOSE = """\
services:
  app:
    image: busybox
    environment:
      NAME: ${COMPOSE_PROJECT_NAME}
      DEFAULTED: ${COMPOSE_PROJECT_NAME:-unset}
"""


def load(directory, **options):
    loaded = load_project(ProjectOptions(working_directory=str(directory), **options))
    return loaded, loaded.config["services"]["app"]["environment"]


@pytest.mark.parametrize(("declared", "option", "environ", "expected"), [
    (None, None, {}, "mydir"),
    ("Declared", None, {}, "declared"),
    ("declared", "fromflag", {}, "fromflag"),
    ("declared", None, {"COMPOSE_PROJECT_NAME": "fromenv"}, "fromenv"),
])
def test_the_variable_is_the_project_name(tmp_path, declared, option, environ, expected):
    directory = tmp_path / "My.Dir"
    directory.mkdir()
    (directory / "compose.yaml").write_text((f"name: {declared}\n" if declared else "") + COMPOSE)
    loaded, environment = load(directory, project_name=option, environ=environ)
    assert loaded.name == expected
    assert environment == {"NAME": expected, "DEFAULTED": expected}
    assert not [w for w in loaded.warnings if "COMPOSE_PROJECT_NAME" in w]
    assert loaded.environment["COMPOSE_PROJECT_NAME"] == expected


def test_included_files_see_it_too(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "compose.yaml").write_text("name: top\ninclude: [sub/compose.yaml]\n")
    loaded = load_project(ProjectOptions(working_directory=str(tmp_path)))
    assert loaded.config["services"]["app"]["environment"]["NAME"] == "top"


def test_the_project_environment_always_has_it(tmp_path):
    """What `environment:` secrets, build args and `config --environment` read, as v2's project.Environment."""
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: busybox\n")
    loaded = load_project(ProjectOptions(working_directory=str(tmp_path), project_name="p"))
    assert loaded.environment["COMPOSE_PROJECT_NAME"] == "p"
