"""Networks and volumes for `up`: check the external ones, create the missing ones (v2 create.go)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose import hashing, labels
from pycompose.errors import ConfigError
from pycompose.model import Project
from pycompose.observed import ObservedState
from pycompose.plan import Action, ActionKind
from pycompose.planner import ids


def plan_networks(project: Project, observed: ObservedState, used: set[str], actions: list[Action]) -> dict[str, str]:
    """Create actions for the missing networks among `used`; returns key → action id for those created.

    Raises:
        ConfigError: an external network does not exist, or a network of that name belongs to another key.
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
            key = found.labels.get(labels.NETWORK)
            if key is not None and key != network.key:
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


def plan_volumes(project: Project, observed: ObservedState, used: set[str], actions: list[Action]) -> dict[str, str]:
    """Create actions for the missing named volumes among `used` (v2 creates every declared one it uses).

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
        if found is not None or volume.key not in used:
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
