"""Warnings as v2 prints them (logrus): `WARN[0000] msg` on a terminal, `time=… level=warning msg="…"` otherwise."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from typing import TextIO


def write_warnings(messages: Iterable[str], stream: TextIO | None = None) -> None:
    """Print `messages` to `stream` (stderr by default) in logrus' text format, as v2 does."""
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
