"""Consistency checks a JSON schema cannot express, run on the canonical project (v2's `config --format json`).

They are Compose v2's load-time checks (compose-go v2.9.1 `validation/` on the model, `loader/validate.go`
`checkConsistency`, `graph/cycle.go`, and docker/compose's container-name unicity), in v2's order, with v2's
messages. v2 walks services in Go map order, so which of several broken services it names is random; we walk them
sorted by name so the first error is stable. Two messages v2 garbles are reported correctly here (the service
named by a duplicate `container_name`, the attribute and service of `container_name` with replicas).

Each failure is a ConfigError whose `path` is the key path of the offending entry, so the loader can point at the
file and line that wrote it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from pycompose.errors import ConfigError

__all__ = ["check_project", "find_cycle", "service_dependencies"]

_INVALID = ": invalid compose project"
_NAMESPACES = ("network_mode", "ipc", "pid", "uts", "cgroup")


def check_project(config: Mapping[str, Any], *, disabled_services: Collection[str] = ()) -> None:
    """Raise ConfigError for the first inconsistency v2 would report when loading `config`.

    `config` is the canonical project after profile selection; `disabled_services` names the services profiles
    switched off (a `required: false` dependency on one of them is allowed, as in v2).
    """
    if not isinstance(config, Mapping):
        raise ConfigError("the project must be a mapping")
    _check_model(config)
    services = _mapping(config.get("services"))
    for name in sorted(services):
        service = services[name]
        if isinstance(service, Mapping):
            _check_service(name, service, config, disabled_services)
    _check_secret_sources(config)
    cycle = find_cycle(config)
    if cycle:
        raise ConfigError("dependency cycle detected: " + " -> ".join(cycle))
    _check_container_names(services)


def find_cycle(config: Mapping[str, Any]) -> list[str] | None:
    """The dependency cycle v2 reports first, as `[a, b, a]`, or None.

    Same search as compose-go: start from each service in name order, follow dependencies in name order, stop at
    the first service already on the path. Dependencies on services absent from the project are ignored here.
    """
    services = _mapping(config.get("services"))
    children = {
        name: sorted(dep for dep in service_dependencies(service) if dep in services)
        for name, service in services.items()
    }
    acyclic: set[str] = set()  # fully explored without meeting a cycle: nothing below can loop

    def search(path: list[str], on_path: set[str]) -> list[str] | None:
        for child in children.get(path[-1], ()):
            if child in on_path:
                return path[path.index(child):] + [child]
            if child in acyclic:
                continue
            path.append(child)
            on_path.add(child)
            found = search(path, on_path)
            if found:
                return found
            path.pop()
            on_path.discard(child)
            acyclic.add(child)
        return None

    limit = _recursion_guard(len(services))
    with limit:
        for name in sorted(services):
            if name in acyclic:
                continue
            found = search([name], {name})
            if found:
                return found
            acyclic.add(name)
    return None


def service_dependencies(service: Mapping[str, Any]) -> list[str]:
    """Services `service` depends on: depends_on plus the implicit ones of links, namespaces and volumes_from.

    The canonical form already lists the implicit ones under depends_on; they are derived again so that a partly
    normalised model gives the same graph.
    """
    if not isinstance(service, Mapping):
        return []
    deps: list[str] = []
    depends_on = service.get("depends_on")
    if isinstance(depends_on, Mapping):
        deps.extend(str(name) for name in depends_on)
    elif isinstance(depends_on, list):
        deps.extend(str(name) for name in depends_on)
    for link in _list(service.get("links")):
        if isinstance(link, str):
            parts = link.split(":")
            deps.append(parts[0] if len(parts) == 2 else link)
    for key in _NAMESPACES:
        value = service.get(key)
        if isinstance(value, str) and value.startswith("service:"):
            deps.append(value[len("service:"):])
    for source in _list(service.get("volumes_from")):
        if isinstance(source, str) and not source.startswith("container:"):
            deps.append(source.split(":")[0])
    return list(dict.fromkeys(deps))


# --- compose-go validation/: checks on the model before normalisation --------------------------------------


def _check_model(config: Mapping[str, Any]) -> None:
    for name, volume in sorted(_mapping(config.get("volumes")).items()):
        if isinstance(volume, Mapping) and volume.get("external") is True:
            for key in volume:
                if key not in ("name", "external") and not str(key).startswith("x-"):
                    raise ConfigError(
                        f'conflicting parameters "external" and "{key}" specified', path=("volumes", name)
                    )
    _check_file_objects(config, "configs", ("file", "environment", "content"))
    _check_file_objects(config, "secrets", ("file", "environment"))
    for name, service in sorted(_mapping(config.get("services")).items()):
        if isinstance(service, Mapping):
            _check_service_model(name, service)


def _check_file_objects(config: Mapping[str, Any], kind: str, sources: tuple[str, ...]) -> None:
    for name, entry in sorted(_mapping(config.get(kind)).items()):
        if not isinstance(entry, Mapping):
            continue
        count = sum(1 for key in sources if key in entry)
        if count > 1:
            raise ConfigError(f"{'|'.join(sources)} attributes are mutually exclusive", path=(kind, name))
        if count == 0 and "driver" not in entry and "external" not in entry:
            raise ConfigError(f"one of {'|'.join(sources)} must be set", path=(kind, name))


def _check_service_model(name: str, service: Mapping[str, Any]) -> None:
    for index, port in enumerate(_list(service.get("ports"))):
        if isinstance(port, Mapping) and "host_ip" in port and not _is_ip(port["host_ip"]):
            raise ConfigError(f"invalid ip address: {port['host_ip']}", path=("services", name, "ports", index))
    develop = service.get("develop")
    watch = develop.get("watch") if isinstance(develop, Mapping) else None
    for index, rule in enumerate(_list(watch)):
        if isinstance(rule, Mapping) and rule.get("path") == "":
            raise ConfigError(
                "value can't be blank", path=("services", name, "develop", "watch", index, "path")
            )
    deploy = _mapping(service.get("deploy"))
    reservations = _mapping(_mapping(deploy.get("resources")).get("reservations"))
    requests = [
        (("deploy", "resources", "reservations", "devices"), _list(reservations.get("devices"))),
        (("gpus",), _list(service.get("gpus"))),
    ]
    for where, devices in requests:
        for index, device in enumerate(devices):
            if isinstance(device, Mapping) and "count" in device and "device_ids" in device:
                raise ConfigError(
                    '"count" and "device_ids" attributes are exclusive',
                    path=("services", name, *where, index),
                )


def _is_ip(value: Any) -> bool:
    if not isinstance(value, str) or "%" in value:
        return False  # Go's net.ParseIP takes no IPv6 zone
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


# --- compose-go loader/validate.go: checkConsistency ---------------------------------------------------------


def _check_service(
    name: str, service: Mapping[str, Any], config: Mapping[str, Any], disabled: Collection[str]
) -> None:
    here = ("services", name)
    build = service.get("build")
    has_build = isinstance(build, Mapping)
    if not has_build and not service.get("image") and service.get("provider") is None:
        raise ConfigError(
            f'service "{name}" has neither an image nor a build context specified{_INVALID}', path=here
        )
    if has_build:
        _check_build(name, service, build, config)

    networks = service.get("networks")
    if service.get("network_mode") and networks:
        raise ConfigError(
            f"service {name} declares mutually exclusive `network_mode` and `networks`{_INVALID}", path=here
        )
    defined_networks = _mapping(config.get("networks"))
    for network in _names(networks):
        if network not in defined_networks:
            raise ConfigError(
                f'service "{name}" refers to undefined network {network}{_INVALID}',
                path=(*here, "networks", network),
            )

    healthcheck = service.get("healthcheck")
    test = healthcheck.get("test") if isinstance(healthcheck, Mapping) else None
    if isinstance(test, list) and test and test[0] not in ("CMD", "CMD-SHELL", "NONE"):
        raise ConfigError(
            'healthcheck.test must start either by "CMD", "CMD-SHELL" or "NONE"',
            path=(*here, "healthcheck", "test"),
        )

    _check_dependencies(name, service, config, disabled)
    _check_references(name, service, config)
    _check_replicas(name, service)
    _check_limits(name, service)

    watch = _mapping(service.get("develop")).get("watch")
    for rule in _list(watch):
        if isinstance(rule, Mapping) and not rule.get("target") and rule.get("action") not in ("rebuild", "restart"):
            raise ConfigError(
                f"target is required for non-rebuild actions{_INVALID}", path=(*here, "develop", "watch")
            )
    _check_mount_targets(name, service)


def _check_build(name: str, service: Mapping[str, Any], build: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    here = ("services", name, "build")
    if build.get("dockerfile_inline") and build.get("dockerfile"):
        raise ConfigError(
            f'service "{name}" declares mutualy exclusive dockerfile and dockerfile_inline{_INVALID}', path=here
        )
    services = _mapping(config.get("services"))
    for context_name, source in _mapping(build.get("additional_contexts")).items():
        if isinstance(source, str) and source.startswith("service:"):
            target = source[len("service:"):]
            where = (*here, "additional_contexts", context_name)
            if target not in services:
                raise ConfigError(
                    f'service "{name}" declares unknown service "{target}" as additional contexts {context_name}',
                    path=where,
                )
            if not isinstance(_mapping(services[target]).get("build"), Mapping):
                raise ConfigError(
                    f'service "{name}" declares non-buildable service "{target}" as additional contexts '
                    f"{context_name}",
                    path=where,
                )
    platforms = _list(build.get("platforms"))
    platform = service.get("platform")
    if platforms and platform and platform not in platforms:
        raise ConfigError(
            f'service.build.platforms MUST include service.platform "{platform}"{_INVALID}',
            path=(*here, "platforms"),
        )


def _check_dependencies(
    name: str, service: Mapping[str, Any], config: Mapping[str, Any], disabled: Collection[str]
) -> None:
    services = _mapping(config.get("services"))
    depends_on = service.get("depends_on")
    entries = depends_on.items() if isinstance(depends_on, Mapping) else ((d, None) for d in _list(depends_on))
    for dependency, options in entries:
        if dependency in services:
            continue
        required = not (isinstance(options, Mapping) and options.get("required") is False)
        if dependency in disabled and not required:
            continue
        raise ConfigError(
            f'service "{name}" depends on undefined service "{dependency}"{_INVALID}',
            path=("services", name, "depends_on", dependency),
        )
    # implicit dependencies the canonical form may not list (v2 normalises them into depends_on first)
    for dependency in service_dependencies(service):
        if dependency not in services and dependency not in disabled:
            raise ConfigError(
                f'service "{name}" depends on undefined service "{dependency}"{_INVALID}',
                path=("services", name),
            )


def _check_references(name: str, service: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    here = ("services", name)
    volumes = _mapping(config.get("volumes"))
    for index, mount in enumerate(_list(service.get("volumes"))):
        if isinstance(mount, Mapping) and mount.get("type") == "volume" and mount.get("source"):
            if mount["source"] not in volumes:
                raise ConfigError(
                    f'service "{name}" refers to undefined volume {mount["source"]}{_INVALID}',
                    path=(*here, "volumes", index),
                )
    build = service.get("build")
    secrets = _mapping(config.get("secrets"))
    if isinstance(build, Mapping):
        for index, source in _sources(build.get("secrets")):
            if source not in secrets:
                raise ConfigError(
                    f'service "{name}" refers to undefined build secret {source}{_INVALID}',
                    path=(*here, "build", "secrets", index),
                )
    configs = _mapping(config.get("configs"))
    for index, source in _sources(service.get("configs")):
        if source not in configs:
            raise ConfigError(
                f'service "{name}" refers to undefined config {source}{_INVALID}', path=(*here, "configs", index)
            )
    models = _mapping(config.get("models"))
    for model in _names(service.get("models")):
        if model not in models:
            raise ConfigError(
                f'service "{name}" refers to undefined model {model}{_INVALID}', path=(*here, "models", model)
            )
    for index, source in _sources(service.get("secrets")):
        if source not in secrets:
            raise ConfigError(
                f'service "{name}" refers to undefined secret {source}{_INVALID}', path=(*here, "secrets", index)
            )


def _check_replicas(name: str, service: Mapping[str, Any]) -> None:
    here = ("services", name)
    scale = _int_or_none(service.get("scale"))
    deploy = service.get("deploy")
    replicas = _int_or_none(deploy.get("replicas")) if isinstance(deploy, Mapping) else None
    if scale is not None and isinstance(deploy, Mapping) and replicas is not None and scale != replicas:
        raise ConfigError(f"can't set distinct values on 'scale' and 'deploy.replicas'{_INVALID}", path=here)
    if scale is not None and scale < 0:
        raise ConfigError("must be greater than or equal to 0", path=(*here, "scale"))
    if replicas is not None and replicas < 0:
        raise ConfigError("must be greater than or equal to 0", path=(*here, "deploy", "replicas"))
    effective = scale if scale is not None else replicas if replicas is not None else 1
    if effective > 1 and service.get("container_name"):
        attribute = "scale" if scale is not None else "deploy.replicas"
        raise ConfigError(
            f"can't set container_name and {attribute} as container name must be unique{_INVALID}",
            path=(*here, *attribute.split(".")),
        )


_LIMIT_PAIRS = (
    ("cpus", ("limits", "cpus")),
    ("mem_limit", ("limits", "memory")),
    ("mem_reservation", ("reservations", "memory")),
    ("pids_limit", ("limits", "pids")),
)


def _check_limits(name: str, service: Mapping[str, Any]) -> None:
    deploy = service.get("deploy")
    if not isinstance(deploy, Mapping):
        return
    resources = _mapping(deploy.get("resources"))
    for key, (section, field) in _LIMIT_PAIRS:
        value = _number_or_none(service.get(key))
        if not value:
            continue  # v2 compares only when the service-level value is set (non-zero)
        if section not in resources or not isinstance(resources[section], Mapping):
            continue
        other = _number_or_none(resources[section].get(field)) or 0
        if not _same_number(value, other, single_precision=key == "cpus"):
            raise ConfigError(
                f"can't set distinct values on '{key}' and 'deploy.resources.{section}.{field}'{_INVALID}",
                path=("services", name),
            )


def _check_mount_targets(name: str, service: Mapping[str, Any]) -> None:
    mounted: dict[str, str] = {}
    tmpfs = service.get("tmpfs")
    for index, entry in enumerate([tmpfs] if isinstance(tmpfs, str) else _list(tmpfs)):
        where = f"services.{name}.tmpfs[{index}]"
        target = str(entry).split(":", 1)[0]
        if target in mounted:
            raise ConfigError(
                f"target {target} already mounted as {mounted[target]}", path=("services", name, "tmpfs", index)
            )
        mounted[target] = where
    for index, mount in enumerate(_list(service.get("volumes"))):
        if not isinstance(mount, Mapping):
            continue
        target = mount.get("target")
        where = f"services.{name}.volumes[{index}]"
        if target in mounted:
            raise ConfigError(
                f"target {target} already mounted as {mounted[target]}", path=("services", name, "volumes", index)
            )
        mounted[str(target)] = where


def _check_secret_sources(config: Mapping[str, Any]) -> None:
    for name, secret in sorted(_mapping(config.get("secrets")).items()):
        if not isinstance(secret, Mapping) or secret.get("external") is True:
            continue
        if not secret.get("file") and not secret.get("environment"):
            raise ConfigError(
                f'secret "{name}" must declare either `file` or `environment`{_INVALID}', path=("secrets", name)
            )


# --- docker/compose: container name unicity -----------------------------------------------------------------


def _check_container_names(services: Mapping[str, Any]) -> None:
    owners: dict[str, str] = {}
    for name in sorted(services):
        container_name = _mapping(services[name]).get("container_name")
        if not container_name:
            continue
        if container_name in owners:
            raise ConfigError(
                f'container name "{container_name}" is already in use by service "{owners[container_name]}"',
                path=("services", name, "container_name"),
            )
        owners[container_name] = name


# --- small readers that never raise on odd shapes ------------------------------------------------------------


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _names(value: Any) -> Iterator[str]:
    """Keys of a mapping form or items of a list form (service networks, models)."""
    if isinstance(value, Mapping):
        yield from (str(key) for key in value)
    elif isinstance(value, list):
        yield from (str(item) for item in value)


def _sources(value: Any) -> Iterator[tuple[int, str]]:
    """(index, source) of service secrets/configs in short or long form."""
    for index, entry in enumerate(_list(value)):
        if isinstance(entry, str):
            yield index, entry
        elif isinstance(entry, Mapping) and isinstance(entry.get("source"), str):
            yield index, entry["source"]


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def _number_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _same_number(left: float, right: float, *, single_precision: bool) -> bool:
    if single_precision:  # v2 holds cpus as float32 on both sides
        import struct

        def narrow(x: float) -> float:
            return struct.unpack("f", struct.pack("f", x))[0]

        return narrow(left) == narrow(right)
    return left == right


class _recursion_guard:
    """Raise the recursion limit for deep dependency chains while a search runs."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.saved = 0

    def __enter__(self) -> None:
        import sys

        self.saved = sys.getrecursionlimit()
        sys.setrecursionlimit(max(self.saved, self.depth * 2 + 100))

    def __exit__(self, *exc: object) -> None:
        import sys

        sys.setrecursionlimit(self.saved)
