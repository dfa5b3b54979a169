"""`run`: a one-off container of a service (v2 run.go `prepareRun` + `runOneOffContainer`).

The dependencies are brought up first (as `up` would, the one-off's own service left out), or with `no_deps`
only the networks and volumes the service uses are created. The one-off is the service's container with the
run's overrides: no restart policy, no published ports unless asked, labelled `oneoff=True` with a `slug`
instead of a container number, so that the commands that manage the service's containers do not see it.
"""

from __future__ import annotations

import contextlib
import copy
import secrets
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

from pycompose import labels
from pycompose.api.options import OneOffOptions, OneOffResult, UpOptions
from pycompose.events import EventSink, LoggingSink, engine_warning
from pycompose.session import ProjectSource, RunOptions, check_services, engine_of, loaded
from pycompose.session import project as bound_project

"""The one-off's full random id (v2 `api.SlugLabel`); its first 12 hex digits end the container's name."""

if TYPE_CHECKING:
    from pycompose.api.containers import Terminal
    from pycompose.engine.base import ContainerSpec, Engine
    from pycompose.graph import ProjectGraph
    from pycompose.model import Project as ModelProject
    from pycompose.model import Service
    from pycompose.observed import ObservedImage


def run_oneoff(
    source: ProjectSource,
    service: str,
    options: OneOffOptions = OneOffOptions(),
    *,
    stdin: Any = None,
    stdout: Any = None,
    stderr: Any = None,
    terminal: Terminal | None = None,
    run: RunOptions = RunOptions(),
    engine: Engine | None = None,
    sink: EventSink | None = None,
) -> OneOffResult:
    """Run a one-off container of `service` (v2 `run`); unless `options.detach`, until it ends.

    `stdin` (a binary file, or None for no input) is sent to the container; its output goes to the binary
    streams `stdout` / `stderr` (None: discarded), with `options.tty` all of it to `stdout`; the `terminal`, if
    any, is put in raw mode meanwhile and its size passed on.

    Returns:
        The container (id, name) and its exit code (None when detached).

    Raises:
        UsageError: an unknown service. ConfigError, EngineError, OperationFailed: as `up` raises them, for the
        dependencies and the images.
    """
    from pycompose.graph import build_graph

    if run.dry_run and not options.detach:
        from pycompose.errors import OperationFailed

        raise OperationFailed("interactive run is not supported in dry-run mode")
    sink = sink or LoggingSink()
    engine = engine_of(engine)
    model = loaded(source)
    project, environment = bound_project(model)
    check_services(project, (service,))
    graph = build_graph(project)
    dependencies = () if options.no_deps else tuple(
        name for name in graph.with_dependencies((service,)) if name != service)
    image = _prepare(model, project, graph, service, dependencies, options, run, engine, sink)
    if run.dry_run:
        return OneOffResult(container_id="", name="")
    spec = oneoff_spec(project, project.service(service), options, engine, image=image, warn=sink.warn)
    container_id = engine.create_container(spec, warn=lambda text: sink.emit(engine_warning(service, text)))
    if options.detach:
        engine.start_container(container_id)
        return OneOffResult(container_id=container_id, name=spec.name)
    code = _attach(engine, container_id, options, stdin, stdout, stderr, terminal)
    return OneOffResult(container_id=container_id, name=spec.name, exit_code=code)


