"""build_services: build service images through an Engine, in parallel, a base image before the images FROM it.

Order (v2's classic path builds "in dependency order" over `depends_on`, `build.go` `InDependencyOrder`): a service
waits for the services it `depends_on` and, beyond v2, for any service being built whose image its Dockerfile
names in a `FROM` line (so `FROM myproj-base` works without a `depends_on`). Independent builds run at once, at
most `parallel` of them. After a failure no new build starts; the ones running finish, then the first error is
raised naming the service and the failing step.

Events: `Service <name> Building`, each output line as `Service <name> Building` with the line as detail (unless
quiet), `Service <name> Built`, or `Service <name> Error` with the engine's message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from pycompose.errors import ConfigError, EngineError
from pycompose.events import Event, EventSink
from pycompose.images.naming import BUILDKIT
from pycompose.images.spec import BuildOverrides, build_spec, builder_of
from pycompose.scheduling import Job, run_jobs

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project

_STEP = re.compile(r"^Step (\d+/\d+) : (.*)$")
_FROM = re.compile(r"^\s*FROM\s+(?:--\S+\s+)*(\S+)", re.IGNORECASE | re.MULTILINE)


def build_services(project: Project, names: tuple[str, ...], engine: Engine, sink: EventSink, *,
                   environment: Mapping[str, str], overrides: BuildOverrides = BuildOverrides(),
                   parallel: int | None = None, quiet: bool = False) -> dict[str, str]:
    """Build the images of `names` (services with a `build:` section); {image name: new image id}.

    Raises:
        ConfigError: a context or Dockerfile is missing, or the build uses what the classic builder lacks.
        EngineError: a build failed (`failed to build service "web" at step 2/3 (RUN false): …`).
    """
    jobs = [Job(name, partial(_build_one, project, name, engine, sink, environment, overrides, quiet),
                waits_for(project, name, names)) for name in dict.fromkeys(names)]
    outcome = run_jobs(jobs, limit=parallel, stop_on_failure=True)
    outcome.raise_first()
    if outcome.blocked:
        raise ConfigError(f"build order cycle between services: {', '.join(sorted(outcome.blocked))} "
                          "(each builds FROM or depends on another)")
    return dict(outcome.results.values())  # type: ignore[arg-type]  # each result is (image, image id)


def waits_for(project: Project, name: str, building: tuple[str, ...]) -> set[str]:
    """The services among `building` whose images `name`'s build needs first (depends_on, FROM)."""
    config = project.service(name).config
    depends = set(config.get("depends_on") or ())
    base_images = set(from_images(config))
    for other in building:
        if other == name:
            continue
        image = project.service(other).image
        if image in base_images or f"{image}:latest" in base_images or image.removesuffix(":latest") in base_images:
            depends.add(other)
    return depends & set(building) - {name}


def from_images(config: Mapping[str, object]) -> list[str]:
    """The image references the service's Dockerfile names in `FROM` lines (unreadable Dockerfile: none)."""
    build = config.get("build") or {}
    assert isinstance(build, Mapping)
    text = build.get("dockerfile_inline")
    if text is None:
        dockerfile = str(build.get("dockerfile") or "Dockerfile")
        path = dockerfile if os.path.isabs(dockerfile) else os.path.join(str(build.get("context") or "."), dockerfile)
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            return []
    return _FROM.findall(str(text))


def _build_one(project: Project, name: str, engine: Engine, sink: EventSink, environment: Mapping[str, str],
               overrides: BuildOverrides, quiet: bool) -> tuple[str, str]:
    from pycompose.images.context import make_context_tar  # tarfile and .dockerignore rules: only when building

    service = project.service(name)
    build = service.config.get("build") or {}
    spec = build_spec(project.name, name, service.config, environment, overrides)
    sink.emit(Event("Service", name, "Building"))
    context, dockerfile = make_context_tar(
        str(build.get("context") or "."), dockerfile=str(build.get("dockerfile") or "Dockerfile"),
        dockerfile_inline=build.get("dockerfile_inline"), path=("services", name, "build"),
        per_dockerfile_ignore=builder_of(environment) == BUILDKIT,  # only BuildKit reads `<Dockerfile>.dockerignore`
    )
    step = ""

    def output(line: str) -> None:
        nonlocal step
        match = _STEP.match(line)
        if match:
            step = f" at step {match.group(1)} ({match.group(2)})"
        if not quiet:
            sink.emit(Event("Service", name, "Building", detail=line))

    try:
        with context:
            image_id = engine.build_image(replace(spec, dockerfile=dockerfile), context, output)
    except EngineError as error:
        sink.emit(Event("Service", name, "Error", detail=str(error)))
        raise type(error)(f'failed to build service "{name}"{step}: {error}') from None
    sink.emit(Event("Service", name, "Built"))
    return spec.tags[0], image_id
