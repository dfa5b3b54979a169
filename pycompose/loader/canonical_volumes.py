"""Service `volumes`: short syntax `[SOURCE:]TARGET[:MODES]` and long syntax to v2's long form."""

from __future__ import annotations

import os.path
import posixpath

from pycompose.errors import ConfigError
from pycompose.loader.units import parse_bytes

_VOLUME_KEYS = ("type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image")
_BIND_KEYS = ("selinux", "propagation", "create_host_path", "recursive")
_PROPAGATIONS = ("shared", "rshared", "slave", "rslave", "private", "rprivate")


def is_file_path(source: str) -> bool:
    """A short-syntax source naming a host path (bind) rather than a named volume."""
    return source.startswith((".", "/", "~")) or (len(source) > 1 and source[1] == ":" and source[0].isalpha())


def resolve_host_path(source: str, working_dir: str, home_dir: str) -> str:
    """Expand `~` and make a relative host path absolute against the project directory.

    As v2: an absolute path is kept verbatim (trailing slash included); joined paths are cleaned.
    """
    if source == "~" or source.startswith("~/"):
        return posixpath.normpath(posixpath.join(home_dir, source[2:]))
    if posixpath.isabs(source):
        return source
    return posixpath.normpath(posixpath.join(working_dir, source))


def _clean(target: str) -> str:
    """Go's path.Clean on a container path (drops trailing slashes, `.` and `..`)."""
    return posixpath.normpath(target) if target.startswith("/") else target


def parse_volume_short(spec: str, path: tuple[str | int, ...]) -> dict:
    """Split a short volume spec into a raw long-syntax dict (host path still unresolved)."""
    parts = spec.split(":")
    if len(parts) > 3:
        raise ConfigError(f"invalid spec: {spec}: too many colons", path=path)
    if any(part == "" for part in parts):
        raise ConfigError(f"invalid spec: {spec}: empty section between colons", path=path)
    if len(parts) == 1:
        return {"type": "volume", "target": _clean(parts[0]), "volume": {}}
    source, target = parts[0], _clean(parts[1])
    modes = parts[2].split(",") if len(parts) == 3 else []
    kind = "bind" if is_file_path(source) else "volume"
    volume: dict = {"type": kind, "source": source, "target": target}
    bind: dict = {}
    options: dict = {}
    for mode in modes:
        if mode == "ro":
            volume["read_only"] = True
        elif mode in ("z", "Z"):
            bind["selinux"] = mode
        elif mode in _PROPAGATIONS:
            bind["propagation"] = mode
        elif mode == "nocopy":
            options["nocopy"] = True
    if kind == "bind":
        bind["create_host_path"] = True
        volume["bind"] = bind
    else:
        volume["volume"] = options
    return volume


def _canonical_bind(bind: dict) -> dict:
    out = {}
    for key in _BIND_KEYS:
        value = bind.get(key)
        if value in (None, "", False):
            continue
        out[key] = value
    return out


def canonical_volume(volume: dict, path: tuple[str | int, ...], *, working_dir: str, home_dir: str,
                     resolve_paths: bool) -> dict:
    """One long-syntax volume in v2's key order with absolute bind sources and byte sizes as strings."""
    out: dict = {}
    for key in _VOLUME_KEYS:
        value = volume.get(key)
        if value is None or value == "" or value is False:
            continue
        if key == "source" and volume.get("type") == "bind" and resolve_paths:
            value = resolve_host_path(str(value), working_dir, home_dir)
        elif key == "bind" and isinstance(value, dict):
            value = _canonical_bind(value)
        elif key == "volume" and isinstance(value, dict):
            value = {k: value[k] for k in ("labels", "nocopy", "subpath") if value.get(k) not in (None, "", False)}
        elif key == "tmpfs" and isinstance(value, dict):
            tmpfs: dict = {}
            if value.get("size") not in (None, 0, ""):
                tmpfs["size"] = str(parse_bytes(value["size"], (*path, "tmpfs", "size")))
            if value.get("mode"):
                tmpfs["mode"] = int(value["mode"])
            value = tmpfs
        out[key] = value
    return out


def canonical_volumes(volumes: list, path: tuple[str | int, ...], *, working_dir: str, home_dir: str,
                      resolve_paths: bool = True) -> list[dict]:
    """All of a service's volumes in v2's long form, in declaration order."""
    out = []
    for index, volume in enumerate(volumes):
        where = (*path, index)
        if isinstance(volume, str):
            volume = parse_volume_short(volume, where)
        elif not isinstance(volume, dict):
            raise ConfigError(f"expected a volume string or mapping, got {volume!r}", path=where)
        out.append(canonical_volume(volume, where, working_dir=working_dir, home_dir=home_dir,
                                    resolve_paths=resolve_paths))
    return out


def home_directory(environment: dict | None = None) -> str:
    """The user's home directory, used to expand `~` in bind sources."""
    return os.path.expanduser("~")
