"""plan_up: desired project + observed state → the actions that converge them (v2 convergence.go).

Pure: values in, Plan out. Two passes: first decide which services' containers are replaced (a replaced
service changes the hash of every service that points at its container id), then emit actions with their order:
networks and volumes → containers in dependency order → starts, each after its dependencies' conditions.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pycompose import hashing, labels
from pycompose.errors import UsageError
from pycompose.graph import ProjectGraph
from pycompose.model import Condition, Project, Service
from pycompose.observed import ObservedContainer, ObservedImage, ObservedState
from pycompose.plan import Action, ActionKind, Plan
from pycompose.planner import ids
from pycompose.planner.diff import recreate_reason
from pycompose.planner.leftovers import follow_leftovers, plan_leftovers
from pycompose.planner.options import RecreatePolicy, UpPlanOptions
from pycompose.planner.orphans import find_orphans, orphan_warning, plan_orphan_removal
from pycompose.planner.resources import plan_networks, plan_volumes


@dataclass(frozen=True)
class _Decision:
    """What happens to one existing container kept by the scale."""

    container: ObservedContainer
    recreate_reason: str | None


def plan_up(project: Project, observed: ObservedState, graph: ProjectGraph, options: UpPlanOptions) -> Plan:
    """The actions `up` (or `create` with `start=False`) runs; each Action says why.

    Raises:
        ConfigError: an external network or volume is missing.
        UsageError: a selected service uses `models` (v2 without the Docker Model plugin refuses the same way).
    """
    targeted = options.services or project.service_names()
    selected = targeted if options.no_deps else graph.with_dependencies(targeted)
    order = [name for name in graph.start_order() if name in selected]
    _refuse_models(project, order)
    leftovers = plan_leftovers(project, observed, timeout=options.timeout)
    observed = leftovers.observed
    actions: list[Action] = list(leftovers.actions)
    warnings: list[str] = []

    services = [project.service(name) for name in order]
    # a declared network or volume no service uses is in the model only with `--all-resources`: created too (v2)
    unused_networks = {n.key for n in project.networks} - {key for s in project.services for key in s.networks}
    unused_volumes = {v.key for v in project.volumes} - {key for s in project.services for key in s.volumes}
    network_ids = plan_networks(project, observed, {key for s in services for key in s.networks} | unused_networks,
                                actions)
    replaced_volumes, observed = _clear_replaced_volumes(project, observed, options, actions)
    volume_ids = plan_volumes(project, observed, {key for s in services for key in s.volumes} | unused_volumes,
                              actions, replaced_volumes)

    orphans = find_orphans(project, observed)
    if orphans and options.remove_orphans:
        actions.extend(plan_orphan_removal(orphans, timeout=options.timeout))
    elif orphans and not options.ignore_orphans:
        warnings.append(orphan_warning(orphans))

    recreated, decisions = _decide(project, observed, order, targeted, options)
    replaced = {item.container.name for d in decisions.values() for item in d["kept"] if item.recreate_reason}
    replaced |= {c.name for d in decisions.values() for c in d["surplus"]}
    _stop_containers_on_replaced_networks(project, observed, options, replaced, actions)
    converged: dict[str, tuple[str, ...]] = {}  # service → ids of its create/recreate actions
    started: dict[str, tuple[str, ...]] = {}  # service → ids after which its containers run
    names: dict[str, tuple[str, ...]] = {}  # service → container names after convergence
    stops_for_restart = _stops_of_restart_dependents(project, graph, order, recreated, decisions, options, actions)

    resource_ids = tuple(network_ids.values()) + tuple(volume_ids.values())
    for service in services:
        if service.provider is not None:  # no container: its program runs once its dependencies are created
            provided = _provider_action(service, graph, converged, resource_ids, options, actions)
            converged[service.name] = started[service.name] = provided
            names[service.name] = ()
            continue
        needed = tuple(network_ids.get(key) for key in service.networks) + tuple(
            volume_ids.get(key) for key in service.volumes
        )
        before = tuple(a for a in needed if a)
        resources = before
        deps_converged = tuple(a for dep in graph.dependencies(service.name) for a in converged.get(dep.service, ()))
        before += deps_converged + stops_for_restart.get(service.name, ())
        created, running_names = _converge_service(project, service, decisions[service.name], before, options, actions)
        converged[service.name] = tuple(a.id for a in created)
        names[service.name] = running_names
        if not options.start:
            continue
        # v2 `startService` waits for the dependencies' conditions even when nothing of the service starts: a
        # one-shot dependency that exited is started again and must complete before `up` returns
        waits = _waits_for_dependencies(project, graph, service, names, started, actions)
        started[service.name] = _start_service(
            project, service, decisions[service.name], created, waits, resources, options, actions
        )
    if options.wait and options.start:
        _waits_for_project(project, graph, order, names, started, actions)
    actions = _start_after_every_create(actions)
    return Plan(actions=tuple(follow_leftovers(actions, leftovers)), warnings=tuple(warnings))


def _clear_replaced_volumes(project: Project, observed: ObservedState, options: UpPlanOptions,
                            actions: list[Action]) -> tuple[dict[str, tuple[str, ...]], ObservedState]:
    """For each volume to recreate (`recreate_volumes`): stop and remove every container of the services that mount
    it, as v2's `removeDivergedVolume` does before it removes the volume. Returns volume key → those removals, and
    the observed state without the removed containers (so that the services' containers are created anew)."""
    replaced: dict[str, tuple[str, ...]] = {}
    removed: set[str] = set()
    for volume in project.volumes:
        if volume.name not in options.recreate_volumes or volume.external:
            continue
        services = {s.name for s in project.services if volume.key in s.volumes}
        removals = []
        for container in observed.containers:
            if container.service not in services or container.oneoff:
                continue
            after: tuple[str, ...] = ()
            reason = f"volume {volume.name} is recreated"
            if container.name not in removed:
                if container.alive:
                    stop = Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                                  reason=reason, service=container.service, container_id=container.id,
                                  timeout=options.timeout)
                    actions.append(stop)
                    after = (stop.id,)
                actions.append(Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER,
                                      target=container.name, reason=reason, after=after, service=container.service,
                                      container_id=container.id))
                removed.add(container.name)
            removals.append(ids.remove(container.name))
        replaced[volume.key] = tuple(removals)
    if removed:
        observed = replace(observed, containers=tuple(c for c in observed.containers if c.name not in removed))
    return replaced, observed


