"""One service in v2's long form and key order (the ServiceConfig struct of compose-go)."""

from __future__ import annotations

import posixpath
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.canonical_context import CanonicalContext, is_remote_context, project_path, user_home
from pycompose.loader.canonical_ports import canonical_ports
from pycompose.loader.canonical_values import (
    Path,
    environment_map,
    extra_hosts,
    is_empty,
    ordered,
    shell_command,
    sorted_map,
    string_list,
    string_map,
)
from pycompose.loader.canonical_volumes import canonical_volumes, resolve_host_path
from pycompose.loader.extensions import extensions, sorted_deep
from pycompose.loader.units import go_string, normalize_duration, parse_bytes

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
FILE_REFERENCE_KEYS = ("source", "target", "uid", "gid", "mode")
_BYTE_KEYS = ("mem_limit", "mem_reservation", "memswap_limit", "mem_swappiness", "shm_size")


def _healthcheck(value: dict, path: Path) -> dict:
    check = dict(value)
    test = check.get("test")
    if isinstance(test, str):
        check["test"] = ["CMD-SHELL", test]
    for key in ("timeout", "interval", "start_period", "start_interval"):
        if check.get(key) is not None:
            check[key] = normalize_duration(check[key], (*path, key))
    return ordered(check, HEALTHCHECK_KEYS, keep=("retries",) if check.get("retries") is not None else ())


def _device_requests(values: list) -> list[dict]:
    out = []
    for request in values:
        request = dict(request)
        if request.get("count") == "all" or (request.get("count") is None and not request.get("device_ids")):
            request["count"] = -1
        out.append(ordered(request, DEVICE_REQUEST_KEYS))
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
    return ordered(res, RESOURCE_KEYS)


def _deploy(value: dict, path: Path) -> dict:
    deploy = dict(value)
    if deploy.get("labels") is not None:
        deploy["labels"] = string_map(deploy["labels"], (*path, "labels"))
    for key in ("update_config", "rollback_config"):
        if isinstance(deploy.get(key), dict):
            update = dict(deploy[key])
            for dkey in ("delay", "monitor"):
                if update.get(dkey) is not None:
                    update[dkey] = normalize_duration(update[dkey], (*path, key, dkey))
            deploy[key] = ordered(update, UPDATE_KEYS,
                                   keep=("parallelism",) if update.get("parallelism") is not None else ())
    if isinstance(deploy.get("resources"), dict):
        resources = {}
        for key in ("limits", "reservations"):
            if isinstance(deploy["resources"].get(key), dict):
                resources[key] = _resource(deploy["resources"][key], (*path, "resources", key))
        deploy["resources"] = {**resources, **extensions(deploy["resources"])}
    if isinstance(deploy.get("restart_policy"), dict):
        policy = dict(deploy["restart_policy"])
        for key in ("delay", "window"):
            if policy.get(key) is not None:
                policy[key] = normalize_duration(policy[key], (*path, "restart_policy", key))
        deploy["restart_policy"] = ordered(
            policy, RESTART_POLICY_KEYS, keep=("max_attempts",) if policy.get("max_attempts") is not None else ()
        )
    # resources and placement are Go structs, not pointers: omitempty never drops them
    deploy["resources"] = deploy.get("resources") or {}
    deploy["placement"] = ordered(deploy.get("placement") or {}, PLACEMENT_KEYS)
    keep = ("resources", "placement") + (("replicas",) if deploy.get("replicas") is not None else ())
    return ordered(deploy, DEPLOY_KEYS, keep=keep)


