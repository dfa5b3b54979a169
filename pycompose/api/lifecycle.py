"""The operations that change a project: up, down, stop, start, restart, kill, rm.

Each loads and binds the project, observes the engine once, plans, and runs the plan (`plans.run_plan`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from pycompose.api.options import DownOptions, UpOptions
from pycompose.api.plans import locked, run_plan, truthy
from pycompose.errors import UsageError
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.planner.options import DownPlanOptions, RecreatePolicy, UpPlanOptions
from pycompose.session import ProjectSource, RunOptions, check_services, engine_of, observe, project_or_labels
from pycompose.session import project as bound_project

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.graph import ProjectGraph
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedState
    from pycompose.plan import Plan


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
    sink = sink or LoggingSink()
    project, environment = bound_project(source, options.scale)
    check_services(project, options.services)
    if options.no_deps:  # v2 ignores dependencies altogether: none waited for, an empty depends_on label (the
        # config hash, taken from the service's config, stays the same, so a later plain `up` recreates nothing)
        project = replace(project, services=tuple(replace(s, depends_on=()) for s in project.services))
    graph = build_graph(project)
    engine = engine_of(engine)
    with locked(engine, project):
        _converge(project, environment, graph, engine, options, run, sink)


def _converge(project: ModelProject, environment: Mapping[str, str], graph: ProjectGraph, engine: Engine,
              options: UpOptions, run: RunOptions, sink: EventSink) -> None:
    from pycompose.images.ensure import ensure_images
    from pycompose.planner.up import plan_up, provider_prefix

    observed = observe(engine, project, details=run.dry_run)  # a dry run names what changed: inspect
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
    plan_options = UpPlanOptions(
        services=options.services, no_deps=options.no_deps, recreate=targeted_policy,
        recreate_dependencies=dependency_policy, start=not options.no_start,
        remove_orphans=options.remove_orphans or truthy(environment.get("COMPOSE_REMOVE_ORPHANS")),
        ignore_orphans=truthy(environment.get("COMPOSE_IGNORE_ORPHANS")),
        renew_anonymous_volumes=options.renew_anon_volumes, timeout=options.timeout, wait=options.wait,
        recreate_volumes=_volumes_to_recreate(project, observed, options, sink),
    )
    plan = plan_up(project, observed, graph, plan_options)
    prefix = provider_prefix(plan)
    if prefix and not run.dry_run:
        # v2 runs the `provider:` programs during the convergence; what they set goes into their dependents'
        # environment, hence into their config hash: run them (and what they wait for) first, then plan the rest
        from pycompose.providers import with_provider_environment

        variables = run_plan(prefix, project, observed, engine, sink, run, environment)
        for name, values in variables.items():
            project = with_provider_environment(project, name, values)
        observed = replace(observe(engine, project, details=run.dry_run), images=observed.images)
        plan = replace(plan_up(project, observed, graph, replace(plan_options, providers=False)), warnings=())
    _report_unchanged(plan, project, observed, sink, options)
    run_plan(plan, project, observed, engine, sink, run, environment, options.wait_timeout)


def _report_unchanged(plan: Plan, project: ModelProject, observed: ObservedState, sink: EventSink,
                      options: UpOptions) -> None:
    """v2 reports containers left as they are as `Running` (so a no-op `up` says so)."""
    from pycompose.plan import ActionKind

    # a container only waited for (v2 re-checks every dependency condition) is still reported `Running`
    touched = {action.target for action in plan.actions if action.kind is not ActionKind.WAIT_CONTAINER}
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

    sink = sink or LoggingSink()
    engine = engine_of(engine)
    project, environment = project_or_labels(source, engine)
    check_services(project, options.services)
    with locked(engine, project):
        observed = observe(engine, project, images=False)
        if options.remove_orphans:  # v2 takes the project's one-offs too, running or not
            observed = replace(observed, containers=observed.containers + tuple(
                engine.list_oneoff_containers(project.name)))
        plan = plan_down(project, observed, build_graph(project), DownPlanOptions(
            services=options.services, remove_orphans=options.remove_orphans, volumes=options.volumes,
            timeout=options.timeout, images=_images_for_rmi(project, engine, options), rmi=options.rmi or "",
            providers=not _named_only(source),
        ))
        run_plan(plan, project, observed, engine, sink, run, environment)


def _volumes_to_recreate(project: ModelProject, observed: ObservedState, options: UpOptions,
                         sink: EventSink) -> frozenset[str]:
    """The diverged named volumes to recreate: each one v2 asks about (yes with `-y`), as it does before it creates
    anything; without `confirm` the volume is kept and the question becomes a warning."""
    from pycompose.planner.resources import diverged_volumes, foreign_resources

    for warning in foreign_resources(project, observed):  # v2 warns as it meets each, before it refuses any
        sink.warn(warning)
    chosen = set()
    for name in diverged_volumes(project, observed):
        question = (f'Volume "{name}" exists but doesn\'t match configuration in compose file. '
                    "Recreate (data will be lost)?")
        if options.yes or (options.confirm is not None and options.confirm(question)):
            chosen.add(name)
        elif options.confirm is None:
            sink.warn(question.replace(" Recreate (data will be lost)?", " (kept: `yes` recreates it)"))
    return frozenset(chosen)


def _named_only(source: ProjectSource) -> bool:
    """`-p NAME` and no `-f`: v2's `down` then takes the project from its containers' labels (`projectOrName`)."""
    from pycompose.loader.options import ProjectOptions

    return isinstance(source, ProjectOptions) and bool(source.project_name) and not source.files


def _images_for_rmi(project: ModelProject, engine: Engine, options: DownOptions) -> tuple[str, ...]:
    """`--rmi local|all`: the images v2 removes (images/prune.py), from what the engine has."""
    if not options.rmi:
        return ()
    from pycompose import labels
    from pycompose.images.prune import images_to_remove

    labelled = engine.list_images(f"{labels.PROJECT}={project.name}")
    return tuple(images_to_remove(
        project, options.rmi, labelled=labelled, exists=lambda name: engine.inspect_image(name) is not None,
        remove_orphans=options.remove_orphans))


def _lifecycle(source: ProjectSource, services: tuple[str, ...], engine: Engine | None,
               ) -> tuple[ModelProject, Mapping[str, str], Engine, ObservedState, ProjectGraph]:
    from pycompose.graph import build_graph

    engine = engine_of(engine)
    project, environment = project_or_labels(source, engine)
    check_services(project, services)
    observed = observe(engine, project, images=False)  # nothing is created: no image needed
    return project, environment, engine, observed, build_graph(project)


def stop(source: ProjectSource, services: tuple[str, ...] = (), timeout: int | None = None, *,
         run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Stop running containers, dependents first."""
    from pycompose.planner.lifecycle import plan_stop

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_stop(project, observed, graph, services, timeout)
    run_plan(plan, project, observed, engine, sink or LoggingSink(), run, environment)


