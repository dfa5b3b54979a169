"""What the loader is asked to load (ProjectOptions) and what it returns (LoadedProject); how `config` loads."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ProjectOptions:
    """How to find and read a compose project. Mirrors v2's global flags and COMPOSE_* variables.

    The loader reads COMPOSE_FILE, COMPOSE_PROJECT_NAME, COMPOSE_PROFILES, COMPOSE_ENV_FILES,
    COMPOSE_PATH_SEPARATOR and COMPOSE_DISABLE_ENV_FILE from `environ` (and from `.env`), never from
    os.environ directly, so an API caller controls the whole environment.
    """

    files: tuple[str, ...] = ()
    """`-f` values in order; `-` reads `stdin`. Empty: COMPOSE_FILE, then the default names upward."""
    project_name: str | None = None
    """`-p`; validated, not normalised (as v2)."""
    project_directory: str | None = None
    """`--project-directory`; default: the directory of the first file."""
    profiles: tuple[str, ...] = ()
    """`--profile` values; empty: COMPOSE_PROFILES."""
    env_files: tuple[str, ...] = ()
    """`--env-file` values; empty: COMPOSE_ENV_FILES, then `<project dir>/.env`."""
    environ: Mapping[str, str] = field(default_factory=dict)
    """The process environment (OS variables win over .env files in interpolation)."""
    working_directory: str = "."
    """Where relative `-f` paths and the default-file search start (the CLI's cwd)."""
    services: tuple[str, ...] = ()
    """Services named on the command line: their profiles are enabled (not their dependencies')."""
    interpolate: bool = True
    """False for `--no-interpolate`."""
    normalize: bool = True
    """False for `--no-normalize`."""
    resolve_paths: bool = True
    """False for `--no-path-resolution`."""
    resolve_env_files: bool = True
    """False for `--no-env-resolution`. v2.40.3 reads env files for the model all the same (measured); what keeps
    env_file unread is `keep_env_files`."""
    consistency: bool = True
    """False for `--no-consistency`."""
    keep_env_files: bool = False
    """env_file stays a key of the service, unread and unchecked: how v2 loads `config --hash`, `--services`…
    (WithoutEnvironmentResolution), so a missing env file is no error there and `--hash` hashes the paths."""
    all_resources: bool = False
    """`--all-resources`: keep the networks, volumes, secrets, configs and models no service uses."""
    stdin: Any = None
    """A text stream read for `-f -` (default: sys.stdin)."""
    fetch_remote: Callable[[str], str] | None = None
    """How a `-f oci://…` file is fetched: its URL → the local path of its compose.yaml (the CLI and
    `pycompose.api` pass `pycompose.api.publish.fetch_artifact`). None: such a file is refused."""
    warn: Callable[[str], None] | None = None
    """Where each warning of a load goes as well (`LoadedProject.warnings` keeps them): the CLI prints them as v2
    logs them. None: they are only kept."""


@dataclass(frozen=True)
class LoadedProject:
    """A loaded compose project, in the exact form `docker compose config --format json` prints."""

    name: str
    working_dir: str
    config_files: tuple[str, ...]
    """Absolute paths, in load order (v2 puts them in the project.config_files label)."""
    env_files: tuple[str, ...]
    """The --env-file paths given (absolute), for the project.environment_file label."""
    environment: Mapping[str, str]
    """The interpolation environment: OS environment over .env / --env-file values."""
    config: dict[str, Any]
    """The canonical model as v2 prints it with `config --format json`: keys in v2's order."""
    disabled_services: Mapping[str, Any] = field(default_factory=dict)
    """Services left out by profiles (canonical form), for orphan detection and `down`."""
    warnings: tuple[str, ...] = ()
    """Warnings to show the user (unset variables, obsolete `version`, …)."""


class ConfigOutput(enum.Enum):
    """One output of `config`; the flags are listed in the order v2 checks them (the first one set wins)."""

    SERVICES = "services"
    VOLUMES = "volumes"
    NETWORKS = "networks"
    MODELS = "models"
    HASH = "hash"
    PROFILES = "profiles"
    IMAGES = "images"
    VARIABLES = "variables"
    ENVIRONMENT = "environment"
    MODEL = "model"
    """The whole model, `--format yaml|json` (the default output)."""


_WITHOUT_ENV_FILES = {  # v2 loads these WithoutEnvironmentResolution
    ConfigOutput.SERVICES, ConfigOutput.VOLUMES, ConfigOutput.NETWORKS, ConfigOutput.MODELS, ConfigOutput.HASH,
    ConfigOutput.PROFILES, ConfigOutput.IMAGES, ConfigOutput.VARIABLES,
}
_WITH_SERVICE_ARGUMENTS = {  # the outputs for which v2 passes the SERVICE arguments to the loader
    ConfigOutput.PROFILES, ConfigOutput.IMAGES, ConfigOutput.VARIABLES, ConfigOutput.ENVIRONMENT, ConfigOutput.MODEL,
}


def config_load_options(output: ConfigOutput, options: ProjectOptions) -> ProjectOptions:
    """`options` (what the flags asked) as v2 loads the project to print `output`."""
    changes: dict[str, Any] = {}
    if output not in _WITH_SERVICE_ARGUMENTS:
        changes["services"] = ()
    if output in _WITHOUT_ENV_FILES:
        changes["resolve_env_files"] = False
        # not for `--hash`: it prints the hash `up` writes on the containers, env files read (README: v2's own
        # `--hash` leaves them unread, a hash no container carries, docker/compose#9211)
        changes["keep_env_files"] = output is not ConfigOutput.HASH
    if output is ConfigOutput.VARIABLES:  # the ${...} forms are what it lists
        changes["interpolate"] = False
    if output is ConfigOutput.VARIABLES or not options.interpolate:  # v2 loads these as a model it does not check
        changes["consistency"] = False
    return dataclasses.replace(options, **changes) if changes else options
