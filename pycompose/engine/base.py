"""The Engine port: what the executor and the API need from a Docker engine, nothing more.

`engine/dockerpy.py` implements it with docker-py; `engine/fake.py` in memory for planner/executor tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Protocol

from pycompose.observed import ObservedContainer, ObservedImage, ObservedState


@dataclass(frozen=True)
class NetworkAttachment:
    """How a container joins one network: engine name plus the endpoint settings (aliases, static IPs)."""

    network: str
    endpoint: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContainerSpec:
    """A container to create: name, the Engine API create body, and the networks to join (first one primary)."""

    name: str
    body: Mapping[str, Any]
    networks: tuple[NetworkAttachment, ...] = ()


class Engine(Protocol):
    def observe(
        self, project: str, *, networks: tuple[str, ...] = (), volumes: tuple[str, ...] = (),
        images: tuple[str, ...] = (), all_containers: bool = True,
    ) -> ObservedState: ...

    def inspect_container(self, container_id: str) -> ObservedContainer: ...

    def inspect_image(self, reference: str) -> ObservedImage | None: ...

    def create_network(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None: ...

    def remove_network(self, name: str) -> None: ...

    def create_volume(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None: ...

    def remove_volume(self, name: str) -> None: ...

    def create_container(self, spec: ContainerSpec) -> str: ...

    def start_container(self, container_id: str) -> None: ...

    def stop_container(self, container_id: str, timeout: int | None) -> None: ...

    def restart_container(self, container_id: str, timeout: int | None) -> None: ...

    def kill_container(self, container_id: str, signal: str) -> None: ...

    def remove_container(self, container_id: str, *, volumes: bool = False, force: bool = False) -> None: ...

    def rename_container(self, container_id: str, name: str) -> None: ...

    def remove_image(self, reference: str) -> bool: ...

    def connect_network(self, container_id: str, attachment: NetworkAttachment) -> None: ...

    def disconnect_network(self, container_id: str, network: str) -> None: ...

    def follow_logs(self, container_id: str) -> Iterator[bytes]: ...

    def wait_container(self, container_id: str) -> int: ...

    def stream_logs(
        self, container_id: str, *, follow: bool = False, tail: str = "all", since: str | None = None,
        until: str | None = None, timestamps: bool = False,
    ) -> Iterator[tuple[int, bytes]]: ...

    def list_project_containers(self, *, all_containers: bool = False) -> list[ObservedContainer]: ...

    def image_details(self, reference: str) -> dict[str, Any] | None: ...
