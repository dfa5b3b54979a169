"""execute: run a Plan's actions in parallel along its edges, bounded by a thread pool.

The executor decides nothing: each action runs once everything in its `after` succeeded; when an action fails,
everything after it is skipped (and reported) while independent branches carry on. Waits poll every 500 ms as v2
does. The first failure is raised once every runnable action has finished; an exception that is not a
ComposeError is a bug and propagates unchanged. The scheduling itself is `scheduling.run_jobs`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING

from pycompose import hashing, labels
from pycompose.errors import ComposeError, EngineError, InUse, NotFound, OperationFailed, ProviderFailed
from pycompose.events import Event, EventSink, engine_warning, resource_of
from pycompose.model import Condition, Project
from pycompose.observed import ObservedContainer, ObservedState
from pycompose.plan import Action, ActionKind, Plan
from pycompose.readiness import POLL_SECONDS, Verdict, judge, poll
from pycompose.scheduling import Cancelled, Job, run_jobs

if TYPE_CHECKING:
    from pycompose.engine.base import Engine, ExecSpec


@dataclass
class ExecutionContext:
    """What running actions needs besides the plan: the model, the snapshot it was planned on, the engine."""

    project: Project
    observed: ObservedState
    engine: Engine
    sink: EventSink
    parallel: int | None = None
    """Maximum actions at once; None or -1: unbounded (in practice scheduling.UNBOUNDED_WORKERS)."""
    wait_timeout: float | None = None
    """Seconds after which waits fail with `application not healthy after Ns`."""
    clock: Callable[[], float] = time.monotonic
    _ids: dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    start_lock: threading.Lock = field(default_factory=threading.Lock)
    """v2 serialises the start of containers that publish ports: the engine races on port allocation."""
    cancelled: threading.Event = field(default_factory=threading.Event)
    """Set when the run is abandoned (Ctrl-C, a bug): waits stop at their next poll."""
    provider_variables: dict[str, dict[str, str]] = field(default_factory=dict)
    """What each `provider:` service's program set (`setenv`), by service: for its dependents' environment."""

    def __post_init__(self) -> None:
        for container in self.observed.containers:
            self._ids[container.name] = container.id

    def container_id(self, name: str) -> str | None:
        with self._lock:
            return self._ids.get(name)

    def remember(self, name: str, container_id: str) -> None:
        with self._lock:
            self._ids[name] = container_id

    def first_container_id(self, service: str) -> str | None:
        """The id of the service's first container (what `service:x` resolves to)."""
        svc = self.project.service(service) if service in self.project.service_names() else None
        if svc is not None:
            found = self.container_id(self.project.container_name(svc, 1))
            if found:
                return found
        candidates = self.observed.containers_of(service)
        return candidates[0].id if candidates else None


def execute(plan: Plan, context: ExecutionContext) -> None:
    """Run `plan`; raises the first ComposeError once the independent actions have finished.

    Any other exception is a bug in pycompose: no new action starts, waits stop, the running actions finish, and
    the exception propagates unchanged (see `scheduling.run_jobs`).
    """
    for message in plan.warnings:
        context.sink.warn(message)
    if not plan.actions:
        return
    deadline = context.clock() + context.wait_timeout if context.wait_timeout else None
    jobs = [Job(action.id, partial(_run, action, context, deadline), action.after,
                finish_when_interrupted=action.kind in _FINISH_WHEN_INTERRUPTED) for action in plan.ordered()]
    run_jobs(jobs, limit=context.parallel, cancelled=context.cancelled).raise_first()


_FINISH_WHEN_INTERRUPTED = frozenset({
    ActionKind.CREATE_CONTAINER, ActionKind.RECREATE_CONTAINER, ActionKind.RENAME_CONTAINER,
})
"""Actions a first Ctrl-C lets finish: stopping half-way would leave a container under its temporary name."""


