"""Which files make the project, where its directory is, which .env files apply, and its name.

Mirrors Compose v2's rules (compose-go `cli/options.go`):

- files: `-f` values, else `COMPOSE_FILE` (split on `COMPOSE_PATH_SEPARATOR`, default `os.pathsep`), else the first of
  the default names found in the project directory (`--project-directory`, else the working directory) or the
  nearest parent, plus the first override file beside it;
- project directory: `--project-directory`, else the directory of the first file (not `-`), else the working directory;
- env files: `--env-file` values, else `COMPOSE_ENV_FILES`, else `<project dir>/.env` unless `COMPOSE_DISABLE_ENV_FILE`;
- interpolation environment: the env files' values, overridden by the OS environment;
- project name: `-p`, else `COMPOSE_PROJECT_NAME`, else the last top-level `name:`, else the directory's basename
  (normalised).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from pycompose.errors import ConfigError, NoConfigFile

DEFAULT_FILE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
DEFAULT_OVERRIDE_FILE_NAMES = (
    "compose.override.yml",
    "compose.override.yaml",
    "docker-compose.override.yml",
    "docker-compose.override.yaml",
)
STDIN = "-"
REMOTE_PREFIX = "oci://"
"""A compose file published as an OCI artifact (`-f oci://REGISTRY/REPOSITORY[:TAG]`)."""

_VALID_PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_TRUE_VALUES = {"1", "true", "t", "yes", "y", "on"}


@dataclass(frozen=True)
class ConfigFiles:
    """The compose files of a project and the directory they imply."""

    paths: tuple[str, ...]
    """Absolute paths, or `-` for stdin, in load order."""
    project_directory: str
    """Absolute project directory: where relative paths in the files start."""
    default_directory: str = ""
    """Where the default project name and `.env` come from (v2's GetWorkingDir): the project directory, except
    that a remote first file (`-f oci://…`) leaves it at the working directory. Empty: the project directory."""


def is_true(value: str | None) -> bool:
    """How v2 reads a boolean environment variable (strconv.ParseBool, plus the usual words)."""
    return value is not None and value.strip().lower() in _TRUE_VALUES


def find_config_files(
    files: tuple[str, ...],
    *,
    environ: Mapping[str, str],
    working_directory: str,
    project_directory: str | None,
    warn: Callable[[str], None],
    fetch_remote: Callable[[str], str] | None = None,
) -> ConfigFiles:
    """Resolve the compose files: explicit `-f`, then COMPOSE_FILE, then the default names upward.

    An `oci://` file is fetched by `fetch_remote` (URL → local path of its compose.yaml); as in v2, the directory
    of the first one fetched is the project directory, while a remote first file leaves the default name and
    `.env` to the working directory.
    """
    cwd = os.path.abspath(working_directory)
    explicit = list(files)
    verb = "open"
    if not explicit and "COMPOSE_FILE" in environ:
        # v2 keeps empty parts (`COMPOSE_FILE=` or `a.yaml:`): they name the working directory, which it then
        # fails to read ("read DIR: is a directory"); a missing file is reported by `stat`
        separator = environ.get("COMPOSE_PATH_SEPARATOR") or os.pathsep
        explicit = environ["COMPOSE_FILE"].split(separator)
        verb = "stat"
    fetched: list[str] = []
    first_remote = False
    if explicit:
        first_remote = next((path for path in explicit if path != STDIN), "").startswith(REMOTE_PREFIX)
        resolved = []
        for path in explicit:
            if path.startswith(REMOTE_PREFIX):
                if fetch_remote is None:
                    raise ConfigError(f"{path}: remote compose files are not supported here")
                fetched.append(fetch_remote(path))
                resolved.append(fetched[-1])
            else:
                resolved.append(path if path == STDIN else os.path.abspath(os.path.join(cwd, path)))
        paths = tuple(resolved)
        for path in paths:
            if path != STDIN and not os.path.exists(path):
                raise ConfigError(f"{verb} {path}: no such file or directory")
        first_file = next((path for path in paths if path != STDIN), None)
    else:  # v2 searches from the project directory when one is given (compose-go `WithDefaultConfigPath`)
        start = os.path.abspath(os.path.join(cwd, project_directory)) if project_directory else cwd
        paths = _search_default_files(start, warn)
        first_file = paths[0]
    if project_directory:
        directory = os.path.abspath(os.path.join(cwd, project_directory))
    elif first_remote:
        directory = cwd
    elif first_file is not None:
        directory = os.path.dirname(first_file)
    else:
        directory = cwd
    if fetched:
        return ConfigFiles(paths=paths, project_directory=os.path.dirname(fetched[0]), default_directory=directory)
    return ConfigFiles(paths=paths, project_directory=directory)


def _search_default_files(start: str, warn: Callable[[str], None]) -> tuple[str, ...]:
    directory = start
    while True:
        found = [
            os.path.join(directory, name)
            for name in DEFAULT_FILE_NAMES
            if os.path.isfile(os.path.join(directory, name))
        ]
        if found:
            if len(found) > 1:
                warn(f"Found multiple config files with supported names: {', '.join(found)}")
                warn(f"Using {found[0]}")
            overrides = [
                os.path.join(directory, name)
                for name in DEFAULT_OVERRIDE_FILE_NAMES
                if os.path.isfile(os.path.join(directory, name))
            ]
            if len(overrides) > 1:
                warn(f"Found multiple override files with supported names: {', '.join(overrides)}")
                warn(f"Using {overrides[0]}")
            return (found[0], *overrides[:1])
        parent = os.path.dirname(directory)
        if parent == directory:
            raise NoConfigFile("no configuration file provided: not found")
        directory = parent


def select_env_files(
    env_files: tuple[str, ...], *, environ: Mapping[str, str], working_directory: str, project_directory: str
) -> tuple[tuple[str, ...], bool]:
    """The env files for interpolation, and whether they were named explicitly (they must then exist)."""
    cwd = os.path.abspath(working_directory)
    chosen = list(env_files)
    if not chosen and environ.get("COMPOSE_ENV_FILES"):
        chosen = [part for part in environ["COMPOSE_ENV_FILES"].split(",") if part]
    if chosen:
        return tuple(os.path.abspath(os.path.join(cwd, path)) for path in chosen), True
    if is_true(environ.get("COMPOSE_DISABLE_ENV_FILE")):
        return (), False
    default = os.path.join(project_directory, ".env")
    return ((default,) if os.path.isfile(default) else ()), False


def normalize_project_name(name: str) -> str:
    """v2's NormalizeProjectName: lowercase, keep [a-z0-9_-], drop leading `_`/`-`."""
    kept = re.sub(r"[^a-z0-9_-]", "", name.lower())
    return kept.lstrip("_-")


def check_project_name(name: str) -> str:
    """Validate a name given with `-p` or COMPOSE_PROJECT_NAME (v2 validates these instead of normalising)."""
    if not name:
        raise ConfigError("project name must not be empty")
    if not _VALID_PROJECT_NAME.match(name):
        raise ConfigError(
            f'invalid project name "{name}": must consist only of lowercase alphanumeric characters, '
            "hyphens, and underscores as well as start with a letter or number"
        )
    return name


def resolve_project_name(
    *,
    option: str | None,
    environment: Mapping[str, str],
    declared: str | None,
    project_directory: str,
) -> str:
    """Project name by v2's precedence: `-p`, COMPOSE_PROJECT_NAME, top-level `name:`, directory basename."""
    if option:  # v2 treats `-p ""` as not given
        return check_project_name(option)
    from_env = environment.get("COMPOSE_PROJECT_NAME")
    if from_env:
        return check_project_name(from_env)
    if declared:
        return check_project_name(normalize_project_name(str(declared)))
    return check_project_name(normalize_project_name(os.path.basename(project_directory.rstrip(os.sep))))