def _provider_action(service: Service, graph: ProjectGraph, converged: dict[str, tuple[str, ...]],
                     resource_ids: tuple[str, ...], options: UpPlanOptions, actions: list[Action]) -> tuple[str, ...]:
    """v2 runs a provider service's program during the convergence, in dependency order, once every network and
    volume exists; its dependents are created after it (they get the variables it sets)."""
    if not options.providers:
        return ()
    after = resource_ids + tuple(a for dep in graph.dependencies(service.name) for a in converged.get(dep.service, ()))
    action = Action(id=ids.provider(service.name), kind=ActionKind.CREATE_PROVIDER, target=service.name,
                    reason=f"provider {service.provider.type if service.provider else ''}", after=after,
                    service=service.name)
    actions.append(action)
    return (action.id,)


def provider_prefix(plan: Plan) -> Plan:
    """The part of `plan` to run before its `provider:` programs' variables are known: those programs and what
    they wait for (networks, volumes, the containers of their dependencies). Empty when no provider runs."""
    by_id = {action.id: action for action in plan.actions}
    needed: set[str] = set()
    pending = [action.id for action in plan.actions if action.kind is ActionKind.CREATE_PROVIDER]
    while pending:
        current = pending.pop()
        if current in needed or current not in by_id:
            continue
        needed.add(current)
        pending.extend(by_id[current].after)
    if not needed:
        return Plan()
    return Plan(actions=tuple(a for a in plan.actions if a.id in needed), warnings=plan.warnings)


def _start_after_every_create(actions: list[Action]) -> list[Action]:
    """v2 `up` is `create` then `start`: no container starts before every container of the plan is created (or
    recreated), so a container that cannot be created leaves all the others unstarted, as v2 leaves them."""
    creates = tuple(a.id for a in actions
                    if a.kind in (ActionKind.CREATE_CONTAINER, ActionKind.RECREATE_CONTAINER))
    if not creates:
        return actions
    return [replace(a, after=(*a.after, *(c for c in creates if c not in a.after)))
            if a.kind is ActionKind.START_CONTAINER else a for a in actions]


