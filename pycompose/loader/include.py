"""Top-level `include:`: load other compose projects and import their resources into this file.

Behaviour of Compose v2.40.3 (compose-go `loader/include.go`), checked with the binary:

- an entry is a path, or `{path: str | [str, ...], project_directory, env_file: str | [str, ...]}`;
- relative `path`, `project_directory` and `env_file` are relative to the *project directory* of the
  including project (not to the including file's directory); the sub-project's directory defaults to the
  directory of its first file; a relative `env_file` must exist (`stat <path>: no such file or directory`);
- the sub-project is loaded on its own (its `.env`, its directory for relative paths) and its services,
  volumes, networks, secrets, configs and models are added to this file; a local resource of the same name
  is an error (`services.redis conflicts with imported resource`) unless it is exactly the same definition;
- a file that (indirectly) includes itself: `include cycle detected:` and the chain of files.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.extends import rebase_service_paths

_IMPORTED_KEYS = ("services", "volumes", "networks", "secrets", "configs", "models")
_REMOTE_PREFIXES = ("oci://", "git://", "git@", "http://", "https://", "ssh://", "github.com/")

# Service keys v2 always rewrites (canonical long form, defaults, resolved paths) before it compares an
# imported service with a local one, and keys it rewrites only in one of their short forms.
_ALWAYS_REWRITTEN = frozenset({
    "build", "depends_on", "env_file", "label_file", "extends", "gpus", "volumes", "devices", "secrets",
    "configs", "develop",
})
_REWRITTEN_IF_LIST = frozenset({"networks", "models"})


@dataclass(frozen=True)
class IncludeSpec:
    """One `include` entry, resolved: absolute file paths, sub-project directory and env files.

    `env_files` is empty when the entry names none; the loader then reads `<project_directory>/.env`
    if it exists.
    """

    paths: tuple[str, ...]
    project_directory: str
    env_files: tuple[str, ...]


def parse_includes(doc: dict, *, project_directory: str) -> list[IncludeSpec]:
    """The `include` entries of one file, resolved against the including project's directory.

    Raises:
        ConfigError: `include` is not a list, an entry has the wrong shape, a relative env_file is missing,
            or a path is a remote (git/OCI) resource.
    """
    entries = doc.get("include")
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfigError(f"`include` must be a list, got {_show(entries)}", path=("include",))
    return [_parse_entry(entry, index, project_directory) for index, entry in enumerate(entries)]


def resolve_includes(
    doc: dict,
    *,
    file: str,
    project_directory: str,
    load_included: Callable[[IncludeSpec], dict],
    included_from: tuple[str, ...] = (),
) -> dict:
    """Return `doc` without `include`, with the resources of every included project added.

    Args:
        doc: one file's interpolated dict (extends already resolved).
        file: that file's absolute path.
        project_directory: the including project's directory (relative include paths start there).
        load_included: loads an included sub-project (own directory and .env, all files merged, relative
            paths absolute); it is called with `included_from=(*included_from, file)` semantics in mind:
            the orchestrator must pass that chain back when it resolves includes of the sub-project's files.
        included_from: the files whose `include` led to `file`, outermost first (for cycle detection).

    Raises:
        ConfigError: v2's `include cycle detected:` message, `<kind>.<name> conflicts with imported
            resource`, or an invalid entry (see `parse_includes`).
    """
    if "include" not in doc:
        return doc
    chain = (*included_from, file)
    out = copy.copy(doc)
    for spec in parse_includes(doc, project_directory=project_directory):
        if spec.paths and spec.paths[0] in chain:
            files = (*chain, spec.paths[0])
            chain_text = files[0] + "".join(f"\n include {f}" for f in files[1:])
            raise ConfigError("include cycle detected:\n" + chain_text)
        imported = load_included(spec)
        if not isinstance(imported, dict):
            raise ConfigError("Top-level object must be a mapping", file=spec.paths[0])
        _import_resources(imported, out)
    out.pop("include", None)
    return out


def absolute_paths(doc: dict, project_directory: str) -> dict:
    """A copy of a loaded sub-project whose relative local paths are absolute against its directory.

    Covers what v2 resolves: service paths (see `extends.rebase_service_paths`; a build without context gets
    the sub-project's directory), `configs.*.file`, `secrets.*.file`, and the `device` of local volumes with
    `o: bind`.
    """
    out = copy.deepcopy(doc)
    services = out.get("services")
    if isinstance(services, dict):
        for service in services.values():
            # v2 sets the default build context of an included project before it resolves paths
            if isinstance(service, dict) and isinstance(service.get("build"), dict):
                service["build"].setdefault("context", ".")
        out["services"] = {
            name: rebase_service_paths(service, project_directory) if isinstance(service, dict) else service
            for name, service in services.items()
        }
    for kind in ("configs", "secrets"):
        resources = out.get(kind)
        if isinstance(resources, dict):
            for resource in resources.values():
                if isinstance(resource, dict) and isinstance(resource.get("file"), str):
                    resource["file"] = _absolute(resource["file"], project_directory)
    volumes = out.get("volumes")
    if isinstance(volumes, dict):
        for volume in volumes.values():
            if not isinstance(volume, dict) or volume.get("driver") != "local":
                continue
            options = volume.get("driver_opts")
            if not isinstance(options, dict) or options.get("o") != "bind":
                continue
            if isinstance(options.get("device"), str):
                options["device"] = _absolute(options["device"], project_directory)
    return out


def _parse_entry(entry: Any, index: int, project_directory: str) -> IncludeSpec:
    where = ("include", index)
    if isinstance(entry, str):
        entry = {"path": entry}
    if not isinstance(entry, dict):
        raise ConfigError(f"expected a string or a mapping, got {_kind(entry)}", path=where)
    paths = _string_list(entry.get("path"), (*where, "path"))
    if not paths:
        raise ConfigError("an include entry needs a `path`", path=(*where, "path"))
    for path in paths:
        if path.startswith(_REMOTE_PREFIXES):
            raise ConfigError(f"cannot include {path}: remote (git or OCI) includes are not supported",
                              path=(*where, "path"))
    absolute = tuple(_absolute(path, project_directory) for path in paths)

    sub_directory = entry.get("project_directory")
    if sub_directory is None or sub_directory == "":
        sub_directory = os.path.dirname(absolute[0])
    elif isinstance(sub_directory, str):
        sub_directory = _absolute(sub_directory, project_directory)
    else:
        raise ConfigError(
            f"expected a string, got {_kind(sub_directory)}", path=(*where, "project_directory")
        )

    env_files = []
    for env_file in _string_list(entry.get("env_file"), (*where, "env_file")):
        if not os.path.isabs(env_file):
            env_file = os.path.join(project_directory, env_file)
            if not os.path.exists(env_file):
                raise ConfigError(f"stat {env_file}: no such file or directory", path=(*where, "env_file"))
            if os.path.isdir(env_file):
                raise ConfigError(f"{env_file} is not a file", path=(*where, "env_file"))
        env_files.append(env_file)
    return IncludeSpec(paths=absolute, project_directory=sub_directory, env_files=tuple(env_files))


def _import_resources(imported: dict, target: dict) -> None:
    for kind in _IMPORTED_KEYS:
        incoming = imported.get(kind)
        if incoming is None:
            continue
        if not isinstance(incoming, dict):
            raise ConfigError(f"{kind} must be a mapping", path=(kind,))
        existing = target.get(kind)
        if existing is None:
            existing = {}
        elif not isinstance(existing, dict):
            raise ConfigError(f"{kind} must be a mapping", path=(kind,))
        merged = dict(existing)
        for name, resource in incoming.items():
            if name in merged:
                if _same_definition(kind, resource, merged[name]):
                    continue
                raise ConfigError(f"{kind}.{name} conflicts with imported resource", path=(kind, name))
            merged[name] = copy.deepcopy(resource)
        target[kind] = merged


def _same_definition(kind: str, imported: Any, local: Any) -> bool:
    """v2 accepts a redefinition only if it equals the imported one, which it compares in canonical form:
    a local definition written in a short form v2 rewrites is never equal (checked with the binary)."""
    if imported != local:
        return False
    if not isinstance(local, dict):
        return True
    if kind == "services":
        for key, value in local.items():
            if key in _ALWAYS_REWRITTEN or (key in _REWRITTEN_IF_LIST and isinstance(value, list)):
                return False
            if key == "dns" and isinstance(value, str):
                return False
            if key == "ports" and not (isinstance(value, list) and all(
                isinstance(p, dict) and "protocol" in p and "mode" in p for p in value
            )):
                return False
        return True
    if isinstance(local.get("external"), dict):
        return False
    if kind in ("secrets", "configs") and isinstance(local.get("file"), str):
        return os.path.isabs(local["file"])
    return True


def _string_list(value: Any, where: tuple) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"expected a string or a list of strings, got {_kind(value)}", path=where)


def _absolute(path: str, directory: str) -> str:
    if os.path.isabs(path) or path == "":
        return path
    return os.path.normpath(os.path.join(directory, path))


def _kind(value: Any) -> str:
    return {bool: "bool", int: "int", float: "float", str: "string", list: "list", dict: "mapping"}.get(
        type(value), "null" if value is None else type(value).__name__
    )


def _show(value: Any) -> str:
    return value if isinstance(value, str) else repr(value)
