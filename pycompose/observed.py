"""ObservedState: one snapshot of what the engine reports for a project, taken once per command.

The planner compares the model with this snapshot and nothing else (v2 `observed_state.go`); the engine adapter
builds it from label-filtered list calls.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pycompose import labels


@dataclass(frozen=True)
class ObservedMount:
    """A mount of an existing container: `name` is the volume name for volumes, the host path for binds."""

    type: str
    name: str
    destination: str


@dataclass(frozen=True)
class ObservedConfig:
    """How an existing container was created, as `inspect` reports it; only to explain why it is recreated.

    The container carries only the config hash, so naming what changed needs these values. Present when the
    engine adapter inspected the container (a dry run), None otherwise."""

    env: tuple[str, ...] = ()
    """Config.Env, `KEY=value` items, the image's own variables included."""
    command: tuple[str, ...] | None = None
    """Config.Cmd."""
    entrypoint: tuple[str, ...] | None = None
    """Config.Entrypoint."""
    working_dir: str = ""
    user: str = ""
    port_bindings: tuple[tuple[str, str], ...] = ()
    """HostConfig.PortBindings flattened: (`8080/tcp`, host port) pairs; an empty host port: any free one."""


@dataclass(frozen=True)
class PortBinding:
    """One port of a container as the engine's list summary reports it (published ones only while running)."""

    private_port: int
    """The port inside the container."""
    protocol: str = "tcp"
    """tcp, udp or sctp."""
    ip: str = ""
    """The host address the engine listens on (`0.0.0.0`, `::`); empty when the port is only exposed."""
    public_port: int = 0
    """The host port; 0 when the port is exposed but not published."""

    @property
    def published(self) -> bool:
        return self.public_port != 0


@dataclass(frozen=True)
class ObservedContainer:
    """A container carrying the project's labels."""

    id: str
    name: str
    state: str
    """The engine's state: created, running, paused, restarting, removing, exited, dead."""
    labels: Mapping[str, str]
    health: str | None = None
    """starting, healthy, unhealthy, or None without a healthcheck."""
    exit_code: int = 0
    network_ids: tuple[str, ...] = ()
    network_names: tuple[str, ...] = ()
    mounts: tuple[ObservedMount, ...] = ()
    image: str = ""
    command: str = ""
    created: int = 0
    status: str = ""
    ports: tuple[PortBinding, ...] = ()
    """The list summary's ports, in the engine's order (published ones only while running)."""
    config: ObservedConfig | None = None
    """What inspect reports about its creation; None unless the adapter was asked for details."""

    @property
    def service(self) -> str:
        return self.labels.get(labels.SERVICE, "")

    @property
    def number(self) -> int:
        try:
            return int(self.labels.get(labels.CONTAINER_NUMBER, "0"))
        except ValueError:
            return 0

    @property
    def config_hash(self) -> str:
        return self.labels.get(labels.CONFIG_HASH, "")

    @property
    def oneoff(self) -> bool:
        return self.labels.get(labels.ONEOFF) == "True"

    @property
    def running(self) -> bool:
        return self.state in ("running", "restarting")

    @property
    def alive(self) -> bool:
        """Has a process: running, restarting or paused (the engine's `State.Running`). What stop, kill and down act
        on, as v2 (the engine stops, kills and removes a paused container; only start and up refuse it)."""
        return self.state in ("running", "restarting", "paused")


@dataclass(frozen=True)
class ObservedNetwork:
    id: str
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ObservedVolume:
    name: str
    labels: Mapping[str, str] = field(default_factory=dict)
    driver: str = "local"
    scope: str = "local"
    mountpoint: str = ""


@dataclass(frozen=True)
class ObservedImage:
    """A local image: its id (for the `com.docker.compose.image` label), its declared VOLUMEs, and what `images`
    shows of it.

    `Engine.inspect_image(s)` fills every field; `Engine.list_images` (the list summaries) only `id`,
    `repo_tags`, `labels` and `size`."""

    id: str
    volumes: tuple[str, ...] = ()
    env: tuple[str, ...] | None = None
    """Config.Env of the image (`KEY=value`); None when not reported."""
    labels: Mapping[str, str] | None = None
    """Config.Labels of the image; None when not reported."""
    last_tagged: str = ""
    """Metadata.LastTagTime as the engine reports it (what pull policies like `daily` compare); empty if unknown."""
    repo_tags: tuple[str, ...] = ()
    """Every `repository:tag` naming the image."""
    size: int = 0
    """Bytes."""
    created: str = ""
    """When the image was built, as the engine reports it (RFC 3339 from inspect)."""
    os: str = ""
    architecture: str = ""
    variant: str = ""

    @property
    def platform(self) -> str:
        """`linux/amd64`, `linux/arm64/v8`."""
        platform = f"{self.os}/{self.architecture}"
        return f"{platform}/{self.variant}" if self.variant else platform


@dataclass(frozen=True)
class ObservedState:
    """Everything the planner may know about the engine for one project."""

    project: str
    containers: tuple[ObservedContainer, ...] = ()
    networks: Mapping[str, ObservedNetwork] = field(default_factory=dict)
    """By engine name: the project's networks and the external ones the model names."""
    volumes: Mapping[str, ObservedVolume] = field(default_factory=dict)
    """By engine name."""
    images: Mapping[str, ObservedImage] = field(default_factory=dict)
    """By the image reference the services use; absent when not available locally."""

    def containers_of(self, service: str) -> tuple[ObservedContainer, ...]:
        """The service's non-one-off containers, by container number."""
        found = [c for c in self.containers if c.service == service and not c.oneoff]
        return tuple(sorted(found, key=lambda c: (c.number, c.name)))