def _refuse_models(project: Project, order: list[str]) -> None:
    """v2 `ensureModels`: a selected service that uses a top-level model needs the Docker Model plugin (a model
    runner), which pycompose does not drive; v2 without the plugin refuses the same way before creating anything.
    Services outside the selection do not count (`up -d other` works in a project that declares models)."""
    if any(project.service(name).config.get("models") for name in order):
        raise UsageError("'models' support requires Docker Model plugin")


def _decide(
    project: Project,
    observed: ObservedState,
    order: list[str],
    targeted: tuple[str, ...],
    options: UpPlanOptions,
) -> tuple[set[str], dict[str, dict]]:
    """Per service: the containers kept (with a recreate reason or None), the surplus, and how many to add."""
    recreated: set[str] = set()
    decisions: dict[str, dict] = {}

    def first_container_id(name: str) -> str | None:
        found = observed.containers_of(name)
        return found[0].id if found else None

    for name in order:
        service = project.service(name)
        if service.provider is not None:  # no container of its own
            decisions[name] = {"kept": [], "surplus": [], "new": []}
            continue
        policy = options.recreate if name in targeted else options.recreate_dependencies
        expected_hash = hashing.service_hash(service.resolved_config(first_container_id))
        image = observed.images.get(service.image)
        existing = list(observed.containers_of(name))
        scale = options.scale.get(name, service.scale)
        # v2 removes the obsolete ones first, then the highest numbers
        existing.sort(key=lambda c: (c.config_hash == expected_hash, -c.number))
        surplus = existing[: max(0, len(existing) - scale)]
        kept = sorted(existing[len(surplus):], key=lambda c: c.number)
        kept_decisions = []
        for container in kept:
            reason = _recreate_reason(project, service, container, expected_hash, image, policy, recreated, options)
            reason = reason or _attachment_reason(project, observed, service, container, policy)
            if reason:
                recreated.add(name)
            kept_decisions.append(_Decision(container, reason))
        numbers = [c.number for c in existing]
        missing = scale - len(kept)
        new_numbers = [max(numbers + [0]) + i + 1 for i in range(missing)] if numbers else list(range(1, missing + 1))
        if new_numbers and not kept:
            recreated.add(name)  # new container ids: dependents referencing them change too
        decisions[name] = {"kept": kept_decisions, "surplus": surplus, "new": new_numbers}
    return recreated, decisions


def _recreate_reason(
    project: Project,
    service: Service,
    container: ObservedContainer,
    expected_hash: str,
    image: ObservedImage | None,
    policy: RecreatePolicy,
    recreated: set[str],
    options: UpPlanOptions,
) -> str | None:
    if policy is RecreatePolicy.NEVER:
        return None
    if policy is RecreatePolicy.FORCE:
        return "forced" if not options.renew_anonymous_volumes else "renew anonymous volumes"
    for referenced in service.references():
        if referenced in recreated:
            return f"dependency {referenced} recreated"
    if container.config_hash != expected_hash:
        return recreate_reason(project, service, container, image)  # what changed, as far as can be told
    if image and container.labels.get(labels.IMAGE) and container.labels[labels.IMAGE] != image.id:
        return "image changed"
    return None


def _stop_containers_on_replaced_networks(project: Project, observed: ObservedState, options: UpPlanOptions,
                                          replaced: set[str], actions: list[Action]) -> None:
    """A network being replaced must lose its endpoints first: stop the containers on it and disconnect them
    before the removal (v2 `removeDivergedNetwork`); once the new network exists they join it again and start
    with their service. Containers about to be replaced anyway are only stopped and disconnected."""
    for index, removal in list(enumerate(actions)):
        if removal.kind is not ActionKind.REMOVE_NETWORK:
            continue
        creation = ids.network(removal.target)
        disconnects = []
        for container in observed.containers:
            if removal.target not in container.network_names:
                continue
            after: tuple[str, ...] = ()
            reason = f"network {removal.target} is replaced"
            if container.running:
                stop = Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                              reason=reason, service=container.service, container_id=container.id,
                              timeout=options.timeout)
                if stop.id not in {a.id for a in actions}:
                    actions.append(stop)
                after = (stop.id,)
            disconnect = Action(id=ids.disconnect(container.name, removal.target),
                                kind=ActionKind.DISCONNECT_NETWORK, target=container.name, reason=reason,
                                after=after, service=container.service, container_id=container.id,
                                key=removal.key)
            actions.append(disconnect)
            disconnects.append(disconnect.id)
            if container.name in replaced or container.service not in project.service_names():
                continue
            # joined again, with its aliases and addresses, once the new network exists
            actions.append(Action(id=ids.connect(container.name, removal.target), kind=ActionKind.CONNECT_NETWORK,
                                  target=container.name, reason=reason, after=(creation,),
                                  service=container.service, number=container.number,
                                  container_id=container.id, key=removal.key))
        actions[index] = replace(removal, after=removal.after + tuple(disconnects))


