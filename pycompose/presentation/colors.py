"""ANSI colours as v2 uses them for log prefixes (cmd/formatter/colors.go), and when to use them."""

from __future__ import annotations

import os
from typing import TextIO

RESET = "\033[0m"
# v2's rainbow: cyan, yellow, green, magenta, blue, then the same in bold
RAINBOW = tuple(f"\033[{code}m" for code in ("36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1"))


def use_ansi(ansi: str | None, stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """`--ansi never|always|auto` (auto: a terminal, and NO_COLOR unset), as v2 decides."""
    from pycompose.errors import UsageError

    environ = os.environ if environ is None else environ
    mode = ansi or environ.get("COMPOSE_ANSI") or "auto"
    if mode == "never":
        return False
    if mode == "always":
        return True
    if mode != "auto":
        raise UsageError(f'invalid --ansi value "{mode}": expected "never", "always" or "auto"')
    if environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_for(index: int) -> str:
    return RAINBOW[index % len(RAINBOW)]
