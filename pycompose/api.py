"""The public Python API of pycompose: the CLI calls only these functions, and so can test fixtures.

Each operation: load and bind the project, observe the engine once, plan, execute. Options are frozen
dataclasses; progress goes to an EventSink (plain text on stderr by default). The image operations (build, pull,
push) live in `pycompose.images`, what every operation starts from in `pycompose.session`; both are re-exported
here, so `pycompose.api` stays the one surface.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterator, Literal, Mapping, Protocol, Sequence, overload

from pycompose.errors import OperationFailed, UsageError
from pycompose.events import Event, EventSink, PlainSink
from pycompose.images.operations import BuildOptions, PullOptions, PushOptions, build, pull, push
from pycompose.loader.options import LoadedProject, ProjectOptions
from pycompose.planner.options import DownPlanOptions, RecreatePolicy, UpPlanOptions
from pycompose.session import ProjectSource, RunOptions
from pycompose.session import check_services as _check_services
from pycompose.session import engine_of as _engine
from pycompose.session import observe as _observe
from pycompose.session import parallel as _parallel
from pycompose.session import project as _project
from pycompose.session import project_or_labels as _project_or_labels

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.logs import LogLine, LogTarget
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedContainer
    from pycompose.projects import ContainerImage, ProjectSummary


__all__ = [
    "BuildOptions", "PullOptions", "PushOptions", "build", "pull", "push",
    "ContainerRecord", "DownOptions", "ExecOptions", "Project", "PublishedPort", "RunOptions", "UpOptions", "attach",
    "down", "exec_command", "images", "kill", "list_projects", "logs", "port", "ps", "restart", "rm", "service_names",
    "start", "stop", "up", "wait", "wait_healthy",
]


@dataclass(frozen=True)
class UpOptions:
    """`up` / `create`. Pulls and builds missing images first (see `pycompose.images.pull`), before creating
    anything: a pull or build that fails leaves no container or network behind."""

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
    """"always", "missing", "never", "build" or "policy" (each service's `pull_policy`): when to pull."""
    build: bool = False
    """`--build`: build every service that has a `build:` section, even when its image exists."""
    no_build: bool = False
    """`--no-build`: build nothing; a missing image of a buildable service is an error."""
    quiet_pull: bool = False
    """No pull/build progress lines (the Pulling/Pulled/Building/Built events still come)."""


@dataclass(frozen=True)
class DownOptions:
    services: tuple[str, ...] = ()
    remove_orphans: bool = False
    volumes: bool = False
    timeout: int | None = None
    rmi: str | None = None


def _run_plan(plan, project: ModelProject, observed, engine: Engine, sink: EventSink, run: RunOptions,
              environment: Mapping[str, str], wait_timeout: float | None = None) -> None:
    from pycompose.executor import ExecutionContext, execute

    if run.dry_run:
        from pycompose.presentation.dryrun import emit_plan

        emit_plan(plan, sink)
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


def _locked(engine: Engine, project: ModelProject):
    """Serialise commands that converge the same project (see engine/lock.py)."""
    from pycompose.engine.lock import project_lock

    return project_lock(getattr(engine, "host", repr(engine)), project.name)


def _converge(project: ModelProject, environment: Mapping[str, str], graph, engine: Engine, options: UpOptions,
              run: RunOptions, sink: EventSink) -> None:
    from pycompose.images.operations import ensure_images
    from pycompose.planner.up import plan_up

    observed = _observe(engine, project, details=run.dry_run)  # a dry run names what changed: inspect
    images = ensure_images(project, graph, engine, options, sink, run, environment, observed.images)
    if images is not observed.images:  # pulled or built: the new image ids
        observed = replace(observed, images=images)
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


def _report_unchanged(plan, project: ModelProject, observed, sink: EventSink, options: UpOptions) -> None:
    """v2 reports containers left as they are as `Running` (so a no-op `up` says so)."""
    from pycompose.events import Event

    touched = {action.target for action in plan.actions}
    selected = set(options.services or project.service_names())
    for container in observed.containers:
        if container.service in selected and container.name not in touched and container.running:
            sink.emit(Event("Container", container.name, "Running"))


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
        observed = _observe(engine, project, images=False)
        plan = plan_down(project, observed, build_graph(project), DownPlanOptions(
            services=options.services, remove_orphans=options.remove_orphans, volumes=options.volumes,
            timeout=options.timeout, images=_images_for_rmi(project, engine, options), rmi=options.rmi or "",
        ))
        _run_plan(plan, project, observed, engine, sink, run, environment)


def _images_for_rmi(project: ModelProject, engine: Engine, options: DownOptions) -> tuple[str, ...]:
    """`--rmi local|all`: the images v2 removes (build/prune.py), from what the engine has."""
    if not options.rmi:
        return ()
    from pycompose import labels
    from pycompose.images.prune import images_to_remove

    return tuple(images_to_remove(
        project, options.rmi, labelled=engine.list_images(f"{labels.PROJECT}={project.name}"),
        exists=lambda name: engine.image_details(name) is not None, remove_orphans=options.remove_orphans))


def _lifecycle(source: ProjectSource, services: tuple[str, ...], engine: Engine | None):
    from pycompose.graph import build_graph

    engine = _engine(engine)
    project, environment = _project_or_labels(source, engine)
    _check_services(project, services)
    observed = _observe(engine, project, images=False)  # nothing is created: no image needed
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


def images(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
           ) -> list[ContainerImage]:
    """`images`: each of the project's containers (stopped ones too) with the image it runs, by container name."""
    from pycompose.projects import container_images

    engine = _engine(engine)
    return container_images(engine, ps(source, services, all_containers=True, engine=engine))


def list_projects(*, all_projects: bool = False, name_filter: str | None = None, engine: Engine | None = None,
                  ) -> list[ProjectSummary]:
    """`ls`: every Compose project on the engine (v2's and ours alike), found by its containers' labels;
    without `all_projects` only those with a running container. `name_filter` is a regular expression."""
    from pycompose.projects import list_projects as summaries

    return summaries(_engine(engine), all_projects=all_projects, name_filter=name_filter)


class AttachView(Protocol):
    """What attached `up` reports, in one thread (so output never mixes): the CLI formats it, `attach(output=…)`
    writes it as plain text."""

    def attached(self, targets: Sequence[LogTarget]) -> None:
        """The containers followed from the start, before any line (v2: `Attaching to web-1, db-1`)."""

    def joined(self, target: LogTarget) -> None:
        """A container that appeared while attached (recreated, scaled up), before its first line."""

    def line(self, line: LogLine) -> None:
        """One whole line of a container's stdout or stderr (`line.stream`)."""

    def recreated(self, target: LogTarget) -> None:
        """A container's stream ended because `up` replaced it (told before its exit code, as v2 does)."""

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        """A container's stream ended: its exit code; `restarting` when its restart policy starts it again."""


class _TextView:
    """`attach(output=…)`: plain `web-1  | text` lines and `web-1 exited with code 0`, to a callable."""

    def __init__(self, output: Callable[[str], None]) -> None:
        from pycompose.presentation import logview

        self.output = output
        self.formatter = logview.LogFormatter()
        self._words = logview

    def attached(self, targets: Sequence[LogTarget]) -> None:
        for target in targets:
            self.formatter.add(target)

    def joined(self, target: LogTarget) -> None:
        self.formatter.add(target)

    def line(self, line: LogLine) -> None:
        self.output(self.formatter.format(line))

    def recreated(self, target: LogTarget) -> None:
        self.output(f"{target.name} {self._words.RECREATED}\n")

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        self.output(f"{target.name} {self._words.exit_message(code, restarting)}\n")


def attach(
    source: ProjectSource,
    services: tuple[str, ...] = (),
    *,
    exclude: tuple[str, ...] = (),
    timeout: int | None = None,
    abort_on_exit: bool = False,
    exit_code_from: str | None = None,
    output: Callable[[str], None] | None = None,
    view: AttachView | None = None,
    since: float | None = None,
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> int:
    """Attached `up`: follow the containers' logs until they all exit or Ctrl-C.

    What is seen goes to `view` (the CLI formats it); without one, plain text (`web-1  | line`,
    `web-1 exited with code 0`) goes to `output`, or stdout. Lines are read by `logs.multiplex`: whole, from one
    thread, stdout and stderr apart; a container recreated or started while attached joins in. Ctrl-C stops the
    project gracefully while the logs go on (a second Ctrl-C kills it). With `abort_on_exit` the first container
    to exit stops the rest. `services` limits the containers followed (`--attach`), `exclude` drops some
    (`--no-attach`); stopping always concerns the whole project. `since` (a Unix time; the CLI passes when `up`
    began): only what was logged from then on, not what a container that is started again logged before.
    Returns the exit code v2 returns: that container's (or `exit_code_from`'s), else 0; 130 after Ctrl-C.
    """
    import sys
    import threading

    from pycompose.logs import LogOptions, engine_timestamp, exit_status, multiplex, targets_of

    sink = sink or PlainSink()
    if view is None:
        view = _TextView(output or (lambda text: (sys.stdout.write(text), sys.stdout.flush())))
    project, _ = _project(source)
    engine = _engine(engine)
    declared = set(project.service_names())

    seen: dict[str, ObservedContainer] = {}

    def followed() -> list[ObservedContainer]:
        found = [c for c in engine.observe(project.name, all_containers=True).containers if c.service in declared
                 and (not services or c.service in services) and c.service not in exclude]
        seen.update((c.id, c) for c in found)
        return found

    def replaced(target: LogTarget) -> bool:
        """Whether a newer container carries the label saying it replaces this one (v2 labels a recreate so)."""
        from pycompose import labels

        old = seen.get(target.container_id)
        return old is not None and any(
            c.labels.get(labels.REPLACE) == old.name and c.id != old.id and c.created >= old.created
            for c in followed())

    def prefix_of(container: ObservedContainer) -> str:
        return _log_prefix(project, container)

    def discover() -> list[tuple[LogTarget, bool]]:
        found = followed()
        running = {c.id for c in found if c.state == "running"}
        return [(t, t.container_id in running) for t in targets_of(found, prefix_of)]

    # what `up` just started, and the one-shots that already ended (their whole log, then their exit code)
    targets = targets_of([c for c in followed() if c.state in ("running", "exited")], prefix_of)
    finish = threading.Event()
    errors: list[BaseException] = []
    result, exit_seen, stopping, interrupts = 0, False, False, 0

    def stop_project() -> None:
        """Stop the project on a thread: the logs go on meanwhile, then `finish` ends them."""
        nonlocal stopping
        if stopping:
            return
        stopping = True

        def run() -> None:
            try:
                stop(source, (), timeout, engine=engine, sink=sink)
            except BaseException as error:  # noqa: BLE001 - raised in the caller's thread
                errors.append(error)
            finally:
                finish.set()

        threading.Thread(target=run, daemon=True, name="attach-stop").start()

    def on_end(target: LogTarget) -> None:
        nonlocal result, exit_seen
        code, restarting = exit_status(engine, target.container_id)
        if not restarting and replaced(target):
            view.recreated(target)
        view.exited(target, code, restarting)
        if restarting:
            return
        if exit_code_from and target.service == exit_code_from and not exit_seen:
            result, exit_seen = code, True
        if abort_on_exit and not stopping:
            if not exit_code_from:
                result = code
            sink.warn("Aborting on container exit...")
            stop_project()

    def on_interrupt() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            sink.emit(Event("", "Gracefully Stopping...", "press Ctrl+C again to force"))
            stop_project()
        else:
            kill(source, (), engine=engine, sink=sink)
            finish.set()

    view.attached(targets)
    try:
        options = LogOptions(follow=True, since=engine_timestamp(since) if since is not None else None)
        multiplex(engine, targets, options, view.line, discover=discover, on_new=view.joined,
                  on_end=on_end, on_interrupt=on_interrupt, finish=finish)
    except KeyboardInterrupt:  # a third Ctrl-C, or one while killing
        return 130
    if interrupts:
        return 130
    if errors:
        raise errors[0]
    return result


def resolve_for_logs(source: ProjectSource, services: Sequence[str] = (), *, engine: Engine | None = None,
                     ) -> tuple[ModelProject, Engine, Callable[[ObservedContainer], str]]:
    """What `pycompose.logs` needs to read a project's logs: the model, the engine, and each container's prefix.

    With `-p NAME` and no compose file the model comes from the containers' labels, as in v2.
    For core modules; not part of the curated surface (`__all__`).

    Raises:
        UsageError: one of `services` is not in the project.
    """
    engine = _engine(engine)
    project, _ = _project_or_labels(source, engine)
    _check_services(project, tuple(services))
    return project, engine, lambda container: _log_prefix(project, container)


def _log_prefix(project: ModelProject, container: ObservedContainer) -> str:
    """v2 prefixes log lines with `service-n`, or the container_name when one is set."""
    service = project.service(container.service) if container.service in project.service_names() else None
    if service is not None and service.container_name:
        return service.container_name
    return f"{container.service}-{container.number}"


def service_names(source: ProjectSource) -> tuple[str, ...]:
    """The services the compose file declares (enabled or disabled by profiles)."""
    project, _ = _project(source)
    return project.service_names() + project.disabled_services


# containers of a running project: records, port, exec, logs, wait -----------------------------------------------


@dataclass(frozen=True)
class PublishedPort:
    """One port a container publishes (v2 `ps --format json` `Publishers` item)."""

    url: str
    """The host address the engine listens on (`0.0.0.0`, `::`); empty when the port is only exposed."""
    target_port: int
    published_port: int
    """0 when the port is exposed but not published."""
    protocol: str = "tcp"


@dataclass(frozen=True)
class ContainerRecord:
    """A service container as `ps` reports it."""

    id: str
    name: str
    service: str
    number: int
    state: str
    """created, running, paused, restarting, removing, exited or dead."""
    health: str | None
    """starting, healthy, unhealthy, or None without a healthcheck."""
    exit_code: int
    status: str
    image: str
    publishers: tuple[PublishedPort, ...] = ()

    @property
    def running(self) -> bool:
        return self.state in ("running", "restarting")

    @classmethod
    def from_observed(cls, container: ObservedContainer) -> ContainerRecord:
        publishers = tuple(
            PublishedPort(url=str(p.get("IP") or ""), target_port=int(p.get("PrivatePort") or 0),  # type: ignore[call-overload] # engine JSON
                          published_port=int(p.get("PublicPort") or 0),  # type: ignore[call-overload] # engine JSON
                          protocol=str(p.get("Type") or "tcp"))
            for p in container.ports
        )
        return cls(id=container.id, name=container.name, service=container.service, number=container.number,
                   state=container.state, health=container.health, exit_code=container.exit_code,
                   status=container.status, image=container.image, publishers=publishers)


def _service_container(source: ProjectSource, service: str, index: int | None, engine: Engine) -> ObservedContainer:
    """The running container `index` (1-based; None: the first) of a service (v2 `getSpecifiedContainer`)."""
    project, _ = _project_or_labels(source, engine)
    _check_services(project, (service,))
    running = engine.observe(project.name, all_containers=False).containers_of(service)
    if not running:
        raise OperationFailed(f'service "{service}" is not running')
    if index is None:
        return running[0]
    for container in running:
        if container.number == index:
            return container
    raise OperationFailed(f'service "{service}" is not running container #{index}')


def port(source: ProjectSource, service: str, private_port: int, *, protocol: str = "tcp", index: int | None = None,
         engine: Engine | None = None) -> tuple[str, int]:
    """The host address and port a service container publishes `private_port/protocol` on (v2 `port`).

    Returns `("0.0.0.0", 32768)`; `("", 0)` when the port is exposed but not published (v2 prints `:0`).

    Raises:
        OperationFailed: the service has no running container (number `index`), or no such port.
    """
    container = _service_container(source, service, index, _engine(engine))
    for item in container.ports:
        if item.get("PrivatePort") == private_port and item.get("Type", "tcp") == protocol:
            return str(item.get("IP") or ""), int(item.get("PublicPort") or 0)  # type: ignore[call-overload] # engine JSON
    known = ", ".join(f"{p.get('PublicPort') or 0}/{p.get('Type', 'tcp')}" for p in container.ports)
    raise OperationFailed(f"no port {private_port}/{protocol} for container {container.name}: {known}")


@dataclass(frozen=True)
class ExecOptions:
    """`exec`: how to run a command in a running service container."""

    env: Mapping[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    privileged: bool = False
    index: int | None = None
    """Container number (`--index`); None: the first running one."""
    tty: bool = False
    """Allocate a pseudo-TTY (the CLI does when stdin is a terminal and `-T` is not given)."""
    detach: bool = False
    """Start the command and return at once (exit code 0)."""


def exec_command(
    source: ProjectSource,
    service: str,
    command: list[str] | tuple[str, ...],
    options: ExecOptions = ExecOptions(),
    *,
    stdin: Any = None,
    stdout: Any = None,
    stderr: Any = None,
    engine: Engine | None = None,
) -> int:
    """Run `command` in a running service container (v2 `exec`); returns the command's exit code.

    `stdin` (a binary file, or None for no input) is sent to the command; output goes to the binary streams
    `stdout` / `stderr` (None: discarded). With `options.tty` stdin is expected to be a terminal: it is put in raw
    mode while the command runs, and the output is one stream (stdout).

    Raises:
        OperationFailed: the service has no running container. EngineError: the engine refused the exec.
    """
    engine = _engine(engine)
    container = _service_container(source, service, options.index, engine)
    return _exec_run(engine, container.id, list(command), options, stdin=stdin, stdout=stdout, stderr=stderr)


def logs(source: ProjectSource, services: Sequence[str] = (), *, tail: int | None = None, timestamps: bool = False,
         prefix: bool = True, engine: Engine | None = None) -> str:
    """The logs the services' containers wrote so far (v2 `logs --no-color`, not following), as text.

    Containers come one after the other by service and number (not interleaved by time); with `prefix` each line
    starts `web-1  | ` as in v2.
    """
    engine = _engine(engine)
    project, _ = _project_or_labels(source, engine)
    _check_services(project, tuple(services))
    containers = [c for c in engine.observe(project.name, all_containers=True).containers
                  if not services or c.service in services]
    containers.sort(key=lambda c: (c.service, c.number, c.name))
    prefixes = {c.id: _log_prefix(project, c) for c in containers}
    width = max((len(p) for p in prefixes.values()), default=0)
    out: list[str] = []
    for container in containers:
        text = _container_logs(engine, container.id, tail=tail, timestamps=timestamps).decode("utf-8", "replace")
        for line in text.splitlines():
            out.append(f"{prefixes[container.id].ljust(width)}  | {line}\n" if prefix else line + "\n")
    return "".join(out)


def wait(source: ProjectSource, services: Sequence[str], *, down_project: bool = False,
         on_exit: Callable[[ObservedContainer, int], None] | None = None,
         engine: Engine | None = None, sink: EventSink | None = None) -> int:
    """Block until every container of `services` has stopped (v2 `wait`); the exit code of the last to stop.

    Containers that have already exited count too (their code is returned at once; v2 only waits for running
    ones). `on_exit` hears of each container as it stops. With `down_project` the wait ends at the first
    container to stop and the whole project is taken down (orphans too); its exit code is returned.

    Raises:
        OperationFailed: the services have no containers.
    """
    import queue
    import threading

    engine = _engine(engine)
    project, _ = _project_or_labels(source, engine)
    _check_services(project, tuple(services))
    containers = [c for c in engine.observe(project.name, all_containers=True).containers
                  if not services or c.service in services]
    if not containers:
        raise OperationFailed(f'no containers for project "{project.name}"')
    results: queue.Queue = queue.Queue()

    def follow(container: ObservedContainer) -> None:
        try:
            results.put((container, engine.wait_container(container.id), None))
        except BaseException as error:  # noqa: BLE001 - re-raised in the calling thread
            results.put((container, None, error))

    for container in containers:
        threading.Thread(target=follow, args=(container,), daemon=True).start()
    code = 0
    for _ in range(1 if down_project else len(containers)):
        while True:
            try:  # short timeouts keep Ctrl-C working
                container, code, error = results.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        if error is not None:
            raise error
        if on_exit is not None:
            on_exit(container, code)
    if down_project:
        down(source, DownOptions(remove_orphans=True), engine=engine, sink=sink)
    return code


def wait_healthy(source: ProjectSource, services: Sequence[str] = (), timeout: float = 60.0, *,
                 interval: float = 0.5, engine: Engine | None = None) -> list[ContainerRecord]:
    """Wait until the services' containers are running (healthy when they have a healthcheck).

    A container that exited with code 0 counts as done (a one-shot); returns the containers as last seen.

    Raises:
        OperationFailed: a container is unhealthy or exited non-zero, or `timeout` seconds passed.
    """
    import time

    engine = _engine(engine)
    project, _ = _project_or_labels(source, engine)
    _check_services(project, tuple(services))
    wanted = tuple(services) or project.service_names()
    deadline = time.monotonic() + timeout
    while True:
        observed = engine.observe(project.name, all_containers=True)
        containers = [c for c in observed.containers if c.service in wanted]
        missing = [s for s in wanted if not observed.containers_of(s)]
        pending = False
        for container in containers:
            if container.state == "exited" or container.state == "dead":
                if container.exit_code != 0:
                    raise OperationFailed(f"container {container.name} exited ({container.exit_code})")
            elif container.health == "unhealthy":
                raise OperationFailed(f"container {container.name} is unhealthy")
            elif not container.running or container.health == "starting":
                pending = True
        if not pending and not missing:
            return [ContainerRecord.from_observed(c) for c in sorted(containers, key=lambda c: c.name)]
        if time.monotonic() >= deadline:
            raise OperationFailed(f"application not healthy after {timeout:g}s")
        time.sleep(interval)


def _container_logs(engine: Engine, container_id: str, *, tail: int | None, timestamps: bool) -> bytes:
    chunks = engine.stream_logs(container_id, follow=False, tail="all" if tail is None else str(tail),
                                timestamps=timestamps)
    return b"".join(chunk for _, chunk in chunks)


def _exec_run(engine: Engine, container_id: str, command: list[str], options: ExecOptions, *,
              stdin: Any, stdout: Any, stderr: Any) -> int:
    """The engine runs the command; here the terminal is put in raw mode and its size read for a TTY exec."""
    from pycompose.engine.base import ExecSpec

    spec = ExecSpec(
        command=tuple(command), env=dict(options.env), workdir=options.workdir, user=options.user,
        privileged=options.privileged, tty=options.tty, detach=options.detach,
        terminal_size=_terminal_size(stdout) if options.tty and not options.detach else None,
    )
    with _raw_terminal(stdin if options.tty and not options.detach else None):
        return engine.exec_container(container_id, spec, stdin=stdin, stdout=stdout, stderr=stderr)


def _fileno(stream: Any) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _terminal_size(stdout: Any) -> tuple[int, int] | None:
    """(lines, columns) of the terminal `stdout` writes to (else of fd 1); None when there is none."""
    fileno = _fileno(stdout)
    try:
        size = os.get_terminal_size(fileno if fileno is not None else 1)
    except (OSError, ValueError):  # a terminal size is a nicety; the command runs without one
        return None
    return size.lines, size.columns


class _raw_terminal:  # noqa: N801 - used as a context manager, named like one
    """Puts a terminal stdin in raw mode for a TTY exec and restores it afterwards."""

    def __init__(self, stdin: Any) -> None:
        self._fileno = _fileno(stdin) if stdin is not None else None
        self._saved: Any = None

    def __enter__(self) -> None:
        if self._fileno is not None and os.isatty(self._fileno):
            import termios
            import tty

            self._saved = termios.tcgetattr(self._fileno)
            tty.setraw(self._fileno)

    def __exit__(self, *exc: object) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fileno, termios.TCSADRAIN, self._saved)


# the object API ---------------------------------------------------------------------------------------------------


class Project:
    """A compose project driven from Python (what test fixtures use).

    Load once, then call the operations; as a context manager it brings the stack up (waiting for health) and
    always takes it down again, also when the body raises or on Ctrl-C::

        with Project.load("samples/lamp/compose.yaml", project_name="lamptest") as stack:
            host, port = stack.endpoint("web", 80)
            code, output = stack.exec("db", ["mariadb", "--version"])

    Every error is a `pycompose.errors.ComposeError`.
    """

    def __init__(self, loaded: LoadedProject, *, engine: Engine | None = None, sink: EventSink | None = None,
                 down_volumes: bool = True, wait_timeout: float | None = 120.0) -> None:
        self.loaded = loaded
        self._engine = engine
        self.sink: EventSink = sink or PlainSink()
        self.down_volumes = down_volumes
        """What leaving the `with` block passes to `down(volumes=…)`."""
        self.wait_timeout = wait_timeout
        """Seconds `up(wait=True)` waits for the services to be running/healthy; None: no limit."""

    @classmethod
    def load(
        cls,
        path_or_files: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        profiles: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        project_name: str | None = None,
        env_files: Sequence[str] = (),
        inherit_env: bool = True,
        engine: Engine | None = None,
        sink: EventSink | None = None,
        down_volumes: bool = True,
        wait_timeout: float | None = 120.0,
    ) -> Project:
        """Load a compose project.

        Args:
            path_or_files: a compose file, several (merged in order), or a directory to look for the default
                names in (None: the current directory, then COMPOSE_FILE as the CLI does).
            profiles: profiles to enable (`--profile`).
            env: variables for interpolation and COMPOSE_*, over the process environment (only these when
                `inherit_env` is False).
            project_name: `-p`; default: `name:` in the file, COMPOSE_PROJECT_NAME, the directory's name.
            env_files: `--env-file` paths.

        Raises:
            ConfigError: the files are missing or invalid.
        """
        from pycompose.loader.project import load_project

        environ = {**(os.environ if inherit_env else {}), **(env or {})}
        files: tuple[str, ...] = ()
        directory: str | None = None
        if path_or_files is not None:
            items = [path_or_files] if isinstance(path_or_files, (str, os.PathLike)) else list(path_or_files)
            paths = [os.fspath(item) for item in items]
            if len(paths) == 1 and os.path.isdir(paths[0]):
                directory = os.path.abspath(paths[0])
            else:
                files = tuple(os.path.abspath(p) for p in paths)
        options = ProjectOptions(files=files, project_name=project_name, profiles=tuple(profiles),
                                 env_files=tuple(os.path.abspath(f) for f in env_files), environ=environ,
                                 working_directory=directory or os.getcwd())
        return cls(load_project(options), engine=engine, sink=sink, down_volumes=down_volumes,
                   wait_timeout=wait_timeout)

    @property
    def name(self) -> str:
        return self.loaded.name

    @property
    def services(self) -> tuple[str, ...]:
        """The enabled services, in the order the model lists them."""
        return tuple(self.loaded.config.get("services") or {})

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = _engine(None)
        return self._engine

    # lifecycle

    def up(self, wait: bool = True, services: Sequence[str] = (), *, force_recreate: bool = False,
           no_deps: bool = False, remove_orphans: bool = False, timeout: int | None = None,
           wait_timeout: float | None = None, pull: str = "policy", build: bool = False) -> None:
        """Create and start the containers (`up -d`; with `wait`, `up --wait`: running and healthy).

        Missing images are pulled or built first (`build=True`: `up --build`, rebuild every buildable service).
        """
        up(self.loaded, UpOptions(services=tuple(services), force_recreate=force_recreate, no_deps=no_deps,
                                  remove_orphans=remove_orphans, timeout=timeout, wait=wait,
                                  wait_timeout=wait_timeout if wait_timeout is not None else self.wait_timeout,
                                  pull=pull, build=build),
           engine=self.engine, sink=self.sink)

    def down(self, volumes: bool = False, *, remove_orphans: bool = False, timeout: int | None = None) -> None:
        """Remove the containers and networks (and named/anonymous volumes with `volumes`)."""
        down(self.loaded, DownOptions(volumes=volumes, remove_orphans=remove_orphans, timeout=timeout),
             engine=self.engine, sink=self.sink)

    def stop(self, services: Sequence[str] = (), timeout: int | None = None) -> None:
        stop(self.loaded, tuple(services), timeout, engine=self.engine, sink=self.sink)

    def start(self, services: Sequence[str] = ()) -> None:
        start(self.loaded, tuple(services), wait_timeout=self.wait_timeout, engine=self.engine, sink=self.sink)

    def restart(self, services: Sequence[str] = (), timeout: int | None = None) -> None:
        restart(self.loaded, tuple(services), timeout, engine=self.engine, sink=self.sink)

    def kill(self, services: Sequence[str] = (), signal: str = "SIGKILL") -> None:
        kill(self.loaded, tuple(services), signal, engine=self.engine, sink=self.sink)

    def rm(self, services: Sequence[str] = (), *, stop: bool = False, volumes: bool = False) -> list[str]:
        """Remove stopped containers (running ones too with `stop`); the names removed."""
        return rm(self.loaded, tuple(services), stop_first=stop, volumes=volumes, engine=self.engine, sink=self.sink)

    # inspection

    def ps(self, services: Sequence[str] = (), *, all: bool = False) -> list[ContainerRecord]:  # noqa: A002 - v2's flag name
        """The service containers (running only unless `all`), sorted by name."""
        return [ContainerRecord.from_observed(c)
                for c in ps(self.loaded, tuple(services), all_containers=all, engine=self.engine)]

    @overload
    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: Literal[False] = False) -> str: ...

    @overload
    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: Literal[True]) -> Iterator[str]: ...

    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: bool = False) -> str | Iterator[str]:
        """What the service's containers (None: all services') logged so far; prefixed `web-1  | ` by default
        only for all services.

        With `follow=True` (`logs -f`): an iterator of lines (no newline) as they are written, all containers'
        interleaved, also of containers recreated meanwhile; it ends when the project stops, or when closed::

            for line in stack.logs("web", follow=True):
                if "ready to accept connections" in line:
                    break
        """
        services = (service,) if service else ()
        prefixed = service is None if prefix is None else prefix
        if follow:
            from pycompose.logs import LogOptions, follow_lines

            options = LogOptions(follow=True, tail="all" if tail is None else str(tail))
            return follow_lines(self.loaded, services, options, prefix=prefixed, engine=self.engine)
        return logs(self.loaded, services, tail=tail, prefix=prefixed, engine=self.engine)

    def exec(self, service: str, cmd: str | Sequence[str], *, env: Mapping[str, str] | None = None,
             workdir: str | None = None, user: str | None = None, index: int | None = None,
             input: bytes | None = None,  # noqa: A002 - named as in subprocess.run
             ) -> tuple[int, str]:
        """Run a command in a running service container (no TTY): `(exit_code, stdout and stderr as text)`.

        A string command is split like a shell would (no shell runs it: use `["sh", "-c", "…"]` for that).
        """
        import io
        import shlex

        command = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
        output = io.BytesIO()
        code = exec_command(self.loaded, service, command,
                            ExecOptions(env=dict(env or {}), workdir=workdir, user=user, index=index),
                            stdin=io.BytesIO(input) if input is not None else None, stdout=output, stderr=output,
                            engine=self.engine)
        return code, output.getvalue().decode("utf-8", "replace")

    def port(self, service: str, private_port: int, *, protocol: str = "tcp",
             index: int | None = None) -> tuple[str, int]:
        """Where the engine publishes the port, as v2 `port` prints it: `("0.0.0.0", 32768)`."""
        return port(self.loaded, service, private_port, protocol=protocol, index=index, engine=self.engine)

    def endpoint(self, service: str, private_port: int, *, protocol: str = "tcp",
                 index: int | None = None) -> tuple[str, int]:
        """A host and port a client here can connect to: `port()` with a wildcard address replaced by the
        engine's host (127.0.0.1 for a local engine)."""
        host, number = self.port(service, private_port, protocol=protocol, index=index)
        if host in ("", "0.0.0.0", "::"):
            host = _engine_host()
        return host, number

    def wait_healthy(self, timeout: float = 60.0, services: Sequence[str] = ()) -> list[ContainerRecord]:
        """Wait until the containers are running (healthy where they have a healthcheck)."""
        return wait_healthy(self.loaded, tuple(services), timeout, engine=self.engine)

    def wait(self, services: Sequence[str], *, down_project: bool = False) -> int:
        """Wait for the services' containers to stop; the exit code of the last one."""
        return wait(self.loaded, tuple(services), down_project=down_project, engine=self.engine, sink=self.sink)

    # context manager

    def __enter__(self) -> Project:
        try:
            self.up(wait=True)
        except BaseException:
            self._down_always()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._down_always()

    def _down_always(self) -> None:
        """`down`, even when Ctrl-C interrupts it: then once more, and the interrupt is raised afterwards."""
        try:
            self.down(volumes=self.down_volumes, remove_orphans=True)
        except KeyboardInterrupt:
            self.down(volumes=self.down_volumes, remove_orphans=True)
            raise

    def __repr__(self) -> str:
        return f"<pycompose.api.Project {self.name!r} services={list(self.services)!r}>"


def _engine_host() -> str:
    """The host of a tcp:// / ssh:// DOCKER_HOST, else 127.0.0.1."""
    from urllib.parse import urlsplit

    url = os.environ.get("DOCKER_HOST", "")
    if url.startswith(("tcp://", "ssh://", "http://", "https://")):
        return urlsplit(url).hostname or "127.0.0.1"
    return "127.0.0.1"
