"""The images side of the API: `build`, `pull` and `push` (the images `up` needs first: `images/ensure.py`).

Re-exported by `pycompose.api`; the decisions (which to pull, which to build, in what order) live in
`pycompose.images`, the engine calls in the engine adapter.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pycompose import session
from pycompose.errors import ComposeError
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.session import ProjectSource, RunOptions

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project as ModelProject


@dataclass(frozen=True)
class BuildOptions:
    """`build`: build the images of the services that have a `build:` section (all of them by default)."""

    services: tuple[str, ...] = ()
    """Only these (named services without `build:` are skipped); dependencies are not added."""
    no_cache: bool = False
    pull: bool = False
    """Always try to pull a newer version of the base images."""
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    """`--build-arg`, over each service's `build.args`; a None value comes from the environment."""
    quiet: bool = False
    """No build output lines (the Building/Built events still come)."""
    memory: int | None = None
    """`-m`: memory limit in bytes of the build containers."""
    with_dependencies: bool = False
    """`--with-dependencies`: also the services the named ones depend on, transitively."""
    push: bool = False
    """`--push`: push the built images (of the services that name an `image:`) once all are built."""
    check: bool = False
    """`--check`: v2 lints instead of building only through Bake; it changes the bake file (`bake_file`)."""
    builder: str = ""
    """`--builder` (else BUILDX_BUILDER): with BuildKit on, one that does not exist is refused, as by v2."""
    ssh: tuple[tuple[str, str], ...] = ()
    """`--ssh ID[=PATH]` as (id, path): with BuildKit on, an agent config v2 cannot load is refused."""
    provenance: str = ""
    """`--provenance`: with BuildKit on, refused as by v2 here (the engine's `docker` driver has no attestations)."""
    sbom: str = ""
    """`--sbom`: as `provenance`."""


@dataclass(frozen=True)
class PullOptions:
    """`pull`: pull the services' images (all services by default)."""

    services: tuple[str, ...] = ()
    include_deps: bool = False
    """Also the services the named ones depend on."""
    ignore_pull_failures: bool = False
    """Report failures as warnings and exit 0."""
    ignore_buildable: bool = False
    """Skip the services that have a `build:` section."""
    quiet: bool = False
    policy: str | None = None
    """`--policy missing|always` over each service's `pull_policy`."""


@dataclass(frozen=True)
class PushOptions:
    """`push`: push the images of the services that have both `image:` and `build:` (plus `build.tags`)."""

    services: tuple[str, ...] = ()
    include_deps: bool = False
    ignore_push_failures: bool = False
    quiet: bool = False


def build(source: ProjectSource, options: BuildOptions = BuildOptions(), *, run: RunOptions = RunOptions(),
          engine: Engine | None = None, sink: EventSink | None = None) -> dict[str, str]:
    """Build the services' images (v2 `build`, classic builder); {image name: image id}.

    Raises:
        UsageError: an unknown service. ConfigError: a missing context/Dockerfile, an option the classic
        builder lacks. EngineError: a build failed (names the service, the step and the engine's message).
    """
    from pycompose.images.run import build_services
    from pycompose.images.spec import BuildOverrides

    sink = sink or LoggingSink()
    project, environment = session.project(source)
    session.check_services(project, options.services)
    wanted = _with_deps(project, options.services, options.with_dependencies)
    names = tuple(n for n in wanted if "build" in project.service(n).config)
    if not names:
        sink.warn("No services to build")
        return {}
    _check_buildkit_flags(options, sink)
    if run.dry_run:
        for name in names:
            sink.emit(Event("Image", project.service(name).image, "Build", detail=f"service {name}"))
        return {}
    overrides = BuildOverrides(args=dict(options.build_args), no_cache=options.no_cache, pull=options.pull,
                               memory=options.memory)
    built = build_services(project, names, session.engine_of(engine), sink, environment=environment,
                           overrides=overrides, parallel=session.parallel(run, environment), quiet=options.quiet)
    if options.push:
        push(source, PushOptions(services=names, quiet=options.quiet), run=run, engine=engine, sink=sink)
    return built


