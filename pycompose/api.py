"""The public Python API of pycompose: the CLI calls only these functions, and so can test fixtures.

Each operation: load and bind the project, observe the engine once, plan, execute. Options are frozen
dataclasses; progress goes to an EventSink (plain text on stderr by default).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Mapping, Union

from pycompose.errors import UsageError
from pycompose.events import EventSink, PlainSink
from pycompose.loader.options import LoadedProject, ProjectOptions
from pycompose.planner.options import DownPlanOptions, RecreatePolicy, UpPlanOptions

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project
    from pycompose.observed import ObservedContainer, ObservedState

ProjectSource = Union[ProjectOptions, LoadedProject]

__all__ = [
    "DownOptions", "RunOptions", "UpOptions", "attach", "down", "kill", "ps", "restart", "rm", "service_names",
    "start", "stop", "up",
]


@dataclass(frozen=True)
class RunOptions:
    """How to run any operation (the global flags that are not about loading)."""

    parallel: int | None = None
    """Maximum engine operations at once (`--parallel`); None: COMPOSE_PARALLEL_LIMIT, else unbounded."""
    dry_run: bool = False
    """Plan and report, change nothing."""


@dataclass(frozen=True)
class UpOptions:
    """`up` / `create`. Does not build images (no builder yet) and never pulls in tests."""

    services: tuple[str, ...] = ()
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    always_recreate_deps: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    renew_anon_volumes: bool = False
    timeout: int | None = None
    wait: bool = False
    wait_timeout: float | None = None
    scale: Mapping[str, int] = field(default_factory=dict)
    pull: str = "policy"
    """"always", "missing", "never" or "policy": when to pull a service's image."""


@dataclass(frozen=True)
class DownOptions:
    services: tuple[str, ...] = ()
    remove_orphans: bool = False
    volumes: bool = False
    timeout: int | None = None
    rmi: str | None = None


def _loaded(source: ProjectSource) -> LoadedProject:
    if isinstance(source, LoadedProject):
        return source
    from pycompose.loader.project import load_project

    return load_project(source)


def _project(source: ProjectSource, scale: Mapping[str, int] | None = None) -> tuple[Project, Mapping[str, str]]:
    from pycompose.bind import bind_project

    loaded = _loaded(source)
    return bind_project(loaded, scale=scale), loaded.environment


def _project_or_labels(source: ProjectSource, engine: Engine) -> tuple[Project, Mapping[str, str]]:
    """The loaded project; with `-p NAME` and no compose file, the project its containers' labels describe."""
    from pycompose.errors import ConfigError

    try:
        return _project(source)
    except ConfigError as error:
        if not (isinstance(source, ProjectOptions) and source.project_name
                and str(error).startswith("no configuration file provided")):
            raise
    from pycompose.bind import project_from_observed

    observed = engine.observe(source.project_name)
    return project_from_observed(source.project_name, observed), source.environ


def _engine(engine: Engine | None) -> Engine:
    if engine is not None:
        return engine
    from pycompose.engine.dockerpy import DockerEngine

    return DockerEngine()


def _parallel(run: RunOptions, environment: Mapping[str, str]) -> int | None:
    if run.parallel is not None:
        return run.parallel
    value = environment.get("COMPOSE_PARALLEL_LIMIT") or os.environ.get("COMPOSE_PARALLEL_LIMIT")
    return int(value) if value and value.lstrip("-").isdigit() else None


def _observe(engine: Engine, project: Project) -> ObservedState:
    return engine.observe(
        project.name,
        networks=tuple(n.name for n in project.networks),
        volumes=tuple(v.name for v in project.volumes),
        images=tuple(s.image for s in project.services),
    )


def _check_services(project: Project, services: tuple[str, ...]) -> None:
    for name in services:
        if name not in project.service_names() and name not in project.disabled_services:
            raise UsageError(f"no such service: {name}")


