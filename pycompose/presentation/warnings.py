"""Warnings as v2 prints them (logrus): `WARN[0000] msg` on a terminal, `time=… level=warning msg="…"` otherwise."""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Iterable
from typing import TextIO

from pycompose.gofmt import go_quote

_PLAIN = re.compile(r"[A-Za-z0-9\-._/@^+]+")
"""What logrus' text formatter prints unquoted (its `needsQuoting`)."""


def write_warnings(messages: Iterable[str], stream: TextIO | None = None) -> None:
    """Print `messages` to `stream` (stderr by default) in logrus' text format, as v2 does."""
    out = stream or sys.stderr
    tty = out.isatty()
    for message in messages:
        if tty:
            message = message[:-1] if message.endswith("\n") else message  # logrus drops one, on a terminal
            out.write(f"WARN[0000] {message}\n")
        else:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
            value = message if _PLAIN.fullmatch(message) else go_quote(message)
            out.write(f'time="{stamp}" level=warning msg={value}\n')
    out.flush()
