"""canonicalize: the merged compose dict → the document `docker compose config --format json` prints.

Keys are inserted in v2's order (Go struct field order; Go maps sorted), short syntax becomes long syntax,
defaults are filled, paths made absolute, env_file read into environment, resource names derived.
"""

from __future__ import annotations

import posixpath
import shlex
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from pycompose.errors import ConfigError
from pycompose.loader.canonical_ports import canonical_ports
from pycompose.loader.canonical_volumes import canonical_volumes, home_directory, resolve_host_path
from pycompose.loader.units import go_string, normalize_duration, parse_bytes

Path = tuple[str | int, ...]


def _no_env_file(path: str) -> dict[str, str]:
    raise ConfigError(f"env file {path} not found")


@dataclass(frozen=True)
class CanonicalContext:
    """What canonicalize needs besides the merged dict.

    home_dir: expands `~` in bind sources (v2 uses the process's home); None means the current user's.
    """

    project_name: str
    working_dir: str
    environment: Mapping[str, str] = field(default_factory=dict)
    resolve_paths: bool = True
    resolve_env_files: bool = True
    interpolate: bool = True
    read_env_file: Callable[[str], dict[str, str]] = _no_env_file
    warn: Callable[[str], None] = lambda message: None
    home_dir: str | None = None


SERVICE_KEYS = (
    "profiles", "annotations", "attach", "build", "develop", "blkio_config", "cap_add", "cap_drop",
    "cgroup_parent", "cgroup", "cpu_count", "cpu_percent", "cpu_period", "cpu_quota", "cpu_rt_period",
    "cpu_rt_runtime", "cpus", "cpuset", "cpu_shares", "command", "configs", "container_name", "credential_spec",
    "depends_on", "deploy", "device_cgroup_rules", "devices", "dns", "dns_opt", "dns_search", "dockerfile",
    "domainname", "entrypoint", "provider", "environment", "env_file", "expose", "extends", "external_links",
    "extra_hosts", "group_add", "gpus", "hostname", "healthcheck", "image", "init", "ipc", "isolation", "labels",
    "label_file", "links", "logging", "log_driver", "log_opt", "mem_limit", "mem_reservation", "memswap_limit",
    "mem_swappiness", "mac_address", "models", "net", "network_mode", "networks", "oom_kill_disable",
    "oom_score_adj", "pid", "pids_limit", "platform", "ports", "privileged", "pull_policy", "read_only", "restart",
    "runtime", "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal",
    "storage_opt", "sysctls", "tmpfs", "tty", "ulimits", "use_api_socket", "user", "userns_mode", "uts",
    "volume_driver", "volumes", "volumes_from", "working_dir", "post_start", "pre_stop",
)
_ALWAYS = ("command", "entrypoint")
BUILD_KEYS = (
    "context", "dockerfile", "dockerfile_inline", "entitlements", "args", "ssh", "labels", "cache_from",
    "cache_to", "no_cache", "additional_contexts", "pull", "extra_hosts", "isolation", "network", "target",
    "secrets", "shm_size", "tags", "ulimits", "platforms", "privileged", "provenance", "sbom",
)
HEALTHCHECK_KEYS = ("test", "timeout", "interval", "retries", "start_period", "start_interval", "disable")
DEPLOY_KEYS = ("mode", "replicas", "labels", "update_config", "rollback_config", "resources", "restart_policy",
               "placement", "endpoint_mode")
UPDATE_KEYS = ("parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order")
RESOURCE_KEYS = ("cpus", "memory", "pids", "devices", "generic_resources")
DEVICE_REQUEST_KEYS = ("capabilities", "driver", "count", "device_ids", "options")
RESTART_POLICY_KEYS = ("condition", "delay", "max_attempts", "window")
PLACEMENT_KEYS = ("constraints", "preferences", "max_replicas_per_node")
SERVICE_NETWORK_KEYS = ("aliases", "driver_opts", "gw_priority", "interface_name", "ipv4_address",
                        "ipv6_address", "link_local_ips", "mac_address", "priority")
