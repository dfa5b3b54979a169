"""Desired (a `StackSpec`) vs observed (what the swarm holds for the stack) → the actions of one deploy, each with
its reason. Pure: no engine; `pycompose.stack.deploy` observes and applies."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from pycompose.errors import ConfigError, EngineError
from pycompose.stack.convert import IMAGE_LABEL, StackSpec

RESOLVE_MODES = ("always", "changed", "never")


@dataclass
class ObservedStack:
    """What the swarm holds: the stack's own objects by name, and the external ones the file names."""

    name: str
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """name → the service as the API lists it (ID, Version.Index, Spec)."""
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """name → the network (Id, Name, Labels, Scope): the stack's and the external ones found."""
    configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    secrets: dict[str, dict[str, Any]] = field(default_factory=dict)
    """name → the object (ID, Version.Index, Spec): the stack's and the external ones found."""


@dataclass(frozen=True)
class Action:
    kind: str  # network | secret | config | service
    name: str
    verb: str  # create | update | remove | keep
    reason: str
    spec: dict[str, Any] | None = None
    object_id: str = ""
    version: int = 0

    def line(self) -> str:
        return f"{self.kind} {self.name}: {self.verb} ({self.reason})"


@dataclass(frozen=True)
class StackPlan:
    stack: str
    actions: tuple[Action, ...]

    def changes(self) -> tuple[Action, ...]:
        return tuple(a for a in self.actions if a.verb != "keep")

    def render(self) -> str:
        return "".join(a.line() + "\n" for a in self.actions)


# values the engine fills in when a spec leaves them out: compared as if absent
_DEFAULTS = {("FailureAction", "pause"), ("Monitor", 5_000_000_000), ("Order", "stop-first"),
             ("Runtime", "container"), ("Isolation", "default"), ("Mode", "vip"), ("ForceUpdate", 0)}
_KEEP_EMPTY = {"Replicated", "Global", "ReplicatedJob", "GlobalJob"}


def normalized(spec: Any, network_ids: dict[str, str] | None = None) -> Any:
    """A ServiceSpec in a form two equal specs share: engine defaults and empty values dropped, networks by ID and
    sorted, secret/config references by name."""
    value = copy.deepcopy(spec)
    task = (value or {}).get("TaskTemplate") or {}
    if network_ids is not None:
        networks = task.get("Networks") or value.pop("Networks", None) or []
        for net in networks:
            net["Target"] = network_ids.get(net.get("Target", ""), net.get("Target", ""))
        task["Networks"] = sorted(networks, key=lambda n: n.get("Target", ""))
    container = task.get("ContainerSpec") or {}
    for key, id_key in (("Secrets", "SecretID"), ("Configs", "ConfigID")):
        for ref in container.get(key) or []:
            ref.pop(id_key, None)
    replicated = (value.get("Mode") or {}).get("Replicated")
    if replicated is not None and "Replicas" not in replicated:
        replicated["Replicas"] = 1
    return _prune(value)


def _prune(value: Any) -> Any:
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            item = _prune(item)
            if isinstance(item, (str, int)) and (key, item) in _DEFAULTS:
                continue
            if key not in _KEEP_EMPTY and _empty(key, item):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_prune(item) for item in value]
    return value


def _empty(key: str, item: Any) -> bool:
    if item is None or item is False:
        return True
    if isinstance(item, (int, float)) and not isinstance(item, bool):
        return item == 0 and key != "Replicas"
    return isinstance(item, (str, list, dict)) and not item


def differences(desired: Any, observed: Any, path: str = "") -> list[str]:
    """The dotted paths where two normalized specs differ."""
    if isinstance(desired, dict) and isinstance(observed, dict):
        out = []
        for key in sorted(set(desired) | set(observed), key=str):
            out += differences(desired.get(key), observed.get(key), f"{path}.{key}" if path else str(key))
        return out
    return [] if desired == observed else [path or "(spec)"]


