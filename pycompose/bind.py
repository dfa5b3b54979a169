"""bind: the canonical project dict (v2's `config --format json` form) → the typed model.

The only place a dict becomes a model object on the engine side. Implicit dependencies (links, `service:x`
namespaces, volumes_from) are added here as compose-go's normalizer adds them, so the graph sees one kind of edge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pycompose import labels
from pycompose.errors import ConfigError
from pycompose.loader import units
from pycompose.loader.options import LoadedProject
from pycompose.model import Condition, DependsOn, Network, Project, Provider, Service, Volume
from pycompose.observed import ObservedState

_VALID_CONTAINER_NAME = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
"""The engine's rule for container names (moby `daemon/names.RestrictedNamePattern`)."""


def bind_project(loaded: LoadedProject, *, scale: Mapping[str, int] | None = None) -> Project:
    """The typed project for `loaded`; `scale` (from `--scale`) overrides the replicas of the named services."""
    config = loaded.config
    name = config.get("name") or loaded.name
    networks = tuple(_network(key, value or {}, name) for key, value in (config.get("networks") or {}).items())
    volumes = tuple(_volume(key, value or {}, name) for key, value in (config.get("volumes") or {}).items())
    volume_keys = {volume.key for volume in volumes}
    services = tuple(
        _service(key, value or {}, volume_keys, name) for key, value in (config.get("services") or {}).items()
    )
    for service_name, count in (scale or {}).items():
        if service_name not in {service.name for service in services}:
            raise ConfigError(f"no such service: {service_name}")
        services = tuple(replace(s, scale=count) if s.name == service_name else s for s in services)
    for service in services:
        if service.container_name and not _VALID_CONTAINER_NAME.match(service.container_name):
            # the engine's refusal, before any engine call (v2 sends it and fails after creating the networks)
            raise ConfigError(
                f"Invalid container name ({service.container_name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                path=("services", service.name, "container_name"))
        if service.container_name and service.scale > 1:  # (`--scale`: the file's own is refused by the loader)
            raise ConfigError(
                f'WARNING: The "{service.name}" service is using the custom container name "{service.container_name}".'
                " Docker requires each container to have a unique name. Remove the custom name to scale the service"
            )
    return Project(
        name=name,
        working_dir=loaded.working_dir,
        config_files=tuple(loaded.config_files),
        env_files=tuple(loaded.env_files),
        services=services,
        networks=networks,
        volumes=volumes,
        disabled_services=tuple(loaded.disabled_services),
        secrets=dict(config.get("secrets") or {}),
        configs=dict(config.get("configs") or {}),
        environment=dict(loaded.environment),
    )


def _service(name: str, config: Mapping[str, Any], volume_keys: set[str], project: str) -> Service:
    network_mode = config.get("network_mode")
    networks = () if network_mode else tuple((config.get("networks") or {}).keys())
    named_volumes = tuple(
        dict.fromkeys(
            mount["source"]
            for mount in config.get("volumes") or ()
            if mount.get("type") == "volume" and mount.get("source") in volume_keys
        )
    )
    healthcheck = config.get("healthcheck") or {}
    has_healthcheck = bool(healthcheck) and not healthcheck.get("disable") and healthcheck.get("test") != ["NONE"]
    grace = config.get("stop_grace_period")
    return Service(
        name=name,
        config=config,
        image=config.get("image") or f"{project}-{name}",  # v2 `GetImageNameOrDefault`
        scale=_scale(config),
        container_name=config.get("container_name"),
        depends_on=_depends_on(config),
        networks=networks,
        volumes=named_volumes,
        has_healthcheck=has_healthcheck,
        stop_grace_seconds=int(parse_duration(grace)) if grace else None,
        stop_signal=config.get("stop_signal"),
        provider=_provider(config.get("provider")),
    )


def _provider(config: Mapping[str, Any] | None) -> Provider | None:
    """The `provider:` section; option values become strings (compose-go's `Options map[string][]string`)."""
    if not config:
        return None
    options = []
    for key, value in (config.get("options") or {}).items():
        values = value if isinstance(value, list) else [value]
        options.append((key, tuple(_option_text(v) for v in values)))
    return Provider(type=str(config.get("type") or ""), options=tuple(options))


def _option_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _scale(config: Mapping[str, Any]) -> int:
    deploy = config.get("deploy") or {}
    if deploy.get("replicas") is not None:
        return int(deploy["replicas"])
    if config.get("scale") is not None:
        return int(config["scale"])
    return 1


def _depends_on(config: Mapping[str, Any]) -> tuple[DependsOn, ...]:
    found: dict[str, DependsOn] = {}
    for dep, spec in (config.get("depends_on") or {}).items():
        spec = spec or {}
        found[dep] = DependsOn(
            service=dep,
            condition=Condition(spec.get("condition", Condition.STARTED.value)),
            required=bool(spec.get("required", True)),
            restart=bool(spec.get("restart", False)),
        )
    implicit: list[tuple[str, bool]] = []
    for link in config.get("links") or ():
        implicit.append((link.split(":", 1)[0], True))
    for key in ("network_mode", "ipc", "pid"):
        value = config.get(key)
        if isinstance(value, str) and value.startswith("service:"):
            implicit.append((value.split(":", 1)[1], True))
    for source in config.get("volumes_from") or ():
        dep = source.split(":", 1)[0]
        if not dep.startswith("container:"):
            implicit.append((dep, False))
    for dep, restart in implicit:
        found.setdefault(dep, DependsOn(service=dep, restart=restart))
    return tuple(found.values())


def _network(key: str, config: Mapping[str, Any], project: str) -> Network:
    external = bool(config.get("external"))
    name = config.get("name") or (key if external else f"{project}_{key}")
    return Network(key=key, name=name, config=config, external=external)


def _volume(key: str, config: Mapping[str, Any], project: str) -> Volume:
    external = bool(config.get("external"))
    name = config.get("name") or (key if external else f"{project}_{key}")
    return Volume(key=key, name=name, config=config, external=external)


def parse_duration(text: str | int | float) -> float:
    """Seconds in a Go duration string (`1m30s`, `500ms`); plain numbers are seconds already.

    Raises:
        ConfigError: Go's message (`time: invalid duration "x"`).
    """
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        return float(text)
    return units.parse_duration(text) / 1_000_000_000


def project_from_observed(name: str, observed: ObservedState) -> Project:
    """The project as its containers' labels describe it, for `-p NAME down|stop|ps…` without a compose file.

    v2 does the same (`projectFromName`): services, image, scale and dependencies come from the labels.
    """
    services: dict[str, Service] = {}
    working_dir = ""
    for container in sorted(observed.containers, key=lambda c: (c.service, c.number)):
        if container.oneoff or not container.service:
            continue
        working_dir = working_dir or container.labels.get(labels.WORKING_DIR, "")
        if container.service in services:
            services[container.service] = replace(services[container.service],
                                                  scale=services[container.service].scale + 1)
            continue
        services[container.service] = Service(
            name=container.service, config={"image": container.image}, image=container.image,
            depends_on=_depends_on_label(container.labels.get(labels.DEPENDS_ON, "")),
        )
    networks = tuple(
        Network(key=network.labels.get(labels.NETWORK, network.name), name=network.name, config={})
        for network in observed.networks.values()
        if network.labels.get(labels.PROJECT) == name
    )
    volumes = tuple(
        Volume(key=volume.labels.get(labels.VOLUME, volume.name), name=volume.name, config={})
        for volume in observed.volumes.values()
        if volume.labels.get(labels.PROJECT) == name
    )
    known = set(services)
    cleaned = tuple(
        replace(s, depends_on=tuple(d for d in s.depends_on if d.service in known)) for s in services.values()
    )
    return Project(name=name, working_dir=working_dir, services=cleaned, networks=networks, volumes=volumes)


def _depends_on_label(value: str) -> tuple[DependsOn, ...]:
    """Parse `svc:condition:restart,…` (the com.docker.compose.depends_on label)."""
    found = []
    for entry in filter(None, value.split(",")):
        parts = entry.split(":")
        condition = Condition(parts[1]) if len(parts) > 1 and parts[1] in Condition._value2member_map_ else (
            Condition.STARTED)
        found.append(DependsOn(service=parts[0], condition=condition,
                               restart=len(parts) > 2 and parts[2] == "true"))
    return tuple(found)