def start(source: ProjectSource, services: tuple[str, ...] = (), *, wait_timeout: float | None = None,
          run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Start existing containers (and their dependencies) in dependency order, honouring conditions."""
    from pycompose.planner.lifecycle import plan_start

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_start(project, observed, graph, services)
    run_plan(plan, project, observed, engine, sink or LoggingSink(), run, environment, wait_timeout)


def restart(source: ProjectSource, services: tuple[str, ...] = (), timeout: int | None = None, no_deps: bool = False,
            *, run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Restart containers in dependency order (plus `restart: true` dependents of named services)."""
    from pycompose.planner.lifecycle import plan_restart

    project, environment, engine, observed, graph = _lifecycle(source, services, engine)
    plan = plan_restart(project, observed, graph, services, timeout, no_deps)
    run_plan(plan, project, observed, engine, sink or LoggingSink(), run, environment)


def kill(source: ProjectSource, services: tuple[str, ...] = (), signal: str = "SIGKILL", *,
         remove_orphans: bool = False,
         run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Send a signal to the running containers of the services (with `remove_orphans`, of orphans too: v2 kills
    them and, despite the flag's name, removes nothing)."""
    from pycompose.planner.lifecycle import plan_kill

    project, environment, engine, observed, _ = _lifecycle(source, services, engine)
    plan = plan_kill(observed, project, services, signal, orphans=remove_orphans)
    run_plan(plan, project, observed, engine, sink or LoggingSink(), run, environment)


def rm(source: ProjectSource, services: tuple[str, ...] = (), *, stop_first: bool = False, volumes: bool = False,
       confirm: Callable[[list[str]], bool] | None = None,
       run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None) -> list[str]:
    """Remove stopped service containers (running ones too with `stop_first`); returns the names removed.

    `confirm` gets the names about to be removed and may refuse (the CLI's prompt); None: no question.
    """
    from pycompose.planner.lifecycle import plan_rm

    project, environment, engine, observed, _ = _lifecycle(source, services, engine)
    plan = plan_rm(observed, project, services, stop=stop_first, volumes=volumes)
    sink = sink or LoggingSink()
    if not plan:
        sink.emit(Event("", "No stopped containers", ""))  # v2 prints the line as it is, not as a warning
        return []
    names = [a.target for a in plan.actions if a.kind.name == "REMOVE_CONTAINER"]
    if confirm is not None and not confirm(names):
        return []
    run_plan(plan, project, observed, engine, sink, run, environment)
    return [a.target for a in plan.actions if a.id.startswith("remove:")]
