"""`services.*.extends`: a service starts from a copy of another one, then its own keys merge over it.

Behaviour of Compose v2.40.3 (compose-go `loader/extends.go`), checked with the binary:

- `extends: name`, `{service: name}` or `{service: name, file: path}`; chains and chains across files work;
  every key of the base is inherited (depends_on, links and volumes_from included);
- a relative `extends.file` is relative to the project directory for the project's own files, and relative to
  the extending file's directory for a file reached through `extends.file`;
- a base service from another file has its relative paths made absolute against that file's directory
  (build context and additional contexts, build ssh, env_file, label_file, bind sources, develop.watch paths);
- a base that is `null` leaves the extending service unchanged; `!reset`/`!override` in the extending service
  apply to what it inherits.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.merge import merge_service, split_volume_spec

_REMOTE_CONTEXT_PREFIXES = ("https://", "http://", "git://", "ssh://", "github.com/", "git@")


def resolve_extends(
    doc: dict,
    *,
    file: str,
    load_file: Callable[[str], dict],
    working_dir: str | None = None,
    relative_paths: bool = False,
) -> dict:
    """Return `doc` with every `extends` resolved; `doc` itself is not modified.

    Args:
        doc: one compose file's interpolated dict (all its YAML documents merged).
        file: that file's absolute path (named in error messages).
        load_file: absolute path → that file's interpolated dict (all documents merged), tags kept.
        working_dir: what a relative `extends.file` is relative to: the project directory (v2), or the
            sub-project's directory for an included file. Defaults to the directory of `file`.
        relative_paths: `--no-path-resolution`: a base service's paths are rebased relative to `working_dir`
            (`../common/ctx`), as compose-go does, instead of made absolute.

    Raises:
        ConfigError: v2's messages for a missing service or `services` section, a cycle
            (`Circular reference:` and the chain), or a malformed `extends`.
    """
    services = doc.get("services") if isinstance(doc, dict) else None
    if services is None:
        return doc
    if not isinstance(services, dict):
        raise ConfigError("services must be a mapping", path=("services",))
    if not any(isinstance(s, dict) and "extends" in s for s in services.values()):
        return doc
    directory = working_dir or os.path.dirname(file)
    resolver = _Resolver(load_file, main_file=file, root=directory, relative_paths=relative_paths)
    scope = _Scope(services=services, file=file, directory=directory, rebase=None)
    resolved = {name: resolver.resolve(name, scope, ()) for name in services}
    out = dict(doc)
    out["services"] = resolved
    return out


@dataclass
class _Scope:
    """The services of one file, and how names and paths found in it are interpreted."""

    services: dict
    file: str
    directory: str
    rebase: str | None
    resolved: dict[str, Any] = field(default_factory=dict)


class _Resolver:
    """Resolves services one by one; names files in messages as v2 does.

    v2 names the project file (`main_file`) for every lookup without `file`, even inside another file, and
    names a file reached through `extends.file` as written (first hop) or relative to the project directory.
    """

    def __init__(
        self, load_file: Callable[[str], dict], *, main_file: str, root: str, relative_paths: bool = False
    ) -> None:
        self._load_file = load_file
        self._relative_paths = relative_paths
        self._main_file = main_file
        self._root = root
        self._scopes: dict[str, _Scope] = {}

    def resolve(self, name: str, scope: _Scope, chain: tuple[tuple[str, str], ...]) -> Any:
        if name in scope.resolved:
            return copy.deepcopy(scope.resolved[name])
        service = scope.services.get(name)
        if service is None:
            return None
        if not isinstance(service, dict):
            raise ConfigError(f"services.{name} must be a mapping", path=("services", name))
        if scope.rebase is not None:
            service = rebase_service_paths(service, scope.rebase)
        if "extends" not in service:
            scope.resolved[name] = service
            return copy.deepcopy(service)

        ref, base_scope, shown = self._base_of(name, service["extends"], scope)
        link = (shown, name)
        if link in chain:
            raise ConfigError(_cycle_message((*chain, link)))
        base = self.resolve(ref, base_scope, (*chain, link))
        local = {k: v for k, v in service.items() if k != "extends"}
        if base is None:
            merged = copy.deepcopy(local)
        else:
            if not isinstance(base, dict):
                raise ConfigError(f"services.{ref} must be a mapping", path=("services", ref))
            base.pop("extends", None)
            merged = merge_service(base, local)
        merged.pop("extends", None)
        scope.resolved[name] = merged
        return copy.deepcopy(merged)

    def _base_of(self, name: str, extends: Any, scope: _Scope) -> tuple[str, _Scope, str]:
        other_file: Any = None
        if isinstance(extends, dict):
            ref = extends.get("service")
            if not isinstance(ref, str):
                raise ConfigError(f"extends.{name}.service is required", path=("services", name, "extends"))
            other_file = extends.get("file")
        elif isinstance(extends, str):
            ref = extends
        else:
            ref = ""
        if other_file is None:
            if ref not in scope.services:
                raise ConfigError(
                    f'cannot extend service "{name}" in {self._main_file}: service "{ref}" not found',
                    path=("services", name, "extends"),
                )
            return ref, scope, self._main_file
        if not isinstance(other_file, str):
            raise ConfigError(f"extends.file must be a string, got {type(other_file).__name__}",
                              path=("services", name, "extends", "file"))
        other = self._scope_of(name, other_file, scope)
        shown = other_file
        if scope.rebase is not None and not os.path.isabs(other_file):
            shown = os.path.relpath(other.file, self._root)
        if ref not in other.services:
            raise ConfigError(
                f'cannot extend service "{name}" in {self._main_file}: service "{ref}" not found in {shown}',
                path=("services", name, "extends"),
            )
        return ref, other, shown

    def _scope_of(self, name: str, other_file: str, scope: _Scope) -> _Scope:
        path = os.path.normpath(os.path.join(scope.directory, os.path.expanduser(other_file)))
        if path in self._scopes:
            return self._scopes[path]
        try:
            data = self._load_file(path)
        except ConfigError:
            raise
        except OSError as error:
            raise ConfigError(f"open {path}: {(error.strerror or str(error)).lower()}") from None
        services = data.get("services") if isinstance(data, dict) else None
        if services is None:
            raise ConfigError(f'cannot extend service "{name}" in {path}: no services section')
        if not isinstance(services, dict):
            raise ConfigError(f'cannot extend service "{name}" in {path}: services must be a mapping')
        directory = os.path.dirname(path)
        rebase = os.path.relpath(directory, self._root) if self._relative_paths else directory
        other = _Scope(services=services, file=path, directory=directory, rebase=rebase)
        self._scopes[path] = other
        return other


def _cycle_message(chain: tuple[tuple[str, str], ...]) -> str:
    first_file, first_name = chain[0]
    lines = ["Circular reference:", f"  {first_name} in {first_file}"]
    lines += [f"  extends {name} in {file}" for file, name in chain[1:]]
    return "\n".join(lines)


# --- relative paths of a service from another file ----------------------------------------------------------


def rebase_service_paths(service: dict, directory: str) -> dict:
    """A copy of `service` whose relative local paths are absolute against `directory` (v2's path keys)."""
    out = copy.deepcopy(service)
    build = out.get("build")
    if isinstance(build, str):
        out["build"] = _context(build, directory)
    elif isinstance(build, dict):
        if isinstance(build.get("context"), str):
            build["context"] = _context(build["context"], directory)
        contexts = build.get("additional_contexts")
        if isinstance(contexts, dict):
            build["additional_contexts"] = {
                k: _context(v, directory) if isinstance(v, str) else v for k, v in contexts.items()
            }
        elif isinstance(contexts, list):
            build["additional_contexts"] = [_key_value_path(e, directory, _context) for e in contexts]
        ssh = build.get("ssh")
        if isinstance(ssh, dict):
            build["ssh"] = {k: _path(v, directory) if isinstance(v, str) and v else v for k, v in ssh.items()}
        elif isinstance(ssh, list):
            build["ssh"] = [_key_value_path(e, directory, _path) for e in ssh]
    for key in ("env_file", "label_file"):
        value = out.get(key)
        if isinstance(value, str):
            out[key] = _path(value, directory)
        elif isinstance(value, list):
            out[key] = [_env_file_entry(e, directory) for e in value]
    volumes = out.get("volumes")
    if isinstance(volumes, list):
        out["volumes"] = [_volume(v, directory) for v in volumes]
    develop = out.get("develop")
    if isinstance(develop, dict) and isinstance(develop.get("watch"), list):
        for rule in develop["watch"]:
            if isinstance(rule, dict) and isinstance(rule.get("path"), str):
                rule["path"] = _path(rule["path"], directory)
    return out


def _path(value: str, directory: str) -> str:
    if value == "" or value.startswith("~") or os.path.isabs(value):
        return value
    return os.path.normpath(os.path.join(directory, value))


def _context(value: str, directory: str) -> str:
    if "://" in value or value.startswith("service:") or value.startswith(_REMOTE_CONTEXT_PREFIXES):
        return value
    return _path(value, directory)


def _key_value_path(entry: Any, directory: str, rebase: Callable[[str, str], str]) -> Any:
    if not isinstance(entry, str) or "=" not in entry:
        return entry
    key, value = entry.split("=", 1)
    return f"{key}={rebase(value, directory)}" if value else entry


def _env_file_entry(entry: Any, directory: str) -> Any:
    if isinstance(entry, str):
        return _path(entry, directory)
    if isinstance(entry, dict) and isinstance(entry.get("path"), str):
        return {**entry, "path": _path(entry["path"], directory)}
    return entry


def _volume(entry: Any, directory: str) -> Any:
    if isinstance(entry, dict):
        if entry.get("type") == "bind" and isinstance(entry.get("source"), str):
            return {**entry, "source": _path(entry["source"], directory)}
        return entry
    if isinstance(entry, str):
        fields = split_volume_spec(entry)
        if len(fields) >= 2 and fields[0].startswith("."):
            source = _path(fields[0], directory)
            if source.startswith((".", "/")):
                return ":".join([source, *fields[1:]])
            # rebased relative to the project (`--no-path-resolution`: `inc/data`), a short spec would read as a
            # named volume: v2 rebases the parsed mount, so give the long form it parses to
            from pycompose.loader.canonical_volumes import parse_volume_short

            return {**parse_volume_short(entry, ()), "source": source}
    return entry
