"""Networks and volumes for `up`: check the external ones, create the missing ones (v2 create.go)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from pycompose import hashing, labels
from pycompose.errors import ConfigError
from pycompose.model import Network, Project, Volume
from pycompose.observed import ObservedNetwork, ObservedState, ObservedVolume
from pycompose.plan import Action, ActionKind
from pycompose.planner import ids

_Resource = TypeVar("_Resource", Network, Volume)
_Found = TypeVar("_Found", ObservedNetwork, ObservedVolume)


def plan_networks(project: Project, observed: ObservedState, used: set[str], actions: list[Action]) -> dict[str, str]:
    """Create actions for the missing networks among `used`; returns key → action id for those created.

    Raises:
        ConfigError: an external network does not exist, or a network of that name belongs to another key (or to
            none: made by something else, as v2 refuses it).
    """
    created: dict[str, str] = {}
    for network in project.networks:
        if network.key not in used:
            continue
        found = observed.networks.get(network.name)
        if network.external:
            if found is None:
                raise ConfigError(f"network {network.name} declared as external, but could not be found")
            continue
        if found is not None:
            key = found.labels.get(labels.NETWORK, "")
            if key != network.key:
                raise ConfigError(
                    f"network {network.name} was found but has incorrect label {labels.NETWORK} set to "
                    f'"{key}" (expected: "{network.key}")'
                )
            if not network_diverged(found.labels, network.config):
                continue
            # v2 `removeDivergedNetwork`: the caller stops the attached containers, then the network is replaced
            removal = ids.network(network.name, "remove")
            actions.append(Action(id=removal, kind=ActionKind.REMOVE_NETWORK, target=network.name,
                                  reason="config hash changed", key=network.key))
            action_id = ids.network(network.name)
            actions.append(Action(id=action_id, kind=ActionKind.CREATE_NETWORK, target=network.name,
                                  reason="config hash changed", after=(removal,), key=network.key))
            created[network.key] = action_id
            continue
        action_id = ids.network(network.name)
        actions.append(Action(id=action_id, kind=ActionKind.CREATE_NETWORK, target=network.name, reason="not found",
                              key=network.key))
        created[network.key] = action_id
    return created


def plan_volumes(project: Project, observed: ObservedState, used: set[str], actions: list[Action],
                 replaced: Mapping[str, tuple[str, ...]] | None = None) -> dict[str, str]:
    """Create actions for the missing named volumes among `used` (v2 creates every declared one it uses), and for
    those in `replaced` (diverged, recreation confirmed: key → the removals of the containers using it, which the
    volume's removal waits for).

    Raises:
        ConfigError: an external volume does not exist.
    """
    created: dict[str, str] = {}
    for volume in project.volumes:
        found = observed.volumes.get(volume.name)
        if volume.external:
            if volume.key in used and found is None:
                raise ConfigError(f'external volume "{volume.name}" not found')
            continue
        if volume.key not in used:
            continue
        if found is not None and replaced is not None and volume.key in replaced:
            removal = ids.volume(volume.name, "remove")
            actions.append(Action(id=removal, kind=ActionKind.REMOVE_VOLUME, target=volume.name,
                                  reason="config hash changed", after=replaced[volume.key], key=volume.key))
            action_id = ids.volume(volume.name)
            actions.append(Action(id=action_id, kind=ActionKind.CREATE_VOLUME, target=volume.name,
                                  reason="config hash changed", after=(removal,), key=volume.key))
            created[volume.key] = action_id
            continue
        if found is not None:
            continue
        action_id = ids.volume(volume.name)
        actions.append(Action(id=action_id, kind=ActionKind.CREATE_VOLUME, target=volume.name, reason="not found",
                              key=volume.key))
        created[volume.key] = action_id
    return created



def network_diverged(found_labels: Mapping[str, str], config: Mapping[str, Any]) -> bool:
    """A network compose created whose config-hash label no longer matches the model."""
    recorded = found_labels.get(labels.CONFIG_HASH)
    return bool(recorded) and recorded != hashing.network_hash(config)


def _existing(declared: Iterable[_Resource], found: Mapping[str, _Found]) -> Iterator[tuple[_Resource, _Found]]:
    """The project's own (not external) networks or volumes that exist on the engine, each with what was found."""
    for resource in declared:
        if not resource.external and resource.name in found:
            yield resource, found[resource.name]


def diverged_volumes(project: Project, observed: ObservedState) -> list[str]:
    """The names of the project's volumes whose config hash label differs from their declaration (v2 asks
    before it recreates one: `Volume "…" exists but doesn't match configuration in compose file`)."""
    diverged = []
    for volume, found in _existing(project.volumes, observed.volumes):
        label = found.labels.get(labels.CONFIG_HASH)
        if label is not None and label != hashing.volume_hash(volume.config):
            diverged.append(volume.name)
    return diverged


def foreign_resources(project: Project, observed: ObservedState) -> list[str]:
    """v2's warnings about the project's networks and volumes that exist but that compose did not create, or created
    for another project, in v2's order (it warns, then uses such a volume and refuses such a network, see
    `plan_networks`: no warning after that one)."""
    warnings = []
    for network, found_network in _existing(project.networks, observed.networks):
        owner = found_network.labels.get(labels.PROJECT)
        if owner is None:
            warnings.append(f"a network with name {network.name} exists but was not created by compose.\n"
                            "Set `external: true` to use an existing network")
        elif owner != project.name:
            warnings.append(f"a network with name {network.name} exists but was not created for project "
                            f'"{project.name}".\nSet `external: true` to use an existing network')
        if found_network.labels.get(labels.NETWORK, "") != network.key:
            return warnings  # refused (plan_networks): v2 goes no further
    for volume, found_volume in _existing(project.volumes, observed.volumes):
        owner = found_volume.labels.get(labels.PROJECT)
        if owner is None:
            warnings.append(f'volume "{volume.name}" already exists but was not created by Docker Compose. '
                            "Use `external: true` to use an existing volume")
        elif owner != project.name:
            warnings.append(f'volume "{volume.name}" already exists but was created for project "{owner}" '
                            f'(expected "{project.name}"). Use `external: true` to use an existing volume')
    return warnings
