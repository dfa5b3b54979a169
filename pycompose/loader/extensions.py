"""`x-*` extensions: the keys compose-go keeps, in every struct that has them, as a Go `map[string]any`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def sorted_deep(value: Any) -> Any:
    """Extension values are Go `map[string]any`: every mapping prints with sorted keys."""
    if isinstance(value, dict):
        return {str(k): sorted_deep(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list):
        return [sorted_deep(item) for item in value]
    return value


def extensions(values: Mapping) -> dict:
    """The `x-*` keys of a mapping, sorted, their values sorted as Go maps (yaml.v3 prints a struct's inline
    extension map after its fields; encoding/json never prints them, see render.go_structs)."""
    return {key: sorted_deep(values[key])
            for key in sorted(k for k in values if isinstance(k, str) and k.startswith("x-"))}
