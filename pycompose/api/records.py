"""What the API returns about containers: values of our own, not the engine's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pycompose.observed import ObservedContainer


@dataclass(frozen=True)
class PublishedPort:
    """One port a container publishes (v2 `ps --format json` `Publishers` item)."""

    url: str
    """The host address the engine listens on (`0.0.0.0`, `::`); empty when the port is only exposed."""
    target_port: int
    published_port: int
    """0 when the port is exposed but not published."""
    protocol: str = "tcp"


@dataclass(frozen=True)
class ContainerRecord:
    """A service container as `ps` reports it."""

    id: str
    name: str
    service: str
    number: int
    state: str
    """created, running, paused, restarting, removing, exited or dead."""
    health: str | None
    """starting, healthy, unhealthy, or None without a healthcheck."""
    exit_code: int
    status: str
    image: str
    publishers: tuple[PublishedPort, ...] = ()

    @property
    def running(self) -> bool:
        return self.state in ("running", "restarting")

    @classmethod
    def from_observed(cls, container: ObservedContainer) -> ContainerRecord:
        publishers = tuple(PublishedPort(url=p.ip, target_port=p.private_port, published_port=p.public_port,
                                         protocol=p.protocol) for p in container.ports)
        return cls(id=container.id, name=container.name, service=container.service, number=container.number,
                   state=container.state, health=container.health, exit_code=container.exit_code,
                   status=container.status, image=container.image, publishers=publishers)
