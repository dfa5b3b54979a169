"""An in-memory Engine for planner and executor unit tests (never for anything that touches containers).

It keeps containers, networks and volumes in dicts, records every call in `calls`, and lets a test script the
states a container goes through (`health_sequence`, `exit_codes`).
"""

from __future__ import annotations

import itertools
import threading
from typing import IO, Any, Mapping

from pycompose import labels
from pycompose.engine.base import BuildSpec, ContainerSpec, OutputLine
from pycompose.errors import EngineError, NotFound
from pycompose.observed import ObservedContainer, ObservedImage, ObservedNetwork, ObservedState, ObservedVolume


class FakeEngine:
    def __init__(self, images: Mapping[str, ObservedImage] | None = None) -> None:
        self.containers: dict[str, ObservedContainer] = {}
        self.networks: dict[str, ObservedNetwork] = {}
        self.volumes: dict[str, ObservedVolume] = {}
        self.images = dict(images or {"busybox:latest": ObservedImage(id="sha256:busybox")})
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], str] = {}
        """(operation, container name) → error message to raise; ("build_failure", image) fails that build."""
        self.health: dict[str, str] = {}
        """container name → health reported once running."""
        self.exit_codes: dict[str, int] = {}
        """container name → the container exits with this code right after it starts."""
        self.builds: list[BuildSpec] = []
        self.pullable: set[str] = set()
        self.labelled_images: list[Mapping[str, Any]] = []
        """What `list_images` returns (summaries with RepoTags and Labels)."""
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def _record(self, operation: str, name: str) -> None:
        with self._lock:
            self.calls.append((operation, name))
        if (operation, name) in self.fail:
            raise EngineError(self.fail[(operation, name)])

    def _by_id(self, container_id: str) -> ObservedContainer:
        for container in self.containers.values():
            if container.id == container_id:
                return container
        raise NotFound(f"No such container: {container_id}")

    def _replace(self, old: ObservedContainer, **changes: Any) -> ObservedContainer:
        from dataclasses import replace

        new = replace(old, **changes)
        with self._lock:
            self.containers.pop(old.name, None)
            self.containers[new.name] = new
        return new

    def observe(self, project: str, *, networks=(), volumes=(), images=(), all_containers=True,
                details=False) -> ObservedState:
        containers = tuple(
            c for c in self.containers.values()
            if c.labels.get(labels.PROJECT) == project and (all_containers or c.running)
        )
        return ObservedState(
            project=project, containers=containers,
            networks={k: v for k, v in self.networks.items() if k in networks
                      or v.labels.get(labels.PROJECT) == project},
            volumes={k: v for k, v in self.volumes.items() if k in volumes
                     or v.labels.get(labels.PROJECT) == project},
            images={ref: self.images[ref] for ref in images if ref in self.images},
        )

    def inspect_container(self, container_id: str) -> ObservedContainer:
        return self._by_id(container_id)

    def inspect_image(self, reference: str) -> ObservedImage | None:
        return self.images.get(reference)

    def inspect_images(self, references: tuple[str, ...]) -> dict[str, ObservedImage]:
        return {ref: self.images[ref] for ref in dict.fromkeys(references) if ref in self.images}

    def create_network(self, name: str, config: Mapping[str, Any], labels_: Mapping[str, str]) -> None:
        self._record("create_network", name)
        self.networks[name] = ObservedNetwork(id=f"net{next(self._ids)}", name=name, labels=dict(labels_))

    def remove_network(self, name: str) -> None:
        self._record("remove_network", name)
        self.networks.pop(name, None)

    def create_volume(self, name: str, config: Mapping[str, Any], labels_: Mapping[str, str]) -> None:
        self._record("create_volume", name)
        self.volumes[name] = ObservedVolume(name=name, labels=dict(labels_))

    def remove_volume(self, name: str) -> None:
        self._record("remove_volume", name)
        self.volumes.pop(name, None)

    def create_container(self, spec: ContainerSpec) -> str:
        self._record("create", spec.name)
        if spec.name in self.containers:
            raise EngineError(f'Conflict. The container name "/{spec.name}" is already in use')
        container = ObservedContainer(id=f"c{next(self._ids):04d}", name=spec.name, state="created",
                                      labels=dict(spec.body["Labels"]), image=spec.body["Image"])
        with self._lock:
            self.containers[spec.name] = container
        return container.id

    def start_container(self, container_id: str) -> None:
        container = self._by_id(container_id)
        self._record("start", container.name)
        if container.name in self.exit_codes:
            self._replace(container, state="exited", exit_code=self.exit_codes[container.name])
        else:
            self._replace(container, state="running", health=self.health.get(container.name))

    def stop_container(self, container_id: str, timeout: int | None) -> None:
        container = self._by_id(container_id)
        self._record("stop", container.name)
        self._replace(container, state="exited", exit_code=0)

    def restart_container(self, container_id: str, timeout: int | None) -> None:
        container = self._by_id(container_id)
        self._record("restart", container.name)
        self._replace(container, state="running")

    def kill_container(self, container_id: str, signal: str) -> None:
        container = self._by_id(container_id)
        self._record("kill", container.name)
        self._replace(container, state="exited", exit_code=137)

    def remove_container(self, container_id: str, *, volumes: bool = False, force: bool = False) -> None:
        container = self._by_id(container_id)
        self._record("remove", container.name)
        with self._lock:
            self.containers.pop(container.name, None)

    def rename_container(self, container_id: str, name: str) -> None:
        container = self._by_id(container_id)
        self._record("rename", name)
        self._replace(container, name=name)

    def remove_image(self, reference: str) -> bool:
        self._record("remove_image", reference)
        return self.images.pop(reference, None) is not None

    def image_details(self, reference: str) -> dict[str, Any] | None:
        image = self.images.get(reference)
        return None if image is None else {"Id": image.id, "RepoTags": [reference], "Metadata": {}}

    def build_image(self, spec: BuildSpec, context: IO[bytes], output: OutputLine) -> str:
        """Records the build; `fail[("build", tag)]` makes it fail with that message after one output line."""
        self._record("build", spec.tags[0])
        self.builds.append(spec)
        output(f"Step 1/1 : FROM {spec.tags[0]}-base")
        if ("build_failure", spec.tags[0]) in self.fail:
            raise EngineError(self.fail[("build_failure", spec.tags[0])])
        image = ObservedImage(id=f"sha256:built{next(self._ids)}")
        for tag in spec.tags:
            self.images[tag] = image
        return image.id

    def pull_image(self, reference: str, output: OutputLine | None = None) -> None:
        """Pulls succeed only for references listed in `pullable`."""
        self._record("pull", reference)
        if reference not in self.pullable:
            raise NotFound(f"Error response from daemon: pull access denied for {reference}")
        self.images[reference] = ObservedImage(id=f"sha256:pulled{next(self._ids)}")

    def push_image(self, reference: str, output: OutputLine | None = None) -> None:
        self._record("push", reference)

    def list_images(self, label: str) -> list[dict[str, Any]]:
        return [dict(summary) for summary in self.labelled_images]

    def connect_network(self, container_id: str, attachment) -> None:
        self._record("connect", self._by_id(container_id).name)

    def disconnect_network(self, container_id: str, network: str) -> None:
        self._record("disconnect", self._by_id(container_id).name)

    def wait_container(self, container_id: str) -> int:
        return self._by_id(container_id).exit_code
