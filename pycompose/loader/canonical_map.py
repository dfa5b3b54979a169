"""The uninterpolated model (`config --no-interpolate`): the merged dict as compose-go keeps it when it does not bind
it to Go types.

v2 prints this model as a map, not as its Go structs: every value stays as written (`mode: 0440` is the integer 288,
`size: 1m` stays `1m`, a `K=V` list stays a list, a `false` or `0` written is printed), and only compose-go's
structural steps apply, in its order:
- canonical syntax (its `transform` package): short forms of build, depends_on, env_file, label_file, gpus, networks,
  models, volumes, dns, devices, secrets, configs, ports, build ssh/secrets/additional_contexts, watch ignore/include;
- default values (compose-go 2.9.1, v2.40.3's): build context, secret targets, port protocol and mode, device-request
  count;
- relative paths made absolute (unless `--no-path-resolution`);
- normalisation (unless `--no-normalize`): pull_policy, build dockerfile, build args without a value dropped (such a
  model has no environment to resolve them from), implied dependencies, the
  `default` network, resource names.

The typed model (`canonical_service`) is what everything else uses; this module only feeds `config`'s printer.
"""

from __future__ import annotations

import copy
import posixpath
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.canonical_context import CanonicalContext, is_remote_context, project_path, user_home
from pycompose.loader.canonical_ports import parse_port_short
from pycompose.loader.canonical_volumes import canonical_volume, parse_volume_short, resolve_host_path

Path = tuple[str | int, ...]

__all__ = ["uninterpolated_resource", "uninterpolated_service"]