NETWORK_KEYS = ("name", "driver", "driver_opts", "ipam", "external", "internal", "attachable", "labels",
                "enable_ipv4", "enable_ipv6")
IPAM_POOL_KEYS = ("subnet", "gateway", "ip_range", "aux_addresses")
VOLUME_KEYS = ("name", "driver", "driver_opts", "external", "labels")
FILE_OBJECT_KEYS = ("name", "file", "environment", "content", "external", "labels", "driver", "driver_opts",
                    "template_driver")
FILE_REFERENCE_KEYS = ("source", "target", "uid", "gid", "mode")
_BYTE_KEYS = ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size")


def _empty(value: Any) -> bool:
    """Go's omitempty: zero values and empty collections are left out."""
    return value is None or value is False or value == "" or value == 0 and not isinstance(value, bool) \
        or (isinstance(value, (list, dict)) and not value)


def _ordered(values: Mapping, keys: tuple[str, ...], keep: tuple[str, ...] = ()) -> dict:
    return {key: values[key] for key in keys if key in values and (key in keep or not _empty(values[key]))}


def _sorted_map(values: Mapping) -> dict:
    return {key: values[key] for key in sorted(values)}


def _string_map(values: Any, path: Path, *, separator: str = "=", null_missing: str = "") -> dict:
    """A list of `k=v` or a mapping → sorted map of strings (Labels / Mapping / Options)."""
    out: dict[str, str] = {}
    if isinstance(values, dict):
        for key, value in values.items():
            out[str(key)] = "" if value is None else go_string(value)
    elif isinstance(values, list):
        for item in values:
            key, sep, value = str(item).partition(separator)
            out[key] = value if sep else null_missing
    else:
        raise ConfigError(f"expected a list or mapping, got {values!r}", path=path)
    return _sorted_map(out)


def _string_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [go_string(item) for item in value]
    return [go_string(value)]


