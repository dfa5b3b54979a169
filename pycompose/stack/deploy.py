"""Observe a stack, apply a `StackPlan`, wait for the services to converge: the engine side of `pycompose stack`.

Talks to the swarm through `pycompose.engine.swarm.SwarmEngine` (or the `FakeSwarm` of the unit tests); reports
through a `report(line)` callback (the CLI prints; the library is quiet).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pycompose.stack.convert import StackSpec
from pycompose.stack.plan import Action, ObservedStack, StackPlan

Report = Callable[[str], None]

_WORKERS = 8
_FAILED = {"failed", "rejected"}
_DONE = {"complete"}


def _quiet(_: str) -> None:
    pass


def observe(swarm: Any, stack: str, desired: StackSpec | None = None) -> ObservedStack:
    """The stack's services, networks, configs and secrets, and the external ones `desired` names."""
    observed = ObservedStack(
        name=stack,
        services={s["Spec"]["Name"]: s for s in swarm.services(stack)},
        networks={n["Name"]: n for n in swarm.networks(stack)},
        configs={c["Spec"]["Name"]: c for c in swarm.configs(stack)},
        secrets={s["Spec"]["Name"]: s for s in swarm.secrets(stack)},
    )
    if desired is None:
        return observed
    for name in desired.external_networks:
        if name not in observed.networks and name not in ("host", "bridge", "none", "default"):
            found = swarm.inspect_network(name)
            if found is not None:
                observed.networks[name] = found
    wanted = [("config", n) for n in desired.configs] + [("secret", n) for n in desired.secrets]
    for kind, name in wanted + list(desired.external_objects):
        table = observed.configs if kind == "config" else observed.secrets
        if name not in table:
            found = swarm.find_object(kind, name)
            if found is not None:
                table[name] = found
    return observed


def resolve_images(swarm: Any, desired: StackSpec, observed: ObservedStack, mode: str) -> dict[str, str | None]:
    """image → image@digest for the images `--resolve-image` asks to look up (all of them with `always`, the new and
    changed ones with `changed`); None for an image no registry answers for (it stays as it is)."""
    if mode == "never":
        return {}
    images = set()
    for name, spec in desired.services.items():
        image = spec["TaskTemplate"]["ContainerSpec"]["Image"]
        current = observed.services.get(name)
        label = ((current or {}).get("Spec", {}).get("Labels") or {}).get("com.docker.stack.image")
        if mode == "always" or current is None or label != image:
            images.add(image)
    if not images:
        return {}
    with ThreadPoolExecutor(min(_WORKERS, len(images))) as pool:
        answers = dict(zip(sorted(images), pool.map(swarm.distribution, sorted(images)), strict=True))
    resolved: dict[str, str | None] = {}
    for image, answer in answers.items():
        digest = ((answer or {}).get("Descriptor") or {}).get("digest")
        resolved[image] = None if not digest else image if "@" in image else f"{image}@{digest}"
    return resolved


def unresolved_warning(image: str) -> str:
    """What docker prints (for an updated service) when no registry gave the image's digest."""
    return (f"image {image} could not be accessed on a registry to record\nits digest. Each node will access "
            f"{image} independently,\npossibly leading to different nodes running different\nversions of the image.\n")


def _verb_line(action: Action) -> str:
    if action.verb == "remove":
        return f"Removing {action.kind} {action.name}"
    if action.kind == "service" and action.verb == "update":
        return f"Updating service {action.name} (id: {action.object_id})"
    verb = "Creating" if action.verb == "create" else "Updating"
    return f"{verb} {action.kind} {action.name}"


