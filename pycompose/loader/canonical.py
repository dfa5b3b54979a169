"""canonicalize: the merged compose dict → the document `docker compose config --format json` prints.

Keys are inserted in v2's order (Go struct field order; Go maps sorted), short syntax becomes long syntax,
defaults are filled, paths made absolute, env_file read into environment, resource names derived.
Services are handled in canonical_service, ports/volumes in their own modules, units in units.py.
"""

from __future__ import annotations

from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.canonical_context import CanonicalContext, project_path
from pycompose.loader.canonical_service import canonical_service
from pycompose.loader.canonical_values import ordered, sorted_deep, sorted_map, string_map

__all__ = ["CanonicalContext", "canonicalize", "canonical_service", "prune_unused_resources"]

NETWORK_KEYS = ("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels",
                "enable_ipv4", "enable_ipv6")
IPAM_POOL_KEYS = ("subnet", "gateway", "ip_range", "aux_addresses")
VOLUME_KEYS = ("name", "driver", "driver_opts", "external", "labels")
FILE_OBJECT_KEYS = ("name", "file", "environment", "content", "external", "labels", "driver", "driver_opts",
                    "template_driver")


def _external_name(key: str, value: dict, ctx: CanonicalContext, kind: str) -> dict:
    config = dict(value or {})
    external = config.get("external")
    if isinstance(external, dict):
        if external.get("name"):
            ctx.warn(f"{kind}.{key}: external.name is deprecated. Please set name and external: true")
            config["name"] = external["name"]
        config["external"] = True
    if not config.get("name"):
        config["name"] = key if config.get("external") else f"{ctx.project_name}_{key}"
    return config


def _network(key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, "networks")
    ipam = dict(config.get("ipam") or {})
    if ipam.get("config"):
        ipam["config"] = [ordered(dict(pool), IPAM_POOL_KEYS) for pool in ipam["config"]]
    config["ipam"] = ordered(ipam, ("driver", "config"))
    for key_ in ("labels", "driver_opts"):
        if config.get(key_) is not None:
            config[key_] = string_map(config[key_], ("networks", key, key_))
    keep = ("ipam",) + tuple(k for k in ("enable_ipv4", "enable_ipv6") if config.get(k) is not None)
    return ordered(config, NETWORK_KEYS, keep=keep)


def _volume(key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, "volumes")
    for key_ in ("labels", "driver_opts"):
        if config.get(key_) is not None:
            config[key_] = string_map(config[key_], ("volumes", key, key_))
    return ordered(config, VOLUME_KEYS)


def _file_object(kind: str, key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, kind)
    if config.get("file"):
        config["file"] = project_path(str(config["file"]), ctx)
    if kind == "secrets":
        config.pop("content", None)
    if config.get("labels") is not None:
        config["labels"] = string_map(config["labels"], (kind, key, "labels"))
    return ordered(config, FILE_OBJECT_KEYS)


def _used_resources(services: dict) -> dict[str, set[str]]:
    used: dict[str, set[str]] = {"networks": set(), "volumes": set(), "secrets": set(), "configs": set()}
    for svc in services.values():
        used["networks"].update((svc.get("networks") or {}).keys())
        for volume in svc.get("volumes") or []:
            if volume.get("type") == "volume" and volume.get("source"):
                used["volumes"].add(volume["source"])
        for kind in ("secrets", "configs"):
            used[kind].update(ref["source"] for ref in svc.get(kind) or [])
        for secret in (svc.get("build") or {}).get("secrets") or []:
            used["secrets"].add(secret["source"])
    return used


def prune_unused_resources(document: dict) -> dict:
    """Drop top-level networks/volumes/secrets/configs no service uses, as v2's `config` does.

    Call again after profiles have removed services.
    """
    used = _used_resources(document.get("services") or {})
    out = {}
    for key, value in document.items():
        if key in used and isinstance(value, dict):
            kept = {name: conf for name, conf in value.items() if name in used[key]}
            if kept:
                out[key] = kept
            continue
        out[key] = value
    return out


def canonicalize(merged: dict, ctx: CanonicalContext) -> dict:
    """Turn the merged, validated compose dict into v2's `config --format json` document."""
    try:
        return _canonicalize(merged, ctx)
    except ConfigError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, IndexError, OverflowError) as exc:
        raise ConfigError(f"invalid compose model: {exc}") from None


def _canonicalize(merged: dict, ctx: CanonicalContext) -> dict:
    document: dict[str, Any] = {"name": ctx.project_name}
    services = {name: canonical_service(name, svc or {}, ctx) for name, svc in (merged.get("services") or {}).items()}
    networks = {k: _network(k, v, ctx) for k, v in (merged.get("networks") or {}).items()}
    if any("default" in (svc.get("networks") or {}) for svc in services.values()) and "default" not in networks:
        networks["default"] = {"name": f"{ctx.project_name}_default", "ipam": {}}
    document["services"] = sorted_map(services)
    if networks:
        document["networks"] = sorted_map(networks)
    volumes = {k: _volume(k, v, ctx) for k, v in (merged.get("volumes") or {}).items()}
    if volumes:
        document["volumes"] = sorted_map(volumes)
    for kind in ("secrets", "configs"):
        objects = {k: _file_object(kind, k, v, ctx) for k, v in (merged.get(kind) or {}).items()}
        if objects:
            document[kind] = sorted_map(objects)
    # v2.40.3's `config` does not print top-level models (measured); services keep their references
    for key, value in merged.items():
        if str(key).startswith("x-"):
            document[key] = sorted_deep(value)
    document = prune_unused_resources(document)
    return sorted_map(document)