def bake_file(source: ProjectSource, options: BuildOptions = BuildOptions(), *,
              sink: EventSink | None = None) -> str | None:
    """`build --print`: the bake file v2 prints (JSON, with its final newline), None when there is nothing to build.
    Builds nothing; warns, as v2 does, that it would build with Bake but cannot.

    Raises:
        UsageError: an unknown service. ConfigError: COMPOSE_BAKE / DOCKER_BUILDKIT not a boolean.
    """
    import os

    from pycompose.images import bake

    sink = sink or LoggingSink()
    project, environment = _whole_project(source, options.services)
    session.check_services(project, options.services)
    config_options = bake.BakeOptions(
        services=options.services, with_dependencies=options.with_dependencies, no_cache=options.no_cache,
        pull=options.pull, push=options.push, check=options.check, build_args=dict(options.build_args),
        ssh=options.ssh, proxies=bake.proxy_args(os.environ, _docker_host()))
    config = bake.bake_config(project, environment, config_options)
    if config is None:
        return None
    warning = bake.bake_warning(os.environ)
    if warning:
        sink.warn(warning)
    return bake.render(config)


def _whole_project(source: ProjectSource, services: tuple[str, ...]) -> tuple[ModelProject, Mapping[str, str]]:
    """The project with every service, as v2's `build` loads it (the services the named ones reference by
    `additional_contexts: service:…` stay; `env_file` unread); loaded for the named services when one is disabled
    by its profiles."""
    from dataclasses import replace

    from pycompose.loader.options import ProjectOptions

    if not isinstance(source, ProjectOptions):
        return session.project(source)
    source = replace(source, keep_env_files=True)  # v2 loads `build`'s project WithoutEnvironmentResolution
    if source.services:
        project, environment = session.project(replace(source, services=()))
        if all(name in project.service_names() for name in services):
            return project, environment
    return session.project(source)


def _docker_host() -> str:
    """The engine address the docker CLI would use ("" when it cannot tell): the key of its per-host proxies."""
    from pycompose.engine.context import resolve_endpoint

    try:
        return resolve_endpoint().host
    except ComposeError:
        return ""


def _check_buildkit_flags(options: BuildOptions, sink: EventSink) -> None:
    """v2's outcome here for `--builder/--ssh/--provenance/--sbom/--check` (see `images/buildkit.py`)."""
    import os

    from pycompose.images import bake, buildkit

    if not (options.check or options.builder or options.ssh or options.provenance or options.sbom):
        return
    warning = bake.bake_warning(os.environ)
    if warning:
        sink.warn(warning)
    buildkit.check(buildkit.BuildkitFlags(builder=options.builder, ssh=options.ssh, provenance=options.provenance,
                                          sbom=options.sbom), os.environ)


