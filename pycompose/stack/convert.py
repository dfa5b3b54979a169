"""The compose model → swarm specs, as `docker stack deploy` builds them (docker/cli cli/compose/convert).

Pure functions: the canonical model (`docker compose config --format json`, loaded with the stack name as the project
name) in, the engine-API dicts out (Go's JSON field names, empty fields left out as Go's `omitempty` does). Secret
and config IDs are not known here: references carry names, the convergence fills the IDs in.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.units import parse_bytes, parse_duration

NAMESPACE_LABEL = "com.docker.stack.namespace"
IMAGE_LABEL = "com.docker.stack.image"

# docker/cli cli/compose/types: what `docker stack deploy` ignores (with a warning), warns about, and refuses
UNSUPPORTED = (
    "build", "cgroupns_mode", "cgroup_parent", "devices", "domainname", "external_links", "ipc", "links",
    "mac_address", "network_mode", "pid", "privileged", "restart", "security_opt", "shm_size", "userns_mode",
)
DEPRECATED = {
    "container_name": "Setting the container name is not supported.",
    "expose": "Exposing ports is unnecessary - services on the same network can access each other's containers on "
              "any port.",
}
FORBIDDEN = {
    "extends": "Support for `extends` is not implemented yet.",
    "volume_driver": "Instead of setting the volume driver on the service, define a volume using the top-level "
                     "`volumes` option and specify the driver there.",
    "volumes_from": "To share a volume between services, define it using the top-level `volumes` option and "
                    "reference it from each service that shares it using the service-level `volumes` option.",
    "cpu_quota": "Set resource limits using deploy.resources",
    "cpu_shares": "Set resource limits using deploy.resources",
    "cpuset": "Set resource limits using deploy.resources",
    "mem_limit": "Set resource limits using deploy.resources",
    "memswap_limit": "Set resource limits using deploy.resources",
}
_DEFAULT_NETWORK_DRIVER = "overlay"


@dataclass(frozen=True)
class ObjectSpec:
    """A swarm config or secret to create: its spec (`Data` base64, as the API takes it) and where it came from."""

    kind: str  # "config" | "secret"
    name: str
    spec: dict[str, Any]


@dataclass(frozen=True)
class StackSpec:
    """Everything one `stack deploy` wants, keyed by engine name."""

    name: str
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    """`<stack>_<service>` → ServiceSpec (secret/config references by name, networks by name)."""
    networks: dict[str, dict[str, Any]] = field(default_factory=dict)
    """network name → NetworkCreate options (Driver, Labels, Attachable, Internal, Options, IPAM)."""
    external_networks: tuple[str, ...] = ()
    configs: dict[str, ObjectSpec] = field(default_factory=dict)
    secrets: dict[str, ObjectSpec] = field(default_factory=dict)
    external_objects: tuple[tuple[str, str], ...] = ()
    """(kind, name) of the external configs and secrets the services use: they must exist."""
    warnings: tuple[str, ...] = ()


def scope(stack: str, name: str) -> str:
    return f"{stack}_{name}"


def stack_labels(stack: str, labels: Mapping[str, Any] | None) -> dict[str, str]:
    out = {str(k): "" if v is None else str(v) for k, v in (labels or {}).items()}
    out[NAMESPACE_LABEL] = stack
    return out


def check_properties(config: Mapping[str, Any]) -> list[str]:
    """docker stack's loader checks: the refusal (forbidden keys) as a ConfigError, the warnings it prints.

    Raises:
        ConfigError: a service uses a key swarm cannot honour at all, or has no image.
    """
    services = config.get("services") or {}
    forbidden = {key: text for svc in services.values() for key, text in FORBIDDEN.items() if key in (svc or {})}
    if forbidden:
        lines = "; ".join(f"{key}: {text}" for key, text in sorted(forbidden.items()))
        raise ConfigError(f"compose file contains unsupported options: {lines}")
    warnings = []
    unsupported = sorted({key for svc in services.values() for key in UNSUPPORTED if key in (svc or {})})
    if unsupported:
        warnings.append(f"Ignoring unsupported options: {', '.join(unsupported)}\n\n")  # docker's text and spacing
    deprecated = {key: text for svc in services.values() for key, text in DEPRECATED.items() if key in (svc or {})}
    if deprecated:
        warnings.append("Ignoring deprecated options:\n\n"
                        + "\n\n".join(f"{key}: {text}" for key, text in sorted(deprecated.items())) + "\n\n")
    for name, svc in services.items():
        if not (svc or {}).get("image"):
            raise ConfigError(f"invalid image reference for service {name}: no image specified")
    return warnings


def convert(
    config: Mapping[str, Any], stack: str, *, environment: Mapping[str, str] | None = None,
    read_file: Callable[[str], bytes] | None = None,
) -> StackSpec:
    """The swarm objects a compose model asks for, named and labelled as docker stack does.

    Raises:
        ConfigError: a refusal (see `check_properties`), an undefined network/secret/config, a bad value.
    """
    read = read_file or _read_file
    env = environment or {}
    warnings = check_properties(config)
    services_cfg: Mapping[str, Any] = config.get("services") or {}
    network_cfgs: Mapping[str, Any] = config.get("networks") or {}

    used_networks: set[str] = set()
    for svc in services_cfg.values():
        used_networks.update((svc.get("networks") or {"default": None}).keys())
    networks: dict[str, dict[str, Any]] = {}
    external: list[str] = []
    for key in sorted(used_networks):
        net = network_cfgs.get(key) or {}
        name = net.get("name") or scope(stack, key)
        if net.get("external"):
            external.append(name)
            continue
        networks[name] = _network(stack, net)

    configs = _objects("config", stack, config.get("configs") or {}, read, env)
    secrets = _objects("secret", stack, config.get("secrets") or {}, read, env)
    external_objects = []
    for kind, table in (("config", config.get("configs") or {}), ("secret", config.get("secrets") or {})):
        for key, obj in table.items():
            if (obj or {}).get("external"):
                external_objects.append((kind, (obj or {}).get("name") or key))

    services = {}
    for key in sorted(services_cfg):
        spec = service_spec(stack, key, services_cfg[key], config)
        services[spec["Name"]] = spec
    return StackSpec(
        name=stack, services=services, networks=networks, external_networks=tuple(external),
        configs=configs, secrets=secrets, external_objects=tuple(sorted(external_objects)),
        warnings=tuple(warnings),
    )


def _read_file(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(f"open {path}: {error.strerror.lower() if error.strerror else error}") from None


def _network(stack: str, net: Mapping[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "Driver": net.get("driver") or _DEFAULT_NETWORK_DRIVER,
        "Labels": stack_labels(stack, net.get("labels")),
    }
    if net.get("driver_opts"):
        spec["Options"] = {str(k): str(v) for k, v in net["driver_opts"].items()}
    if net.get("internal"):
        spec["Internal"] = True
    if net.get("attachable"):
        spec["Attachable"] = True
    ipam = net.get("ipam") or {}
    if ipam.get("driver") or ipam.get("config"):
        spec["IPAM"] = {"Driver": ipam.get("driver") or "",
                        "Config": [{"Subnet": c.get("subnet", "")} for c in ipam.get("config") or []]}
    return spec


def _objects(
    kind: str, stack: str, table: Mapping[str, Any], read: Callable[[str], bytes], env: Mapping[str, str],
) -> dict[str, ObjectSpec]:
    out = {}
    for key in sorted(table):
        obj = table[key] or {}
        if obj.get("external"):
            continue
        name = obj.get("name") or scope(stack, key)
        spec: dict[str, Any] = {"Name": name, "Labels": stack_labels(stack, obj.get("labels"))}
        if kind == "secret" and obj.get("driver"):
            spec["Data"] = ""
            spec["Driver"] = {"Name": obj["driver"], "Options": dict(obj.get("driver_opts") or {})}
        elif obj.get("file") is not None:
            spec["Data"] = base64.b64encode(read(obj["file"])).decode()
        elif obj.get("environment") is not None:  # docker stack refuses this key; compose v2 reads the variable
            value = env.get(obj["environment"], os.environ.get(obj["environment"], ""))
            spec["Data"] = base64.b64encode(value.encode()).decode()
        elif obj.get("content") is not None:
            spec["Data"] = base64.b64encode(str(obj["content"]).encode()).decode()
        else:
            raise ConfigError(f"{kind} {key}: needs file, environment or external", path=(f"{kind}s", key))
        if obj.get("template_driver"):
            spec["Templating"] = {"Name": obj["template_driver"]}
        out[name] = ObjectSpec(kind=kind, name=name, spec=spec)
    return out


def _duration(value: Any, path: tuple[str | int, ...]) -> int | None:
    return None if value is None else parse_duration(value, path)


def _nano_cpus(value: Any, path: tuple[str | int, ...]) -> int:
    try:
        cpus = float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"invalid cpus value {value!r}", path=path) from None
    return round(cpus * 1e9)


def _omit(spec: dict[str, Any]) -> dict[str, Any]:
    """Go's omitempty: drop None, empty strings/lists/dicts and False (zero numbers stay where they mean something)."""
    return {k: v for k, v in spec.items() if v is not None and v != "" and v != [] and v != {} and v is not False}