def _prepare(model: Any, project: ModelProject, graph: ProjectGraph, service: str, dependencies: tuple[str, ...],
             options: OneOffOptions, run: RunOptions, engine: Engine, sink: EventSink) -> ObservedImage | None:
    """Dependencies up (and the service's own networks and volumes), then the one-off's own image (returned)."""
    from pycompose.api.plans import locked, run_plan
    from pycompose.images.ensure import ensure_images
    from pycompose.session import observe

    image_needs = UpOptions(services=(service,), no_deps=True, pull=options.pull, build=options.build,
                            quiet_pull=options.quiet_pull)
    if dependencies:
        from pycompose.api.lifecycle import up

        up(model, UpOptions(services=dependencies, pull=options.pull, build=options.build,
                            quiet_pull=options.quiet_pull, remove_orphans=options.remove_orphans),
           run=run, engine=engine, sink=sink)
        provided = [name for name in dependencies if project.service(name).provider is not None]
        if provided:  # v2 starts the dependencies after creating them, and a provider service has no container
            from pycompose.errors import UsageError

            raise UsageError(f'service "{provided[0]}" has no container to start')
    if options.remove_orphans:  # exited one-offs are orphans too (v2 `isOrphaned`); `observe` leaves them out
        _remove_exited_oneoffs(project, engine, sink, run, model.environment)
    target = project.service(service)
    brought_up = [project.service(name) for name in dependencies]
    if not (set(target.networks) <= {key for s in brought_up for key in s.networks}
            and set(target.volumes) <= {key for s in brought_up for key in s.volumes}):
        with locked(engine, project):
            observed = observe(engine, project, images=False)
            plan = _resources_plan(project, observed, target, options, orphans=not dependencies)
            if plan.actions:
                run_plan(plan, project, observed, engine, sink, run, model.environment)
    images = ensure_images(project, graph, engine, image_needs, sink, run, model.environment,
                           engine.inspect_images((target.image,)))
    return images.get(target.image)


def _remove_exited_oneoffs(project: ModelProject, engine: Engine, sink: EventSink, run: RunOptions,
                           environment: Mapping[str, str]) -> None:
    from pycompose.api.plans import run_plan
    from pycompose.observed import ObservedState
    from pycompose.plan import Plan
    from pycompose.planner.orphans import plan_orphan_removal

    exited = tuple(c for c in engine.list_oneoff_containers(project.name) if not c.running)
    if exited:
        observed = ObservedState(project=project.name, containers=exited)
        run_plan(Plan(actions=tuple(plan_orphan_removal(exited, timeout=None))), project, observed, engine, sink,
                 run, environment)


def _resources_plan(project: ModelProject, observed: Any, service: Service, options: OneOffOptions, *,
                    orphans: bool) -> Any:
    """The missing networks and volumes of `service` (and, with `orphans`, their removal when asked)."""
    from pycompose.plan import Action, ActionKind, Plan
    from pycompose.planner.orphans import find_orphans, plan_orphan_removal
    from pycompose.planner.resources import plan_networks, plan_volumes

    actions: list[Action] = []
    plan_networks(project, observed, set(service.networks), actions)
    plan_volumes(project, observed, set(service.volumes), actions)
    # a network whose config changed is not replaced here: that would stop the service's containers
    actions = [a for a in actions if a.kind in (ActionKind.CREATE_NETWORK, ActionKind.CREATE_VOLUME) and not a.after]
    if orphans and options.remove_orphans:
        actions.extend(plan_orphan_removal(find_orphans(project, observed), timeout=None))
    return Plan(actions=tuple(actions))


def oneoff_name(project: str, service: str, slug: str) -> str:
    """v2's name of a one-off: `{project}-{service}-run-{first 12 hex digits of its slug}`."""
    return f"{project}-{service}-run-{slug[:12]}"


def oneoff_config(config: Mapping[str, Any], options: OneOffOptions, working_dir: str) -> dict[str, Any]:
    """The service's canonical config with the run's overrides (v2 `applyRunOptions`)."""
    from pycompose.errors import ConfigError
    from pycompose.loader.canonical_ports import canonical_ports
    from pycompose.loader.canonical_volumes import canonical_volumes, home_directory

    out = copy.deepcopy(dict(config))
    if options.command is not None:
        out["command"] = list(options.command)
    if options.entrypoint is not None:
        out["entrypoint"] = list(options.entrypoint)
        if options.command is None:  # a new entrypoint does not inherit the service's command (docker run)
            out.pop("command", None)
    if options.env:
        out["environment"] = {**(out.get("environment") or {}), **options.env}
    if options.labels:
        out["labels"] = {**(out.get("labels") or {}), **options.labels}
    if options.user:
        out["user"] = options.user
    if options.workdir:
        out["working_dir"] = options.workdir
    try:  # a flag is not a place in the file: v2's message alone, without a key path
        if options.volumes:
            extra = canonical_volumes(list(options.volumes), ("volumes",), working_dir=working_dir,
                                      home_dir=home_directory())
            out["volumes"] = [*(out.get("volumes") or ()), *extra]
        if options.publish:
            out["ports"] = canonical_ports(list(options.publish), ("ports",))
    except ConfigError as error:
        raise ConfigError(str(error.args[0])) from None
    if not options.publish and not options.service_ports:
        out.pop("ports", None)
    for key, other, values in (("cap_add", "cap_drop", options.cap_add), ("cap_drop", "cap_add", options.cap_drop)):
        if values:  # a capability added by the run is no longer dropped, and the other way round (v2)
            out[key] = list(dict.fromkeys([*(out.get(key) or ()), *values]))
            if out.get(other):
                out[other] = [name for name in out[other] if name not in values]
    out.pop("restart", None)
    if (out.get("deploy") or {}).get("restart_policy"):
        out["deploy"] = {k: v for k, v in out["deploy"].items() if k != "restart_policy"}
    out["tty"] = options.tty
    out["stdin_open"] = options.interactive
    out.pop("container_name", None)
    return out


