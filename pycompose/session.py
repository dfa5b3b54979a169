"""What every API operation starts from: the project (loaded and bound), the engine, and the run options.

Shared by `pycompose.api` and `pycompose.images`; not public (the API re-exports `RunOptions`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from pycompose.errors import UsageError
from pycompose.loader.options import LoadedProject, ProjectOptions

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedState

ProjectSource = ProjectOptions | LoadedProject
"""Compose files to load (the CLI's flags as ProjectOptions), or a project already loaded."""


@dataclass(frozen=True)
class RunOptions:
    """How to run any operation (the global flags that are not about loading)."""

    parallel: int | None = None
    """Maximum engine operations at once (`--parallel`); None: COMPOSE_PARALLEL_LIMIT, else unbounded."""
    dry_run: bool = False
    """Plan and report, change nothing."""


def loaded(source: ProjectSource) -> LoadedProject:
    """The project as the loader gives it (the canonical model); loaded now unless it already is."""
    if isinstance(source, LoadedProject):
        return source
    from pycompose.loader.project import load_project

    return load_project(source)


def project(source: ProjectSource, scale: Mapping[str, int] | None = None) -> tuple[ModelProject, Mapping[str, str]]:
    """The bound model and the interpolation environment."""
    from pycompose.bind import bind_project

    model = loaded(source)
    return bind_project(model, scale=scale), model.environment


def project_or_labels(source: ProjectSource, engine: Engine) -> tuple[ModelProject, Mapping[str, str]]:
    """The loaded project; with `-p NAME` and no compose file, the project its containers' labels describe."""
    from pycompose.errors import NoConfigFile

    try:
        return project(source)
    except NoConfigFile:
        if not (isinstance(source, ProjectOptions) and source.project_name):
            raise
    from pycompose.bind import project_from_observed

    observed = engine.observe(source.project_name)
    return project_from_observed(source.project_name, observed), source.environ


def engine_of(engine: Engine | None) -> Engine:
    """The engine given, else the Docker engine of DOCKER_HOST / the current context.

    With `PYCOMPOSE_FAULT_KILL_AFTER` / `PYCOMPOSE_FAULT_LOG` set (killed-run tests), the Docker engine is wrapped
    by `engine/faults.py`; an engine given by the caller never is.
    """
    if engine is not None:
        return engine
    from pycompose.engine.dockerpy import DockerEngine

    docker = DockerEngine()
    if any(key.startswith("PYCOMPOSE_FAULT_") for key in os.environ):  # killed-run tests only: no import otherwise
        from pycompose.engine import faults

        if faults.wanted(os.environ):
            return cast("Engine", faults.wrap(docker, os.environ))
    return docker


def parallel(run: RunOptions, environment: Mapping[str, str]) -> int | None:
    """How many engine operations at once: `--parallel`, else COMPOSE_PARALLEL_LIMIT, else unbounded (None)."""
    if run.parallel is not None:
        return run.parallel
    value = environment.get("COMPOSE_PARALLEL_LIMIT") or os.environ.get("COMPOSE_PARALLEL_LIMIT")
    return int(value) if value and value.lstrip("-").isdigit() else None


def observe(engine: Engine, project: ModelProject, *, details: bool = False, images: bool = True) -> ObservedState:
    """The one snapshot of a command; `images=False` when nothing will be created (down, stop, start…)."""
    return engine.observe(
        project.name,
        networks=tuple(n.name for n in project.networks),
        volumes=tuple(v.name for v in project.volumes),
        images=tuple(s.image for s in project.services) if images else (),
        details=details,
    )


def check_services(project: ModelProject, services: tuple[str, ...]) -> None:
    """Raises UsageError for a named service the project does not declare (a disabled one is declared)."""
    for name in services:
        if name not in project.service_names() and name not in project.disabled_services:
            raise UsageError(f"no such service: {name}")
