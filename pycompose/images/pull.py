"""Pull policies and what `up` must pull or build before it creates anything (v2 `pull.go`, `build.go`).

`plan_pulls` and `plan_builds` decide from values (the services, the local images, the options); `pull_images`
acts. v2's rules:
- a service without `image:` is never pulled (its image is built, named `{project}-{service}`);
- `always` pulls; `never` and `build` never pull; `daily`, `weekly`, `every_<duration>` pull when the image is
  missing or was tagged longer ago than that; `missing`/`if_not_present` (the default) pull when missing;
- `up --pull P` replaces every service's policy; `up --build` gives the services with `build:` policy `build`;
- a service with `build:` is built when its image is missing or its policy is `build` (never with `--no-build`);
  a failed pull of a buildable service is not an error: it is built instead.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING

from pycompose.errors import ComposeError, ConfigError, EngineError
from pycompose.events import Event, EventSink
from pycompose.loader.units import duration_seconds
from pycompose.scheduling import Job, run_jobs

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Service
    from pycompose.observed import ObservedImage


class PullPolicy(Enum):
    ALWAYS = "always"
    MISSING = "missing"
    NEVER = "never"
    BUILD = "build"
    REFRESH = "refresh"
    """daily, weekly, every_<duration>: pull when the local tag is older than `refresh_seconds`."""


@dataclass(frozen=True)
class Policy:
    kind: PullPolicy
    refresh_seconds: float | None = None


@dataclass(frozen=True)
class LocalImage:
    """What the decision needs of a local image: its id and when it was last tagged (pulled or built)."""

    id: str
    last_tagged: datetime | None = None


def parse_policy(value: str | None, *, name: str = "") -> Policy:
    """A `pull_policy` value (or `up --pull`); empty: `missing`. Raises ConfigError for an unknown one."""
    text = (value or "missing").strip()
    if text == "if_not_present":
        return Policy(PullPolicy.MISSING)
    if text == "daily":
        return Policy(PullPolicy.REFRESH, 86400)
    if text == "weekly":
        return Policy(PullPolicy.REFRESH, 7 * 86400)
    if text.startswith("every_"):
        seconds = parse_duration(text.removeprefix("every_"))
        if seconds is None:
            raise ConfigError(f"invalid pull_policy {text!r}: expected every_<duration> such as every_12h",
                              path=("services", name, "pull_policy") if name else None)
        return Policy(PullPolicy.REFRESH, seconds)
    try:
        return Policy(PullPolicy(text))
    except ValueError:
        raise ConfigError(f"invalid pull_policy {text!r}: expected always, missing, never, build, daily, weekly "
                          "or every_<duration>", path=("services", name, "pull_policy") if name else None) from None


def parse_duration(text: str) -> float | None:
    """`1h30m`, `2d`, `1w`, `90s` → seconds (Go durations plus days and weeks, as compose-go's str2duration);
    None when it is not a duration."""
    return duration_seconds(text, days=True)


def must_pull(policy: Policy, local: LocalImage | None, now: datetime) -> bool:
    if policy.kind is PullPolicy.ALWAYS:
        return True
    if policy.kind in (PullPolicy.NEVER, PullPolicy.BUILD):
        return False
    if local is None:
        return True
    if policy.kind is PullPolicy.REFRESH:
        if local.last_tagged is None:
            return True
        return (now - local.last_tagged).total_seconds() > (policy.refresh_seconds or 0)
    return False


def service_policy(service: Service, pull: str = "policy", build: bool = False) -> Policy:
    """The policy `up` applies: `--pull` over `pull_policy`; `--build` makes it `build` for buildable services."""
    if build and "build" in service.config:
        return Policy(PullPolicy.BUILD)
    value = pull if pull and pull != "policy" else service.config.get("pull_policy")
    return parse_policy(value, name=service.name)


def plan_pulls(services: tuple[Service, ...], local: Mapping[str, LocalImage], *, now: datetime,
               pull: str = "policy", build: bool = False) -> tuple[Service, ...]:
    """The services whose image `up` pulls first (one service per image)."""
    chosen: dict[str, Service] = {}
    for service in services:
        if "image" in service.config and must_pull(service_policy(service, pull, build), local.get(service.image), now):
            chosen.setdefault(service.image, service)
    return tuple(chosen.values())


def plan_builds(services: tuple[Service, ...], local: Mapping[str, LocalImage], *, pull: str = "policy",
                build: bool = False, no_build: bool = False) -> tuple[str, ...]:
    """The services `up` builds after pulling: buildable, and image missing or policy `build`."""
    if no_build:
        return ()
    return tuple(
        service.name for service in services
        if "build" in service.config
        and (service.image not in local or service_policy(service, pull, build).kind is PullPolicy.BUILD)
    )


def local_image(image: ObservedImage | None) -> LocalImage | None:
    """What the pull policies need of an image the engine has."""
    if image is None:
        return None
    return LocalImage(id=image.id, last_tagged=_go_time(image.last_tagged))


def pull_images(services: tuple[Service, ...], engine: Engine, sink: EventSink, *, quiet: bool = False,
                parallel: int | None = None, tolerate: Callable[[Service], bool] = lambda s: False,
                ) -> list[tuple[Service, ComposeError]]:
    """Pull each service's image at once (bounded by `parallel`); the failures, in service order.

    A failure of a service for which `tolerate` is true is reported as a warning event, not returned.
    """
    jobs = [Job(index, partial(_pull_one, service, engine, sink, quiet, tolerate(service)))
            for index, service in enumerate(services)]
    results = run_jobs(jobs, limit=parallel).results
    return [(service, error) for index, service in enumerate(services)
            if isinstance(error := results[index], ComposeError)]


def pull_failure(service: Service, error: ComposeError) -> ComposeError:
    """The one line a failed pull is reported with: service, image and the engine's reason (same error class)."""
    kind = type(error) if isinstance(error, EngineError) else EngineError
    return kind(f'service "{service.name}": cannot pull image {service.image}: {error}')


def _pull_one(service: Service, engine: Engine, sink: EventSink, quiet: bool, tolerated: bool) -> ComposeError | None:
    sink.emit(Event("Service", service.name, "Pulling", named_alone=True))

    def output(line: str) -> None:  # `9ad63333ebc9: Pull complete`: v2 shows each layer as a resource of its own
        if not quiet:
            layer, _, status = line.partition(": ")
            text, bar, progress = status.partition(" [")  # `Downloading [==>   ]  1.2MB/3MB`
            sink.emit(Event("Layer", layer, text, detail=bar.strip() + progress, named_alone=True) if status else
                      Event("Service", service.name, "Pulling", detail=line, named_alone=True))

    try:
        engine.pull_image(service.image, output)
    except ComposeError as error:
        sink.emit(Event("Service", service.name, "Warning" if tolerated else "Error",  # the engine's words, as v2
                        detail=str(error).removeprefix("Error response from daemon: "), named_alone=True))
        return None if tolerated else error
    sink.emit(Event("Service", service.name, "Pulled", named_alone=True))
    return None


def _go_time(stamp: str) -> datetime | None:
    """Go's RFC 3339 with nanoseconds (`2024-05-01T10:00:00.123456789Z`); the zero time → None."""
    if not stamp or stamp.startswith("0001-"):
        return None
    match = re.match(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)?", stamp)
    if not match:
        return None
    zone = match.group(3) or "Z"
    when = datetime.fromisoformat(match.group(1) + ("+00:00" if zone == "Z" else zone))
    return when.astimezone(UTC)