def _build(value: Any, ctx: CanonicalContext, path: Path) -> dict:
    build = {"context": value} if isinstance(value, str) else dict(value)
    context = str(build.get("context") or ".")
    build["context"] = context if is_remote_context(context) else project_path(context, ctx)
    if ctx.normalize and not build.get("dockerfile") and not build.get("dockerfile_inline"):
        build["dockerfile"] = "Dockerfile"
    if build.get("args") is not None:
        args = environment_map(build["args"], ctx)
        build["args"] = sorted_map({k: v for k, v in args.items() if v is not None})
    if build.get("labels") is not None:
        build["labels"] = string_map(build["labels"], (*path, "labels"))
    if isinstance(build.get("additional_contexts"), (dict, list)):
        contexts = string_map(build["additional_contexts"], (*path, "additional_contexts"))
        build["additional_contexts"] = {
            k: (v if is_remote_context(v) or ":" in v else project_path(v, ctx)) for k, v in contexts.items()
        }
    if build.get("extra_hosts") is not None:
        build["extra_hosts"] = extra_hosts(build["extra_hosts"])
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
    return ordered(build, BUILD_KEYS)


def _ulimits(value: dict) -> dict:
    out = {}
    for name in sorted(value):
        limit = value[name]
        if isinstance(limit, int):
            out[name] = limit if limit else {}  # a zero single value marshals as the empty struct
        else:
            out[name] = ordered({k: v for k, v in limit.items() if k in ("single", "soft", "hard")},
                                ("single", "soft", "hard"))  # a custom YAML form: no extensions
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
    return ordered(ref, FILE_REFERENCE_KEYS)


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
            out[str(name)] = {**entry, **extensions(dep)}
    return out


def _add_implied_dependencies(svc: dict, depends: dict) -> None:
    """What compose-go's normalisation adds to depends_on (not with `--no-normalize`)."""
    for link in svc.get("links") or []:
        _add_implicit_dependency(depends, str(link).split(":")[0], restart=True)
    for key in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        mode = svc.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            _add_implicit_dependency(depends, mode[len("service:"):], restart=True)
    for source in svc.get("volumes_from") or []:
        source = str(source)
        if not source.startswith("container:"):
            _add_implicit_dependency(depends, source.split(":")[0], restart=False)


def _add_implicit_dependency(depends: dict, name: str, restart: bool) -> None:
    """links / network_mode: service: / volumes_from add a dependency unless one is declared."""
    if name in depends:
        return
    entry: dict = {"condition": "service_started"}
    if restart:
        entry["restart"] = restart
    entry["required"] = True
    depends[name] = entry


def _service_networks(value: Any) -> dict:
    if isinstance(value, list):
        return {str(name): None for name in sorted(value, key=str)}
    out = {}
    for name in sorted(value):
        config = value[name]
        if config is not None and config.get("driver_opts") is not None:
            config = {**config, "driver_opts": string_map(config["driver_opts"], ("networks", name))}
        out[name] = None if config is None else ordered(config, SERVICE_NETWORK_KEYS)
    return out


def _devices(values: list, path: Path) -> list[dict]:
    out = []
    for index, device in enumerate(values):
        if isinstance(device, dict):
            out.append(ordered(device, ("source", "target", "permissions")))
            continue
        parts = str(device).split(":")
        if len(parts) > 3:
            raise ConfigError(f"confusing device mapping, please use long syntax: {device}", path=(*path, index))
        if len(parts) == 1:
            parts = [parts[0], parts[0], "rwm"]
        elif len(parts) == 2:
            parts.append("rwm")
        out.append({"source": parts[0], "target": parts[1], "permissions": parts[2]})
    return out


def _hook(hook: dict, ctx: CanonicalContext) -> dict:
    """ServiceHook: `command` is always printed (null when absent)."""
    hook = dict(hook)
    hook["command"] = shell_command(hook.get("command"), ("hooks", "command"))
    if hook.get("environment") is not None:
        hook["environment"] = sorted_map(environment_map(hook["environment"], ctx))
    return ordered(hook, ("command", "user", "privileged", "working_dir", "environment"), keep=("command",))


def _develop(develop: dict, ctx: CanonicalContext) -> dict:
    watch = []
    for trigger in develop.get("watch") or []:
        trigger = dict(trigger)
        if trigger.get("path"):
            trigger["path"] = project_path(str(trigger["path"]), ctx)
        trigger["exec"] = _hook(trigger.get("exec") or {}, ctx)
        watch.append(ordered(trigger, ("path", "action", "target", "exec", "include", "ignore", "initial_sync"),
                              keep=("exec",)))
    return ordered({**develop, "watch": watch}, ("watch",))