def _attachment_reason(
    project: Project, observed: ObservedState, service: Service, container: ObservedContainer, policy: RecreatePolicy
) -> str | None:
    """v2 also recreates a running container missing one of its networks, or a stopped/running one missing a
    declared named volume (`mustRecreate`)."""
    if policy is not RecreatePolicy.DIVERGED:
        return None
    if container.running and container.network_ids:
        for key in service.networks:
            network = observed.networks.get(project.network(key).name)
            if network is not None and network.id not in container.network_ids:
                return f"not attached to network {network.name}"
    if container.mounts:
        mounted = {mount.name for mount in container.mounts if mount.type == "volume"}
        for key in service.volumes:
            if project.volume(key).name not in mounted:
                return f"volume {project.volume(key).name} not mounted"
    return None


def _stops_of_restart_dependents(
    project: Project,
    graph: ProjectGraph,
    order: list[str],
    recreated: set[str],
    decisions: dict[str, dict],
    options: UpPlanOptions,
    actions: list[Action],
) -> dict[str, tuple[str, ...]]:
    """Before a service is recreated, v2 stops the running dependents that declare `restart: true`.

    Returns, per recreated service, the stop actions its recreate must wait for; the stopped dependents are
    started again by their own start actions (they are no longer running).
    """
    stops: dict[str, tuple[str, ...]] = {}
    for name in order:
        if name not in recreated:
            continue
        ids_for_service: list[str] = []
        for dependent, dep in graph.dependents(name):
            if not dep.restart or dependent not in decisions:
                continue
            for decision in decisions[dependent]["kept"]:
                if decision.recreate_reason or not decision.container.running:
                    continue
                action = Action(
                    id=ids.stop(decision.container.name),
                    kind=ActionKind.STOP_CONTAINER,
                    target=decision.container.name,
                    reason=f"dependency {name} is recreated (restart: true)",
                    service=dependent,
                    container_id=decision.container.id,
                    timeout=options.timeout,
                )
                if action.id not in {a.id for a in actions}:
                    actions.append(action)
                ids_for_service.append(action.id)
        stops[name] = tuple(ids_for_service)
    return stops


def _converge_service(
    project: Project,
    service: Service,
    decision: dict,
    before: tuple[str, ...],
    options: UpPlanOptions,
    actions: list[Action],
) -> tuple[list[Action], tuple[str, ...]]:
    """Remove the surplus, recreate the diverged, create the missing; returns the create/recreate actions."""
    created: list[Action] = []
    for container in decision["surplus"]:
        stop_id = None
        if container.running:
            stop_id = ids.stop(container.name)
            actions.append(Action(id=stop_id, kind=ActionKind.STOP_CONTAINER, target=container.name,
                                  reason="scale down", service=service.name, container_id=container.id,
                                  timeout=options.timeout))
        actions.append(Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER, target=container.name,
                              reason="scale down", after=(stop_id,) if stop_id else (), service=service.name,
                              container_id=container.id))
    names: list[str] = []
    for item in decision["kept"]:
        container = item.container
        names.append(container.name)
        if item.recreate_reason:
            action = Action(
                id=ids.recreate(container.name), kind=ActionKind.RECREATE_CONTAINER, target=container.name,
                reason=item.recreate_reason, after=before, service=service.name, number=container.number,
                container_id=container.id, timeout=options.timeout,
                renew_anonymous_volumes=options.renew_anonymous_volumes,
            )
            actions.append(action)
            created.append(action)
    for number in decision["new"]:
        name = project.container_name(service, number)
        names.append(name)
        action = Action(id=ids.create(name), kind=ActionKind.CREATE_CONTAINER, target=name, reason="not found",
                        after=before, service=service.name, number=number)
        actions.append(action)
        created.append(action)
    return created, tuple(names)