def service_spec(stack: str, key: str, svc: Mapping[str, Any], config: Mapping[str, Any]) -> dict[str, Any]:
    """One ServiceSpec, field by field as docker/cli's `convert.Service` (Go JSON names)."""
    path: tuple[str | int, ...] = ("services", key)
    deploy = svc.get("deploy") or {}
    name = scope(stack, key)
    image = svc["image"]

    container = _omit({
        "Image": image,
        "Labels": stack_labels(stack, svc.get("labels")),
        "Command": list(svc["entrypoint"]) if svc.get("entrypoint") else None,
        "Args": list(svc["command"]) if svc.get("command") else None,
        "Hostname": svc.get("hostname"),
        "Env": _environment(svc.get("environment") or {}),
        "Dir": svc.get("working_dir"),
        "User": svc.get("user"),
        "Hosts": _extra_hosts(svc.get("extra_hosts")),
        "DNSConfig": _omit({"Nameservers": list(_list(svc.get("dns"))), "Search": list(_list(svc.get("dns_search")))})
        or None,
        "Healthcheck": _healthcheck(svc.get("healthcheck"), path + ("healthcheck",)),
        "Mounts": [_mount(stack, v, config, path + ("volumes", i)) for i, v in enumerate(svc.get("volumes") or [])],
        "StopGracePeriod": _duration(svc.get("stop_grace_period"), path + ("stop_grace_period",)),
        "StopSignal": svc.get("stop_signal"),
        "TTY": bool(svc.get("tty")),
        "OpenStdin": bool(svc.get("stdin_open")),
        "ReadOnly": bool(svc.get("read_only")),
        "Init": svc.get("init"),
        "Sysctls": {str(k): str(v) for k, v in (svc.get("sysctls") or {}).items()},
        "CapabilityAdd": _capabilities(svc.get("cap_add"), svc.get("cap_drop"))[0],
        "CapabilityDrop": _capabilities(svc.get("cap_add"), svc.get("cap_drop"))[1],
        "Ulimits": _ulimits(svc.get("ulimits") or {}),
        "OomScoreAdj": svc.get("oom_score_adj") or None,
        "Isolation": svc.get("isolation"),
        "Privileges": {"CredentialSpec": None, "SELinuxContext": None},
        "Secrets": _references("secret", stack, svc.get("secrets") or [], config),
        "Configs": _references("config", stack, svc.get("configs") or [], config),
    })
    if "Privileges" not in container:
        container["Privileges"] = {"CredentialSpec": None, "SELinuxContext": None}

    task: dict[str, Any] = {"ContainerSpec": container}
    resources = _resources(deploy.get("resources") or {}, path + ("deploy", "resources"))
    task["Resources"] = resources
    restart = _restart_policy(deploy.get("restart_policy"), path + ("deploy", "restart_policy"))
    if restart:
        task["RestartPolicy"] = restart
    placement = deploy.get("placement") or {}
    task["Placement"] = _omit({
        "Constraints": list(placement.get("constraints") or []),
        "Preferences": [{"Spread": {"SpreadDescriptor": p.get("spread", "")}} for p in placement.get("preferences")
                        or []],
        "MaxReplicas": placement.get("max_replicas_per_node") or None,
    })
    logging = svc.get("logging")
    if logging:
        task["LogDriver"] = _omit({"Name": logging.get("driver"), "Options": dict(logging.get("options") or {})})
    task["Networks"] = _service_networks(stack, key, svc.get("networks"), config)

    spec: dict[str, Any] = {
        "Name": name,
        "Labels": {**stack_labels(stack, deploy.get("labels")), IMAGE_LABEL: image},
        "TaskTemplate": task,
        "Mode": _mode(deploy, path + ("deploy",)),
        "EndpointSpec": _endpoint(deploy.get("endpoint_mode"), svc.get("ports") or [], path + ("ports",)),
    }
    for field_name, key_name in (("UpdateConfig", "update_config"), ("RollbackConfig", "rollback_config")):
        update = _update_config(deploy.get(key_name), path + ("deploy", key_name))
        if update is not None:
            spec[field_name] = update
    return spec


