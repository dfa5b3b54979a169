"""Finding compose files, env files and the project name as Compose v2 does (verified against v2.40.3)."""

from __future__ import annotations

import os

import pytest

from pycompose.errors import ConfigError
from pycompose.loader import discovery


def write(path, text="services:\n  x:\n    image: busybox\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def find(cwd, files=(), environ=None, project_directory=None):
    warnings = []
    found = discovery.find_config_files(
        tuple(files),
        environ=environ or {},
        working_directory=str(cwd),
        project_directory=project_directory,
        warn=warnings.append,
    )
    return found, warnings


def test_default_file_is_found_in_a_parent_directory(tmp_path):
    write(tmp_path / "compose.yaml")
    (tmp_path / "a" / "b").mkdir(parents=True)
    found, _ = find(tmp_path / "a" / "b")
    assert found.paths == (str(tmp_path / "compose.yaml"),)
    assert found.project_directory == str(tmp_path)


def test_several_default_names_warn_and_compose_yaml_wins(tmp_path):
    write(tmp_path / "compose.yaml")
    write(tmp_path / "docker-compose.yml")
    found, warnings = find(tmp_path)
    assert found.paths == (str(tmp_path / "compose.yaml"),)
    assert warnings == [
        f"Found multiple config files with supported names: {tmp_path}/compose.yaml, {tmp_path}/docker-compose.yml",
        f"Using {tmp_path}/compose.yaml",
    ]


def test_override_file_is_added_only_without_explicit_files(tmp_path):
    write(tmp_path / "docker-compose.yml")
    write(tmp_path / "docker-compose.override.yml")
    found, _ = find(tmp_path)
    assert found.paths == (str(tmp_path / "docker-compose.yml"), str(tmp_path / "docker-compose.override.yml"))
    found, _ = find(tmp_path, files=["docker-compose.yml"])
    assert found.paths == (str(tmp_path / "docker-compose.yml"),)


def test_compose_file_variable_is_split_on_the_path_separator(tmp_path):
    write(tmp_path / "a.yaml")
    write(tmp_path / "b.yaml")
    found, _ = find(tmp_path, environ={"COMPOSE_FILE": "a.yaml:b.yaml"})
    assert found.paths == (str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))
    found, _ = find(tmp_path, environ={"COMPOSE_FILE": "a.yaml;b.yaml", "COMPOSE_PATH_SEPARATOR": ";"})
    assert found.paths == (str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"))


def test_no_file_gives_v2_message(tmp_path):
    with pytest.raises(ConfigError, match="^no configuration file provided: not found$"):
        find(tmp_path)


def test_missing_explicit_file_gives_v2_message(tmp_path):
    with pytest.raises(ConfigError) as error:
        find(tmp_path, files=["nope.yaml"])
    assert str(error.value) == f"open {tmp_path}/nope.yaml: no such file or directory"


def test_project_directory_defaults_to_first_file_and_can_be_given(tmp_path):
    write(tmp_path / "sub" / "compose.yaml")
    found, _ = find(tmp_path, files=["sub/compose.yaml"])
    assert found.project_directory == str(tmp_path / "sub")
    found, _ = find(tmp_path, files=["sub/compose.yaml"], project_directory="elsewhere")
    assert found.project_directory == str(tmp_path / "elsewhere")
    found, _ = find(tmp_path, files=["-"])
    assert found.project_directory == str(tmp_path)


@pytest.mark.parametrize(
    ("directory", "expected"),
    [("My_Proj.Dir", "my_projdir"), ("__Hello World", "helloworld"), ("app-1", "app-1")],
)
def test_directory_names_are_normalised(directory, expected):
    assert discovery.resolve_project_name(
        option=None, environment={}, declared=None, project_directory=f"/x/{directory}"
    ) == expected


def test_project_name_precedence():
    def name(option=None, environment=None, declared=None):
        return discovery.resolve_project_name(
            option=option, environment=environment or {}, declared=declared, project_directory="/x/dir"
        )

    assert name() == "dir"
    assert name(declared="Declared Name") == "declaredname"
    assert name(environment={"COMPOSE_PROJECT_NAME": "fromenv"}, declared="declared") == "fromenv"
    assert name(option="fromflag", environment={"COMPOSE_PROJECT_NAME": "fromenv"}) == "fromflag"
    assert name(option="") == "dir"  # v2 treats -p "" as not given


def test_flag_and_variable_names_are_validated_not_normalised():
    with pytest.raises(ConfigError) as error:
        discovery.resolve_project_name(option="Bad Name", environment={}, declared=None, project_directory="/x")
    assert str(error.value) == (
        'invalid project name "Bad Name": must consist only of lowercase alphanumeric characters, '
        "hyphens, and underscores as well as start with a letter or number"
    )
    with pytest.raises(ConfigError, match="project name must not be empty"):
        discovery.resolve_project_name(option=None, environment={}, declared=None, project_directory="/x/___")


def test_env_files(tmp_path):
    write(tmp_path / ".env", "A=1\n")
    chosen, explicit = discovery.select_env_files((), environ={}, working_directory=str(tmp_path),
                                                  project_directory=str(tmp_path))
    assert chosen == (str(tmp_path / ".env"),) and not explicit
    chosen, _ = discovery.select_env_files((), environ={"COMPOSE_DISABLE_ENV_FILE": "true"},
                                           working_directory=str(tmp_path), project_directory=str(tmp_path))
    assert chosen == ()
    chosen, explicit = discovery.select_env_files(("x.env", "y.env"), environ={}, working_directory=str(tmp_path),
                                                  project_directory=str(tmp_path))
    assert chosen == (str(tmp_path / "x.env"), str(tmp_path / "y.env")) and explicit
    chosen, explicit = discovery.select_env_files((), environ={"COMPOSE_ENV_FILES": "p.env,q.env"},
                                                  working_directory=str(tmp_path), project_directory=str(tmp_path))
    assert chosen == (str(tmp_path / "p.env"), str(tmp_path / "q.env")) and explicit
    assert os.path.isabs(chosen[0])


def test_project_directory_without_files_is_where_the_search_starts(tmp_path):
    """v2 (compose-go `WithDefaultConfigPath`) looks for the default names in `--project-directory`, then upward."""
    write(tmp_path / "proj" / "compose.yaml")
    write(tmp_path / "proj" / "compose.override.yaml")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "proj" / "sub").mkdir()
    found, _ = find(tmp_path / "elsewhere", project_directory=str(tmp_path / "proj"))
    assert found.paths == (str(tmp_path / "proj" / "compose.yaml"), str(tmp_path / "proj" / "compose.override.yaml"))
    assert found.project_directory == str(tmp_path / "proj")
    found, _ = find(tmp_path, project_directory="proj/sub")  # relative to the working directory; then upward
    assert found.paths[0] == str(tmp_path / "proj" / "compose.yaml")
    assert found.project_directory == str(tmp_path / "proj" / "sub")
    with pytest.raises(ConfigError, match="no configuration file provided: not found"):
        find(tmp_path / "proj", project_directory=str(tmp_path / "elsewhere"))
