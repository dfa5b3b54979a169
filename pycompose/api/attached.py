"""Attached `up`: follow the project's containers' logs until they all exit, stop the project on Ctrl-C.

A state machine over `logs.multiplex` callbacks; what is seen goes to an `AttachView` the caller hands in (the
CLI's formats it as v2 does: `presentation.logview.AttachedOutput`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from pycompose.api.lifecycle import kill, stop
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.session import ProjectSource, engine_of
from pycompose.session import project as bound_project

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.logs import LogLine, LogTarget
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedContainer


class AttachView(Protocol):
    """What attached `up` reports, in one thread (so output never mixes); the caller chooses how it looks."""

    def attached(self, targets: Sequence[LogTarget]) -> None:
        """The containers followed from the start, before any line (v2: `Attaching to web-1, db-1`)."""

    def joined(self, target: LogTarget) -> None:
        """A container that appeared while attached (recreated, scaled up), before its first line."""

    def line(self, line: LogLine) -> None:
        """One whole line of a container's stdout or stderr (`line.stream`); none is lost, even of a container
        that writes a burst and exits at once."""

    def recreated(self, target: LogTarget) -> None:
        """A container's stream ended because `up` replaced it (told before its exit code, as v2 does)."""

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        """A container's stream ended: its exit code; `restarting` when its restart policy starts it again."""


def stop_interrupted(source: ProjectSource, timeout: int | None = None, *, engine: Engine | None = None,
                     sink: EventSink | None = None) -> int:
    """Ctrl-C came while attached `up` was still creating or starting: stop the project as v2 does (a second
    Ctrl-C kills it instead). Returns 130, v2's exit code; a third Ctrl-C raises KeyboardInterrupt."""
    sink = sink or LoggingSink()
    sink.emit(Event("", GRACEFULLY_STOPPING, PRESS_AGAIN))
    try:
        stop(source, (), timeout, engine=engine, sink=sink)
    except KeyboardInterrupt:
        kill(source, (), engine=engine, sink=sink)
    return 130


GRACEFULLY_STOPPING = "Gracefully Stopping..."
PRESS_AGAIN = "press Ctrl+C again to force"
"""v2's words on the first Ctrl-C of attached `up` (`cmd/compose/up.go`), printed as one line."""


def attach(
    source: ProjectSource,
    services: tuple[str, ...] = (),
    *,
    view: AttachView,
    exclude: tuple[str, ...] = (),
    timeout: int | None = None,
    abort_on_exit: bool = False,
    abort_on_failure: bool = False,
    exit_code_from: str | None = None,
    attach_dependencies: bool = False,
    since: float | None = None,
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> int:
    """Attached `up`: follow the containers' logs until they all exit or Ctrl-C.

    What is seen goes to `view`. Lines are read by `logs.multiplex`: whole, from one thread, stdout and stderr
    apart; a container recreated or started while attached joins in. Ctrl-C stops the project gracefully while the
    logs go on (a second Ctrl-C kills it). With `abort_on_exit` the first container to exit stops the rest.
    `services` limits the containers followed (`--attach`), `exclude` drops some (`--no-attach`); stopping always
    concerns the whole project; `attach_dependencies` follows the dependencies of `services` too. With
    `abort_on_failure` the first container to exit with a non-zero code stops the rest, and its code is returned.
    `since` (a Unix time; the CLI passes when `up` began): only what was logged from then on, not what a container
    that is started again logged before.
    Returns the exit code v2 returns: that container's (or `exit_code_from`'s), else 0; 130 after Ctrl-C.
    """
    import threading

    from pycompose import labels
    from pycompose.logs import LogOptions, engine_timestamp, exit_status, log_prefix, multiplex, targets_of

    sink = sink or LoggingSink()
    project, _ = bound_project(source)
    engine = engine_of(engine)
    declared = set(project.service_names())
    if services and attach_dependencies:
        services = _with_dependencies(project, services)
    if not services:  # `attach: false` leaves a service out unless `--attach` names it (v2 `up`)
        exclude = (*exclude, *(s.name for s in project.services if s.config.get("attach") is False))

    seen: dict[str, ObservedContainer] = {}

    def followed() -> list[ObservedContainer]:
        found = [c for c in engine.observe(project.name, all_containers=True).containers if c.service in declared
                 and (not services or c.service in services) and c.service not in exclude]
        seen.update((c.id, c) for c in found)
        return found

    def replaced(target: LogTarget) -> bool:
        """Whether a newer container carries the label saying it replaces this one (v2 labels a recreate so)."""
        old = seen.get(target.container_id)
        if old is None:
            return False
        # v2 writes `<service>-<n>` (or the container_name, which is then the old name) on the replacement
        replaced_as = {old.name, f"{old.service}-{old.number}"}
        return any(c.labels.get(labels.REPLACE) in replaced_as and c.service == old.service and c.id != old.id
                   and c.created >= old.created for c in followed())

    def prefix_of(container: ObservedContainer) -> str:
        return log_prefix(project, container)

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
            except BaseException as error:
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
        if (abort_on_exit or (abort_on_failure and code != 0)) and not stopping:
            if not exit_code_from:
                result = code
            sink.emit(Event("", "Aborting on container exit...", ""))  # a plain line, as v2 prints it
            stop_project()

    def on_interrupt() -> None:
        nonlocal interrupts
        interrupts += 1
        if interrupts == 1:
            sink.emit(Event("", GRACEFULLY_STOPPING, PRESS_AGAIN))
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


def _with_dependencies(project: ModelProject, services: tuple[str, ...]) -> tuple[str, ...]:
    """`services` and everything they depend on, directly or not (`up --attach-dependencies`)."""
    found: list[str] = []
    pending = list(services)
    while pending:
        name = pending.pop(0)
        if name in found or name not in project.service_names():
            continue
        found.append(name)
        pending.extend(dependency.service for dependency in project.service(name).depends_on)
    return tuple(found)