def _waits_for_dependencies(
    project: Project,
    graph: ProjectGraph,
    service: Service,
    names: dict[str, tuple[str, ...]],
    started: dict[str, tuple[str, ...]],
    actions: list[Action],
) -> tuple[str, ...]:
    """The action ids a service's start waits for: its dependencies started, healthy or completed."""
    after: list[str] = []
    for dep in graph.dependencies(service.name):
        if dep.service not in names:
            continue  # not selected (--no-deps): v2 does not wait for it either
        if dep.condition is Condition.STARTED:
            after.extend(started.get(dep.service, ()))
            continue
        for container_name in names[dep.service]:
            wait = Action(
                id=ids.wait(container_name, dep.condition),
                kind=ActionKind.WAIT_CONTAINER,
                target=container_name,
                reason=f"{service.name} depends on it ({dep.condition.value})",
                after=started.get(dep.service, ()),
                service=dep.service,
                condition=dep.condition,
                required=dep.required,
                dependent=service.name,
            )
            if wait.id not in {a.id for a in actions}:
                actions.append(wait)
            after.append(wait.id)
    return tuple(after)


def _start_service(
    project: Project,
    service: Service,
    decision: dict,
    created: list[Action],
    waits: tuple[str, ...],
    resources: tuple[str, ...],
    options: UpPlanOptions,
    actions: list[Action],
) -> tuple[str, ...]:
    """Start actions for every container that will not be running; returns the ids a `started` waiter needs.

    An existing container also waits for `resources` (its networks/volumes being created or replaced)."""
    ids_after: list[str] = []
    recreated_names = {a.target for a in created}
    for item in decision["kept"]:
        container = item.container
        if container.name in recreated_names:
            continue
        stop = next((a for a in actions if a.id == ids.stop(container.name)), None)
        if container.running and stop is None:
            continue
        if stop is not None:
            reason = f"stopped first: {stop.reason}"
        else:
            reason = "created" if container.state == "created" else "stopped"
        connects = tuple(a.id for a in actions
                         if a.kind is ActionKind.CONNECT_NETWORK and a.target == container.name)
        action = Action(id=ids.start(container.name), kind=ActionKind.START_CONTAINER, target=container.name,
                        reason=reason, after=resources + connects + waits + ((stop.id,) if stop else ()),
                        service=service.name, container_id=container.id)
        actions.append(action)
        ids_after.append(action.id)
    for create in created:
        name = create.target
        action = Action(id=ids.start(name), kind=ActionKind.START_CONTAINER, target=name,
                        reason="recreated" if create.kind is ActionKind.RECREATE_CONTAINER else "created",
                        after=(create.id, *waits), service=service.name)
        actions.append(action)
        ids_after.append(action.id)
    return tuple(ids_after) or tuple(a.id for a in created)


def _waits_for_project(
    project: Project,
    graph: ProjectGraph,
    order: list[str],
    names: dict[str, tuple[str, ...]],
    started: dict[str, tuple[str, ...]],
    actions: list[Action],
) -> None:
    """`--wait`: every service running (or healthy when it has a healthcheck); one-shots that others need
    to complete successfully must have exited 0 (v2 start.go)."""
    completed = {
        dep.service
        for name in order
        for dep in graph.dependencies(name)
        if dep.condition is Condition.COMPLETED_SUCCESSFULLY
    }
    existing = {a.id for a in actions}
    for name in order:
        service = project.service(name)
        if name in completed:
            condition = Condition.COMPLETED_SUCCESSFULLY
        elif service.has_healthcheck:
            condition = Condition.HEALTHY
        else:
            condition = Condition.STARTED
        for container_name in names.get(name, ()):
            wait_id = ids.wait(container_name, condition)
            if wait_id in existing:
                continue
            actions.append(Action(id=wait_id, kind=ActionKind.WAIT_CONTAINER, target=container_name,
                                  reason="--wait", after=started.get(name, ()), service=name, condition=condition))
            existing.add(wait_id)