def apply(swarm: Any, plan: StackPlan, observed: ObservedStack, *, report: Report = _quiet, warn: Report = _quiet,
          registry_auth: bool = False, unresolved: frozenset[str] = frozenset()) -> list[str]:
    """Carry out the plan (removals first, then networks, secrets, configs, services); the IDs of the services the
    file describes (for `wait`). `unresolved`: images no registry resolved (warned about on update, as docker does)."""
    changes = plan.changes()
    pruned = [a for a in changes if a.kind == "service" and a.verb == "remove"]
    for action in pruned:
        report(_verb_line(action))
    if pruned:
        with ThreadPoolExecutor(min(_WORKERS, len(pruned))) as pool:
            list(pool.map(lambda a: swarm.remove_service(a.object_id), pruned))
    ids = {"secret": {n: o["ID"] for n, o in observed.secrets.items()},
           "config": {n: o["ID"] for n, o in observed.configs.items()}}
    for kind in ("network", "secret", "config"):
        for action in changes:
            if action.kind != kind:
                continue
            report(_verb_line(action))
            if kind == "network":
                swarm.create_network(action.name, action.spec or {})
            elif action.verb == "create":
                ids[kind][action.name] = swarm.create_object(kind, action.spec or {})
            else:
                swarm.update_object(kind, action.object_id, action.version, action.spec or {})

    def one(action: Action) -> tuple[str, list[str]]:
        spec = _with_ids(action.spec or {}, ids)
        image = spec["TaskTemplate"]["ContainerSpec"]["Image"]
        auth = swarm.registry_auth(image) if registry_auth else None
        if action.verb == "create":
            return swarm.create_service(spec, auth), []
        warnings = [unresolved_warning(image)] if unresolved and image in unresolved else []
        return action.object_id, warnings + swarm.update_service(action.object_id, action.version, spec, auth)

    service_actions = [a for a in plan.actions if a.kind == "service" and a.verb != "remove"]
    for action in service_actions:
        if action.verb != "keep":
            report(_verb_line(action))
    todo = [a for a in service_actions if a.verb in ("create", "update")]
    results: dict[str, str] = {a.name: a.object_id for a in service_actions if a.verb == "keep"}
    if todo:
        with ThreadPoolExecutor(min(_WORKERS, len(todo))) as pool:
            for action, (service_id, warnings) in zip(todo, pool.map(one, todo), strict=True):
                results[action.name] = service_id
                for line in warnings:
                    warn(line)
    return [results[a.name] for a in service_actions]


def _with_ids(spec: dict[str, Any], ids: dict[str, dict[str, str]]) -> dict[str, Any]:
    import copy

    out = copy.deepcopy(spec)
    container = out["TaskTemplate"]["ContainerSpec"]
    for key, kind in (("Secrets", "secret"), ("Configs", "config")):
        for ref in container.get(key) or []:
            name = ref[f"{kind.capitalize()}Name"]
            if name in ids[kind]:
                ref[f"{kind.capitalize()}ID"] = ids[kind][name]
    return out


def _remove_network(swarm: Any, network_id: str, wait_for: float, sleep: Callable[[float], None]) -> None:
    """Right after its services are removed, the swarm still counts their tasks as users of a network ("network … is
    in use by task …") until its orchestrator marks them for removal (milliseconds): tried again for `wait_for`
    seconds. docker removes the services one by one, which gives the orchestrator that time."""
    from pycompose.errors import InUse

    deadline = time.monotonic() + wait_for
    while True:
        try:
            swarm.remove_network(network_id)
            return
        except InUse:
            if time.monotonic() >= deadline:
                raise
            sleep(0.025)  # the orchestrator needs tens of milliseconds


def remove(swarm: Any, plan: StackPlan, *, report: Report = _quiet, network_wait: float = 30.0,
           sleep: Callable[[float], None] = time.sleep) -> list[str]:
    """`stack rm`: remove what the plan lists, kind by kind in its order (the services in parallel); the errors
    (docker carries on past each one). A network the swarm still sees in use by the removed services' tasks is tried
    again for `network_wait` seconds. Returns once the swarm has removed them, as docker does (the tasks' containers
    stop, and the node forgets the networks, in the background: `wait_removed`)."""
    from pycompose.errors import ComposeError, NotFound

    def one(action: Action) -> str | None:
        try:
            if action.kind == "service":
                swarm.remove_service(action.object_id)
            elif action.kind == "network":
                _remove_network(swarm, action.object_id, network_wait, sleep)
            else:
                swarm.remove_object(action.kind, action.object_id)
        except NotFound:  # gone already (another `rm`, or the swarm was quicker): what was asked
            return None
        except ComposeError as error:  # an engine refusal: reported, the rest still removed
            return f"Failed to remove {action.kind} {action.name}: {error}"
        return None

    errors = []
    for kind in ("service", "secret", "config", "network"):
        batch = [a for a in plan.actions if a.kind == kind]
        for action in batch:
            report(f"Removing {action.kind} {action.name}")
        if batch:  # removals are small requests: twice the workers of the creations
            with ThreadPoolExecutor(min(2 * _WORKERS, len(batch))) as pool:
                errors += [error for error in pool.map(one, batch) if error]
    return errors


_TERMINAL = {"complete", "shutdown", "failed", "rejected", "orphaned", "remove"}