def _capability(name: str) -> str:
    name = name.strip().upper()
    return name if name in ("ALL", "RESET") or name.startswith("CAP_") else f"CAP_{name}"


def _capabilities(add: Any, drop: Any) -> tuple[list[str] | None, list[str] | None]:
    """cap_add / cap_drop as docker's EffectiveCapAddCapDrop: `CAP_` names, ALL alone, a drop also added is kept."""
    adds = {_capability(c) for c in add or ()}
    drops = {_capability(c) for c in drop or ()}
    adds = {"ALL"} if "ALL" in adds else adds
    drops = {"ALL"} if "ALL" in drops else drops
    capability_drop = sorted(c for c in drops if c not in adds and c != "RESET")
    return sorted(c for c in adds if c != "RESET") or None, capability_drop or None


def _list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _environment(env: Mapping[str, Any]) -> list[str] | None:
    return sorted(k if v is None else f"{k}={v}" for k, v in env.items()) or None


def _extra_hosts(hosts: Any) -> list[str] | None:
    if not hosts:
        return None
    items = [f"{k}={v}" for k, vs in hosts.items() for v in _list(vs)] if isinstance(hosts, Mapping) else hosts
    out = []
    for entry in items:
        sep = "=" if "=" in entry else ":"
        host, _, address = str(entry).partition(sep)
        out.append(f"{address} {host}")
    return out


