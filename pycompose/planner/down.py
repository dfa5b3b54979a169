"""plan_down: stop and remove the project's containers in reverse dependency order, then its networks,
and with `-v` its volumes (v2 down.go). External networks and volumes are never touched."""

from __future__ import annotations

from pycompose import labels
from pycompose.graph import ProjectGraph
from pycompose.model import Project
from pycompose.observed import ObservedContainer, ObservedState
from pycompose.plan import Action, ActionKind, Plan
from pycompose.planner import ids
from pycompose.planner.options import DownPlanOptions
from pycompose.planner.orphans import find_orphans


def plan_down(project: Project, observed: ObservedState, graph: ProjectGraph, options: DownPlanOptions) -> Plan:
    """The actions `down` runs; a container stops only after every container that depends on it stopped."""
    services = options.services or project.service_names()
    actions: list[Action] = []
    removals = reverse_order_actions(
        project, observed, graph, services, actions,
        stop_reason="down", timeout=options.timeout, remove=True, remove_volumes=options.volumes,
        providers=options.providers,
    )
    if options.remove_orphans:  # v2 then takes every one-off of the project too, running ones included
        running_oneoffs = tuple(c for c in observed.containers if c.oneoff and c.running)
        for container in sorted(find_orphans(project, observed) + running_oneoffs, key=lambda c: c.name):
            removals.extend(_stop_then_remove(container, "orphan", options, actions))
    whole_project = not options.services
    if whole_project:
        for network in project.networks:
            found = observed.networks.get(network.name)
            if network.external or found is None or found.labels.get(labels.PROJECT) != project.name:
                continue
            actions.append(Action(id=ids.network(network.name, "remove"), kind=ActionKind.REMOVE_NETWORK,
                                  target=network.name, reason="down", after=tuple(removals), key=network.key))
    if options.volumes:
        for volume in project.volumes:
            if volume.external or volume.name not in observed.volumes:
                continue
            actions.append(Action(id=ids.volume(volume.name, "remove"), kind=ActionKind.REMOVE_VOLUME,
                                  target=volume.name, reason="down -v", after=tuple(removals), key=volume.key))
    for image in options.images:
        actions.append(Action(id=f"remove-image:{image}", kind=ActionKind.REMOVE_IMAGE, target=image,
                              reason=f"--rmi {options.rmi}".rstrip(), after=tuple(removals)))
    # v2 warns when the project has no container and nothing else to take down: no network in the model (found
    # or not: a removal of a missing one is planned, then skipped), no volume with -v, no image with --rmi; a
    # provider's program runs anyway, but does not count
    something = (any(not c.oneoff for c in observed.containers) or any(not n.external for n in project.networks)
                 or (options.volumes and any(not v.external for v in project.volumes)) or bool(options.images)
                 or any(a.kind is not ActionKind.REMOVE_PROVIDER for a in actions))
    warnings = () if something else (f'Warning: No resource found to remove for project "{project.name}".',)
    return Plan(actions=tuple(actions), warnings=warnings)


def reverse_order_actions(
    project: Project,
    observed: ObservedState,
    graph: ProjectGraph,
    services: tuple[str, ...],
    actions: list[Action],
    *,
    stop_reason: str,
    timeout: int | None,
    remove: bool,
    remove_volumes: bool = False,
    providers: bool = False,
) -> list[str]:
    """Stop (and optionally remove) the containers of `services`, dependents first. Returns the final ids.

    With `providers` (`down`), a `provider:` service's program runs with `down` in its place in that order."""
    finals: list[str] = []
    selected = set(services)
    stop_ids: dict[str, list[str]] = {}
    for name in reversed(graph.start_order()):
        if name not in selected:
            continue
        after = tuple(
            stop_id
            for dependent, _ in graph.dependents(name)
            if dependent in selected
            for stop_id in stop_ids.get(dependent, ())
        )
        stop_ids[name] = []
        if providers and project.service(name).provider is not None:
            action = Action(id=ids.provider(name, "remove"), kind=ActionKind.REMOVE_PROVIDER, target=name,
                            reason=stop_reason, after=after, service=name)
            actions.append(action)
            stop_ids[name].append(action.id)
            finals.append(action.id)
        for container in observed.containers_of(name):
            last: tuple[str, ...] = after
            if container.alive:
                action = Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                                reason=stop_reason, after=after, service=name, container_id=container.id,
                                timeout=timeout)
                actions.append(action)
                stop_ids[name].append(action.id)
                last = (action.id,)
            if remove:
                action = Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER,
                                target=container.name, reason=stop_reason, after=last, service=name,
                                container_id=container.id, remove_volumes=remove_volumes)
                actions.append(action)
                stop_ids[name].append(action.id)
                finals.append(action.id)
            elif container.alive:
                finals.append(ids.stop(container.name))
    return finals


def _stop_then_remove(
    container: ObservedContainer, reason: str, options: DownPlanOptions, actions: list[Action]
) -> list[str]:
    after: tuple[str, ...] = ()
    if container.alive:
        actions.append(Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                              reason=reason, service=container.service, container_id=container.id,
                              timeout=options.timeout))
        after = (ids.stop(container.name),)
    actions.append(Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER, target=container.name,
                          reason=reason, after=after, service=container.service, container_id=container.id,
                          remove_volumes=options.volumes))
    return [ids.remove(container.name)]