def pull(source: ProjectSource, options: PullOptions = PullOptions(), *, run: RunOptions = RunOptions(),
         engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Pull the services' images (v2 `pull`): skips what has no `image:`, policies `never`/`build`, and with
    `missing` an image already present (unless tagged `latest`).

    Raises:
        EngineError: a pull failed (`service "web": cannot pull image …`), unless `ignore_pull_failures`; a
        failed pull of a buildable service only warns.
    """
    from pycompose.images import pull as pulling

    sink = sink or LoggingSink()
    project, environment = session.project(source)
    session.check_services(project, options.services)
    names = _with_deps(project, options.services, options.include_deps)
    engine = session.engine_of(engine)
    chosen: dict[str, object] = {}
    for name in names:
        service = project.service(name)
        reason = _pull_skip_reason(service, engine, options, chosen)
        if reason is not None:
            sink.emit(Event("Service", name, "Skipped", detail=reason, named_alone=True))
            continue
        chosen[service.image] = service
    if run.dry_run:
        return
    failures = pulling.pull_images(tuple(chosen.values()), engine, sink, quiet=options.quiet,  # type: ignore[arg-type]
                                   parallel=session.parallel(run, environment),
                                   tolerate=lambda s: options.ignore_pull_failures or "build" in s.config)
    buildable = [s.name for s in chosen.values() if "build" in s.config  # type: ignore[attr-defined]
                 and engine.inspect_image(s.image) is None]  # type: ignore[attr-defined]
    if buildable:
        sink.warn("Some service image(s) must be built from source by running:\n"
                  f"    docker compose build {' '.join(buildable)}")
    if failures:
        raise pulling.pull_failure(*failures[0])


def _with_deps(project: ModelProject, services: tuple[str, ...], include_deps: bool) -> tuple[str, ...]:
    """The named services (all when none), plus what they depend on with `include_deps`."""
    from pycompose.graph import build_graph

    if include_deps and services:
        return build_graph(project).with_dependencies(services)
    return services or project.service_names()


def _pull_skip_reason(service, engine: Engine, options: PullOptions, chosen: Mapping[str, object]) -> str | None:
    """Why `pull` leaves the service out (v2's `Skipped …` texts), or None to pull it."""
    from pycompose.images.pull import PullPolicy, parse_policy

    if "image" not in service.config:
        return "- No image to be pulled"
    value = options.policy or service.config.get("pull_policy")
    policy = parse_policy(value, name=service.name) if value else None
    if policy is not None and policy.kind in (PullPolicy.NEVER, PullPolicy.BUILD):
        return ""
    if (policy is not None and policy.kind is PullPolicy.MISSING and not service.image.endswith(":latest")
            and ":" in service.image.rsplit("/", 1)[-1] and engine.inspect_image(service.image) is not None):
        return "- Image is already present locally"
    if options.ignore_buildable and "build" in service.config:
        return "- Image can be built"
    other = chosen.get(service.image)
    if other is not None:
        return f"- Image is already being pulled by {other.name}"  # type: ignore[attr-defined]
    return None


def push(source: ProjectSource, options: PushOptions = PushOptions(), *, run: RunOptions = RunOptions(),
         engine: Engine | None = None, sink: EventSink | None = None) -> None:
    """Push the images of services with both `image:` and `build:` (and their `build.tags`), v2 `push`.

    Raises:
        EngineError: a push failed (`service "web": cannot push image …`), unless `ignore_push_failures`.
    """
    from functools import partial

    from pycompose.scheduling import Job, run_jobs

    sink = sink or LoggingSink()
    project, environment = session.project(source)
    session.check_services(project, options.services)
    names = _with_deps(project, options.services, options.include_deps)
    engine = session.engine_of(engine)
    work: list[tuple[str, str]] = []
    for name in names:
        config = project.service(name).config
        if "build" not in config or "image" not in config:
            sink.emit(Event("Service", name, "Skipped"))
            continue
        work.extend((name, tag) for tag in dict.fromkeys([config["image"], *(config["build"].get("tags") or ())]))
    if run.dry_run or not work:
        return

    def push_one(item: tuple[str, str]) -> str | None:
        name, tag = item
        sink.emit(Event("Image", tag, "Pushing"))
        try:
            engine.push_image(tag, None if options.quiet else
                              (lambda line: sink.emit(Event("Image", tag, "Pushing", detail=line))))
        except ComposeError as error:
            sink.emit(Event("Image", tag, "Error", detail=str(error)))
            return f'service "{name}": cannot push image {tag}: {error}'
        sink.emit(Event("Image", tag, "Pushed"))
        return None

    results = run_jobs([Job(index, partial(push_one, item)) for index, item in enumerate(work)],
                       limit=session.parallel(run, environment)).results
    failures = [message for index in range(len(work)) if isinstance(message := results[index], str)]
    for message in failures if options.ignore_push_failures else ():
        sink.warn(message)
    if failures and not options.ignore_push_failures:
        from pycompose.errors import EngineError

        raise EngineError(failures[0])