def _string_or_list(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _list_to_map(value: Any) -> Any:
    return {str(name): None for name in value} if isinstance(value, list) else value


def _file_mount(value: Any) -> Any:
    return {"source": value} if isinstance(value, str) else value


def _key_value(value: Any, path: Path) -> Any:
    if not isinstance(value, list):
        return value
    out: dict[str, Any] = {}
    for entry in value:
        key, found, rest = str(entry).partition("=")
        if not found:
            return value  # compose-go ignores the parse error when it does not interpolate
        out[key] = rest
    return out


def _ssh(value: Any, path: Path) -> Any:
    if not isinstance(value, list):
        return value
    out: dict[str, Any] = {}
    for entry in value:
        key, found, rest = str(entry).partition("=")
        if not found and key != "default":
            raise ConfigError(f"invalid ssh key {str(entry)!r}", path=path)
        out[key] = rest if found else None
    return out


def _device(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    parts = value.split(":")
    if len(parts) > 3:
        return {"source": "", "target": "", "permissions": "rwm"}  # compose-go ignores the parse error here
    source = parts[0]
    target = parts[1] if len(parts) > 1 and parts[1] else source
    return {"source": source, "target": target, "permissions": parts[2] if len(parts) == 3 else "rwm"}


def _device_request(value: Any) -> Any:
    if isinstance(value, dict) and "count" not in value and "device_ids" not in value:
        value["count"] = "all"
    return value


def _depends_on(value: Any) -> Any:
    if isinstance(value, list):
        return {str(name): {"condition": "service_started", "required": True} for name in value}
    if isinstance(value, dict):
        for entry in value.values():
            if isinstance(entry, dict):
                entry.setdefault("condition", "service_started")
                entry.setdefault("required", True)
    return value


def _env_file(value: Any) -> Any:
    entries = [value] if isinstance(value, str) else value
    if not isinstance(entries, list):
        return value
    out = []
    for entry in entries:
        if isinstance(entry, str):
            entry = {"path": entry, "required": True}
        elif isinstance(entry, dict):
            entry.setdefault("required", True)
        out.append(entry)
    return out


def _ports(value: Any, path: Path) -> Any:
    if not isinstance(value, list):
        return value
    out: list = []
    for index, port in enumerate(value):
        if isinstance(port, dict):
            port.setdefault("protocol", "tcp")
            port.setdefault("mode", "ingress")
            out.append(port)
        elif isinstance(port, (int, str)) and not isinstance(port, bool):
            try:
                out.extend(parse_port_short(str(port), (*path, index)))
            except ConfigError:
                return value  # not interpolated (`${PORT}:80`): compose-go leaves the list as written
        else:
            out.append(port)
    return out


def _volume(value: Any, path: Path, ctx: CanonicalContext) -> Any:
    if isinstance(value, str):
        try:
            parsed = parse_volume_short(value, path)
        except ConfigError:
            return value
        return canonical_volume(parsed, path, working_dir=ctx.working_dir, home_dir=user_home(ctx),
                                resolve_paths=ctx.resolve_paths)
    if not isinstance(value, dict):
        return value
    if ctx.resolve_paths and value.get("type") == "bind" and isinstance(value.get("source"), str):
        value["source"] = resolve_host_path(value["source"], ctx.working_dir, user_home(ctx))
    if ctx.normalize and isinstance(value.get("target"), str) and value["target"]:
        value["target"] = posixpath.normpath(value["target"]).replace("//", "/")
    return value


def _context_path(value: Any, ctx: CanonicalContext) -> Any:
    if not isinstance(value, str) or "://" in value or value.startswith("service:") or is_remote_context(value):
        return value
    return project_path(value, ctx)


def _build(value: Any, path: Path, ctx: CanonicalContext) -> Any:
    build = {"context": value} if isinstance(value, str) else value
    if not isinstance(build, dict):
        return value
    if isinstance(build.get("secrets"), list):
        build["secrets"] = [_file_mount(s) for s in build["secrets"]]
    for key in ("provenance", "sbom"):
        if key in build and not isinstance(build[key], str):
            build[key] = "true" if build[key] is True else "false" if build[key] is False else str(build[key])
    if "additional_contexts" in build:
        build["additional_contexts"] = _key_value(build["additional_contexts"], (*path, "additional_contexts"))
    if "ssh" in build:
        build["ssh"] = _ssh(build["ssh"], (*path, "ssh"))
    build.setdefault("context", ".")
    if ctx.resolve_paths:
        build["context"] = _context_path(build["context"], ctx)
        if isinstance(build.get("additional_contexts"), dict):
            build["additional_contexts"] = {k: _context_path(v, ctx) for k, v in build["additional_contexts"].items()}
        if isinstance(build.get("ssh"), dict):
            build["ssh"] = {k: project_path(v, ctx) if isinstance(v, str) else v for k, v in build["ssh"].items()}
    if ctx.normalize:
        if build.get("dockerfile") is None and build.get("dockerfile_inline") is None:
            build["dockerfile"] = "Dockerfile"
        if "args" in build:
            build["args"] = _resolved(build["args"], keep_empty=False)
    return build


def _resolved(value: Any, *, keep_empty: bool) -> Any:
    """compose-go's normalisation of environment / build args, with the empty environment v2 gives a model it does
    not interpolate: a name without a value is left out (build args) or kept bare (environment)."""
    if isinstance(value, list):
        return [entry for entry in value if keep_empty or not isinstance(entry, str) or "=" in entry]
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if keep_empty or item is not None}
    return value


def _watch(develop: Any, ctx: CanonicalContext) -> Any:
    if not isinstance(develop, dict) or not isinstance(develop.get("watch"), list):
        return develop
    for trigger in develop["watch"]:
        if not isinstance(trigger, dict):
            continue
        for key in ("ignore", "include"):
            if key in trigger:
                trigger[key] = _string_or_list(trigger[key])
        if ctx.resolve_paths and isinstance(trigger.get("path"), str):
            trigger["path"] = posixpath.realpath(project_path(trigger["path"], ctx)) \
                if posixpath.lexists(project_path(trigger["path"], ctx)) else project_path(trigger["path"], ctx)
    return develop


def _add_dependency(depends: dict, name: str, *, restart: bool) -> None:
    if name not in depends:
        depends[name] = {"condition": "service_started", "restart": restart, "required": True}


def _normalize(svc: dict, ctx: CanonicalContext) -> None:
    if svc.get("pull_policy") == "if_not_present":
        svc["pull_policy"] = "missing"
    depends = svc.get("depends_on") if isinstance(svc.get("depends_on"), dict) else {}
    for link in svc.get("links") or []:
        parts = str(link).split(":")
        _add_dependency(depends, parts[0] if len(parts) == 2 else str(link), restart=True)
    for key in ("network_mode", "ipc", "pid", "uts", "cgroup"):
        mode = svc.get(key)
        if isinstance(mode, str) and mode.startswith("service:"):
            _add_dependency(depends, mode[len("service:"):], restart=True)
    for source in svc.get("volumes_from") or []:
        if not str(source).startswith("container:"):
            _add_dependency(depends, str(source).split(":")[0], restart=False)
    if depends:
        svc["depends_on"] = depends
    if "provider" not in svc and "network_mode" not in svc and not svc.get("networks"):
        svc["networks"] = {"default": None}


def uninterpolated_service(name: str, written: dict, ctx: CanonicalContext) -> dict:
    """One service of the uninterpolated model, as compose-go's map holds it before the printer sorts its keys."""
    path: Path = ("services", name)
    svc = copy.deepcopy(dict(written))
    svc.pop("extends", None)  # resolved by the loader before this step
    if "build" in svc and svc["build"] is not None:
        svc["build"] = _build(svc["build"], (*path, "build"), ctx)
    if "depends_on" in svc:
        svc["depends_on"] = _depends_on(svc["depends_on"])
    if "env_file" in svc:
        svc["env_file"] = _env_file(svc["env_file"])
        if ctx.resolve_paths and isinstance(svc["env_file"], list):
            for entry in svc["env_file"]:
                if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                    entry["path"] = project_path(entry["path"], ctx)
    if "label_file" in svc:
        svc["label_file"] = _string_or_list(svc["label_file"])
        if ctx.resolve_paths and isinstance(svc["label_file"], list):
            svc["label_file"] = [project_path(p, ctx) if isinstance(p, str) else p for p in svc["label_file"]]
    if "gpus" in svc:
        gpus = [{"count": "all"}] if isinstance(svc["gpus"], str) else svc["gpus"]
        svc["gpus"] = [_device_request(g) for g in gpus] if isinstance(gpus, list) else gpus
    reservations = ((svc.get("deploy") or {}).get("resources") or {}).get("reservations") \
        if isinstance(svc.get("deploy"), dict) else None
    if isinstance(reservations, dict) and isinstance(reservations.get("devices"), list):
        reservations["devices"] = [_device_request(d) for d in reservations["devices"]]
    for key in ("networks", "models"):
        if key in svc:
            svc[key] = _list_to_map(svc[key])
    if isinstance(svc.get("volumes"), list):
        svc["volumes"] = [_volume(v, (*path, "volumes", i), ctx) for i, v in enumerate(svc["volumes"])]
    if "dns" in svc:
        dns = _string_or_list(svc["dns"])
        svc["dns"] = [d for d in dns if d is not None and d != ""] if isinstance(dns, list) else dns
    if isinstance(svc.get("devices"), list):
        svc["devices"] = [_device(d) for d in svc["devices"]]
    for key in ("secrets", "configs"):
        if isinstance(svc.get(key), list):
            svc[key] = [_file_mount(ref) for ref in svc[key]]
    for ref in svc.get("secrets") or []:
        if isinstance(ref, dict) and "target" not in ref:
            ref["target"] = f"/run/secrets/{ref.get('source')}"
    if "ports" in svc:
        svc["ports"] = _ports(svc["ports"], (*path, "ports"))
    if "develop" in svc:
        svc["develop"] = _watch(svc["develop"], ctx)
    if ctx.normalize:
        _normalize(svc, ctx)
    return svc


def uninterpolated_resource(kind: str, key: str, written: Any, ctx: CanonicalContext) -> dict | None:
    """A top-level network, volume, secret or config of the uninterpolated model (a bare key stays null unless
    normalisation names it)."""
    if written is None and not ctx.normalize:
        return None
    resource = copy.deepcopy(dict(written or {}))
    external = resource.get("external")
    if isinstance(external, dict):
        resource["external"] = True
        if "name" in external:
            ctx.warn(f"{kind}.{key}: external.name is deprecated. Please set name and external: true")
            if "name" not in resource:
                resource["name"] = external["name"]
    if ctx.resolve_paths:
        if kind in ("secrets", "configs") and isinstance(resource.get("file"), str):
            resource["file"] = project_path(resource["file"], ctx)
        options = resource.get("driver_opts")
        if kind == "volumes" and resource.get("driver") == "local" and isinstance(options, dict) \
                and options.get("o") == "bind" and isinstance(options.get("device"), str):
            options["device"] = project_path(options["device"], ctx)
    if ctx.normalize and resource.get("name") is None:
        resource["name"] = key if str(resource.get("external")).lower() in ("true", "1", "t") \
            else f"{ctx.project_name}_{key}"
    return resource
