"""Acting on a project's running containers one by one: pause, unpause, top, stats, events, export, commit,
attach_service, and scale (which is `up` with new replica counts).

These take the containers as the engine reports them (v2 `pause.go`, `top.go`, `stats.go`, `events.go`,
`export.go`, `commit.go`, `attach.go`); nothing is planned, except by `scale`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pycompose.errors import OperationFailed
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.session import ProjectSource, RunOptions, check_services, engine_of, project_or_labels

if TYPE_CHECKING:
    from pycompose.api.containers import Terminal
    from pycompose.engine.base import ContainerStats, Engine
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedContainer


def _containers(source: ProjectSource, services: tuple[str, ...], engine: Engine, *, all_containers: bool = False,
                checked: bool = True, by_name: bool = True) -> tuple[ModelProject, list[ObservedContainer]]:
    """The services' containers, by name (else in the engine's order, newest first); with `checked`, an unknown
    service is an error (v2's `top` and `stats` only filter by the name)."""
    project, _ = project_or_labels(source, engine)
    if checked:
        check_services(project, services)
    observed = engine.observe(project.name, all_containers=all_containers)
    wanted = set(services)
    found = [c for c in observed.containers if not wanted or c.service in wanted]
    return project, sorted(found, key=lambda c: c.name) if by_name else found


def _each(engine: Engine, containers: list[ObservedContainer], act: Any, sink: EventSink, done: str, *,
          dry_run: bool = False) -> None:
    """`act(container)` on every container at once, each reported as v2 does (`Paused`); the first engine
    failure is raised once all have been tried. A dry run reports without acting."""
    from concurrent.futures import ThreadPoolExecutor

    from pycompose.errors import EngineError

    def one(container: ObservedContainer) -> EngineError | None:
        try:
            if not dry_run:
                act(container)
        except EngineError as error:
            return error
        sink.emit(Event("Container", container.name, done))
        return None

    if not containers:
        return
    with ThreadPoolExecutor(max_workers=min(8, len(containers))) as pool:
        failures = [error for error in pool.map(one, containers) if error is not None]
    if failures:
        raise failures[0]


def pause(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
          sink: EventSink | None = None, run: RunOptions = RunOptions()) -> None:
    """Pause the services' running containers (v2 `pause`); with `run.dry_run`, only report them.

    Raises:
        EngineError: the engine refused one (already paused…), after trying the others.
    """
    engine = engine_of(engine)
    _, containers = _containers(source, services, engine)
    _each(engine, containers, lambda c: engine.pause_container(c.id), sink or LoggingSink(), "Paused",
          dry_run=run.dry_run)


def unpause(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
            sink: EventSink | None = None, run: RunOptions = RunOptions()) -> None:
    """Unpause the services' paused containers (v2 `unpause`); with `run.dry_run`, only report them."""
    engine = engine_of(engine)
    _, containers = _containers(source, services, engine)
    _each(engine, containers, lambda c: engine.unpause_container(c.id), sink or LoggingSink(), "Unpaused",
          dry_run=run.dry_run)


@dataclass(frozen=True)
class ContainerProcesses:
    """`top` of one container: its processes as the engine's `ps` lists them."""

    name: str
    service: str
    number: int
    titles: tuple[str, ...]
    processes: tuple[tuple[str, ...], ...]


def top(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
        ) -> list[ContainerProcesses]:
    """The processes of each running container of the services, by container name (none for an unknown service,
    as in v2)."""
    engine = engine_of(engine)
    _, containers = _containers(source, services, engine, checked=False)
    found = []
    for container in containers:
        titles, rows = engine.top_container(container.id)
        found.append(ContainerProcesses(container.name, container.service, container.number, titles, rows))
    return found


@dataclass(frozen=True)
class ContainerUsage:
    """`stats` of one container: one resource sample."""

    container_id: str
    name: str
    usage: ContainerStats


def stats(source: ProjectSource, services: tuple[str, ...] = (), *, all_containers: bool = False,
          engine: Engine | None = None) -> list[ContainerUsage]:
    """One sample of every (running, unless `all_containers`) container of the services, sampled at once."""
    from concurrent.futures import ThreadPoolExecutor

    from pycompose.engine.base import ContainerStats

    engine = engine_of(engine)
    # the docker CLI's `stats` lists the project's containers, one-offs too, in the engine's order (newest first)
    project, containers = _containers(source, services, engine, all_containers=all_containers, checked=False,
                                      by_name=False)
    oneoffs = [c for c in engine.list_oneoff_containers(project.name, all_containers=all_containers)
               if not services or c.service in services]
    if oneoffs:
        containers = sorted([*containers, *oneoffs], key=lambda c: -c.created)
    if not containers:
        return []

    def sample(container: ObservedContainer) -> ContainerUsage:
        usage = engine.container_stats(container.id) if container.running else ContainerStats()
        return ContainerUsage(container.id, container.name, usage)

    with ThreadPoolExecutor(max_workers=min(16, len(containers))) as pool:
        return list(pool.map(sample, containers))


@dataclass(frozen=True)
class ProjectEvent:
    """A container event of the project (v2 `api.Event`): compose's own labels left out of `attributes`."""

    time_nano: int
    service: str
    container_id: str
    action: str
    attributes: Mapping[str, str] = field(default_factory=dict)


def events(source: ProjectSource, services: tuple[str, ...] = (), *, since: str | None = None,
           until: str | None = None, engine: Engine | None = None) -> Iterator[ProjectEvent]:
    """The project's container events as they happen (from `since`, until `until`, else for ever).

    `since` / `until` are what the docker CLI takes: a duration before now (`10m`), an RFC 3339 date or time, or a
    Unix timestamp (the client converts them, as moby's client does, before the engine sees them).
    `services` filters by the containers' service label and, as in v2, is not checked against the model: the
    events of a service no longer in the files (an orphan) still show.
    """
    from pycompose.logs import engine_timestamp

    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    since = engine_timestamp(since) if since else None
    until = engine_timestamp(until) if until else None
    for event in engine.stream_events(project.name, since=since, until=until):
        if services and event.service not in services:
            continue
        yield ProjectEvent(event.time_nano, event.service, event.container_id, event.action,
                           dict(event.attributes))


def service_container(source: ProjectSource, service: str, index: int | None, engine: Engine,
                      *, running: bool = True) -> tuple[ModelProject, ObservedContainer]:
    """Container `index` (None: the first) of the service; running ones only unless `running` is False."""
    project, _ = project_or_labels(source, engine)
    # (a service the files do not declare is not running either: v2 says so, not `no such service`)
    candidates = engine.observe(project.name, all_containers=not running).containers_of(service)
    if not candidates:
        raise OperationFailed(f'service "{service}" is not running')
    if index is None:
        return project, candidates[0]
    for container in candidates:
        if container.number == index:
            return project, container
    raise OperationFailed(f'service "{service}" is not running container #{index}')


def export(source: ProjectSource, service: str, *, index: int | None = None, engine: Engine | None = None,
           ) -> Iterator[bytes]:
    """The filesystem of the service's container as a tar stream (v2 `export`), in chunks."""
    engine = engine_of(engine)
    _, container = service_container(source, service, index, engine)  # running ones only, as v2
    yield from engine.export_container(container.id)


def commit(source: ProjectSource, service: str, reference: str | None = None, *, index: int | None = None,
           message: str | None = None, author: str | None = None, changes: tuple[str, ...] = (),
           pause_container: bool = True, engine: Engine | None = None) -> str:
    """A new image from the service container's changes (v2 `commit`); its id."""
    engine = engine_of(engine)
    _, container = service_container(source, service, index, engine)  # running ones only, as v2
    repository = tag = None
    if reference:
        last = reference.rsplit("/", 1)[-1]
        repository, tag = (reference.rsplit(":", 1) if ":" in last else (reference, None))
    return engine.commit_container(container.id, repository=repository, tag=tag, message=message, author=author,
                                   changes=changes, pause=pause_container)


def attach_service(source: ProjectSource, service: str, *, index: int | None = None, stdin: Any = None,
                   stdout: Any = None, stderr: Any = None, detach_keys: str | None = None,
                   proxy_signals: bool = True, terminal: Terminal | None = None,
                   engine: Engine | None = None) -> int | None:
    """Attach to the service's running container until it stops (its exit code) or is detached from (None)."""
    from pycompose.api.run import signals_passed_on
    from pycompose.engine.base import AttachSpec

    engine = engine_of(engine)
    project, container = service_container(source, service, index, engine)
    tty = bool(project.service(service).config.get("tty")) if service in project.service_names() else False
    interactive = terminal if tty and stdin is not None else None
    spec = AttachSpec(tty=tty, detach_keys=detach_keys,
                      terminal_size=interactive.size() if interactive is not None else None)
    with interactive.raw() if interactive is not None else contextlib.nullcontext(), \
            signals_passed_on(engine, container.id) if proxy_signals and not tty else contextlib.nullcontext():
        return engine.attach_container(container.id, spec, stdin=stdin, stdout=stdout, stderr=stderr)


def scale(source: ProjectSource, replicas: Mapping[str, int], *, no_deps: bool = False,
          run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Set the named services' replica counts and converge them (v2 `scale`: `up` with the new scale)."""
    from pycompose.api.lifecycle import up
    from pycompose.api.options import UpOptions

    up(source, UpOptions(services=tuple(replicas), scale=dict(replicas), no_deps=no_deps), run=run,
       engine=engine, sink=sink)
