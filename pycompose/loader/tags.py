"""Values of the compose-spec YAML tags `!reset` and `!override`.

The YAML reader wraps tagged nodes in these; `merge` interprets them; `strip_tags` removes what is
left once every file is merged (a `!reset` in the first file simply drops the key).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Reset:
    """`key: !reset …` — remove the key (and what earlier files gave it) from the merged result."""

    value: Any = None


@dataclass(frozen=True)
class Override:
    """`key: !override value` — replace what earlier files gave the key instead of merging with it."""

    value: Any


def strip_tags(data: Any) -> Any:
    """Return `data` with every Reset dropped and every Override unwrapped, recursively."""
    if isinstance(data, Override):
        return strip_tags(data.value)
    if isinstance(data, dict):
        return {k: strip_tags(v) for k, v in data.items() if not isinstance(v, Reset)}
    if isinstance(data, list):
        return [strip_tags(v) for v in data if not isinstance(v, Reset)]
    return data