def _run(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    """Run one action; a failure is reported on its resource (v2 `ErrorMessageEvent`) before it propagates.

    The failure of an optional action (a `required: false` dependency) is a warning, and its dependents go on.
    """
    handler = _HANDLERS[action.kind]
    try:
        handler(action, context, deadline)
    except Cancelled:
        raise
    except Exception as error:
        if isinstance(error, (HookFailed, ProviderFailed)):
            raise  # v2 reports a failed hook by its message alone; a provider's own events said what failed
        context.sink.emit(Event(resource_of(action.kind), action.target, "Error", str(error)))
        if not isinstance(error, ComposeError):
            raise
        if action.required:  # an engine refusal says which service it concerns (v2 names it too); our own
            # refusals (ConfigError…) already speak v2's words
            if isinstance(error, EngineError) and action.service:
                raise error.about(f'service "{action.service}"') from None
            raise
        context.sink.warn(str(error))


def _emit(context: ExecutionContext, resource: str, name: str, status: str) -> None:
    context.sink.emit(Event(resource, name, status))


def _create_network(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    network = context.project.network(action.key or "")
    _emit(context, "Network", network.name, "Creating")
    config_labels = labels.network_labels(
        network.config.get("labels") or {}, project=context.project.name, key=network.key,
        config_hash=hashing.network_hash(network.config),
    )
    try:
        context.engine.create_network(network.name, network.config, config_labels)
    except ComposeError as error:
        raise error.about(f"failed to create network {network.name}") from None
    _emit(context, "Network", network.name, "Created")


def _create_volume(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    volume = context.project.volume(action.key or "")
    _emit(context, "Volume", volume.name, "Creating")
    volume_labels = labels.volume_labels(
        volume.config.get("labels") or {}, project=context.project.name, key=volume.key,
        config_hash=hashing.volume_hash(volume.config),
    )
    context.engine.create_volume(volume.name, volume.config, volume_labels)
    _emit(context, "Volume", volume.name, "Created")


def _spec(action: Action, context: ExecutionContext, name: str, inherit=None, replace: str | None = None):
    from pycompose.engine.payload import container_spec

    service = context.project.service(action.service or "")
    return container_spec(
        context.project, service, action.number or 1, name=name,
        container_id_of=context.first_container_id, image=context.observed.images.get(service.image),
        inherit=inherit, replace=replace, api_version=context.engine.api_version, warn=context.sink.warn,
    )


def _create_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Creating")
    container_id = context.engine.create_container(_spec(action, context, action.target),
                                                   warn=_engine_warning(action, context))
    context.remember(action.target, container_id)
    _emit(context, "Container", action.target, "Created")


def _recreate_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    """New container under a temporary name first, then the old one goes (v2 `recreateContainer`).

    The new container's endpoints are built for its final name (aliases `<project>-<service>-<n>` and the
    service name, as v2's), only the engine name is temporary; `com.docker.compose.replace` holds the
    `container_name` or `<service>-<n>` it replaces. A run killed half-way leaves either both containers (the
    temporary one is removed by the next `up`) or only the temporary one (renamed by the next `up`), see
    `planner/leftovers.py`. v2 runs no `pre_stop` hook for the replaced container, nor do we.
    """
    old = next(c for c in context.observed.containers if c.id == action.container_id)
    _emit(context, "Container", action.target, "Recreate")
    temporary = temporary_name(old.id, action.target)
    inherit = None if action.renew_anonymous_volumes else old
    spec = _spec(action, context, action.target, inherit=inherit, replace=_replaced_label(action, context))
    new_id = context.engine.create_container(replace(spec, name=temporary), warn=_engine_warning(action, context))
    try:
        context.engine.stop_container(old.id, action.timeout)
        context.engine.remove_container(old.id)
    except NotFound:  # removed behind our back since the plan: what this step was about to do is done
        pass
    context.engine.rename_container(new_id, action.target)
    context.remember(action.target, new_id)
    _emit(context, "Container", action.target, "Recreated")


def _engine_warning(action: Action, context: ExecutionContext) -> Callable[[str], None]:
    """Where the engine's warnings about a create request go: the sink, under the service."""
    return lambda text: context.sink.emit(engine_warning(action.service or action.target, text))


def temporary_name(old_id: str, name: str) -> str:
    """The name a replacement container has until the one it replaces is gone (v2: `<old id[:12]>_<name>`)."""
    return f"{old_id[:12]}_{name}"


def _replaced_label(action: Action, context: ExecutionContext) -> str:
    service = context.project.service(action.service or "")
    return service.config.get("container_name") or f"{service.name}-{action.number or 1}"


def _rename_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    """A replacement left under its temporary name by a killed run takes its final name."""
    container_id = action.container_id or ""
    context.engine.rename_container(container_id, action.target)
    context.remember(action.target, container_id)
    _emit(context, "Container", action.target, "Renamed")


class HookFailed(OperationFailed):
    """A `post_start` / `pre_stop` hook exited non-zero (v2: `<service> hook exited with status <n>`)."""


def _run_hooks(context: ExecutionContext, service_name: str | None, container_id: str, hook_key: str) -> None:
    """Run the service's `post_start` or `pre_stop` hooks in the container, one after another (v2 `runHook`).

    A hook that exits non-zero fails the action with v2's message `<service> hook exited with status <n>`.
    """
    if not service_name or service_name not in context.project.service_names():
        return
    service = context.project.service(service_name)
    for hook in service.config.get(hook_key) or ():
        spec = _hook_spec(hook, tty=bool(service.config.get("tty")))
        code = context.engine.exec_container(container_id, spec)
        if code != 0:
            raise HookFailed(f"{service_name} hook exited with status {code}")


def _hook_spec(hook: Mapping, *, tty: bool) -> ExecSpec:
    from pycompose.engine.base import ExecSpec

    environment = hook.get("environment") or {}
    return ExecSpec(
        command=tuple(hook.get("command") or ()),
        env={key: str(value) for key, value in environment.items() if value is not None},
        workdir=hook.get("working_dir") or None,
        user=hook.get("user") or None,
        privileged=bool(hook.get("privileged")),
        tty=tty,
    )


def _container_id(action: Action, context: ExecutionContext) -> str:
    found = context.container_id(action.target) or action.container_id
    if not found:
        raise OperationFailed(f"no container {action.target}")
    return found


def _start_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Starting")
    publishes = action.service in context.project.service_names() and bool(
        context.project.service(action.service or "").config.get("ports"))
    container_id = _container_id(action, context)
    if publishes:
        with context.start_lock:
            context.engine.start_container(container_id)
    else:
        context.engine.start_container(container_id)
    _run_hooks(context, action.service, container_id, "post_start")  # v2: after the start, before "Started"
    _emit(context, "Container", action.target, "Started")


def _stop_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Stopping")
    container_id = _container_id(action, context)
    try:
        _run_hooks(context, action.service, container_id, "pre_stop")
        context.engine.stop_container(container_id, action.timeout)
    except NotFound:  # v2 `stopContainer`: a container already gone is not an error
        pass
    _emit(context, "Container", action.target, "Stopped")


def _restart_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Restarting")
    context.engine.restart_container(_container_id(action, context), action.timeout)
    _emit(context, "Container", action.target, "Started")


def _kill_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Killing")
    context.engine.kill_container(_container_id(action, context), action.signal or "SIGKILL")
    _emit(context, "Container", action.target, "Killed")


def _remove_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Container", action.target, "Removing")
    try:
        context.engine.remove_container(_container_id(action, context), volumes=action.remove_volumes)
    except NotFound:  # v2 `down.go`: already gone is removed
        pass
    _emit(context, "Container", action.target, "Removed")


def _remove_network(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Network", action.target, "Removing")
    try:
        context.engine.remove_network(action.target)
    except InUse:  # v2 `removeNetwork`: errdefs.IsForbidden → a warning, `down` goes on
        _emit(context, "Network", action.target, "Resource is still in use")  # v2's warning event on the network
        return
    _emit(context, "Network", action.target, "Removed")


def _remove_volume(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Volume", action.target, "Removing")
    context.engine.remove_volume(action.target)
    _emit(context, "Volume", action.target, "Removed")


def _remove_image(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    _emit(context, "Image", action.target, "Removing")
    if context.engine.remove_image(action.target):
        _emit(context, "Image", action.target, "Removed")


def _wait_container(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    """Poll the container until it meets `action.condition` (v2 `waitDependencies`, 500 ms), through the one
    readiness check the API's `wait_healthy` uses too."""
    _emit(context, "Container", action.target, "Waiting")
    container_id = _container_id(action, context)
    condition = action.condition or Condition.STARTED

    def failed(message: str) -> OperationFailed:
        """v2's words (`waitDependencies`): bare for `--wait`; for a dependency, that it failed to start (a
        warning's text when it is optional, see `_run`)."""
        if action.dependent is None:
            return OperationFailed(message)
        if not action.required:
            return OperationFailed(f'optional dependency "{action.service}" failed to start: {message}')
        return OperationFailed(f"dependency failed to start: {message}")

    def reached() -> ObservedContainer | None:
        state = context.engine.inspect_container(container_id)
        verdict = judge(state, condition)
        if verdict is Verdict.EXITED and action.condition is Condition.COMPLETED_SUCCESSFULLY:
            outcome = f'"{action.service}" didn\'t complete successfully: exit {state.exit_code}'
            raise OperationFailed(f"service {outcome}" if action.required else f"optional dependency {outcome}")
        if verdict is Verdict.EXITED:
            raise failed(f"container {action.target} exited ({state.exit_code})")
        if verdict is Verdict.NO_HEALTHCHECK:
            raise failed(f"container {action.target} has no healthcheck configured")
        if verdict is Verdict.UNHEALTHY:
            raise failed(f"container {action.target} is unhealthy")
        return state if verdict is Verdict.READY else None

    def pause(seconds: float) -> None:
        if context.cancelled.wait(seconds):
            raise Cancelled(action.target)

    timeout = context.wait_timeout if deadline is not None else None
    if action.dependent is None:  # `--wait`: v2's first look is one tick (500 ms) after the start, so a container
        pause(POLL_SECONDS)       # that exits at once is seen exited, not running
    state = poll(reached, timeout=timeout, deadline=deadline, clock=context.clock, interval=POLL_SECONDS, sleep=pause)
    if action.condition is Condition.COMPLETED_SUCCESSFULLY:
        status = "Exited"
    else:
        status = "Healthy" if state.health == "healthy" else "Running"
    _emit(context, "Container", action.target, status)


def _disconnect_network(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    network = context.project.network(action.key or "")
    context.engine.disconnect_network(_container_id(action, context), network.name)


def _connect_network(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    """Join the container again with the endpoint its service asks for (aliases, static addresses)."""
    network = context.project.network(action.key or "")
    spec = _spec(action, context, action.target)
    attachment = next(a for a in spec.networks if a.network == network.name)
    context.engine.connect_network(_container_id(action, context), attachment)


def _create_provider(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    from pycompose.providers import run_provider

    variables = run_provider(context.project, context.project.service(action.target), "up", context.sink)
    with context._lock:
        context.provider_variables[action.target] = variables


def _remove_provider(action: Action, context: ExecutionContext, deadline: float | None) -> None:
    from pycompose.providers import run_provider

    run_provider(context.project, context.project.service(action.target), "down", context.sink)


_HANDLERS: dict[ActionKind, Callable[[Action, ExecutionContext, float | None], None]] = {
    ActionKind.CREATE_NETWORK: _create_network,
    ActionKind.CREATE_VOLUME: _create_volume,
    ActionKind.CREATE_CONTAINER: _create_container,
    ActionKind.RECREATE_CONTAINER: _recreate_container,
    ActionKind.RENAME_CONTAINER: _rename_container,
    ActionKind.START_CONTAINER: _start_container,
    ActionKind.STOP_CONTAINER: _stop_container,
    ActionKind.RESTART_CONTAINER: _restart_container,
    ActionKind.KILL_CONTAINER: _kill_container,
    ActionKind.REMOVE_CONTAINER: _remove_container,
    ActionKind.REMOVE_NETWORK: _remove_network,
    ActionKind.REMOVE_VOLUME: _remove_volume,
    ActionKind.REMOVE_IMAGE: _remove_image,
    ActionKind.WAIT_CONTAINER: _wait_container,
    ActionKind.CONNECT_NETWORK: _connect_network,
    ActionKind.DISCONNECT_NETWORK: _disconnect_network,
    ActionKind.CREATE_PROVIDER: _create_provider,
    ActionKind.REMOVE_PROVIDER: _remove_provider,
}
