"""Small output helpers shared by the commands: warnings in v2's log format, data to stdout."""

from __future__ import annotations

import sys
import time
from typing import Iterable, TextIO


def warn(messages: Iterable[str], stream: TextIO | None = None) -> None:
    """Print warnings to stderr as v2 does (logrus): `WARN[0000] msg` on a terminal, key=value lines otherwise."""
    out = stream or sys.stderr
    tty = out.isatty()
    for message in messages:
        if tty:
            out.write(f"WARN[0000] {message}\n")
        else:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            escaped = message.replace("\\", "\\\\").replace('"', '\\"')
            out.write(f'time="{stamp}" level=warning msg="{escaped}"\n')
    out.flush()