def wait_removed(swarm: Any, stack: str, *, timeout: float = 120.0, interval: float = 0.5,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> bool:
    """`stack rm --detach=false`: wait until every task of the stack has stopped (docker's wait) and this node no
    longer lists the stack's networks; False on timeout."""
    deadline = clock() + timeout
    while True:
        tasks = swarm.tasks(stack)
        running = [t for t in tasks if (t.get("Status") or {}).get("State") not in _TERMINAL]
        if not running and not swarm.networks(stack):
            return True
        if clock() >= deadline:
            return False
        sleep(interval)


@dataclass
class ServiceProgress:
    name: str
    want: int = 0
    running: int = 0
    failed: list[str] = field(default_factory=list)
    state: str = "pending"  # pending | converged | failed
    verb: str = "running"  # what the counted tasks are: running, or complete for jobs


def progress(service: dict[str, Any], tasks: Iterable[dict[str, Any]]) -> ServiceProgress:
    """Where one service stands: tasks running (or complete, for jobs) against what its mode asks for."""
    spec = service.get("Spec") or {}
    mode = spec.get("Mode") or {}
    mine = [t for t in tasks if t.get("ServiceID") == service.get("ID")]
    version = (service.get("JobStatus") or {}).get("JobIteration", {}).get("Index")
    if version is not None:
        mine = [t for t in mine if (t.get("JobIteration") or {}).get("Index") == version]
    live = [t for t in mine if t.get("DesiredState") in ("running", "complete")]
    job = "ReplicatedJob" in mode or "GlobalJob" in mode
    done = _DONE if job else {"running"}
    out = ServiceProgress(spec.get("Name", ""), verb="complete" if job else "running")
    if "Replicated" in mode:
        out.want = int(mode["Replicated"].get("Replicas", 1))
    elif "ReplicatedJob" in mode:
        out.want = int(mode["ReplicatedJob"].get("TotalCompletions", 1) or 1)
    else:
        out.want = len(live)
    out.running = sum(1 for t in live if (t.get("Status") or {}).get("State") in done)
    for task in mine:
        status = task.get("Status") or {}
        if status.get("State") in _FAILED:
            out.failed.append(f"task {task.get('ID', '')[:12]} {status.get('State')}: "
                              f"{status.get('Err') or status.get('Message') or ''}".rstrip(": "))
    update = (service.get("UpdateStatus") or {}).get("State")
    policy = (spec.get("TaskTemplate") or {}).get("RestartPolicy") or {}
    attempts = int(policy.get("MaxAttempts") or 0)
    limit = 1 if policy.get("Condition") == "none" else (attempts + 1 if attempts else 3)
    if update in ("rollback_completed", "paused", "rollback_paused"):
        out.state = "failed"
        msg = (service.get("UpdateStatus") or {}).get("Message")
        out.failed.append(f"update {update}: {msg}" if msg else f"update {update}")
    elif update in ("updating", "rollback_started"):
        out.state = "pending"
    elif out.running >= out.want and (out.want > 0 or "Replicated" in mode):
        out.state = "converged"
    elif len(out.failed) >= limit * max(out.want, 1):
        out.state = "failed"
    return out


def wait(swarm: Any, stack: str, service_ids: list[str], *, report: Report = _quiet, timeout: float = 300.0,
         interval: float = 0.5, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep, stable: float = 5.0) -> bool:
    """Wait like `docker stack deploy --detach=false`: each service to its replica count (jobs: to completion); a
    failed task reported once with its error. True when every service converged; False on a failure or timeout."""
    deadline = clock() + timeout
    reported: set[str] = set()
    since: dict[str, float] = {}
    last: dict[str, tuple[int, int]] = {}
    wanted = set(service_ids)
    while True:
        services = [s for s in swarm.services(stack) if s.get("ID") in wanted]
        tasks = swarm.tasks(service_ids=tuple(sorted(wanted))) if wanted else []
        states = [progress(s, tasks) for s in sorted(services, key=lambda s: s["Spec"]["Name"])]
        for state in states:
            for line in state.failed:
                if line not in reported:
                    reported.add(line)
                    report(f"{state.name}: {line}")
            if last.get(state.name) != (state.running, state.want):
                last[state.name] = (state.running, state.want)
                report(f"{state.name}: {state.running}/{state.want} {state.verb}"
                       + (" (converged)" if state.state == "converged" else ""))
        if len(services) < len(wanted):
            report("some services disappeared while waiting")
            return False
        if any(s.state == "failed" for s in states):
            for s in states:
                if s.state == "failed":
                    report(f"{s.name}: failed to converge")
            return False
        now = clock()
        for s in states:
            if s.state != "converged":
                since.pop(s.name, None)
            elif s.name not in since:
                since[s.name] = now
        # running tasks must stay running for `stable` seconds (docker: "verify: Waiting 5 seconds to verify that
        # tasks are stable"); a task that starts then fails is a failure, not a convergence
        if all(s.state == "converged" and (s.verb == "complete" or now - since[s.name] >= stable) for s in states):
            return True
        if clock() >= deadline:
            for s in states:
                if s.state != "converged":
                    report(f"{s.name}: not converged after {timeout:g}s ({s.running}/{s.want})")
            return False
        sleep(interval)
