"""Value shapes shared by canonical_*: Go omitempty, ordered structs, sorted maps, string lists, shell words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader.canonical_context import CanonicalContext
from pycompose.loader.canonical_shellwords import ShellWordsError, split_command
from pycompose.loader.extensions import extensions
from pycompose.loader.units import go_string

Path = tuple[str | int, ...]


def is_empty(value: Any) -> bool:
    """Go's omitempty: zero values and empty collections are left out."""
    return value is None or value is False or value == "" or value == 0 and not isinstance(value, bool) \
        or (isinstance(value, (list, dict)) and not value)


def ordered(values: Mapping, keys: tuple[str, ...], keep: tuple[str, ...] = ()) -> dict:
    """A Go struct: its fields in `keys` order (omitempty unless kept), then its `x-*` extensions."""
    out = {key: values[key] for key in keys if key in values and (key in keep or not is_empty(values[key]))}
    out.update(extensions(values))
    return out


def sorted_map(values: Mapping) -> dict:
    return {key: values[key] for key in sorted(values)}


def string_map(values: Any, path: Path, *, separator: str = "=", null_missing: str = "") -> dict:
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
    return sorted_map(out)


def string_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [go_string(item) for item in value]
    return [go_string(value)]


def shell_command(value: Any, path: Path = ()) -> list[str] | None:
    """v2's ShellCommand: a string is split into words as go-shellwords does (no expansion)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [go_string(item) for item in value]
    try:
        return split_command(go_string(value))
    except ShellWordsError as exc:
        raise ConfigError(str(exc), path=path) from None


def environment_map(value: Any, ctx: CanonicalContext, *, resolve: bool = True) -> dict:
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


def extra_hosts(value: Any) -> list[str]:
    """HostsList prints as sorted `host=address` entries."""
    return sorted(_host_entries(value))


def _host_entries(value: Any) -> list[str]:
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