def _shell_command(value: Any) -> list[str] | None:
    """v2's ShellCommand: a string is split as a POSIX shell would (no expansion)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [go_string(item) for item in value]
    try:
        return shlex.split(str(value))
    except ValueError as exc:
        raise ConfigError(f"invalid command line {value!r}: {exc}") from None


def _environment(value: Any, ctx: CanonicalContext, *, resolve: bool = True) -> dict:
    """MappingWithEquals: `KEY` alone is looked up in the environment, null when unset."""
    out: dict[str, str | None] = {}
    items: list[tuple[str, Any, bool]] = []
    if isinstance(value, dict):
        items = [(str(k), v, v is not None) for k, v in value.items()]
    elif isinstance(value, list):
        for item in value:
            key, sep, val = str(item).partition("=")
            items.append((key, val, bool(sep)))
    for key, val, has_value in items:
        if has_value:
            out[key] = go_string(val)
        elif resolve and key in ctx.environment:
            out[key] = ctx.environment[key]
        else:
            out[key] = None
    return out


def _extra_hosts(value: Any) -> list[str]:
    if isinstance(value, dict):
        hosts = []
        for key in sorted(value):
            entries = value[key] if isinstance(value[key], list) else [value[key]]
            hosts.extend(f"{key}={go_string(entry)}" for entry in entries)
        return hosts
    out = []
    for item in value:
        text = str(item)
        if "=" in text:
            out.append(text)
        else:
            host, _, address = text.partition(":")
            out.append(f"{host}={address}")
    return out


def _healthcheck(value: dict, path: Path) -> dict:
    check = dict(value)
    test = check.get("test")
    if isinstance(test, str):
        check["test"] = ["CMD-SHELL", test]
    for key in ("timeout", "interval", "start_period", "start_interval"):
        if check.get(key) is not None:
            check[key] = normalize_duration(check[key], (*path, key))
    return _ordered(check, HEALTHCHECK_KEYS, keep=("retries",) if check.get("retries") is not None else ())


def _device_requests(values: list) -> list[dict]:
    out = []
    for request in values:
        request = dict(request)
        if request.get("count") == "all":
            request["count"] = -1
        out.append(_ordered(request, DEVICE_REQUEST_KEYS))
    return out


def _resource(value: dict, path: Path) -> dict:
    res = dict(value)
    if res.get("cpus") is not None:
        try:
            res["cpus"] = float(res["cpus"])
        except (TypeError, ValueError):
            raise ConfigError(f"invalid cpus value {res['cpus']!r}", path=(*path, "cpus")) from None
    if res.get("memory") is not None:
        res["memory"] = str(parse_bytes(res["memory"], (*path, "memory")))
    if res.get("devices"):
        res["devices"] = _device_requests(res["devices"])
    return _ordered(res, RESOURCE_KEYS)


def _deploy(value: dict, path: Path) -> dict:
    deploy = dict(value)
    if deploy.get("labels") is not None:
        deploy["labels"] = _string_map(deploy["labels"], (*path, "labels"))
    for key in ("update_config", "rollback_config"):
        if isinstance(deploy.get(key), dict):
            update = dict(deploy[key])
            for dkey in ("delay", "monitor"):
                if update.get(dkey) is not None:
                    update[dkey] = normalize_duration(update[dkey], (*path, key, dkey))
            deploy[key] = _ordered(update, UPDATE_KEYS)
    if isinstance(deploy.get("resources"), dict):
        resources = {}
        for key in ("limits", "reservations"):
            if isinstance(deploy["resources"].get(key), dict):
                resources[key] = _resource(deploy["resources"][key], (*path, "resources", key))
        deploy["resources"] = resources
    if isinstance(deploy.get("restart_policy"), dict):
        policy = dict(deploy["restart_policy"])
        for key in ("delay", "window"):
            if policy.get(key) is not None:
                policy[key] = normalize_duration(policy[key], (*path, "restart_policy", key))
        deploy["restart_policy"] = _ordered(policy, RESTART_POLICY_KEYS)
    # resources and placement are Go structs, not pointers: omitempty never drops them
    deploy["resources"] = deploy.get("resources") or {}
    deploy["placement"] = _ordered(deploy.get("placement") or {}, PLACEMENT_KEYS)
    keep = ("resources", "placement") + (("replicas",) if deploy.get("replicas") is not None else ())
    return _ordered(deploy, DEPLOY_KEYS, keep=keep)


def _is_url(context: str) -> bool:
    return context.startswith(("http://", "https://", "git://", "git@", "ssh://", "github.com/")) \
        or "://" in context


def _abs(path_text: str, ctx: CanonicalContext) -> str:
    if not ctx.resolve_paths:
        return path_text
    return resolve_host_path(path_text, ctx.working_dir, _home(ctx))


def _home(ctx: CanonicalContext) -> str:
    return ctx.home_dir if ctx.home_dir is not None else home_directory()


def _build(value: Any, ctx: CanonicalContext, path: Path) -> dict:
    build = {"context": value} if isinstance(value, str) else dict(value)
    context = str(build.get("context") or ".")
    build["context"] = context if _is_url(context) else _abs(context, ctx)
    if not build.get("dockerfile") and not build.get("dockerfile_inline"):
        build["dockerfile"] = "Dockerfile"
    if build.get("args") is not None:
        args = _environment(build["args"], ctx)
        build["args"] = _sorted_map({k: v for k, v in args.items() if v is not None})
    if build.get("labels") is not None:
        build["labels"] = _string_map(build["labels"], (*path, "labels"))
    if isinstance(build.get("additional_contexts"), (dict, list)):
        contexts = _string_map(build["additional_contexts"], (*path, "additional_contexts"))
        build["additional_contexts"] = {
            k: (v if _is_url(v) or ":" in v else _abs(v, ctx)) for k, v in contexts.items()
        }
    if build.get("extra_hosts") is not None:
        build["extra_hosts"] = _extra_hosts(build["extra_hosts"])
    if build.get("shm_size") is not None:
        build["shm_size"] = str(parse_bytes(build["shm_size"], (*path, "shm_size")))
    if build.get("secrets"):
        build["secrets"] = [_file_reference(s, None) for s in build["secrets"]]
    if build.get("ulimits"):
        build["ulimits"] = _ulimits(build["ulimits"])
    if isinstance(build.get("ssh"), (dict, list)) and build["ssh"]:
        ssh = build["ssh"]
        build["ssh"] = [f"{k}={v}" if v is not None else k for k, v in ssh.items()] if isinstance(ssh, dict) \
            else [str(s) for s in ssh]
    return _ordered(build, BUILD_KEYS)


def _ulimits(value: dict) -> dict:
    out = {}
    for name in sorted(value):
        limit = value[name]
        out[name] = limit if isinstance(limit, int) else _ordered(limit, ("single", "soft", "hard"))
    return out


def _file_mode(mode: Any) -> str:
    if isinstance(mode, str):
        mode = int(mode, 8)
    return "0" + format(int(mode), "o")


def _file_reference(value: Any, default_target: str | None) -> dict:
    ref = {"source": value} if isinstance(value, str) else dict(value)
    if default_target is not None and not ref.get("target"):
        ref["target"] = f"{default_target}{ref['source']}"
    if ref.get("mode") is not None:
        ref["mode"] = _file_mode(ref["mode"])
    for key in ("uid", "gid"):
        if ref.get(key) is not None:
            ref[key] = go_string(ref[key])
    return _ordered(ref, FILE_REFERENCE_KEYS)


def _depends_on(value: Any) -> dict:
    out: dict[str, dict] = {}
    if isinstance(value, list):
        for name in value:
            out[str(name)] = {"condition": "service_started", "required": True}
    else:
        for name, dep in value.items():
            dep = dep or {}
            entry: dict = {"condition": dep.get("condition") or "service_started"}
            if dep.get("restart"):
                entry["restart"] = True
            entry["required"] = dep.get("required", True)
            out[str(name)] = entry
    return out


def _add_implicit_dependency(depends: dict, name: str, restart: bool) -> None:
    """links / network_mode: service: / volumes_from add a dependency unless one is declared."""
    if name in depends:
        return
    entry: dict = {"condition": "service_started"}
    if restart:
        entry["restart"] = True
    entry["required"] = True
    depends[name] = entry


def _service_networks(value: Any) -> dict:
    if isinstance(value, list):
        return {str(name): None for name in sorted(value, key=str)}
    out = {}
    for name in sorted(value):
        config = value[name]
        out[name] = None if config is None else _ordered(config, SERVICE_NETWORK_KEYS)
    return out


def _devices(values: list) -> list[dict]:
    out = []
    for device in values:
        if isinstance(device, dict):
            out.append(_ordered(device, ("source", "target", "permissions")))
            continue
        parts = str(device).split(":")
        if len(parts) == 1:
            parts = [parts[0], parts[0], "rwm"]
        elif len(parts) == 2:
            parts.append("rwm")
        out.append({"source": parts[0], "target": parts[1], "permissions": parts[2]})
    return out


def _env_files(value: Any) -> list[dict]:
    files = value if isinstance(value, list) else [value]
    out = []
    for item in files:
        entry = {"path": item, "required": True} if isinstance(item, str) else dict(item)
        entry.setdefault("required", True)
        out.append(entry)
    return out


def canonical_service(name: str, service: dict, ctx: CanonicalContext) -> dict:
    """One service in v2's long form and key order (extensions are not printed, as in v2)."""
    path: Path = ("services", name)
    svc = {k: v for k, v in service.items() if not str(k).startswith("x-")}
    result: dict[str, Any] = {}
    for key in ("command", "entrypoint"):
        svc[key] = _shell_command(svc.get(key))
    if "build" in svc and svc["build"] is not None:
        svc["build"] = _build(svc["build"], ctx, (*path, "build"))
    environment: dict = {}
    if svc.get("env_file") is not None:
        files = _env_files(svc["env_file"])
        if ctx.resolve_env_files:
            for entry in files:
                file_path = _abs(str(entry["path"]), ctx)
                if not entry.get("required", True) and not posixpath.exists(file_path):
                    continue
                try:
                    environment.update(ctx.read_env_file(file_path))
                except ConfigError:
                    raise
                except OSError as exc:
                    raise ConfigError(f"env file {file_path} not found: {exc.strerror}",
                                      path=(*path, "env_file")) from None
            del svc["env_file"]
        else:
            svc["env_file"] = [{"path": _abs(str(e["path"]), ctx), "required": e["required"]} for e in files]
    if svc.get("environment") is not None:
        environment.update(_environment(svc["environment"], ctx))
    if environment or "environment" in svc:
        svc["environment"] = _sorted_map(environment)
    labels: dict = {}
    if svc.get("label_file") is not None:
        for label_path in _string_list(svc.pop("label_file")):
            labels.update(ctx.read_env_file(_abs(label_path, ctx)))
    if svc.get("labels") is not None:
        labels.update(_string_map(svc["labels"], (*path, "labels")))
    if labels:
        svc["labels"] = _sorted_map(labels)
    for key in ("annotations", "sysctls", "storage_opt", "log_opt"):
        if svc.get(key) is not None:
            svc[key] = _string_map(svc[key], (*path, key))
    for key in ("dns", "dns_search", "tmpfs", "expose"):
        if svc.get(key) is not None:
            svc[key] = _string_list(svc[key])
    if svc.get("extra_hosts") is not None:
        svc["extra_hosts"] = _extra_hosts(svc["extra_hosts"])
    if svc.get("ports") is not None:
        svc["ports"] = canonical_ports(svc["ports"], (*path, "ports"))
    if svc.get("volumes") is not None:
        svc["volumes"] = canonical_volumes(svc["volumes"], (*path, "volumes"), working_dir=ctx.working_dir,
                                           home_dir=_home(ctx), resolve_paths=ctx.resolve_paths)
    if isinstance(svc.get("healthcheck"), dict):
        svc["healthcheck"] = _healthcheck(svc["healthcheck"], (*path, "healthcheck"))
    if svc.get("stop_grace_period") is not None:
        svc["stop_grace_period"] = normalize_duration(svc["stop_grace_period"], (*path, "stop_grace_period"))
    for key in _BYTE_KEYS:
        if svc.get(key) is not None:
            svc[key] = str(parse_bytes(svc[key], (*path, key)))
    if svc.get("cpus") is not None:
        svc["cpus"] = float(svc["cpus"])
    if isinstance(svc.get("deploy"), dict):
        svc["deploy"] = _deploy(svc["deploy"], (*path, "deploy"))
    if svc.get("ulimits"):
        svc["ulimits"] = _ulimits(svc["ulimits"])
    if svc.get("devices"):
        svc["devices"] = _devices(svc["devices"])
    if svc.get("gpus") is not None:
        svc["gpus"] = [{"count": -1}] if svc["gpus"] == "all" else _device_requests(svc["gpus"])
    if svc.get("secrets"):
        svc["secrets"] = [_file_reference(s, "/run/secrets/") for s in svc["secrets"]]
    if svc.get("configs"):
        svc["configs"] = [_file_reference(c, None) for c in svc["configs"]]
    if svc.get("pull_policy") == "if_not_present":
        svc["pull_policy"] = "missing"
    if isinstance(svc.get("logging"), dict):
        logging = dict(svc["logging"])
        if logging.get("options") is not None:
            logging["options"] = _string_map(logging["options"], (*path, "logging", "options"))
        svc["logging"] = _ordered(logging, ("driver", "options"))
    if isinstance(svc.get("credential_spec"), dict):
        svc["credential_spec"] = _ordered(svc["credential_spec"], ("config", "file", "registry"))
    for key in ("post_start", "pre_stop"):
        if svc.get(key):
            hooks = []
            for hook in svc[key]:
                hook = dict(hook)
                hook["command"] = _shell_command(hook.get("command"))
                if hook.get("environment") is not None:
                    hook["environment"] = _sorted_map(_environment(hook["environment"], ctx))
                hooks.append(_ordered(hook, ("command", "user", "privileged", "working_dir", "environment")))
            svc[key] = hooks

    depends = _depends_on(svc["depends_on"]) if svc.get("depends_on") else {}
    for link in svc.get("links") or []:
        _add_implicit_dependency(depends, str(link).split(":")[0], restart=False)
    for key in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        mode = svc.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            _add_implicit_dependency(depends, mode[len("service:"):], restart=True)
    for source in svc.get("volumes_from") or []:
        source = str(source)
        if not source.startswith("container:"):
            _add_implicit_dependency(depends, source.split(":")[0], restart=False)
    if depends:
        svc["depends_on"] = _sorted_map(depends)

    if svc.get("networks") is not None:
        svc["networks"] = _service_networks(svc["networks"])
    if not svc.get("networks") and not svc.get("network_mode"):
        svc["networks"] = {"default": None}

    for key in SERVICE_KEYS:
        if key in svc and (key in _ALWAYS or not _empty(svc[key])
                           or (key in ("attach", "init") and svc[key] is False)
                           or (key == "scale" and svc[key] is not None)):
            result[key] = svc[key]
    return result


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
        ipam["config"] = [_ordered(dict(pool), IPAM_POOL_KEYS) for pool in ipam["config"]]
    config["ipam"] = _ordered(ipam, ("driver", "config", "options"))
    for key_ in ("labels", "driver_opts"):
        if config.get(key_) is not None:
            config[key_] = _string_map(config[key_], ("networks", key, key_))
    return _ordered(config, NETWORK_KEYS, keep=("ipam",))


