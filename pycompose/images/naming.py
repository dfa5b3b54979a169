"""Image names and image labels Compose v2 (2.40.3) uses when it builds a service.

Labels, measured with `docker-compose build` against engine 20.10 (`docker image inspect`):
- classic builder (`DOCKER_BUILDKIT=0`, `build_classic.go`): the service's `build.labels` plus
  `com.docker.compose.image.builder=classic` -- no project/service/version;
- BuildKit (v2's default when the engine has it, `getImageBuildLabels`): `build.labels` overridden by
  `com.docker.compose.version`, `com.docker.compose.project`, `com.docker.compose.service`.
pycompose always builds through the engine's `/build`, but labels the image as v2 would in the same environment
(`spec.builder_of`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose import labels as compose_labels

IMAGE_BUILDER = compose_labels.PREFIX + "image.builder"
CLASSIC = "classic"
BUILDKIT = "buildkit"


def default_image_name(project: str, service: str) -> str:
    """The image v2 tags a built service with when it has no `image:` (`GetImageNameOrDefault`)."""
    return f"{project}-{service}"


def image_for_service(project: str, service_name: str, service: Mapping[str, Any]) -> str:
    """The service's `image:` when set and non-empty, else `{project}-{service}`."""
    image = service.get("image")
    return image if image else default_image_name(project, service_name)


def build_labels(
    service: Mapping[str, Any],
    version: str,
    *,
    project: str | None = None,
    service_name: str | None = None,
    builder: str = CLASSIC,
) -> dict[str, str]:
    """The labels v2 asks the builder to put on the image of `service` (its canonical dict).

    `builder="classic"`: `build.labels` plus
    `com.docker.compose.image.builder=classic`; `version`, `project`, `service_name` are unused.
    `builder="buildkit"`: `build.labels` then version, project and service labels, which win over the user's.
    """
    build = service.get("build")
    out = _user_labels(build.get("labels") if isinstance(build, Mapping) else None)
    if builder == CLASSIC:
        out[IMAGE_BUILDER] = CLASSIC
        return out
    if builder != BUILDKIT:
        raise ValueError(f"unknown builder {builder!r}")
    out[compose_labels.VERSION] = version
    if project is not None:
        out[compose_labels.PROJECT] = project
    if service_name is not None:
        out[compose_labels.SERVICE] = service_name
    return out


def _user_labels(raw: Any) -> dict[str, str]:
    """`build.labels` as a dict: the canonical mapping, or the `KEY=VALUE` list form the short syntax allows."""
    if not raw:
        return {}
    if isinstance(raw, Mapping):
        return {str(key): "" if value is None else str(value) for key, value in raw.items()}
    out: dict[str, str] = {}
    for item in raw:
        key, _, value = str(item).partition("=")
        out[key] = value
    return out
