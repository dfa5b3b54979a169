"""Reading and using the containers of a running project: ps, images, ls, port, exec, logs, wait, wait_healthy.

Nothing here changes the project, except `wait(down_project=True)`, which ends in `down`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from pycompose.api.options import ExecOptions
from pycompose.api.records import ContainerRecord
from pycompose.errors import OperationFailed
from pycompose.session import ProjectSource, check_services, engine_of, project_or_labels
from pycompose.session import project as bound_project

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.events import EventSink
    from pycompose.observed import ObservedContainer
    from pycompose.projects import ContainerImage, ProjectSummary


def ps(source: ProjectSource, services: tuple[str, ...] = (), *, all_containers: bool = False,
       oneoff: bool = False, engine: Engine | None = None) -> list[ObservedContainer]:
    """The project's service containers (running only unless `all_containers`), sorted by name; with `oneoff`
    the one-off containers of `run` too (v2 `ps --all` lists them)."""
    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    check_services(project, services)
    observed = engine.observe(project.name, all_containers=all_containers)
    found = list(observed.containers)
    if oneoff:
        found += engine.list_oneoff_containers(project.name, all_containers=all_containers)
    wanted = set(services)
    return sorted((c for c in found if not wanted or c.service in wanted), key=lambda c: c.name)


def images(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
           ) -> list[ContainerImage]:
    """`images`: each of the project's containers (stopped ones too) with the image it runs, by container name.
    Unknown service names select nothing (v2 does not check them here, unlike `ps`)."""
    from pycompose.projects import container_images

    engine = engine_of(engine)
    containers = ps(source, (), all_containers=True, engine=engine)
    if services:
        containers = [c for c in containers if c.service in services]
    return container_images(engine, containers)


def list_projects(*, all_projects: bool = False, name_filter: str | None = None, engine: Engine | None = None,
                  ) -> list[ProjectSummary]:
    """`ls`: every Compose project on the engine (v2's and ours alike), found by its containers' labels;
    without `all_projects` only those with a running container. `name_filter` is a regular expression."""
    from pycompose.projects import list_projects as summaries

    return summaries(engine_of(engine), all_projects=all_projects, name_filter=name_filter)


def service_names(source: ProjectSource) -> tuple[str, ...]:
    """The services the compose file declares (enabled or disabled by profiles)."""
    project, _ = bound_project(source)
    return project.service_names() + project.disabled_services


def _service_container(source: ProjectSource, service: str, index: int | None, engine: Engine) -> ObservedContainer:
    """The running container `index` (1-based; None: the first) of a service (v2 `getSpecifiedContainer`)."""
    project, _ = project_or_labels(source, engine)
    # (a service the files do not declare is not running either: v2 says so, not `no such service`)
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
    container = _service_container(source, service, index, engine_of(engine))
    for binding in container.ports:
        if binding.private_port == private_port and binding.protocol == protocol:
            return binding.ip, binding.public_port
    known = ", ".join(f"{p.public_port}/{p.protocol}" for p in container.ports)
    raise OperationFailed(f"no port {private_port}/{protocol} for container {container.name}: {known}")


class Terminal(Protocol):
    """The terminal a TTY exec runs in, handed in by the edge (the CLI's is `pycompose.cli.terminal`)."""

    def size(self) -> tuple[int, int] | None:
        """(lines, columns), or None when unknown."""
        ...

    def raw(self) -> AbstractContextManager[object]:
        """Raw mode for the duration of the block (keys go to the command as typed), restored afterwards."""
        ...


def exec_command(
    source: ProjectSource,
    service: str,
    command: list[str] | tuple[str, ...],
    options: ExecOptions = ExecOptions(),
    *,
    stdin: Any = None,
    stdout: Any = None,
    stderr: Any = None,
    terminal: Terminal | None = None,
    engine: Engine | None = None,
) -> int:
    """Run `command` in a running service container (v2 `exec`); returns the command's exit code.

    `stdin` (a binary file, or None for no input) is sent to the command; output goes to the binary streams
    `stdout` / `stderr` (None: discarded). With `options.tty` the output is one stream (stdout); the `terminal`
    given, if any, is put in raw mode while the command runs and its size passed on.

    Raises:
        OperationFailed: the service has no running container. EngineError: the engine refused the exec.
    """
    import contextlib

    from pycompose.engine.base import ExecSpec

    if options.dry_run and not options.detach:
        raise OperationFailed("interactive exec is not supported in dry-run mode")
    engine = engine_of(engine)
    container = _service_container(source, service, options.index, engine)
    if options.dry_run:
        return 0
    interactive = terminal if options.tty and not options.detach else None
    spec = ExecSpec(
        command=tuple(command), env=dict(options.env), workdir=options.workdir, user=options.user,
        privileged=options.privileged, tty=options.tty, detach=options.detach,
        terminal_size=interactive.size() if interactive is not None else None,
    )
    with interactive.raw() if interactive is not None else contextlib.nullcontext():
        return engine.exec_container(container.id, spec, stdin=stdin, stdout=stdout, stderr=stderr)


def logs(source: ProjectSource, services: Sequence[str] = (), *, tail: int | None = None, timestamps: bool = False,
         prefix: bool = True, engine: Engine | None = None) -> str:
    """The logs the services' containers wrote so far (v2 `logs --no-color`, not following), as text.

    Containers come one after the other by service and number (not interleaved by time); with `prefix` each line
    starts `web-1  | ` as in v2.
    """
    from pycompose.logs import LineFormat, LogLine, LogTarget, log_prefix  # not on `ps`/`ls`'s path

    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    check_services(project, tuple(services))
    containers = [c for c in engine.observe(project.name, all_containers=True).containers
                  if not services or c.service in services]
    containers.sort(key=lambda c: (c.service, c.number, c.name))
    targets = {c.id: LogTarget(c.id, log_prefix(project, c), c.service) for c in containers}
    text_of = LineFormat(list(targets.values()), prefix=prefix)
    out: list[str] = []
    for container in containers:
        chunks = engine.stream_logs(container.id, follow=False, tail="all" if tail is None else str(tail),
                                    timestamps=timestamps)
        text = b"".join(chunk for _, chunk in chunks).decode("utf-8", "replace")
        target = targets[container.id]
        out.extend(text_of.format(LogLine(target.name, target.service, 1, line)) + "\n" for line in text.splitlines())
    return "".join(out)


def wait(source: ProjectSource, services: Sequence[str], *, down_project: bool = False,
         on_exit: Callable[[ObservedContainer, int], None] | None = None,
         engine: Engine | None = None, sink: EventSink | None = None) -> int:
    """Block until every container of `services` has stopped (v2 `wait`); the exit code of the last to stop.

    Containers that have already exited count too (their code is returned at once; v2 only waits for running
    ones: a deliberate difference, see README). `on_exit` hears of each container as it stops. With
    `down_project` the wait ends at the first container to stop and the whole project is taken down, every
    service of it and not only the ones waited for (v2 downs the project by name); its exit code is returned.

    Raises:
        OperationFailed: the services have no containers.
    """
    import queue
    import threading

    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    check_services(project, tuple(services))
    containers = [c for c in engine.observe(project.name, all_containers=True).containers
                  if not services or c.service in services]
    if not containers:
        raise OperationFailed(f'no containers for project "{project.name}"')
    results: queue.Queue[tuple[ObservedContainer, int | None, BaseException | None]] = queue.Queue()

    def follow(container: ObservedContainer) -> None:
        try:
            results.put((container, engine.wait_container(container.id), None))
        except BaseException as error:
            results.put((container, None, error))

    for container in containers:
        threading.Thread(target=follow, args=(container,), daemon=True).start()
    code = 0
    for _ in range(1 if down_project else len(containers)):
        while True:
            try:  # short timeouts keep Ctrl-C working
                container, exit_code, error = results.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        if error is not None:
            raise error
        code = exit_code or 0
        if on_exit is not None:
            on_exit(container, code)
    if down_project:
        import dataclasses

        from pycompose.api.lifecycle import down  # the one call up the stack: `ps` etc. need not load it
        from pycompose.api.options import DownOptions
        from pycompose.loader.options import ProjectOptions

        if isinstance(source, ProjectOptions):  # v2 downs by project name: every service, any profile
            source = dataclasses.replace(source, services=(), profiles=("*",))
        down(source, DownOptions(remove_orphans=True), engine=engine, sink=sink)
    return code


def wait_healthy(source: ProjectSource, services: Sequence[str] = (), timeout: float = 60.0, *,
                 interval: float = 0.5, engine: Engine | None = None) -> list[ContainerRecord]:
    """Wait until the services' containers are running (healthy when they have a healthcheck).

    A container that exited with code 0 counts as done (a one-shot); returns the containers as last seen.

    Raises:
        OperationFailed: a container is unhealthy or exited non-zero, or `timeout` seconds passed.
    """
    from pycompose.readiness import Verdict, judge_settled, poll

    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    check_services(project, tuple(services))
    wanted = tuple(services) or project.service_names()

    def settled() -> list[ContainerRecord] | None:
        observed = engine.observe(project.name, all_containers=True)
        containers = sorted((c for c in observed.containers if c.service in wanted), key=lambda c: c.name)
        pending = any(not observed.containers_of(s) for s in wanted)
        for container in containers:
            verdict = judge_settled(container)
            if verdict is Verdict.EXITED:
                raise OperationFailed(f"container {container.name} exited ({container.exit_code})")
            if verdict is Verdict.UNHEALTHY:
                raise OperationFailed(f"container {container.name} is unhealthy")
            pending = pending or verdict is not Verdict.READY
        return None if pending else [ContainerRecord.from_observed(c) for c in containers]

    return poll(settled, timeout=timeout, interval=interval)
