"""From a service's canonical `build:` section to the BuildSpec the engine's classic builder takes.

What v2.40.3's classic path (`build_classic.go` `imageBuildOptions`) sends, with two deliberate additions: v2's
classic builder drops `shm_size` and `cache_from` (BuildKit honours them); the engine's `/build` takes both, so we
pass them. Options the classic builder cannot do are refused with v2's message.

The image labels are those of the builder v2 would use (`builder_of`): BuildKit's by default, the classic one's
with `DOCKER_BUILDKIT=0`, so `docker image inspect` shows the same labels whichever tool built the image.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose import labels as compose_labels
from pycompose.engine.base import BuildSpec
from pycompose.errors import ConfigError
from pycompose.images.naming import BUILDKIT, CLASSIC, build_labels, image_for_service

_UNSUPPORTED = (
    ("additional_contexts", "additional contexts"),
    ("ssh", "SSH keys"),
    ("secrets", "secrets"),
)
_REMOTE_PREFIXES = ("http://", "https://", "git://", "git@", "github.com/")
_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}


def builder_of(environment: Mapping[str, str]) -> str:
    """`buildkit` (v2's default on this engine) or `classic` (`DOCKER_BUILDKIT` false), read as the docker CLI reads
    it (`BuildKitEnabled`, Go's strconv.ParseBool).

    Raises:
        ConfigError: a value ParseBool refuses, with v2's message.
    """
    value = environment.get("DOCKER_BUILDKIT") or ""
    if not value or value in _GO_TRUE:
        return BUILDKIT
    if value in _GO_FALSE:
        return CLASSIC
    raise ConfigError(f"DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: "
                      f'parsing "{value}": invalid syntax')


@dataclass(frozen=True)
class BuildOverrides:
    """What `build`'s flags (and `up --build`) change for every service built."""

    args: Mapping[str, str | None] = field(default_factory=dict)
    """`--build-arg`: over the service's `build.args`; a None value is looked up in the project environment."""
    no_cache: bool = False
    pull: bool = False
    memory: int | None = None


def build_spec(project: str, name: str, service: Mapping[str, Any], environment: Mapping[str, str],
               overrides: BuildOverrides = BuildOverrides()) -> BuildSpec:
    """The build of service `name` (its canonical dict) in project `project`."""
    build = service.get("build") or {}
    check_classic_supported(name, service)
    image = image_for_service(project, name, service)
    tags = tuple(dict.fromkeys([image, *(build.get("tags") or ())]))
    shm_size = build.get("shm_size")
    return BuildSpec(
        tags=tags,
        dockerfile=build.get("dockerfile") or "Dockerfile",
        args=resolve_args(build.get("args") or {}, overrides.args, environment),
        target=build.get("target") or None,
        labels=build_labels(service, compose_labels.compose_version(), project=project, service_name=name,
                            builder=builder_of(environment)),
        network=build.get("network") or None,
        shm_size=int(shm_size) if shm_size not in (None, "") else None,
        extra_hosts=tuple(_host_entry(item) for item in build.get("extra_hosts") or ()),
        cache_from=tuple(build.get("cache_from") or ()),
        no_cache=bool(build.get("no_cache")) or overrides.no_cache,
        pull=bool(build.get("pull")) or overrides.pull,
        platform=service.get("platform") or None,
        memory=overrides.memory,
    )


def check_classic_supported(name: str, service: Mapping[str, Any]) -> None:
    """Raise ConfigError for what the engine's classic builder cannot do (v2 `checkClassicBuilderSupported`)."""
    build = service.get("build") or {}
    path = ("services", name, "build")
    context = str(build.get("context") or "")
    if context.startswith(_REMOTE_PREFIXES):
        raise ConfigError(f"service {name!r}: remote build contexts ({context}) are not supported by pycompose",
                          path=path)
    if len(build.get("platforms") or ()) > 1:
        raise ConfigError(f"service {name!r}: the classic builder doesn't support multi-arch build", path=path)
    if build.get("privileged"):
        raise ConfigError(f"service {name!r}: the classic builder doesn't support privileged mode", path=path)
    for key, what in _UNSUPPORTED:
        if build.get(key):
            raise ConfigError(f"service {name!r}: the classic builder doesn't support {what}", path=path)


def resolve_args(service_args: Mapping[str, Any], cli_args: Mapping[str, str | None],
                 environment: Mapping[str, str]) -> dict[str, str]:
    """`build.args` overridden by `--build-arg`; a value-less argument comes from the environment, else is left
    out (its Dockerfile default applies), as v2 `resolveAndMergeBuildArgs`."""
    merged: dict[str, Any] = {**service_args, **cli_args}
    resolved: dict[str, str] = {}
    for key, value in merged.items():
        if value is None:
            value = environment.get(key)
        if value is not None:
            resolved[key] = str(value)
    return resolved


def parse_build_args(items: tuple[str, ...]) -> dict[str, str | None]:
    """`--build-arg KEY=VALUE` / `--build-arg KEY` (value from the environment)."""
    parsed: dict[str, str | None] = {}
    for item in items:
        key, sep, value = item.partition("=")
        parsed[key] = value if sep else None
    return parsed


def _host_entry(item: str) -> str:
    """The canonical `host=ip` (or a list item already `host:ip`) as the engine takes it: `host:ip`."""
    host, sep, address = str(item).partition("=")
    return f"{host}:{address}" if sep else str(item)
