"""config_changes: which service keys differ between the model and an existing container (best effort).

A container carries only the hash of its configuration, so when the hash differs the planner compares the
service with what the engine reports: the list summary (image, labels, mounts, published ports of running
containers) and, when the adapter inspected it, `ObservedContainer.config` (environment, command, entrypoint,
working_dir, user, port bindings). Keys it cannot compare are left out; an empty answer means "config hash
changed" is all that can be said. Pure: values in, phrases out (`environment.DEBUG changed`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pycompose import labels
from pycompose.model import Project, Service
from pycompose.observed import ObservedContainer, ObservedImage

MAX_REPORTED = 3


def recreate_reason(project: Project, service: Service, container: ObservedContainer,
                    image: ObservedImage | None) -> str:
    """The reason for recreating a container whose config hash differs: what changed, if it can be told."""
    changes = config_changes(project, service, container, image)
    if not changes:
        return "config hash changed"
    shown = ", ".join(changes[:MAX_REPORTED])
    more = len(changes) - MAX_REPORTED
    return f"{shown} and {more} more" if more > 0 else shown


def config_changes(project: Project, service: Service, container: ObservedContainer,
                   image: ObservedImage | None) -> list[str]:
    """`image changed`, `environment.KEY changed|added|removed`, `command changed`, `ports changed`, …"""
    config = service.config
    changes: list[str] = []
    if _image_changed(service.image, container, image):
        changes.append("image changed")
    observed = container.config
    if observed is not None:
        image_env = None if image is None or image.env is None else _pairs(image.env)
        changes += _mapping_changes("environment", _desired_env(config.get("environment")), _pairs(observed.env),
                                    image_env)
        for key, sequence in (("entrypoint", observed.entrypoint), ("command", observed.command)):
            wanted = config.get(key)
            if wanted is not None and tuple(wanted) != tuple(sequence or ()):
                changes.append(f"{key} changed")
        for key, value in (("working_dir", observed.working_dir), ("user", observed.user)):
            if config.get(key) is not None and config.get(key) != value:
                changes.append(f"{key} changed")
    own_labels = {k: v for k, v in container.labels.items() if not k.startswith(labels.PREFIX)}
    changes += _mapping_changes("labels", dict(config.get("labels") or {}), own_labels,
                                None if image is None else image.labels)
    if _ports_changed(config.get("ports") or (), container):
        changes.append("ports changed")
    if _mounts_changed(project, config.get("volumes") or (), container, image):
        changes.append("volumes changed")
    return changes


def _image_changed(reference: str, container: ObservedContainer, image: ObservedImage | None) -> bool:
    created_from = container.labels.get(labels.IMAGE)
    if image is not None and created_from and created_from != image.id:
        return True  # same name, another image (pulled or built since)
    summary = container.image
    if not summary or summary.startswith("sha256:") or summary == (image.id if image else None):
        return False  # the summary shows an id once the name moved on: covered above
    return _normalised(summary) != _normalised(reference)


def _normalised(reference: str) -> str:
    name = reference.removeprefix("docker.io/").removeprefix("library/")
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last or "@" in last else f"{name}:latest"


def _desired_env(environment: Mapping[str, Any] | None) -> dict[str, str]:
    # a variable without a value is passed only when set where compose runs: nothing to compare
    return {key: str(value) for key, value in (environment or {}).items() if value is not None}


def _pairs(items: Iterable[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in items:
        key, _, value = item.partition("=")
        found[key] = value
    return found


def _mapping_changes(prefix: str, desired: Mapping[str, str], observed: Mapping[str, str],
                     inherited: Mapping[str, str] | None) -> list[str]:
    """Changed and added keys; removed ones only when the image's own values are known (they come along)."""
    changes = []
    for key in sorted(set(desired) | set(observed)):
        if key in desired and key in observed:
            if desired[key] != observed[key]:
                changes.append(f"{prefix}.{key} changed")
        elif key in desired:
            changes.append(f"{prefix}.{key} added")
        elif inherited is not None and inherited.get(key) != observed[key]:
            changes.append(f"{prefix}.{key} removed")
    return changes


def _ports_changed(ports: Iterable[Mapping[str, Any]], container: ObservedContainer) -> bool:
    desired = set()
    for port in ports:
        published = str(port.get("published") or "")
        if "-" in published:
            return False  # a range: which port the engine picked cannot be compared
        desired.add((f"{port['target']}/{port.get('protocol') or 'tcp'}", published))
    if container.config is not None:
        observed = set(container.config.port_bindings)
    elif container.running:
        observed = {(f"{p.private_port}/{p.protocol}", str(p.public_port)) for p in container.ports if p.published}
    else:
        return False  # a stopped container's summary shows no bindings
    # an unspecified host port is any free one: compare the container port only
    flexible = {target for target, published in desired if not published}
    observed = {(t, "" if t in flexible else p) for t, p in observed}
    return desired != observed


def _mounts_changed(project: Project, volumes: Iterable[Mapping[str, Any]], container: ObservedContainer,
                    image: ObservedImage | None) -> bool:
    if not container.mounts:
        return False  # not reported (a summary of a container without mounts looks the same)
    keys = {v.key for v in project.volumes}
    desired = {}
    for volume in volumes:
        kind, source = volume.get("type"), volume.get("source")
        if kind not in ("bind", "volume"):
            continue  # tmpfs, npipe…: the summary does not report them alike
        if kind == "volume" and source in keys:
            source = project.volume(source).name
        desired[volume["target"]] = (kind, source)
    anonymous = set(image.volumes) if image is not None else set()
    observed: dict[str, tuple[str, str | None]] = {
        mount.destination: (mount.type, mount.name)
        for mount in container.mounts
        if mount.type in ("bind", "volume")
        and not (mount.destination in anonymous and mount.destination not in desired)
    }
    for target, (kind, source) in desired.items():
        if kind == "volume" and not source and target in observed:
            observed[target] = (kind, None)  # anonymous: any name
    return desired != observed