def _blkio(blkio: dict, path: Path) -> dict:
    """BlkioConfig: device entries have no JSON tags in v2, so their keys print capitalised."""
    out: dict = {}
    if blkio.get("weight"):
        out["weight"] = blkio["weight"]
    if blkio.get("weight_device"):
        out["weight_device"] = [{"Path": d.get("path", ""), "Weight": d.get("weight", 0)}
                                for d in blkio["weight_device"]]
    for key in ("device_read_bps", "device_read_iops", "device_write_bps", "device_write_iops"):
        if blkio.get(key):
            out[key] = [{"Path": d.get("path", ""), "Rate": str(parse_bytes(d.get("rate", 0), (*path, key, i)))}
                        for i, d in enumerate(blkio[key])]
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
    """One service in v2's long form and key order, its `x-*` extensions last."""
    path: Path = ("services", name)
    svc = {k: v for k, v in service.items() if not str(k).startswith("x-")}
    result: dict[str, Any] = {}
    for key in ("command", "entrypoint"):
        svc[key] = shell_command(svc.get(key), (*path, key))
    if "build" in svc and svc["build"] is not None:
        svc["build"] = _build(svc["build"], ctx, (*path, "build"))
    environment: dict = {}
    if svc.get("env_file") is not None and not ctx.resolve_env_files:
        # kept unread (v2's WithoutEnvironmentResolution, `config --hash`): a missing file is no error here
        svc["env_file"] = [
            ordered({**entry, "path": project_path(str(entry["path"]), ctx)}, ("path", "required", "format"),
                    keep=("required",))
            for entry in _env_files(svc["env_file"])
        ]
    elif svc.get("env_file") is not None:
        for entry in _env_files(svc.pop("env_file")):
            file_path = resolve_host_path(str(entry["path"]), ctx.working_dir, user_home(ctx))
            if not entry.get("required", True) and not posixpath.exists(file_path):
                continue
            try:
                environment.update(ctx.read_env_file(file_path))
            except OSError as exc:
                raise ConfigError(f"env file {file_path} not found: {exc.strerror}", path=(*path, "env_file")) from None
    if svc.get("environment") is not None:
        environment.update(environment_map(svc["environment"], ctx))
    if environment or "environment" in svc:
        svc["environment"] = sorted_map(environment)
    labels: dict = {}
    if svc.get("label_file") is not None:
        # kept (absolute) after it is read: v2's `up` hashes it (compose-go resolves labels without discarding the
        # files, unlike env files), so the containers' config hash has it; `config` does not print it
        svc["label_file"] = [project_path(label_path, ctx) for label_path in string_list(svc["label_file"])]
        for label_path in svc["label_file"]:
            labels.update(ctx.read_env_file(label_path))
    if svc.get("labels") is not None:
        labels.update(string_map(svc["labels"], (*path, "labels")))
    if labels:
        svc["labels"] = sorted_map(labels)
    for key in ("annotations", "sysctls", "storage_opt", "log_opt"):
        if svc.get(key) is not None:
            svc[key] = string_map(svc[key], (*path, key))
    for key in ("dns", "dns_search", "tmpfs", "expose"):
        if svc.get(key) is not None:
            svc[key] = string_list(svc[key])
    if svc.get("extra_hosts") is not None:
        svc["extra_hosts"] = extra_hosts(svc["extra_hosts"])
    if svc.get("ports") is not None:
        svc["ports"] = canonical_ports(svc["ports"], (*path, "ports"))
    if svc.get("volumes") is not None:
        svc["volumes"] = canonical_volumes(svc["volumes"], (*path, "volumes"), working_dir=ctx.working_dir,
                                           home_dir=user_home(ctx), resolve_paths=ctx.resolve_paths)
    if isinstance(svc.get("healthcheck"), dict):
        svc["healthcheck"] = _healthcheck(svc["healthcheck"], (*path, "healthcheck"))
    if svc.get("stop_grace_period") is not None:
        svc["stop_grace_period"] = normalize_duration(svc["stop_grace_period"], (*path, "stop_grace_period"))
    for key in _BYTE_KEYS:
        if svc.get(key) is not None:
            svc[key] = str(parse_bytes(svc[key], (*path, key)))
    if svc.get("cpus") is not None:
        svc["cpus"] = float(svc["cpus"])
    for key in _BYTE_KEYS:
        if svc.get(key) == "0":
            del svc[key]  # a zero UnitBytes is omitted
    if svc.get("group_add") is not None:
        svc["group_add"] = string_list(svc["group_add"])
    svc.pop("extends", None)  # resolved by the loader before this step; v2 never prints it
    if svc.get("models") is not None:
        models = svc["models"]
        if isinstance(models, list):
            svc["models"] = {str(m): None for m in sorted(models, key=str)}
        else:
            svc["models"] = {k: None if v is None else ordered(v, ("endpoint_var", "model_var"))
                             for k, v in sorted(models.items())}
    if isinstance(svc.get("provider"), dict):
        provider = dict(svc["provider"])
        if isinstance(provider.get("options"), dict):
            provider["options"] = {k: string_list(v) for k, v in sorted(provider["options"].items())}
        svc["provider"] = ordered(provider, ("type", "options"))
    if isinstance(svc.get("deploy"), dict):
        svc["deploy"] = _deploy(svc["deploy"], (*path, "deploy"))
    if svc.get("ulimits"):
        svc["ulimits"] = _ulimits(svc["ulimits"])
    if svc.get("devices"):
        svc["devices"] = _devices(svc["devices"], (*path, "devices"))
    if svc.get("gpus") is not None:
        svc["gpus"] = [{"count": -1}] if svc["gpus"] == "all" else _device_requests(svc["gpus"])
    if svc.get("secrets"):
        svc["secrets"] = [_file_reference(s, "/run/secrets/") for s in svc["secrets"]]
    if svc.get("configs"):
        svc["configs"] = [_file_reference(c, None) for c in svc["configs"]]
    if ctx.normalize and svc.get("pull_policy") == "if_not_present":
        svc["pull_policy"] = "missing"
    if isinstance(svc.get("logging"), dict):
        logging = dict(svc["logging"])
        if logging.get("options") is not None:
            logging["options"] = string_map(logging["options"], (*path, "logging", "options"))
        svc["logging"] = ordered(logging, ("driver", "options"))
    if isinstance(svc.get("credential_spec"), dict):
        svc["credential_spec"] = ordered(svc["credential_spec"], ("config", "file", "registry"))
    for key in ("post_start", "pre_stop"):
        if svc.get(key):
            svc[key] = [_hook(hook, ctx) for hook in svc[key]]
    if isinstance(svc.get("develop"), dict):
        svc["develop"] = _develop(svc["develop"], ctx)
    if isinstance(svc.get("blkio_config"), dict):
        svc["blkio_config"] = _blkio(svc["blkio_config"], (*path, "blkio_config"))

    depends = _depends_on(svc["depends_on"]) if svc.get("depends_on") else {}
    if ctx.normalize:
        _add_implied_dependencies(svc, depends)
    if depends:
        svc["depends_on"] = sorted_map(depends)

    if svc.get("networks") is not None:
        svc["networks"] = _service_networks(svc["networks"])
    if ctx.normalize and not svc.get("networks") and not svc.get("network_mode") and not svc.get("provider"):
        svc["networks"] = {"default": None}

    for key in SERVICE_KEYS:
        if key in svc and (key in _ALWAYS or not is_empty(svc[key])
                           or (key in ("attach", "init") and svc[key] is False)
                           or (key == "scale" and svc[key] is not None)):
            result[key] = svc[key]
    for key in sorted(k for k in service if isinstance(k, str) and k.startswith("x-")):
        result[key] = sorted_deep(service[key])
    return result
