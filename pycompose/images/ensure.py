"""The images `up` needs before it creates anything: pull and build what the policies ask for, then check that
every service's image exists. Kept apart from `operations` (build, pull and push with their options), so that a
no-op `up` loads only this."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC
from typing import TYPE_CHECKING, Protocol

from pycompose import session
from pycompose.events import Event, EventSink
from pycompose.session import RunOptions

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedImage


class ImageNeeds(Protocol):
    """What `up` says about images (its `UpOptions` has these fields): which services, and pull/build policy."""

    @property
    def services(self) -> tuple[str, ...]: ...
    @property
    def no_deps(self) -> bool: ...
    @property
    def pull(self) -> str: ...
    @property
    def build(self) -> bool: ...
    @property
    def no_build(self) -> bool: ...
    @property
    def quiet_pull(self) -> bool: ...


def ensure_images(project: ModelProject, graph, engine: Engine, options: ImageNeeds, sink: EventSink,
                   run: RunOptions, environment: Mapping[str, str],
                   observed: Mapping[str, ObservedImage]) -> Mapping[str, ObservedImage]:
    """Pull, then build, what the policies ask for; then every image must exist (else nothing is created).

    `observed` are the images of the command's snapshot; returns them, or, after a pull or a build, the
    services' images inspected again."""
    from datetime import datetime

    from pycompose.errors import NotFound
    from pycompose.images import pull as pulling

    names = graph.with_dependencies(options.services) if options.services and not options.no_deps else (
        options.services or project.service_names())
    # a `provider:` service has no image: its program runs instead (v2 pull.go, build.go skip it too)
    services = tuple(project.service(name) for name in names if project.service(name).provider is None)
    images = observed
    local = _local_images(images, services)
    pulls = pulling.plan_pulls(services, local, now=datetime.now(UTC), pull=options.pull,
                               build=options.build)
    if run.dry_run:
        for service in pulls:
            sink.emit(Event("Image", service.image, "Pull", detail=f"service {service.name}"))
        return images
    if pulls:
        failures = pulling.pull_images(pulls, engine, sink, quiet=options.quiet_pull,
                                       parallel=session.parallel(run, environment),
                                       tolerate=lambda s: "build" in s.config)
        if failures:
            raise pulling.pull_failure(*failures[0])
        images = _inspect_images(engine, project)
        local = _local_images(images, services)
    builds = pulling.plan_builds(services, local, pull=options.pull, build=options.build, no_build=options.no_build)
    if builds:
        from pycompose.images.run import build_services

        build_services(project, builds, engine, sink, environment=environment, quiet=options.quiet_pull,
                       parallel=session.parallel(run, environment))
        images = _inspect_images(engine, project)
        local = _local_images(images, services)
    for service in services:
        if service.image not in local:
            why = "--no-build was given" if options.no_build and "build" in service.config else (
                f"pull_policy is {service.config.get('pull_policy') or options.pull}")
            raise NotFound(f'service "{service.name}": image {service.image} is not available locally and {why}')
    return images


def _inspect_images(engine: Engine, project: ModelProject) -> dict:
    """The project's images as the engine reports them after a pull or a build."""
    return engine.inspect_images(tuple(s.image for s in project.services))


def _local_images(images: Mapping[str, ObservedImage], services: tuple) -> dict:
    """{image: LocalImage} of the services' images present on the engine."""
    from pycompose.images.pull import local_image

    found = {}
    for image in dict.fromkeys(s.image for s in services):
        if image in images:
            found[image] = local_image(images[image])
    return found
