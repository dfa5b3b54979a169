"""Service `volumes`: short syntax `[SOURCE:]TARGET[:MODES]` and long syntax to v2's long form."""

from __future__ import annotations

import os.path
import posixpath
import re

from pycompose.errors import ConfigError
from pycompose.loader.extensions import extensions
from pycompose.loader.units import go_string as _go_str
from pycompose.loader.units import parse_bytes

_VOLUME_KEYS = ("type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs", "image")
_BIND_KEYS = ("selinux", "propagation", "create_host_path", "recursive")
_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_PROPAGATIONS = ("shared", "rshared", "slave", "rslave", "private", "rprivate")


def _is_drive(buffer: str, char: str) -> bool:
    return char == ":" and len(buffer) == 1 and buffer.isalpha()


def is_file_path(source: str) -> bool:
    """A short-syntax source naming a host path (bind) rather than a named volume, as compose-go decides."""
    if not source:
        return False
    if source[0] in "./~" or source.startswith("\\\\"):
        return True
    return len(source) > 1 and _is_drive(source[0], source[1])


def resolve_host_path(source: str, working_dir: str, home_dir: str) -> str:
    """Expand `~` and make a relative host path absolute against the project directory.

    As v2: an absolute path is kept verbatim (trailing slash included); joined paths are cleaned.
    """
    if source == "~" or source.startswith("~/"):
        return posixpath.normpath(posixpath.join(home_dir, source[2:]))
    if posixpath.isabs(source) or _WINDOWS_ABSOLUTE.match(source):
        return source
    return posixpath.normpath(posixpath.join(working_dir, source))


def _clean(target: str) -> str:
    """Go's path.Clean on a container path (drops trailing slashes, `.` and `..`)."""
    return posixpath.normpath(target) if target.startswith("/") else target


def _split_spec(spec: str, path: tuple[str | int, ...]) -> tuple[str, str, str]:
    """Split `SOURCE:TARGET:MODES` on colons, except a drive letter (`c:`) and inside `${...}`."""
    fields: list[str] = []
    buffer = ""
    depth = 0
    end = "\0"
    for index, char in enumerate(spec + end):
        if char == "$" and spec[index + 1 : index + 2] == "{":
            depth += 1
            buffer += char
        elif char == "}" and depth:
            depth -= 1
            buffer += char
        elif _is_drive(buffer, char):
            buffer += char
        elif char in (":", end) and depth == 0:
            if not buffer:
                raise ConfigError(f"invalid spec: {spec}: empty section between colons", path=path)
            if len(fields) == 2 and char == ":":
                raise ConfigError(f"invalid spec: {spec}: too many colons", path=path)
            fields.append(buffer)
            buffer = ""
        else:
            buffer += char
    if len(fields) == 1:
        return "", fields[0], ""
    return fields[0], fields[1], fields[2] if len(fields) > 2 else ""


def parse_volume_short(spec: str, path: tuple[str | int, ...]) -> dict:
    """Parse a short volume spec into a raw long-syntax dict (host path still unresolved), as v2 does."""
    if not spec:
        raise ConfigError("invalid empty volume spec", path=path)
    if len(spec) <= 2:
        return {"type": "volume", "target": spec}
    source, target, modes = _split_spec(spec, path)
    volume: dict = {"source": source, "target": _clean(target)}
    bind: dict | None = None
    options: dict | None = None
    for mode in modes.split(",") if modes else []:
        if mode == "ro":
            volume["read_only"] = True
        elif mode == "rw":
            volume.pop("read_only", None)
        elif mode == "nocopy":
            options = {"nocopy": True}
        elif mode in ("z", "Z"):
            bind = {**(bind or {}), "selinux": mode}
        elif mode in _PROPAGATIONS:
            bind = {**(bind or {}), "propagation": mode}
    if is_file_path(source):
        volume["type"] = "bind"
        bind = {**(bind or {}), "create_host_path": True}
    else:
        volume["type"] = "volume"
        options = options if options is not None else {}
    if bind is not None:
        volume["bind"] = bind
    if options is not None:
        volume["volume"] = options
    return volume


def _canonical_bind(bind: dict) -> dict:
    out = {}
    for key in _BIND_KEYS:
        value = bind.get(key)
        if value in (None, "", False):
            continue
        out[key] = value
    out.update(extensions(bind))
    return out


def canonical_volume(volume: dict, path: tuple[str | int, ...], *, working_dir: str, home_dir: str,
                     resolve_paths: bool) -> dict:
    """One long-syntax volume in v2's key order with absolute bind sources and byte sizes as strings."""
    out: dict = {}
    for key in _VOLUME_KEYS:
        value = volume.get(key)
        if value is None or value == "" or value is False:
            continue
        if key == "target":
            value = _clean(str(value))
        elif key == "source" and volume.get("type") == "bind" and resolve_paths:
            value = resolve_host_path(str(value), working_dir, home_dir)
        elif key == "bind" and isinstance(value, dict):
            value = _canonical_bind(value)
        elif key == "volume" and isinstance(value, dict):
            options = value
            value = {k: value[k] for k in ("labels", "nocopy", "subpath") if value.get(k) not in (None, "", False)}
            if isinstance(value.get("labels"), dict):
                value["labels"] = {str(k): _go_str(v) for k, v in sorted(value["labels"].items())}
            value.update(extensions(options))
        elif key == "tmpfs" and isinstance(value, dict):
            tmpfs: dict = {}
            if value.get("size") not in (None, 0, ""):
                tmpfs["size"] = str(parse_bytes(value["size"], (*path, "tmpfs", "size")))
            if value.get("mode"):
                tmpfs["mode"] = int(value["mode"])
            value = {**tmpfs, **extensions(value)}
        out[key] = value
    out.update(extensions(volume))
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