def plan_deploy(
    desired: StackSpec, observed: ObservedStack, *, prune: bool = False, resolve_image: str = "always",
    resolved: dict[str, str] | None = None,
) -> StackPlan:
    """The actions that take the swarm from `observed` to `desired`.

    `resolved`: image → the digest-pinned reference a registry gave (only for the images looked up).

    Raises:
        ConfigError: an unknown --resolve-image value.
        EngineError: an external network, config or secret that is missing or not swarm-scoped; a config whose
            content changed (swarm configs are immutable).
    """
    if resolve_image not in RESOLVE_MODES:
        raise ConfigError(f"invalid option {resolve_image} for flag --resolve-image")
    resolved = resolved or {}
    actions: list[Action] = []
    if prune:
        for name in sorted(set(observed.services) - set(desired.services)):
            svc = observed.services[name]
            actions.append(Action("service", name, "remove", "no longer in the compose file",
                                  object_id=svc.get("ID", "")))
    for name in desired.external_networks:
        net = observed.networks.get(name)
        if name in ("host", "bridge", "none", "default"):
            continue
        if net is None:
            raise EngineError(f'network "{name}" is declared as external, but could not be found. You need to create '
                              "a swarm-scoped network before the stack is deployed")
        if net.get("Scope") != "swarm":
            raise EngineError(f'network "{name}" is declared as external, but it is not in the right scope: '
                              f'"{net.get("Scope")}" instead of "swarm"')
    for name, net_spec in sorted(desired.networks.items()):
        if name in observed.networks:
            actions.append(Action("network", name, "keep", "exists"))
        else:
            actions.append(Action("network", name, "create", "not found", spec=net_spec))
    for kind, table, seen in (("secret", desired.secrets, observed.secrets),
                              ("config", desired.configs, observed.configs)):
        for name, obj in sorted(table.items()):
            current = seen.get(name)
            if current is None:
                actions.append(Action(kind, name, "create", "not found", spec=obj.spec))
                continue
            cur_spec = current.get("Spec") or {}
            if kind == "config" and cur_spec.get("Data", "") != obj.spec.get("Data", ""):
                raise EngineError(f"failed to update config {name}: its content changed and swarm configs cannot be "
                                  "changed: give it a new name (`name:` in the file) or remove the stack first")
            if (cur_spec.get("Labels") or {}) != obj.spec.get("Labels"):
                actions.append(Action(kind, name, "update", "labels changed", spec=obj.spec,
                                      object_id=current.get("ID", ""),
                                      version=int((current.get("Version") or {}).get("Index", 0))))
            else:
                actions.append(Action(kind, name, "keep", "unchanged" if kind == "config" else "exists"))
    for kind, name in desired.external_objects:
        if name not in (observed.secrets if kind == "secret" else observed.configs):
            raise EngineError(f"{kind} not found: {name}")
    network_ids = {name: net.get("Id") or net.get("ID") or name for name, net in observed.networks.items()}
    for name, spec in sorted(desired.services.items()):
        current = observed.services.get(name)
        image = spec["TaskTemplate"]["ContainerSpec"]["Image"]
        if current is None:
            wanted = copy.deepcopy(spec)
            if image in resolved:
                wanted["TaskTemplate"]["ContainerSpec"]["Image"] = resolved[image]
            actions.append(Action("service", name, "create", "not found", spec=wanted))
            continue
        cur_spec = current.get("Spec") or {}
        wanted = copy.deepcopy(spec)
        same_image = image == (cur_spec.get("Labels") or {}).get(IMAGE_LABEL)
        container = wanted["TaskTemplate"]["ContainerSpec"]
        if image in resolved and (resolve_image == "always" or not same_image):
            container["Image"] = resolved[image]
        elif same_image:  # keep the digest an earlier deploy pinned
            container["Image"] = ((cur_spec.get("TaskTemplate") or {}).get("ContainerSpec") or {}).get("Image", image)
        wanted["TaskTemplate"]["ForceUpdate"] = (cur_spec.get("TaskTemplate") or {}).get("ForceUpdate", 0)
        diff = differences(normalized(wanted, network_ids), normalized(cur_spec, network_ids))
        if diff:
            shown = ", ".join(diff[:4]) + (f" and {len(diff) - 4} more" if len(diff) > 4 else "")
            actions.append(Action("service", name, "update", f"changed: {shown}", spec=wanted,
                                  object_id=current.get("ID", ""),
                                  version=int((current.get("Version") or {}).get("Index", 0))))
        else:
            actions.append(Action("service", name, "keep", "unchanged", object_id=current.get("ID", "")))
    return StackPlan(desired.name, tuple(actions))


def plan_remove(observed: ObservedStack) -> StackPlan:
    """`stack rm`: the stack's services, then secrets, configs and networks (docker stack's order)."""
    actions = [Action("service", n, "remove", "stack removed", object_id=s.get("ID", ""))
               for n, s in sorted(observed.services.items())]
    for kind, table in (("secret", observed.secrets), ("config", observed.configs)):
        actions += [Action(kind, n, "remove", "stack removed", object_id=o.get("ID", "")) for n, o in
                    sorted(table.items())]
    actions += [Action("network", n, "remove", "stack removed", object_id=o.get("Id") or o.get("ID", ""))
                for n, o in sorted(observed.networks.items())]
    return StackPlan(observed.name, tuple(actions))