def _healthcheck(check: Mapping[str, Any] | None, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    if check is None:
        return None
    if check.get("disable"):
        if check.get("test"):
            raise ConfigError("test and disable can't be set at the same time", path=path)
        return {"Test": ["NONE"]}
    test = check.get("test")
    return _omit({
        "Test": list(test) if isinstance(test, list) else (["CMD-SHELL", test] if test else None),
        "Interval": _duration(check.get("interval"), path + ("interval",)) or None,
        "Timeout": _duration(check.get("timeout"), path + ("timeout",)) or None,
        "StartPeriod": _duration(check.get("start_period"), path + ("start_period",)) or None,
        "StartInterval": _duration(check.get("start_interval"), path + ("start_interval",)) or None,
        "Retries": check.get("retries") or None,
    })


def _ulimits(ulimits: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    out = []
    for name in sorted(ulimits):
        value = ulimits[name]
        if isinstance(value, Mapping):
            soft, hard = int(value.get("soft", 0)), int(value.get("hard", 0))
        else:
            soft = hard = int(value)
        out.append({"Name": name, "Soft": soft, "Hard": hard})
    return out or None


def _references(kind: str, stack: str, refs: list[Any], config: Mapping[str, Any]) -> list[dict[str, Any]] | None:
    table = config.get(f"{kind}s") or {}
    out = []
    for ref in refs:
        ref = {"source": ref} if isinstance(ref, str) else ref
        source = ref["source"]
        if source not in table:
            raise ConfigError(f"undefined {kind} \"{source}\"", path=("services", f"{kind}s", source))
        obj = table[source] or {}
        target = ref.get("target") or source
        if kind == "secret" and target == f"/run/secrets/{source}":  # the canonical form's default: docker's too
            target = source
        mode = ref.get("mode")
        entry = {
            "File": {"Name": target, "UID": str(ref.get("uid") or "0"), "GID": str(ref.get("gid") or "0"),
                     "Mode": 0o444 if mode is None else int(str(mode), 8) if isinstance(mode, str) else int(mode)},
            f"{kind.capitalize()}Name": obj.get("name") or scope(stack, source),
        }
        out.append(entry)
    out.sort(key=lambda e: str(e[f"{kind.capitalize()}Name"]))
    return out or None


def _mount(stack: str, volume: Mapping[str, Any], config: Mapping[str, Any], path: tuple[str | int, ...]) -> dict:
    kind = volume.get("type") or "volume"
    mount = _omit({"Type": kind, "Source": volume.get("source"), "Target": volume.get("target"),
                   "ReadOnly": bool(volume.get("read_only")), "Consistency": volume.get("consistency")})
    if kind == "volume" and volume.get("source"):
        source = volume["source"]
        stack_volume = (config.get("volumes") or {}).get(source)
        if stack_volume is None and source not in (config.get("volumes") or {}):
            raise ConfigError(f"undefined volume \"{source}\"", path=path)
        stack_volume = stack_volume or {}
        mount["Source"] = stack_volume.get("name") or scope(stack, source)
        options: dict[str, Any] = _omit({"NoCopy": bool((volume.get("volume") or {}).get("nocopy")),
                                         "Subpath": (volume.get("volume") or {}).get("subpath")})
        if not stack_volume.get("external"):
            options["Labels"] = stack_labels(stack, stack_volume.get("labels"))
            if stack_volume.get("driver") or stack_volume.get("driver_opts") is not None:
                options["DriverConfig"] = _omit({"Name": stack_volume.get("driver"),
                                                 "Options": dict(stack_volume.get("driver_opts") or {})})
        mount["VolumeOptions"] = options
    elif kind == "bind" and (volume.get("bind") or {}).get("propagation"):
        mount["BindOptions"] = {"Propagation": volume["bind"]["propagation"]}
    elif kind == "tmpfs" and (volume.get("tmpfs") or {}).get("size") is not None:
        mount["TmpfsOptions"] = {"SizeBytes": parse_bytes(volume["tmpfs"]["size"], path + ("tmpfs", "size"))}
    return mount


def _resources(resources: Mapping[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    limits = resources.get("limits")
    if limits is not None:
        out["Limits"] = _omit({
            "NanoCPUs": _nano_cpus(limits["cpus"], path + ("limits", "cpus")) if limits.get("cpus") else None,
            "MemoryBytes": parse_bytes(limits["memory"], path + ("limits", "memory")) if limits.get("memory")
            else None,
            "Pids": limits.get("pids") or None,
        })
    reservations = resources.get("reservations")
    if reservations is not None:
        generic = [{"DiscreteResourceSpec": {"Kind": r["discrete_resource_spec"].get("kind"),
                                             "Value": r["discrete_resource_spec"].get("value")}}
                   for r in reservations.get("generic_resources") or [] if r.get("discrete_resource_spec")]
        out["Reservations"] = _omit({
            "NanoCPUs": _nano_cpus(reservations["cpus"], path + ("reservations", "cpus"))
            if reservations.get("cpus") else None,
            "MemoryBytes": parse_bytes(reservations["memory"], path + ("reservations", "memory"))
            if reservations.get("memory") else None,
            "GenericResources": generic,
        })
    return out


def _restart_policy(policy: Mapping[str, Any] | None, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    # the service-level `restart:` is in UNSUPPORTED: docker stack warns and, for the short forms, still maps it;
    # the loader that reads the file first drops it from the warning list only, so we map deploy.restart_policy only
    if policy is None:
        return None
    return _omit({
        "Condition": policy.get("condition"),
        "Delay": _duration(policy.get("delay"), path + ("delay",)),
        "MaxAttempts": policy.get("max_attempts"),
        "Window": _duration(policy.get("window"), path + ("window",)),
    }) | ({"MaxAttempts": 0} if policy.get("max_attempts") == 0 else {})


def _update_config(update: Mapping[str, Any] | None, path: tuple[str | int, ...]) -> dict[str, Any] | None:
    if update is None:
        return None
    parallelism = update.get("parallelism")
    return {
        "Parallelism": 1 if parallelism is None else int(parallelism),
        **_omit({
            "Delay": _duration(update.get("delay"), path + ("delay",)) or None,
            "FailureAction": update.get("failure_action"),
            "Monitor": _duration(update.get("monitor"), path + ("monitor",)) or None,
            "MaxFailureRatio": float(update["max_failure_ratio"]) if update.get("max_failure_ratio") else None,
            "Order": update.get("order"),
        }),
    }


def _mode(deploy: Mapping[str, Any], path: tuple[str | int, ...]) -> dict[str, Any]:
    mode = deploy.get("mode") or "replicated"
    replicas = deploy.get("replicas")
    if mode in ("global", "global-job"):
        if replicas is not None:
            raise ConfigError("replicas can only be used with replicated or replicated-job mode", path=path)
        return {"Global": {}} if mode == "global" else {"GlobalJob": {}}
    if mode == "replicated-job":
        return {"ReplicatedJob": _omit({"MaxConcurrent": replicas, "TotalCompletions": replicas})}
    if mode == "replicated":
        return {"Replicated": {} if replicas is None else {"Replicas": int(replicas)}}
    raise ConfigError(f"unknown mode: {mode}", path=path + ("mode",))


def _endpoint(mode: str | None, ports: list[Mapping[str, Any]], path: tuple[str | int, ...]) -> dict[str, Any]:
    configs = []
    for i, port in enumerate(ports):
        published = port.get("published")
        try:
            published_port = int(published) if published not in (None, "") else 0
        except ValueError:
            raise ConfigError(f"invalid published port {published!r}: a swarm port is one number", path=path + (i,),
                              ) from None
        configs.append(_omit({"Protocol": port.get("protocol") or "tcp", "TargetPort": int(port["target"]),
                              "PublishedPort": published_port, "PublishMode": port.get("mode") or "ingress"}))
    configs.sort(key=lambda p: p.get("PublishedPort", 0))  # docker 28: by published port only (a stable sort)
    return _omit({"Mode": (mode or "").lower(), "Ports": configs})


def _service_networks(stack: str, key: str, networks: Mapping[str, Any] | None, config: Mapping[str, Any]) -> list:
    table = config.get("networks") or {}
    out = []
    for net_key, attachment in (networks or {"default": None}).items():
        if net_key not in table and net_key != "default":
            raise ConfigError(f"undefined network \"{net_key}\"", path=("services", key, "networks", net_key))
        target = (table.get(net_key) or {}).get("name") or scope(stack, net_key)
        aliases = list((attachment or {}).get("aliases") or [])
        if target not in ("host", "bridge", "none", "default") and not target.startswith("container:"):
            aliases.append(key)
        out.append(_omit({"Target": target, "Aliases": aliases,
                          "DriverOpts": dict((attachment or {}).get("driver_opts") or {})}))
    out.sort(key=lambda n: n["Target"])
    return out