def _run_plan(plan, project: Project, observed, engine: Engine, sink: EventSink, run: RunOptions,
              environment: Mapping[str, str], wait_timeout: float | None = None) -> None:
    from pycompose.executor import ExecutionContext, execute

    if run.dry_run:
        from pycompose.events import Event

        for message in plan.warnings:
            sink.warn(message)
        for action in plan.ordered():
            sink.emit(Event("DRY-RUN MODE -", f"{action.kind.value} {action.target}", action.reason))
        return
    context = ExecutionContext(project=project, observed=observed, engine=engine, sink=sink,
                               parallel=_parallel(run, environment), wait_timeout=wait_timeout)
    execute(plan, context)


def up(
    source: ProjectSource,
    options: UpOptions = UpOptions(),
    *,
    run: RunOptions = RunOptions(),
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> None:
    """Create and start the project's containers so that they match the model (v2 `up -d`).

    Raises:
        UsageError: conflicting options or an unknown service.
        ConfigError: an external network/volume is missing, a dependency cycle…
        EngineError: the engine refused an operation; OperationFailed: a dependency failed its condition.
    """
    from pycompose.graph import build_graph

    if options.no_recreate and (options.force_recreate or options.renew_anon_volumes or options.always_recreate_deps):
        raise UsageError("--no-recreate and --force-recreate are incompatible")
    sink = sink or PlainSink()
    project, environment = _project(source, options.scale)
    _check_services(project, options.services)
    graph = build_graph(project)
    engine = _engine(engine)
    with _locked(engine, project):
        _converge(project, environment, graph, engine, options, run, sink)


def _locked(engine: Engine, project: Project):
    """Serialise commands that converge the same project (see engine/lock.py)."""
    from pycompose.engine.lock import project_lock

    return project_lock(getattr(engine, "host", repr(engine)), project.name)


def _converge(project: Project, environment: Mapping[str, str], graph, engine: Engine, options: UpOptions,
              run: RunOptions, sink: EventSink) -> None:
    from pycompose.planner.up import plan_up

    _ensure_images(project, engine, options.pull, sink, run)
    observed = _observe(engine, project)
    targeted_policy = RecreatePolicy.DIVERGED
    if options.force_recreate or options.renew_anon_volumes:
        targeted_policy = RecreatePolicy.FORCE
    elif options.no_recreate:
        targeted_policy = RecreatePolicy.NEVER
    dependency_policy = RecreatePolicy.FORCE if options.always_recreate_deps else (
        RecreatePolicy.NEVER if options.no_recreate else RecreatePolicy.DIVERGED)
    plan = plan_up(project, observed, graph, UpPlanOptions(
        services=options.services, no_deps=options.no_deps, recreate=targeted_policy,
        recreate_dependencies=dependency_policy, start=not options.no_start,
        remove_orphans=options.remove_orphans or _truthy(environment.get("COMPOSE_REMOVE_ORPHANS")),
        ignore_orphans=_truthy(environment.get("COMPOSE_IGNORE_ORPHANS")),
        renew_anonymous_volumes=options.renew_anon_volumes, timeout=options.timeout, wait=options.wait,
    ))
    _report_unchanged(plan, project, observed, sink, options)
    _run_plan(plan, project, observed, engine, sink, run, environment, options.wait_timeout)


def _truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


def _report_unchanged(plan, project: Project, observed, sink: EventSink, options: UpOptions) -> None:
    """v2 reports containers left as they are as `Running` (so a no-op `up` says so)."""
    from pycompose.events import Event

    touched = {action.target for action in plan.actions}
    selected = set(options.services or project.service_names())
    for container in observed.containers:
        if container.service in selected and container.name not in touched and container.running:
            sink.emit(Event("Container", container.name, "Running"))


def _ensure_images(project: Project, engine: Engine, pull: str, sink: EventSink, run: RunOptions) -> None:
    """Pull the images the policy asks for (`missing` by default); there is no builder yet."""
    from pycompose.errors import NotFound
    from pycompose.events import Event

    for reference in dict.fromkeys(s.image for s in project.services):
        service = next(s for s in project.services if s.image == reference)
        policy = pull if pull != "policy" else (service.config.get("pull_policy") or "missing")
        if policy == "never" or (policy in ("missing", "if_not_present", "build")
                                 and engine.inspect_image(reference) is not None):
            continue
        if run.dry_run:
            continue
        if "build" in service.config and policy != "always":
            raise UsageError(f"image {reference} for service {service.name} is missing and pycompose cannot build "
                             "yet: build it with `docker compose build` first")
        pull_image = getattr(engine, "pull_image", None)
        if pull_image is None:
            raise NotFound(f"No such image: {reference}")
        sink.emit(Event("Image", reference, "Pulling"))
        pull_image(reference)
        sink.emit(Event("Image", reference, "Pulled"))


def down(
    source: ProjectSource,
    options: DownOptions = DownOptions(),
    *,
    run: RunOptions = RunOptions(),
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> None:
    """Stop and remove the project's containers and networks (and volumes with `volumes=True`)."""
    from pycompose.graph import build_graph
    from pycompose.planner.down import plan_down

    sink = sink or PlainSink()
    engine = _engine(engine)
    project, environment = _project_or_labels(source, engine)
    _check_services(project, options.services)
    with _locked(engine, project):
        observed = _observe(engine, project)
        plan = plan_down(project, observed, build_graph(project), DownPlanOptions(
            services=options.services, remove_orphans=options.remove_orphans, volumes=options.volumes,
            timeout=options.timeout, images=options.rmi,
        ))
        _run_plan(plan, project, observed, engine, sink, run, environment)


def _lifecycle(source: ProjectSource, services: tuple[str, ...], engine: Engine | None):
    from pycompose.graph import build_graph

    engine = _engine(engine)
    project, environment = _project_or_labels(source, engine)
    _check_services(project, services)
    observed = _observe(engine, project)
    return project, environment, engine, observed, build_graph(project)


def stop(source: ProjectSource, services: tuple[str, ...] = (), timeout: int | None = None, *,
         run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Stop running containers, dependents first."""
    from pycompose.planner.lifecycle import plan_stop

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_stop(project, observed, graph, services, timeout)
    _run_plan(plan, project, observed, engine, sink or PlainSink(), run, environment)


def start(source: ProjectSource, services: tuple[str, ...] = (), *, wait_timeout: float | None = None,
          run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Start existing containers (and their dependencies) in dependency order, honouring conditions."""
    from pycompose.planner.lifecycle import plan_start

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_start(project, observed, graph, services)
    _run_plan(plan, project, observed, engine, sink or PlainSink(), run, environment, wait_timeout)


def restart(source: ProjectSource, services: tuple[str, ...] = (), timeout: int | None = None, no_deps: bool = False,
            *, run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Restart containers in dependency order (plus `restart: true` dependents of named services)."""
    from pycompose.planner.lifecycle import plan_restart

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_restart(project, observed, graph, services, timeout, no_deps)
    _run_plan(plan, project, observed, engine, sink or PlainSink(), run, environment)


def kill(source: ProjectSource, services: tuple[str, ...] = (), signal: str = "SIGKILL", *,
         remove_orphans: bool = False,
         run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Send a signal to the running containers of the services."""
    from pycompose.planner.lifecycle import plan_kill
    from pycompose.planner.orphans import find_orphans, plan_orphan_removal
    from pycompose.plan import Plan

    project, environment, engine, observed, _ = _lifecycle(source, services, engine)
    plan = plan_kill(observed, project, services, signal)
    if remove_orphans:
        removal = plan_orphan_removal(find_orphans(project, observed), timeout=None)
        plan = Plan(actions=plan.actions + tuple(removal))
    _run_plan(plan, project, observed, engine, sink or PlainSink(), run, environment)


def rm(source: ProjectSource, services: tuple[str, ...] = (), *, stop_first: bool = False, volumes: bool = False,
       confirm: Callable[[list[str]], bool] | None = None,
       run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> list[str]:
    """Remove stopped service containers (running ones too with `stop_first`); returns the names removed.

    `confirm` gets the names about to be removed and may refuse (the CLI's prompt); None: no question.
    """
    from pycompose.planner.lifecycle import plan_rm

    project, environment, engine, observed, _ = _lifecycle(source, services, engine)
    plan = plan_rm(observed, project, services, stop=stop_first, volumes=volumes)
    sink = sink or PlainSink()
    if not plan:
        sink.warn("No stopped containers")
        return []
    names = [a.target for a in plan.actions if a.kind.name == "REMOVE_CONTAINER"]
    if confirm is not None and not confirm(names):
        return []
    _run_plan(plan, project, observed, engine, sink, run, environment)
    return [a.target for a in plan.actions if a.id.startswith("remove:")]


def ps(source: ProjectSource, services: tuple[str, ...] = (), *, all_containers: bool = False,
       engine: Engine | None = None) -> list[ObservedContainer]:
    """The project's service containers (running only unless `all_containers`), sorted by name."""
    engine = _engine(engine)
    project, _ = _project_or_labels(source, engine)
    _check_services(project, services)
    observed = engine.observe(project.name, all_containers=all_containers)
    wanted = set(services)
    return sorted((c for c in observed.containers if not wanted or c.service in wanted), key=lambda c: c.name)


def attach(
    source: ProjectSource,
    services: tuple[str, ...] = (),
    *,
    exclude: tuple[str, ...] = (),
    timeout: int | None = None,
    abort_on_exit: bool = False,
    exit_code_from: str | None = None,
    output: Callable[[str], None] | None = None,
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> int:
    """Attached `up`: stream the containers' logs (`web-1  | line`) until they all exit or Ctrl-C.

    Ctrl-C stops the project gracefully (a second Ctrl-C kills it). With `abort_on_exit` the first container to
    exit stops the rest. `services` limits the containers followed (`--attach`), `exclude` drops some
    (`--no-attach`); stopping always concerns the whole project. Returns the exit code v2 returns: that container's (or `exit_code_from`'s), else 0.
    """
    import queue
    import sys
    import threading

    from pycompose.events import Event

    sink = sink or PlainSink()
    write = output or (lambda line: (sys.stdout.write(line), sys.stdout.flush()))
    project, _ = _project(source)
    engine = _engine(engine)
    containers = [c for c in engine.observe(project.name, all_containers=False).containers
                  if (not services or c.service in services) and c.service not in exclude]
    prefixes = {c.id: _log_prefix(project, c) for c in containers}
    width = max((len(p) for p in prefixes.values()), default=0)
    exits: queue.Queue = queue.Queue()

    def follow(container) -> None:
        pending = b""
        try:
            for chunk in engine.follow_logs(container.id):
                pending += chunk
                while b"\n" in pending:
                    line, pending = pending.split(b"\n", 1)
                    write(f"{prefixes[container.id].ljust(width)}  | {line.decode('utf-8', 'replace')}\n")
            if pending:
                write(f"{prefixes[container.id].ljust(width)}  | {pending.decode('utf-8', 'replace')}\n")
            code = engine.wait_container(container.id)
        except Exception:  # noqa: BLE001 - a vanished container ends its stream like an exit
            code = 0
        write(f"{prefixes[container.id]} exited with code {code}\n")
        exits.put((container, code))

    for container in containers:
        threading.Thread(target=follow, args=(container,), daemon=True).start()
    result = 0
    remaining = len(containers)
    try:
        while remaining:
            container, code = exits.get()
            remaining -= 1
            if exit_code_from and container.service == exit_code_from:
                result = code
            if abort_on_exit:
                if not exit_code_from:
                    result = code
                sink.warn("Aborting on container exit...")
                stop(source, (), timeout, engine=engine, sink=sink)
                break
    except KeyboardInterrupt:
        sink.emit(Event("", "Gracefully Stopping...", "press Ctrl+C again to force"))
        try:
            stop(source, (), timeout, engine=engine, sink=sink)
        except KeyboardInterrupt:
            kill(source, (), engine=engine, sink=sink)
        return 130
    return result


def _log_prefix(project: Project, container: ObservedContainer) -> str:
    """v2 prefixes log lines with `service-n`, or the container_name when one is set."""
    service = project.service(container.service) if container.service in project.service_names() else None
    if service is not None and service.container_name:
        return service.container_name
    return f"{container.service}-{container.number}"


def service_names(source: ProjectSource) -> tuple[str, ...]:
    """The services the compose file declares (enabled or disabled by profiles)."""
    project, _ = _project(source)
    return project.service_names() + project.disabled_services
