"""Which services a command works on: profiles, services named on the command line, and their dependencies.

Behaviour of Compose v2.40.3 (compose-go `types/project.go`, checked with the binary), on the canonical
config (`docker compose config --format json` form):

- a service without `profiles` is always enabled; one with profiles only when one of them is active
  (`--profile`, `COMPOSE_PROFILES`), `*` activates all;
- a service named on the command line activates its own profiles (not its dependencies'); only the named
  services and their dependencies (transitively) stay enabled; a required dependency that is disabled is
  `no such service: <dep>`; a `required: false` one is dropped from `depends_on`, as are entries naming
  services left out;
- with no service named, a `depends_on` entry naming a disabled service is kept: the consistency check
  reports it (`service "x" depends on undefined service "y": invalid compose project`) unless
  `required: false` (v2 keeps that entry as it is);
- networks, volumes, secrets, configs and models that no enabled service uses are dropped.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from pycompose.errors import ConfigError, UsageError


def select_services(
    config: dict, *, profiles: Iterable[str], explicit: Iterable[str], keep_unused: bool = False
) -> tuple[dict, dict]:
    """Return (config with only the enabled services and the resources they use, {disabled name: service}).

    `keep_unused` (`--all-resources`) keeps the resources no enabled service uses.

    Raises:
        UsageError: a service named on the command line does not exist (`no such service: x`), or it
            requires a dependency that is disabled (`no such service: dep`, v2's text for both).
    """
    services = config.get("services") or {}
    if not isinstance(services, dict):
        raise ConfigError("services must be a mapping", path=("services",))
    active = list(profiles)
    named = list(dict.fromkeys(explicit))

    enabled = {n: s for n, s in services.items() if _has_profile(s, active)}
    if named:
        for name in named:
            if name not in enabled and name in services:
                active += _profiles_of(services[name])
        enabled = {n: s for n, s in services.items() if _has_profile(s, active)}
        for name in named:
            if name not in enabled:
                raise UsageError(f"no such service: {name}")
        selected = _with_dependencies(named, enabled)
        enabled = {n: _keep_dependencies(s, selected) for n, s in enabled.items() if n in selected}

    disabled = {n: copy.deepcopy(s) for n, s in services.items() if n not in enabled}
    out = copy.deepcopy({k: v for k, v in config.items()})
    out["services"] = copy.deepcopy(enabled)
    return (out if keep_unused else drop_unused_resources(out)), disabled


def list_profiles(config: dict, disabled: dict | None = None) -> list[str]:
    """Every profile a service (enabled or `disabled`) declares, sorted, as `config --profiles` lists them."""
    found: set[str] = set()
    for group in (config.get("services") or {}, disabled or {}):
        if isinstance(group, dict):
            for service in group.values():
                found.update(p for p in _profiles_of(service) if isinstance(p, str))
    return sorted(found)


def drop_unused_resources(config: dict) -> dict:
    """Drop the networks, volumes, secrets, configs and models no service of `config` uses (v2 does)."""
    used: dict[str, set[str]] = {k: set() for k in ("networks", "volumes", "secrets", "configs", "models")}
    for service in (config.get("services") or {}).values():
        if not isinstance(service, dict):
            continue
        used["networks"].update(_keys(service.get("networks")))
        used["models"].update(_keys(service.get("models")))
        for volume in _items(service.get("volumes")):
            if isinstance(volume, dict) and volume.get("type") == "volume" and volume.get("source"):
                used["volumes"].add(str(volume["source"]) if not isinstance(volume["source"], str)
                                    else volume["source"])
        build = service.get("build")
        mounts = [*_items(service.get("secrets"))]
        if isinstance(build, dict):
            mounts += _items(build.get("secrets"))
        used["secrets"].update(_sources(mounts))
        used["configs"].update(_sources(_items(service.get("configs"))))
    out = dict(config)
    for kind, names in used.items():
        declared = config.get(kind)
        if not isinstance(declared, dict):
            continue
        kept = {name: value for name, value in declared.items() if isinstance(name, str) and name in names}
        if kept:
            out[kind] = kept
        else:
            out.pop(kind, None)
    return out


def _sources(mounts: list) -> list[str]:
    return [m["source"] for m in mounts if isinstance(m, dict) and isinstance(m.get("source"), str)]


def _has_profile(service: Any, active: list[str]) -> bool:
    declared = _profiles_of(service)
    if not declared:
        return True
    return any(p == "*" or p in declared for p in active)


def _profiles_of(service: Any) -> list:
    if not isinstance(service, dict):
        return []
    declared = service.get("profiles")
    return list(declared) if isinstance(declared, list) else []


def _dependencies(service: Any) -> dict:
    if not isinstance(service, dict):
        return {}
    depends_on = service.get("depends_on")
    if isinstance(depends_on, dict):
        return depends_on
    if isinstance(depends_on, list):
        return {name: None for name in depends_on if isinstance(name, str)}
    return {}


def _with_dependencies(named: list[str], enabled: dict) -> set[str]:
    selected: set[str] = set()
    pending = list(named)
    while pending:
        name = pending.pop(0)
        if name in selected:
            continue
        selected.add(name)
        for dependency, options in _dependencies(enabled[name]).items():
            if dependency in enabled:
                pending.append(dependency)
            elif _required(options):
                raise UsageError(f"no such service: {dependency}")
    return selected


def _required(options: Any) -> bool:
    return not (isinstance(options, dict) and options.get("required") is False)


def _keep_dependencies(service: Any, selected: set[str]) -> Any:
    if not isinstance(service, dict) or not isinstance(service.get("depends_on"), dict):
        return service
    kept = {k: v for k, v in service["depends_on"].items() if k in selected}
    out = dict(service)
    if kept:
        out["depends_on"] = kept
    else:
        out.pop("depends_on")
    return out


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return list(value)
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _items(value: Any) -> list:
    return value if isinstance(value, list) else []
