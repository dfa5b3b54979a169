"""One function per `pycompose stack` command: load, convert, plan, apply; rows for ls/ps/services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pycompose.loader.options import LoadedProject, ProjectOptions
from pycompose.stack.convert import NAMESPACE_LABEL, StackSpec, convert
from pycompose.stack.deploy import Report, _quiet, apply, observe, remove, resolve_images, wait, wait_removed
from pycompose.stack.plan import StackPlan, plan_deploy, plan_remove


def swarm_of(engine: Any = None) -> Any:
    """A SwarmEngine on `engine` (a DockerEngine), else on the engine of DOCKER_HOST / the current context; a
    FakeSwarm passes through."""
    if engine is not None and hasattr(engine, "require_manager"):
        return engine
    from pycompose.engine.dockerpy import DockerEngine
    from pycompose.engine.swarm import SwarmEngine

    return SwarmEngine(engine or DockerEngine())


def load(source: ProjectOptions | LoadedProject) -> LoadedProject:
    if isinstance(source, LoadedProject):
        return source
    from pycompose.loader.project import load_project

    return load_project(source)


def desired_state(project: LoadedProject, stack: str) -> StackSpec:
    """The swarm objects the loaded project asks for under the name `stack`."""
    return convert(project.config, stack, environment=project.environment)


@dataclass(frozen=True)
class DeployOptions:
    prune: bool = False
    resolve_image: str = "always"
    registry_auth: bool = False
    detach: bool = True
    dry_run: bool = False
    timeout: float = 300.0


@dataclass(frozen=True)
class DeployResult:
    plan: StackPlan
    converged: bool | None = None
    """None when not waited for (detached, dry run)."""


def deploy_stack(
    stack: str, source: ProjectOptions | LoadedProject, options: DeployOptions = DeployOptions(), *,
    engine: Any = None, report: Report = _quiet, warn: Report = _quiet, progress: Report | None = None,
) -> DeployResult:
    """Deploy (or converge) the stack `stack` from compose files.

    `report` gets each change ("Creating service …"), `progress` (default: `report`) the convergence lines of
    `detach=False`, `warn` the warnings.

    Raises:
        ConfigError: the file asks for something swarm refuses.
        EngineError: not a swarm manager; a missing external; the engine refused a change.
    """
    from pycompose.errors import ConfigError

    if options.resolve_image not in ("always", "changed", "never"):
        raise ConfigError(f"invalid option {options.resolve_image} for flag --resolve-image")
    project = load(source)
    for line in project.warnings:
        warn(line)
    desired = desired_state(project, stack)
    for line in desired.warnings:
        warn(line)
    swarm = swarm_of(engine)
    swarm.require_manager()
    observed = observe(swarm, stack, desired)
    lookups = {} if options.dry_run else resolve_images(swarm, desired, observed, options.resolve_image)
    resolved = {image: ref for image, ref in lookups.items() if ref}
    plan = plan_deploy(desired, observed, prune=options.prune, resolve_image=options.resolve_image,
                       resolved=resolved)
    if options.dry_run:
        return DeployResult(plan)
    ids = apply(swarm, plan, observed, report=report, warn=warn, registry_auth=options.registry_auth,
                unresolved=frozenset(image for image, ref in lookups.items() if not ref))
    if options.detach:
        return DeployResult(plan)
    return DeployResult(plan, wait(swarm, stack, ids, report=report if progress is None else progress,
                                   timeout=options.timeout))


def remove_stack(stack: str, *, engine: Any = None, report: Report = _quiet, dry_run: bool = False,
                 detach: bool = True, timeout: float = 120.0, warn: Report | None = None) -> list[str]:
    """`stack rm`: everything labelled with the stack's namespace; the errors met. An unknown stack is no error
    (docker prints "Nothing found in stack"). `detach=False` (docker's `--detach=false`) then waits until the
    stack's tasks have stopped and its networks are gone from this node."""
    swarm = swarm_of(engine)  # no `info` first (docker's rm/ls/ps/services: the listing fails on a worker)
    plan = plan_remove(observe(swarm, stack))
    if not plan.actions:
        (report if warn is None else warn)(f"Nothing found in stack: {stack}")  # docker: on stderr
        return []
    if dry_run:
        for action in plan.actions:
            report(action.line())
        return []
    errors = remove(swarm, plan, report=report)
    if errors:
        return errors + [f"failed to remove some resources from stack: {stack}"]
    if not detach and not wait_removed(swarm, stack, timeout=timeout):
        return [f"failed to wait on tasks of stack: {stack}: not removed after {timeout:g}s"]
    return []


def list_stacks(*, engine: Any = None) -> list[tuple[str, int]]:
    """(stack, number of services), sorted by name, as `docker stack ls`."""
    swarm = swarm_of(engine)  # no `info` first (docker's rm/ls/ps/services: the listing fails on a worker)
    counts: dict[str, int] = {}
    for service in swarm.services(None):
        name = (service.get("Spec", {}).get("Labels") or {}).get(NAMESPACE_LABEL)
        if name:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items())


