"""The typed project the engine side works on: frozen values derived from the canonical model.

Each Service keeps its canonical dict (`config`, v2's key order) because two things need it verbatim: the config
hash and the engine create payload. Nothing below `bind.py` mutates these values; derive with `dataclasses.replace`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Condition(str, Enum):
    """A `depends_on` condition: what a dependency must reach before its dependent starts."""

    STARTED = "service_started"
    HEALTHY = "service_healthy"
    COMPLETED_SUCCESSFULLY = "service_completed_successfully"


@dataclass(frozen=True)
class DependsOn:
    """One `depends_on` entry (explicit or implied by links, network_mode, volumes_from)."""

    service: str
    condition: Condition = Condition.STARTED
    required: bool = True
    restart: bool = False


@dataclass(frozen=True)
class Provider:
    """A service's `provider:` section: an external program (`type`) runs the service instead of a container.

    `options` keeps the file's order; each option has one or more values (v2 passes one `--key=value` flag per
    value)."""

    type: str
    options: tuple[tuple[str, tuple[str, ...]], ...] = ()


@dataclass(frozen=True)
class Service:
    """A service as the engine side needs it; `config` is the canonical dict `config --format json` prints."""

    name: str
    config: Mapping[str, Any]
    image: str
    scale: int = 1
    container_name: str | None = None
    depends_on: tuple[DependsOn, ...] = ()
    networks: tuple[str, ...] = ()
    """Keys of the project networks the service joins, in the canonical order (the first one is primary)."""
    volumes: tuple[str, ...] = ()
    """Keys of the project's named volumes the service mounts."""
    has_healthcheck: bool = False
    stop_grace_seconds: int | None = None
    stop_signal: str | None = None
    provider: Provider | None = None
    """Set for a `provider:` service: no image, no container; its provider program runs on `up` and `down`."""

    def depends_on_label(self) -> str:
        """The `com.docker.compose.depends_on` label: `svc:condition:restart` entries joined by commas."""
        return ",".join(
            f"{dep.service}:{dep.condition.value}:{str(dep.restart).lower()}" for dep in self.depends_on
        )

    def references(self) -> tuple[str, ...]:
        """Services whose container id ends up in this service's hash (`service:x`, `volumes_from: x`)."""
        found: list[str] = []
        for key in ("network_mode", "ipc", "pid"):
            value = self.config.get(key)
            if isinstance(value, str) and value.startswith("service:"):
                found.append(value.split(":", 1)[1])
        for source in self.config.get("volumes_from") or ():
            name = source.split(":", 1)[0]
            if not name.startswith("container:"):
                found.append(name)
        return tuple(dict.fromkeys(found))

    def resolved_config(self, container_id_of: Callable[[str], str | None]) -> dict[str, Any]:
        """The canonical dict with `service:x` / `volumes_from: x` replaced by container ids, as v2 hashes it.

        v2 resolves these references (convergence.go `resolveServiceReferences`) before it hashes and creates,
        so a recreated `x` changes the hash of everything that points at it.
        """
        config = copy.deepcopy(dict(self.config))
        for key in ("network_mode", "ipc", "pid"):
            value = config.get(key)
            if isinstance(value, str) and value.startswith("service:"):
                target = container_id_of(value.split(":", 1)[1])
                if target:
                    config[key] = f"container:{target}"
        if config.get("volumes_from"):
            resolved = []
            for source in config["volumes_from"]:
                name, _, mode = source.partition(":")
                if name.startswith("container:"):
                    resolved.append(source)
                    continue
                target = container_id_of(name)
                value = target or name
                resolved.append(f"{value}:{mode}" if mode else value)
            config["volumes_from"] = resolved
        return with_api_socket(config)


@dataclass(frozen=True)
class Network:
    """A top-level network. `name` is the engine name (`{project}_{key}` unless `name:` or external)."""

    key: str
    name: str
    config: Mapping[str, Any]
    external: bool = False


@dataclass(frozen=True)
class Volume:
    """A top-level named volume. `name` is the engine name (`{project}_{key}` unless `name:` or external)."""

    key: str
    name: str
    config: Mapping[str, Any]
    external: bool = False


@dataclass(frozen=True)
class Project:
    """What `up`/`down`/… act on: the enabled services, their networks and volumes, and the label values."""

    name: str
    working_dir: str
    config_files: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    services: tuple[Service, ...] = ()
    networks: tuple[Network, ...] = ()
    volumes: tuple[Volume, ...] = ()
    disabled_services: tuple[str, ...] = ()
    """Services left out by profiles: not orphans, but not managed by this command either."""
    secrets: Mapping[str, Any] = field(default_factory=dict)
    configs: Mapping[str, Any] = field(default_factory=dict)
    environment: Mapping[str, str] = field(default_factory=dict)
    """The project's interpolation environment (OS over `.env`): where `environment:` secrets and configs are read."""

    def service(self, name: str) -> Service:
        """The service called `name` (KeyError if the project has none)."""
        for service in self.services:
            if service.name == name:
                return service
        raise KeyError(name)

    def service_names(self) -> tuple[str, ...]:
        return tuple(service.name for service in self.services)

    def network(self, key: str) -> Network:
        for network in self.networks:
            if network.key == key:
                return network
        raise KeyError(key)

    def volume(self, key: str) -> Volume:
        for volume in self.volumes:
            if volume.key == key:
                return volume
        raise KeyError(key)

    def container_name(self, service: Service, number: int) -> str:
        """v2's name for replica `number` of `service`: `container_name`, else `{project}-{service}-{n}`."""
        return service.container_name or f"{self.name}-{service.name}-{number}"


API_SOCKET = "/var/run/docker.sock"
API_SOCKET_CONFIG_DIR = "/run/secrets/docker"
API_SOCKET_CONFIG_SOURCE = "#apisocket"
# v2 writes the CLI's credentials there (configfile.SaveToWriter, tab-indented); pycompose passes none on
API_SOCKET_CONFIG = b'{\n\t"auths": {}\n}'


def with_api_socket(config: dict[str, Any]) -> dict[str, Any]:
    """`use_api_socket: true`: the engine's socket bind-mounted at the same path, `DOCKER_CONFIG` (unless the
    service sets it) naming the folder of the config file `container_files` writes, and that file as a config
    (v2 apiSocket.go `useAPISocket`, a client-side transformation of the service, keys kept in v2's field order so
    that the result hashes as v2's). Other services, and a service transformed already, are returned as they are.
    """
    from pycompose.loader.canonical_service import SERVICE_KEYS

    configs = list(config.get("configs") or ())
    if not config.get("use_api_socket") or any(c.get("source") == API_SOCKET_CONFIG_SOURCE for c in configs):
        return config
    environment = dict(config.get("environment") or {})
    environment.setdefault("DOCKER_CONFIG", API_SOCKET_CONFIG_DIR)
    changed = {
        **config, "environment": environment,
        "volumes": [*(config.get("volumes") or ()), {"type": "bind", "source": API_SOCKET, "target": API_SOCKET}],
        "configs": [*configs, {"source": API_SOCKET_CONFIG_SOURCE, "target": f"{API_SOCKET_CONFIG_DIR}/config.json"}],
    }
    order = {key: index for index, key in enumerate(SERVICE_KEYS)}
    return {key: changed[key] for key in sorted(changed, key=lambda key: order.get(key, len(order)))}
