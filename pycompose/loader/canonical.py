"""canonicalize: the merged compose dict → the document `docker compose config --format json` prints.

Keys are inserted in v2's order (Go struct field order; Go maps sorted), short syntax becomes long syntax,
defaults are filled, paths made absolute, env_file read into environment, resource names derived.
Services are handled in canonical_service, ports/volumes in their own modules, units in units.py.
"""

from __future__ import annotations

from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.canonical_context import CanonicalContext, project_path
from pycompose.loader.canonical_map import uninterpolated_resource, uninterpolated_service
from pycompose.loader.canonical_service import canonical_service
from pycompose.loader.canonical_values import ordered, sorted_map, string_map
from pycompose.loader.extensions import sorted_deep

__all__ = ["CanonicalContext", "canonicalize", "canonical_service", "prune_unused_resources"]

NETWORK_KEYS = ("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels",
                "enable_ipv4", "enable_ipv6")
IPAM_POOL_KEYS = ("subnet", "gateway", "ip_range", "aux_addresses")
VOLUME_KEYS = ("name", "driver", "driver_opts", "external", "labels")
FILE_OBJECT_KEYS = ("name", "file", "environment", "content", "external", "labels", "driver", "driver_opts",
                    "template_driver")
MODEL_KEYS = ("name", "model", "context_size", "runtime_flags")


def _external_name(key: str, value: dict, ctx: CanonicalContext, kind: str) -> dict:
    config = dict(value or {})
    external = config.get("external")
    if isinstance(external, dict):
        if external.get("name"):
            ctx.warn(f"{kind}.{key}: external.name is deprecated. Please set name and external: true")
            config["name"] = external["name"]
        config["external"] = True
    if not config.get("name") and ctx.normalize:
        config["name"] = key if config.get("external") else f"{ctx.project_name}_{key}"
    return config


def _network(key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, "networks")
    ipam = dict(config.get("ipam") or {})
    if ipam.get("config"):
        # an IPAM pool's extensions never print (v2 2.40.3)
        ipam["config"] = [ordered({k: v for k, v in pool.items() if not str(k).startswith("x-")}, IPAM_POOL_KEYS)
                          for pool in ipam["config"]]
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


def _model(value: Any) -> dict:
    """A top-level model: compose-go's ModelConfig field order, then its `x-*` keys."""
    config = value if isinstance(value, dict) else {}
    extensions = {k: sorted_deep(v) for k, v in sorted(config.items()) if str(k).startswith("x-")}
    return {**ordered(config, MODEL_KEYS), **extensions}


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
    if not ctx.interpolate:
        return _uninterpolated(merged, ctx)
    document: dict[str, Any] = {"name": ctx.project_name}
    services = {name: canonical_service(name, svc or {}, ctx) for name, svc in (merged.get("services") or {}).items()}
    networks = {k: _network(k, v, ctx) for k, v in (merged.get("networks") or {}).items()}
    if ctx.normalize and any("default" in (svc.get("networks") or {}) for svc in services.values()) \
            and "default" not in networks:
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
    models = {k: _model(v) for k, v in (merged.get("models") or {}).items()}
    if models:
        # kept for the consistency checks, `--models` and the YAML output; `--format json` leaves them out as v2
        document["models"] = sorted_map(models)
    for key, value in merged.items():
        if str(key).startswith("x-"):
            document[key] = sorted_deep(value)
    if not ctx.keep_unused:
        document = prune_unused_resources(document)
    return sorted_map(document)


def _uninterpolated(merged: dict, ctx: CanonicalContext) -> dict:
    """v2's uninterpolated model: a map, every value as written (see canonical_map); every resource kept."""
    document: dict[str, Any] = {k: v for k, v in merged.items() if k not in ("services", "version")}
    if ctx.normalize:
        document["name"] = ctx.project_name
    services = {name: uninterpolated_service(name, svc or {}, ctx)
                for name, svc in (merged.get("services") or {}).items()}
    document["services"] = services
    for kind in ("networks", "volumes", "secrets", "configs"):
        if merged.get(kind):
            document[kind] = {k: uninterpolated_resource(kind, k, v, ctx) for k, v in merged[kind].items()}
    if ctx.normalize and any(isinstance(svc.get("networks"), dict) and "default" in svc["networks"]
                             for svc in services.values()):
        networks = document.setdefault("networks", {})
        if "default" not in networks:
            networks["default"] = {"name": f"{ctx.project_name}_default"}
    return sorted_map(document)