def _volume(key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, "volumes")
    for key_ in ("labels", "driver_opts"):
        if config.get(key_) is not None:
            config[key_] = _string_map(config[key_], ("volumes", key, key_))
    return _ordered(config, VOLUME_KEYS)


def _file_object(kind: str, key: str, value: dict, ctx: CanonicalContext) -> dict:
    config = _external_name(key, value, ctx, kind)
    if config.get("file"):
        config["file"] = _abs(str(config["file"]), ctx)
    if kind == "secrets":
        config.pop("content", None)
    if config.get("labels") is not None:
        config["labels"] = _string_map(config["labels"], (kind, key, "labels"))
    return _ordered(config, FILE_OBJECT_KEYS)


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
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ConfigError(f"invalid compose model: {exc}") from None


def _canonicalize(merged: dict, ctx: CanonicalContext) -> dict:
    document: dict[str, Any] = {"name": ctx.project_name}
    services = {name: canonical_service(name, svc or {}, ctx) for name, svc in (merged.get("services") or {}).items()}
    networks = {k: _network(k, v, ctx) for k, v in (merged.get("networks") or {}).items()}
    if any("default" in (svc.get("networks") or {}) for svc in services.values()) and "default" not in networks:
        networks["default"] = {"name": f"{ctx.project_name}_default", "ipam": {}}
    document["services"] = _sorted_map(services)
    if networks:
        document["networks"] = _sorted_map(networks)
    volumes = {k: _volume(k, v, ctx) for k, v in (merged.get("volumes") or {}).items()}
    if volumes:
        document["volumes"] = _sorted_map(volumes)
    for kind in ("secrets", "configs"):
        objects = {k: _file_object(kind, k, v, ctx) for k, v in (merged.get(kind) or {}).items()}
        if objects:
            document[kind] = _sorted_map(objects)
    if merged.get("models"):
        document["models"] = _sorted_map(merged["models"])
    for key, value in merged.items():
        if str(key).startswith("x-"):
            document[key] = value
    document = prune_unused_resources(document)
    return _sorted_map(document)
