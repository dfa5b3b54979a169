"""Canonical service → Engine API container-create body (v2 create.go `getCreateConfigs`). Pure, no docker.

Also computes the container's labels (with the config hash of the *resolved* service, as v2 hashes it).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

from pycompose import hashing, labels
from pycompose.bind import parse_duration
from pycompose.engine.base import ContainerFile, ContainerSpec, NetworkAttachment
from pycompose.errors import ConfigError, OperationFailed
from pycompose.model import Project, Service
from pycompose.observed import ObservedContainer, ObservedImage

_RESTART = {"no": "", "always": "always", "unless-stopped": "unless-stopped"}


def container_spec(
    project: Project,
    service: Service,
    number: int,
    *,
    name: str,
    container_id_of: Callable[[str], str | None],
    image: ObservedImage | None,
    inherit: ObservedContainer | None = None,
    replace: str | None = None,
    api_version: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> ContainerSpec:
    """Everything needed to create replica `number` of `service` named `name`.

    `api_version` is the engine's (`engine.api_version`): a key the engine is too old for is refused with v2's
    message instead of being dropped by the engine (None: no check). Raises OperationFailed for such a key, for an
    inline config or secret in a `read_only` service, for an `environment:` one whose variable is not set, and for
    a secret or config Compose cannot mount (`check_file_references`, which passes its warnings to `warn`).
    """
    config = service.resolved_config(container_id_of)
    if api_version is not None:
        check_engine_features(config, api_version)
    check_file_references(project, config, warn or (lambda message: None))
    files = container_files(project, service)
    container_labels = labels.container_labels(
        user_labels=config.get("labels") or {},
        project=project.name,
        service=service.name,
        number=number,
        working_dir=project.working_dir,
        config_files=project.config_files,
        env_files=project.env_files,
        config_hash=hashing.service_hash(config),
        depends_on=service.depends_on_label(),
        image_id=image.id if image else None,
        replace=replace,
    )
    body: dict[str, Any] = {
        "Image": config.get("image") or service.image,
        "Labels": container_labels,
        "Env": _environment(config.get("environment") or {}),
        "Tty": bool(config.get("tty")),
        "OpenStdin": bool(config.get("stdin_open")),
        "AttachStdin": False,
        "AttachStdout": True,
        "AttachStderr": True,
    }
    if config.get("command") is not None:
        body["Cmd"] = list(config["command"])
    if config.get("entrypoint") is not None:
        body["Entrypoint"] = list(config["entrypoint"])
    for key, field in (("user", "User"), ("working_dir", "WorkingDir"), ("hostname", "Hostname"),
                       ("domainname", "Domainname"), ("stop_signal", "StopSignal"), ("mac_address", "MacAddress")):
        if config.get(key):
            body[field] = config[key]
    if service.stop_grace_seconds is not None:
        body["StopTimeout"] = service.stop_grace_seconds
    healthcheck = _healthcheck(config.get("healthcheck"))
    if healthcheck is not None:
        body["Healthcheck"] = healthcheck
    exposed, bindings = _ports(config.get("ports") or ())
    for port in config.get("expose") or ():  # as written: `7000`, `7000-7001/udp` (v2 `buildContainerPorts`)
        exposed.setdefault(str(port), {})
    if exposed:
        body["ExposedPorts"] = exposed
    host = _host_config(project, service, config, bindings, image, inherit)
    body["HostConfig"] = host
    attachments = _networks(project, service, config, name, number)
    if attachments:
        host["NetworkMode"] = attachments[0].network
    return ContainerSpec(name=name, body=body, networks=attachments, files=files)


def check_file_references(project: Project, config: Mapping[str, Any], warn: Callable[[str], None]) -> None:
    """v2's checks of the service's secrets, then its configs, as it turns them into mounts
    (`buildContainerSecretMounts`, `buildContainerConfigMounts`): an `external` one, a `driver` or a
    `template_driver` is refused (they are Swarm's); for one bind-mounted from a `file:`, `uid`/`gid`/`mode` are
    ignored and a secret file that does not exist is named, as warnings (passed to `warn` as they are found, so
    those before a refusal are shown, as v2 logs them).

    Raises:
        OperationFailed: with v2's message (`unsupported external secret NAME`, `Docker Compose does not support
            secrets.*.driver`…).
    """
    for kind, top, plural in (("secret", project.secrets, "secrets"), ("config", project.configs, "configs")):
        for reference in config.get(plural) or ():
            definition = top.get(reference.get("source")) or {}
            name = definition.get("name") or reference.get("source")
            if definition.get("external"):
                raise OperationFailed(f"unsupported external {kind} {name}")
            for key in ("driver", "template_driver"):
                if definition.get(key):
                    raise OperationFailed(f"Docker Compose does not support {plural}.*.{key}")
            if definition.get("environment") or (kind == "config" and definition.get("content")):
                continue  # written into the container, not mounted: the rest is about mounts
            if reference.get("uid") or reference.get("gid") or reference.get("mode") is not None:
                warn("secrets `uid`, `gid` and `mode` are not supported, they will be ignored"
                     if kind == "secret" else
                     "config `uid`, `gid` and `mode` are not supported, they will be ignored")
            if kind == "secret" and not os.path.exists(definition.get("file") or ""):
                warn(f"secret file {name} does not exist")


def _version(value: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in value.split("."))


def check_engine_features(config: Mapping[str, Any], api_version: str) -> None:
    """Refuse what an engine of `api_version` would silently ignore, with v2's messages (v2 `ToMobyHealthCheck`,
    `defaultNetworkSettings`, `buildContainerVolumes`)."""
    healthcheck = config.get("healthcheck") or {}
    if healthcheck.get("start_interval") is not None:
        if _version(api_version) < (1, 44):
            raise OperationFailed(
                "can't set healthcheck.start_interval as feature require Docker Engine v25 or later")
        if healthcheck.get("start_period") is None:
            raise OperationFailed("healthcheck.start_interval requires healthcheck.start_period to be set")
    if _version(api_version) < (1, 49) and not config.get("network_mode"):
        for endpoint in (config.get("networks") or {}).values():
            if (endpoint or {}).get("interface_name"):
                raise OperationFailed("interface_name requires Docker Engine v28.1 or later")
    if _version(api_version) < (1, 48):
        for volume in config.get("volumes") or ():
            if volume.get("type") == "image":
                raise OperationFailed("volume with type=image require Docker Engine v28 or later")


def container_files(project: Project, service: Service) -> tuple[ContainerFile, ...]:
    """The secrets and configs with no file on the host (`content:`, `environment:`), as v2 writes them into the
    container before it starts (v2 `injectFileReferences`): secrets first, at `/run/secrets/<key>` or `target`,
    configs at `/<key>` or `target`; mode 0444 unless `mode:`, owner `uid`/`gid` (0 by default).

    Their content is not part of the config hash (only the service's references are), as in v2.
    """
    config = service.config
    files: list[ContainerFile] = []
    for kind, top in (("secret", project.secrets), ("config", project.configs)):
        for reference in config.get(f"{kind}s") or ():
            definition = top.get(reference.get("source")) or {}
            content = _file_content(project, kind, definition)
            if not content:  # a `file:` source is bind-mounted instead; an empty content is not written (v2)
                continue
            if config.get("read_only"):
                raise OperationFailed(
                    f'cannot create {kind} "{definition.get("name") or reference["source"]}" in read-only service '
                    f"{service.name}: `file` is the sole supported option")
            files.append(ContainerFile(
                path=_file_target(kind, reference), content=content.encode(),
                mode=_file_mode(reference, kind), uid=_file_owner(reference, "uid", kind),
                gid=_file_owner(reference, "gid", kind)))
    if config.get("use_api_socket"):  # v2 appends it to the service's configs, after the declared ones
        from pycompose.model import API_SOCKET_CONFIG, API_SOCKET_CONFIG_DIR

        files.append(ContainerFile(path=f"{API_SOCKET_CONFIG_DIR}/config.json", content=API_SOCKET_CONFIG))
    return tuple(files)


def _file_content(project: Project, kind: str, definition: Mapping[str, Any]) -> str:
    if definition.get("content"):
        return str(definition["content"])
    variable = definition.get("environment")
    if variable:
        if variable not in project.environment:
            raise OperationFailed(
                f'environment variable "{variable}" required by {kind} "{definition.get("name")}" is not set')
        return project.environment[variable]
    return ""


def _file_target(kind: str, reference: Mapping[str, Any]) -> str:
    target = reference.get("target") or ""
    if not target:
        return ("/run/secrets/" if kind == "secret" else "/") + reference["source"]
    if kind == "secret" and not target.startswith("/"):
        return "/run/secrets/" + target
    return target if target.startswith("/") else "/" + target  # a config's relative target: from the root, as v2's tar


def _file_mode(reference: Mapping[str, Any], kind: str) -> int:
    mode = reference.get("mode")
    if mode is None or mode == "":
        return 0o444
    try:  # the canonical form spells it in octal (`"0640"`), as v2's `config` prints it
        return int(str(mode), 8) if isinstance(mode, str) else int(mode)
    except ValueError:
        raise ConfigError(f"invalid file mode {mode!r}", path=(f"{kind}s", reference["source"], "mode")) from None


def _file_owner(reference: Mapping[str, Any], key: str, kind: str) -> int:
    value = reference.get(key)
    if value is None or value == "":
        return 0
    try:
        return int(str(value))
    except ValueError:  # v2: strconv.Atoi's error
        raise ConfigError(f'strconv.Atoi: parsing "{value}": invalid syntax',
                          path=(f"{kind}s", reference["source"], key)) from None


def _environment(environment: Mapping[str, Any]) -> list[str]:
    return [key if value is None else f"{key}={value}" for key, value in environment.items()]


def _healthcheck(spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    if spec.get("disable"):
        return {"Test": ["NONE"]}
    check: dict[str, Any] = {}
    if spec.get("test"):
        check["Test"] = list(spec["test"])
    for key, field in (("interval", "Interval"), ("timeout", "Timeout"), ("start_period", "StartPeriod"),
                       ("start_interval", "StartInterval")):
        if spec.get(key):
            check[field] = int(parse_duration(spec[key]) * 1_000_000_000)
    if spec.get("retries") is not None:
        check["Retries"] = int(spec["retries"])
    return check


def _ports(ports: Any) -> tuple[dict[str, dict], dict[str, list[dict[str, str]]]]:
    exposed: dict[str, dict] = {}
    bindings: dict[str, list[dict[str, str]]] = {}
    for port in ports:
        key = f"{port['target']}/{port.get('protocol') or 'tcp'}"
        exposed[key] = {}
        binding = {"HostIp": port.get("host_ip") or "", "HostPort": str(port.get("published") or "")}
        bindings.setdefault(key, []).append(binding)
    return exposed, bindings


def _host_config(
    project: Project,
    service: Service,
    config: Mapping[str, Any],
    bindings: Mapping[str, Any],
    image: ObservedImage | None,
    inherit: ObservedContainer | None,
) -> dict[str, Any]:
    mounts = _mounts(project, service, config, image, inherit)
    # binds that may create their host path go through the legacy Binds field: only it creates the directory
    binds = [m.pop("Bind") for m in mounts if "Bind" in m]
    host: dict[str, Any] = {"PortBindings": dict(bindings), "Mounts": [m for m in mounts if m], "Binds": binds}
    if config.get("init") is not None:
        host["Init"] = bool(config["init"])
    restart = _restart_policy(config)
    if restart:
        host["RestartPolicy"] = restart
    network_mode = config.get("network_mode")
    if network_mode:
        host["NetworkMode"] = network_mode
    for key, field in (("ipc", "IpcMode"), ("pid", "PidMode"), ("uts", "UTSMode"), ("userns_mode", "UsernsMode"),
                       ("cgroup", "CgroupnsMode"), ("cgroup_parent", "CgroupParent"), ("runtime", "Runtime"),
                       ("isolation", "Isolation")):
        if config.get(key):
            host[field] = config[key]
    for key, field in (("cap_add", "CapAdd"), ("cap_drop", "CapDrop")):
        if config.get(key):
            host[field] = _capabilities(config[key])
    for key, field in (("dns", "Dns"), ("dns_search", "DnsSearch"),
                       ("dns_opt", "DnsOptions"), ("security_opt", "SecurityOpt"), ("group_add", "GroupAdd"),
                       ("volumes_from", "VolumesFrom")):
        if config.get(key):
            host[field] = [str(item) for item in config[key]]
    if config.get("extra_hosts"):
        host["ExtraHosts"] = [_extra_host(entry) for entry in _as_list(config["extra_hosts"])]
    if config.get("privileged"):
        host["Privileged"] = True
    if config.get("read_only"):
        host["ReadonlyRootfs"] = True
    if config.get("sysctls"):
        host["Sysctls"] = {key: str(value) for key, value in config["sysctls"].items()}
    if config.get("tmpfs"):
        host["Tmpfs"] = {entry.split(":", 1)[0]: (entry.split(":", 1)[1] if ":" in entry else "")
                         for entry in config["tmpfs"]}
    if config.get("ulimits"):
        host["Ulimits"] = [_ulimit(key, value) for key, value in config["ulimits"].items()]
    if config.get("logging"):
        logging = config["logging"]
        host["LogConfig"] = {"Type": logging.get("driver", ""), "Config": dict(logging.get("options") or {})}
    if config.get("shm_size"):
        host["ShmSize"] = int(config["shm_size"])
    _resources(config, host)
    if config.get("devices"):
        host["Devices"] = [_device(device) for device in config["devices"]]
    return host


def _capabilities(names: Any) -> list[str]:
    """`net_admin` → `CAP_NET_ADMIN`, `ALL` kept, duplicates dropped, sorted: what v2's engine client sends
    (moby client `normalizeCapabilities`), so `docker inspect` shows the same list for either tool."""
    normalized = set()
    for name in names:
        upper = str(name).upper()
        normalized.add(upper if upper == "ALL" or upper.startswith("CAP_") else f"CAP_{upper}")
    return sorted(normalized)


def _links(project: Project, config: Mapping[str, Any], number: int) -> list[str]:
    """The endpoint's links as v2 `getLinks` writes them: for every replica of a linked service, its container
    under the link's alias, under `<service>-<n>` and `<project>-<service>-<n>` (n: the linking container's
    number); then the `external_links` as written (`container[:alias]`)."""
    found: list[str] = []
    for link in config.get("links") or ():
        target, _, alias = link.partition(":")
        try:
            linked = project.service(target)
        except KeyError:  # a link to a container outside the project: the engine resolves it
            found.append(f"{target}:{alias or target}")
            continue
        for replica in range(1, linked.scale + 1):
            container = project.container_name(linked, replica)
            found += [f"{container}:{alias or target}", f"{container}:{target}-{number}",
                      f"{container}:{project.name}-{target}-{number}"]
    for link in config.get("external_links") or ():
        container, _, alias = link.partition(":")
        found.append(f"{container}:{alias or container}")
    return found


def _as_list(value: Any) -> list[str]:
    if isinstance(value, Mapping):
        return [f"{key}={item}" for key, item in value.items()]
    return list(value)


def _extra_host(entry: str) -> str:
    """The engine wants `host:ip`; the canonical form is `host=ip`."""
    return entry.replace("=", ":", 1) if "=" in entry else entry


def _ulimit(name: str, value: Any) -> dict[str, Any]:
    if isinstance(value, Mapping):
        return {"Name": name, "Soft": int(value.get("soft", 0)), "Hard": int(value.get("hard", 0))}
    return {"Name": name, "Soft": int(value), "Hard": int(value)}


def _device(device: Any) -> dict[str, str]:
    if isinstance(device, Mapping):
        source, target, permissions = device.get("source"), device.get("target"), device.get("permissions", "rwm")
    else:
        parts = str(device).split(":")
        source, target = parts[0], parts[1] if len(parts) > 1 else parts[0]
        permissions = parts[2] if len(parts) > 2 else "rwm"
    return {"PathOnHost": source, "PathInContainer": target or source, "CgroupPermissions": permissions}


def _restart_policy(config: Mapping[str, Any]) -> dict[str, Any] | None:
    deploy_policy = (config.get("deploy") or {}).get("restart_policy")
    if deploy_policy:
        condition = deploy_policy.get("condition", "any")
        name = {"none": "", "on-failure": "on-failure", "any": "always"}.get(condition, condition)
        return {"Name": name, "MaximumRetryCount": int(deploy_policy.get("max_attempts") or 0)}
    restart = config.get("restart")
    if not restart:
        return None
    if restart.startswith("on-failure"):
        _, _, count = restart.partition(":")
        return {"Name": "on-failure", "MaximumRetryCount": int(count or 0)}
    return {"Name": _RESTART.get(restart, restart), "MaximumRetryCount": 0}


def _device_request(device: Mapping[str, Any], extra_capability: str | None = None) -> dict[str, Any]:
    capabilities = list(device.get("capabilities") or ()) + ([extra_capability] if extra_capability else [])
    return {"Driver": device.get("driver") or "", "Count": int(device.get("count") or 0),
            "DeviceIDs": list(device["device_ids"]) if device.get("device_ids") else None,
            "Capabilities": [capabilities], "Options": dict(device["options"]) if device.get("options") else None}


def _resources(config: Mapping[str, Any], host: dict[str, Any]) -> None:
    limits = ((config.get("deploy") or {}).get("resources") or {}).get("limits") or {}
    reservations = ((config.get("deploy") or {}).get("resources") or {}).get("reservations") or {}
    cpus = limits.get("cpus") or config.get("cpus")
    if cpus:
        host["NanoCpus"] = int(float(cpus) * 1e9)
    memory = limits.get("memory") or config.get("mem_limit")
    if memory:
        host["Memory"] = int(memory)
    reserved = reservations.get("memory") or config.get("mem_reservation")
    if reserved:
        host["MemoryReservation"] = int(reserved)
    pids = limits.get("pids") or config.get("pids_limit")
    if pids:
        host["PidsLimit"] = int(pids)
    for key, field in (("cpu_shares", "CpuShares"), ("cpu_quota", "CpuQuota"), ("cpu_period", "CpuPeriod"),
                       ("memswap_limit", "MemorySwap"), ("mem_swappiness", "MemorySwappiness"),
                       ("oom_score_adj", "OomScoreAdj"), ("cpu_rt_runtime", "CpuRealtimeRuntime"),
                       ("cpu_rt_period", "CpuRealtimePeriod")):
        if config.get(key) is not None:
            host[field] = int(config[key])
    if config.get("cpuset"):
        host["CpusetCpus"] = config["cpuset"]
    # device reservations, then `gpus` (capability `gpu` added), as v2 `getDeployResources` sends them; the engine
    # refuses what it cannot select (no GPU here), v2 does not drop them
    requests = [_device_request(device) for device in reservations.get("devices") or ()]
    requests += [_device_request(gpu, extra_capability="gpu") for gpu in config.get("gpus") or ()]
    if requests:
        host["DeviceRequests"] = requests
    if config.get("storage_opt"):
        host["StorageOpt"] = {str(k): str(v) for k, v in config["storage_opt"].items()}
    if config.get("oom_kill_disable"):
        host["OomKillDisable"] = True


def _mounts(
    project: Project,
    service: Service,
    config: Mapping[str, Any],
    image: ObservedImage | None,
    inherit: ObservedContainer | None,
) -> list[dict[str, Any]]:
    """Volumes, binds, tmpfs, file secrets and configs; anonymous volumes re-used from `inherit` (v2 §3.7)."""
    inherited = {}
    if inherit is not None:
        anonymous_targets = {m["target"] for m in config.get("volumes") or () if m.get("type") == "volume"
                             and not m.get("source")}
        anonymous_targets |= set(image.volumes if image else ())
        inherited = {m.destination: m.name for m in inherit.mounts
                     if m.type == "volume" and m.destination in anonymous_targets}
    mounts: list[dict[str, Any]] = []
    declared_targets = set()
    for volume in config.get("volumes") or ():
        declared_targets.add(volume["target"])
        mounts.append(_mount(project, volume, inherited))
    for target, volume_name in inherited.items():
        if target not in declared_targets:  # an image VOLUME: keep its data across the recreate
            mounts.append({"Type": "volume", "Source": volume_name, "Target": target})
    for kind, default_dir, top in (("secrets", "/run/secrets/", project.secrets),
                                   ("configs", "/", project.configs)):
        for reference in config.get(kind) or ():
            definition = top.get(reference["source"]) or {}
            if not definition.get("file"):
                continue
            target = reference.get("target") or reference["source"]
            if not target.startswith("/"):
                target = default_dir + target
            mounts.append({"Type": "bind", "Source": definition["file"], "Target": target, "ReadOnly": True})
    return mounts


def _mount(project: Project, volume: Mapping[str, Any], inherited: Mapping[str, str]) -> dict[str, Any]:
    kind = volume.get("type", "volume")
    mount: dict[str, Any] = {"Type": kind, "Target": volume["target"]}
    if volume.get("read_only"):
        mount["ReadOnly"] = True
    if kind == "volume":
        source = volume.get("source")
        if source:
            try:
                mount["Source"] = project.volume(source).name
            except KeyError:
                mount["Source"] = source
        elif volume["target"] in inherited:
            mount["Source"] = inherited[volume["target"]]
        options = volume.get("volume") or {}
        if options.get("nocopy"):
            mount["VolumeOptions"] = {"NoCopy": True}
        if options.get("subpath"):
            mount.setdefault("VolumeOptions", {})["Subpath"] = options["subpath"]
    elif kind == "bind":
        source = volume.get("source", "")
        mount["Source"] = source if os.path.isabs(source) else os.path.join(project.working_dir, source)
        bind = volume.get("bind")
        # v2 `bindRequiresMountAPI`: only the Mounts API can refuse to create the host path, or take a
        # propagation or recursive option; everything else goes through the legacy Binds field, which creates a
        # missing source directory (a long-syntax bind without `bind:` too)
        if bind is None or (bind.get("create_host_path") and not bind.get("propagation")
                            and not bind.get("recursive")):
            options = ["ro" if volume.get("read_only") else "rw"]
            if bind and bind.get("selinux"):
                options.append(bind["selinux"])
            return {"Bind": f"{mount['Source']}:{volume['target']}:{','.join(options)}"}
        mount["BindOptions"] = {"Propagation": bind["propagation"]} if bind.get("propagation") else {}
    elif kind == "tmpfs":
        tmpfs = volume.get("tmpfs") or {}
        tmpfs_options: dict[str, Any] = {}
        if tmpfs.get("size"):
            tmpfs_options["SizeBytes"] = int(tmpfs["size"])
        if tmpfs.get("mode"):
            tmpfs_options["Mode"] = int(tmpfs["mode"])
        if tmpfs_options:
            mount["TmpfsOptions"] = tmpfs_options
    return mount


def _networks(project: Project, service: Service, config: Mapping[str, Any], name: str, number: int,
              ) -> tuple[NetworkAttachment, ...]:
    """Endpoints in v2's order (priority, then key); aliases are container name, service name, declared ones."""
    if config.get("network_mode"):
        return ()
    declared = config.get("networks") or {}
    keys = sorted(declared, key=lambda key: (-int((declared[key] or {}).get("priority") or 0), key))
    attachments = []
    for key in keys:
        spec = declared[key] or {}
        aliases = [name, service.name, *(spec.get("aliases") or ())]
        endpoint: dict[str, Any] = {"Aliases": list(dict.fromkeys(aliases))}
        ipam = {}
        if spec.get("ipv4_address"):
            ipam["IPv4Address"] = spec["ipv4_address"]
        if spec.get("ipv6_address"):
            ipam["IPv6Address"] = spec["ipv6_address"]
        if ipam:
            endpoint["IPAMConfig"] = ipam
        if spec.get("mac_address"):
            endpoint["MacAddress"] = spec["mac_address"]
        links = _links(project, config, number)
        if links:  # on user networks links live on the endpoint (v2 `getLinks`)
            endpoint["Links"] = links
        if spec.get("driver_opts"):
            endpoint["DriverOpts"] = dict(spec["driver_opts"])
        attachments.append(NetworkAttachment(network=project.network(key).name, endpoint=endpoint))
    return tuple(attachments)


def network_body(config: Mapping[str, Any]) -> dict[str, Any]:
    """Engine network-create fields from a canonical network (labels are added by the caller)."""
    body: dict[str, Any] = {"Driver": config.get("driver") or "bridge", "CheckDuplicate": True}
    if config.get("driver_opts"):
        body["Options"] = dict(config["driver_opts"])
    if config.get("internal"):
        body["Internal"] = True
    if config.get("attachable"):
        body["Attachable"] = True
    if config.get("enable_ipv6"):
        body["EnableIPv6"] = True
    ipam = config.get("ipam") or {}
    if ipam:
        body["IPAM"] = {
            "Driver": ipam.get("driver") or "default",
            "Config": [
                {field: entry[key] for key, field in (("subnet", "Subnet"), ("ip_range", "IPRange"),
                                                      ("gateway", "Gateway"), ("aux_addresses", "AuxiliaryAddresses"))
                 if entry.get(key)}
                for entry in ipam.get("config") or ()
            ],
            "Options": dict(ipam.get("options") or {}),
        }
    return body