def oneoff_spec(project: ModelProject, service: Service, options: OneOffOptions, engine: Engine,
                slug: str | None = None, image: ObservedImage | None = None,
                warn: Callable[[str], None] | None = None) -> ContainerSpec:
    """The create request of the one-off (v2 `prepareRun`): the overridden service, labels and endpoints."""
    from dataclasses import replace

    from pycompose.engine.payload import container_spec

    slug = slug or secrets.token_hex(32)
    name = options.name or oneoff_name(project.name, service.name, slug)
    config = oneoff_config(service.config, options, project.working_dir)
    oneoff = replace(service, config=config, container_name=name, scale=1)
    if options.no_deps:  # v2 drops the dependencies of a `--no-deps` one-off (its depends_on label is empty)
        oneoff = replace(oneoff, depends_on=())

    def first_container_id(name_: str) -> str | None:
        found = engine.observe(project.name, all_containers=True).containers_of(name_)
        return found[0].id if found else None

    spec = container_spec(project, oneoff, 1, name=name, container_id_of=first_container_id,
                          image=image or engine.inspect_image(service.image), warn=warn)
    body = dict(spec.body)
    container_labels = dict(body["Labels"])
    container_labels.pop(labels.CONTAINER_NUMBER, None)
    container_labels[labels.ONEOFF] = "True"
    container_labels[labels.SLUG] = slug
    body["Labels"] = container_labels
    body["OpenStdin"] = body["AttachStdin"] = body["StdinOnce"] = options.interactive
    host = dict(body["HostConfig"])
    host["AutoRemove"] = options.remove
    host.pop("RestartPolicy", None)
    body["HostConfig"] = host
    networks = spec.networks
    if not options.use_aliases:
        networks = tuple(replace(a, endpoint={**a.endpoint, "Aliases": [name]}) for a in networks)
    return replace(spec, body=body, networks=networks)


def _attach(engine: Engine, container_id: str, options: OneOffOptions, stdin: Any, stdout: Any, stderr: Any,
            terminal: Terminal | None) -> int | None:
    from pycompose.engine.base import AttachSpec

    interactive = terminal if options.tty else None
    spec = AttachSpec(tty=options.tty, start=True, auto_remove=options.remove, detach_keys=options.detach_keys,
                      terminal_size=interactive.size() if interactive is not None else None)
    proxy = options.proxy_signals and not options.tty
    with interactive.raw() if interactive is not None else contextlib.nullcontext(), \
            signals_passed_on(engine, container_id) if proxy else contextlib.nullcontext():
        return engine.attach_container(container_id, spec, stdin=stdin if options.interactive else None,
                                       stdout=stdout, stderr=stderr)


@contextlib.contextmanager
def signals_passed_on(engine: Engine, container_id: str) -> Iterator[None]:
    """SIGINT and SIGTERM go to the container while it runs (`--sig-proxy`); only the main thread can do it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def forward(number: int, _frame: Any) -> None:
        with contextlib.suppress(Exception):  # it may have ended meanwhile: nothing to pass the signal to
            engine.kill_container(container_id, signal.Signals(number).name)

    previous = {number: signal.signal(number, forward) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
