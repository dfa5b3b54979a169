"""The `com.docker.compose.*` labels Compose v2 puts on containers, networks and volumes.

Interop depends on these being exact: v2 finds a project's containers by `project`, `config-hash` (presence) and
`oneoff=False` (pkg/compose/containers.go `getDefaultFilters`). Call sites use the constants, never the spelling.
"""

from __future__ import annotations

from collections.abc import Mapping

PREFIX = "com.docker.compose."
PROJECT = PREFIX + "project"
SERVICE = PREFIX + "service"
VERSION = PREFIX + "version"
WORKING_DIR = PREFIX + "project.working_dir"
CONFIG_FILES = PREFIX + "project.config_files"
ENVIRONMENT_FILE = PREFIX + "project.environment_file"
ONEOFF = PREFIX + "oneoff"
SLUG = PREFIX + "slug"
"""A one-off container's random 64-hex identity (`run`), as v2 writes it."""
CONTAINER_NUMBER = PREFIX + "container-number"
CONFIG_HASH = PREFIX + "config-hash"
DEPENDS_ON = PREFIX + "depends_on"
IMAGE = PREFIX + "image"
REPLACE = PREFIX + "replace"
NETWORK = PREFIX + "network"
VOLUME = PREFIX + "volume"


def compose_version() -> str:
    """The version v2 writes in its labels: the Compose release we are compatible with, without `v`."""
    from pycompose import COMPOSE_COMPAT_VERSION

    return COMPOSE_COMPAT_VERSION


def project_filters(project: str) -> list[str]:
    """Engine label filters that select the service containers of `project` exactly as v2 does."""
    return [f"{PROJECT}={project}", CONFIG_HASH, f"{ONEOFF}=False"]


def container_labels(
    *,
    user_labels: Mapping[str, str],
    project: str,
    service: str,
    number: int,
    working_dir: str,
    config_files: tuple[str, ...],
    env_files: tuple[str, ...],
    config_hash: str,
    depends_on: str,
    image_id: str | None,
    replace: str | None = None,
) -> dict[str, str]:
    """The labels of a service container: the user's, overridden by compose's (v2 `mergeLabels`)."""
    labels = dict(user_labels)
    labels[PROJECT] = project
    labels[SERVICE] = service
    labels[VERSION] = compose_version()
    labels[WORKING_DIR] = working_dir
    labels[CONFIG_FILES] = ",".join(config_files)
    if env_files:
        labels[ENVIRONMENT_FILE] = ",".join(env_files)
    labels[ONEOFF] = "False"
    labels[CONTAINER_NUMBER] = str(number)
    labels[CONFIG_HASH] = config_hash
    labels[DEPENDS_ON] = depends_on
    if image_id:
        labels[IMAGE] = image_id
    if replace:
        labels[REPLACE] = replace
    return labels


def network_labels(user_labels: Mapping[str, str], *, project: str, key: str, config_hash: str) -> dict[str, str]:
    """Labels of a network compose creates (v2 `prepareNetworks` + `resolveOrCreateNetwork`)."""
    labels = dict(user_labels)
    labels.update({NETWORK: key, PROJECT: project, VERSION: compose_version(), CONFIG_HASH: config_hash})
    return labels


def volume_labels(user_labels: Mapping[str, str], *, project: str, key: str, config_hash: str) -> dict[str, str]:
    """Labels of a named volume compose creates (v2 `createVolume`)."""
    labels = dict(user_labels)
    labels.update({VOLUME: key, PROJECT: project, VERSION: compose_version(), CONFIG_HASH: config_hash})
    return labels