def service_rows(stack: str, *, engine: Any = None) -> list[dict[str, str]]:
    """`docker stack services`: ID, NAME, MODE, REPLICAS, IMAGE, PORTS per service."""
    swarm = swarm_of(engine)  # no `info` first (docker's rm/ls/ps/services: the listing fails on a worker)
    services = swarm.services(stack)
    tasks = swarm.tasks(stack) if services else []
    nodes = {n["ID"] for n in swarm.nodes() if (n.get("Status") or {}).get("State") != "down"} if services else set()
    rows = []
    for svc in sorted(services, key=lambda s: s["Spec"]["Name"]):
        spec = svc["Spec"]
        mode = spec.get("Mode") or {}
        mine = [t for t in tasks if t.get("ServiceID") == svc["ID"] and t.get("NodeID") in nodes]
        running = sum(1 for t in mine if (t.get("Status") or {}).get("State") == "running")
        if "Replicated" in mode:
            kind, replicas = "replicated", f"{running}/{mode['Replicated'].get('Replicas', 1)}"
        elif "Global" in mode:
            kind, replicas = "global", f"{running}/{sum(1 for t in mine if t.get('DesiredState') == 'running')}"
        elif "ReplicatedJob" in mode:
            done = sum(1 for t in mine if (t.get("Status") or {}).get("State") == "complete")
            kind, replicas = "replicated job", f"{running}/{mode['ReplicatedJob'].get('MaxConcurrent', 1)} " \
                f"({done}/{mode['ReplicatedJob'].get('TotalCompletions', 1)} completed)"
        else:
            done = sum(1 for t in mine if (t.get("Status") or {}).get("State") == "complete")
            kind, replicas = "global job", f"{running}/{len(mine)} ({done}/{len(mine)} completed)"
        ports = ", ".join(f"*:{p.get('PublishedPort')}->{p.get('TargetPort')}/{p.get('Protocol', 'tcp')}"
                          for p in (svc.get("Endpoint") or {}).get("Ports") or [] if p.get("PublishedPort"))
        image = spec["TaskTemplate"]["ContainerSpec"]["Image"].split("@")[0]
        rows.append({"ID": svc["ID"][:12], "NAME": spec["Name"], "MODE": kind, "REPLICAS": replicas,
                     "IMAGE": image, "PORTS": ports})
    return rows


def task_rows(stack: str, *, engine: Any = None, no_trunc: bool = False) -> list[dict[str, str]]:
    """`docker stack ps`: ID, NAME, IMAGE, NODE, DESIRED STATE, CURRENT STATE, ERROR, PORTS per task."""
    swarm = swarm_of(engine)  # no `info` first (docker's rm/ls/ps/services: the listing fails on a worker)
    services = {s["ID"]: s for s in swarm.services(stack)}
    tasks = swarm.tasks(stack)
    nodes = {n["ID"]: (n.get("Description") or {}).get("Hostname", n["ID"]) for n in swarm.nodes()} if tasks else {}
    rows = []
    for task in sorted(tasks, key=lambda t: (services.get(t.get("ServiceID"), {}).get("Spec", {}).get("Name", ""),
                                             t.get("Slot") or 0, t.get("NodeID", ""))):
        svc = services.get(task.get("ServiceID"), {})
        name = svc.get("Spec", {}).get("Name", task.get("ServiceID", ""))
        name = f"{name}.{task['Slot']}" if task.get("Slot") else f"{name}.{task.get('NodeID', '')}"
        status = task.get("Status") or {}
        image = task["Spec"]["ContainerSpec"]["Image"]
        rows.append({
            "ID": task["ID"] if no_trunc else task["ID"][:12], "NAME": name,
            "IMAGE": image if no_trunc else image.split("@")[0], "NODE": nodes.get(task.get("NodeID", ""), ""),
            "DESIRED STATE": (task.get("DesiredState") or "").capitalize(),
            "CURRENT STATE": (status.get("State") or "").capitalize(),
            "ERROR": status.get("Err") or "",
            "PORTS": ", ".join(f"*:{p.get('PublishedPort')}->{p.get('TargetPort')}/{p.get('Protocol', 'tcp')}"
                               for p in status.get("PortStatus", {}).get("Ports") or []),
        })
    return rows
