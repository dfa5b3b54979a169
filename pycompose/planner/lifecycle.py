"""Planners of the lifecycle commands: stop, start, restart, kill, rm (v2 stop.go, start.go, restart.go,
kill.go, remove.go). Each takes values and returns a Plan."""

from __future__ import annotations

from pycompose.errors import UsageError
from pycompose.graph import ProjectGraph
from pycompose.model import Condition, Project
from pycompose.observed import ObservedState
from pycompose.plan import Action, ActionKind, Plan
from pycompose.planner import ids
from pycompose.planner.down import reverse_order_actions


def plan_stop(
    project: Project, observed: ObservedState, graph: ProjectGraph, services: tuple[str, ...], timeout: int | None
) -> Plan:
    """Stop the running containers of `services` (all when empty), dependents first; `stop db` stops only db."""
    actions: list[Action] = []
    reverse_order_actions(project, observed, graph, services or project.service_names(), actions,
                          stop_reason="stop", timeout=timeout, remove=False)
    return Plan(actions=tuple(actions))


def plan_start(project: Project, observed: ObservedState, graph: ProjectGraph, services: tuple[str, ...]) -> Plan:
    """Start the stopped containers of `services` and of their dependencies, honouring depends_on conditions.

    Raises:
        UsageError: a service has no container (v2: `service "x" has no container to start`).
    """
    selected = graph.with_dependencies(services or project.service_names())
    actions: list[Action] = []
    started: dict[str, tuple[str, ...]] = {}
    for name in selected:
        containers = observed.containers_of(name)
        if not containers:
            raise UsageError(f'service "{name}" has no container to start')
        waits: list[str] = []
        for dep in graph.dependencies(name):
            if dep.service not in started:
                continue
            if dep.condition is Condition.STARTED:
                waits.extend(started[dep.service])
                continue
            for container in observed.containers_of(dep.service):
                wait_id = ids.wait(container.name, dep.condition)
                if wait_id not in {a.id for a in actions}:
                    actions.append(Action(id=wait_id, kind=ActionKind.WAIT_CONTAINER, target=container.name,
                                          reason=f"{name} depends on it ({dep.condition.value})",
                                          after=started[dep.service], service=dep.service, condition=dep.condition,
                                          required=dep.required, container_id=container.id, dependent=name))
                waits.append(wait_id)
        own: list[str] = []
        for container in containers:
            if container.running:
                continue
            action = Action(id=ids.start(container.name), kind=ActionKind.START_CONTAINER, target=container.name,
                            reason=container.state, after=tuple(waits), service=name, container_id=container.id)
            actions.append(action)
            own.append(action.id)
        started[name] = tuple(own)
    return Plan(actions=tuple(actions))


def plan_restart(
    project: Project,
    observed: ObservedState,
    graph: ProjectGraph,
    services: tuple[str, ...],
    timeout: int | None,
    no_deps: bool = False,
) -> Plan:
    """Restart containers in dependency order; named services bring their `restart: true` dependents along."""
    if services and not no_deps:
        selected = graph.with_restart_dependents(services)
    else:
        selected = tuple(name for name in graph.start_order() if not services or name in services)
    actions: list[Action] = []
    restarted: dict[str, tuple[str, ...]] = {}
    for name in selected:
        after = tuple(a for dep in graph.dependencies(name) for a in restarted.get(dep.service, ()))
        own = []
        for container in observed.containers_of(name):
            action = Action(id=ids.restart(container.name), kind=ActionKind.RESTART_CONTAINER, target=container.name,
                            reason="restart", after=after, service=name, container_id=container.id, timeout=timeout)
            actions.append(action)
            own.append(action.id)
        restarted[name] = tuple(own)
    return Plan(actions=tuple(actions))


def plan_kill(observed: ObservedState, project: Project, services: tuple[str, ...], signal: str, *,
              orphans: bool = False) -> Plan:
    """Send `signal` to every running container of `services`; no ordering (v2 kills in parallel).

    With `orphans` (v2 `kill --remove-orphans`) the running containers of services the file no longer has are
    signalled too; v2 kills them and leaves them in place, it removes nothing."""
    wanted = set(services or project.service_names())
    known = set(project.service_names()) | set(project.disabled_services)
    actions = [
        Action(id=ids.kill(c.name), kind=ActionKind.KILL_CONTAINER, target=c.name,
               reason=f"signal {signal}" + ("" if c.service in known else " (orphan)"),
               service=c.service, container_id=c.id, signal=signal)
        for c in observed.containers
        if c.alive and not c.oneoff and (c.service in wanted or (orphans and c.service not in known))
    ]
    return Plan(actions=tuple(actions))


def plan_rm(
    observed: ObservedState, project: Project, services: tuple[str, ...], *, stop: bool, volumes: bool,
    timeout: int | None = None,
) -> Plan:
    """Remove the stopped containers of `services` (running ones too, stopped first, with `-s`)."""
    wanted = set(services or project.service_names())
    actions: list[Action] = []
    for container in sorted(observed.containers, key=lambda c: c.name):
        if container.service not in wanted or container.oneoff:
            continue
        after: tuple[str, ...] = ()
        if container.alive:
            if not stop:
                continue
            actions.append(Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                                  reason="rm --stop", service=container.service, container_id=container.id,
                                  timeout=timeout))
            after = (ids.stop(container.name),)
        actions.append(Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER, target=container.name,
                              reason="rm", after=after, service=container.service, container_id=container.id,
                              remove_volumes=volumes))
    return Plan(actions=tuple(actions))
