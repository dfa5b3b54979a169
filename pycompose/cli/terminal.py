"""The terminal of an interactive `exec`: its size, and raw mode while the command runs (an `api` Terminal)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import IO


class Terminal:
    """The terminal `stdin` reads from and `stdout` writes to."""

    def __init__(self, stdin: IO[bytes] | None, stdout: IO[bytes] | None) -> None:
        self.stdin = stdin
        self.stdout = stdout

    def size(self) -> tuple[int, int] | None:
        """(lines, columns) of the terminal `stdout` writes to (else of fd 1); None when there is none."""
        fileno = _fileno(self.stdout)
        try:
            size = os.get_terminal_size(fileno if fileno is not None else 1)
        except (OSError, ValueError):  # a terminal size is a nicety; the command runs without one
            return None
        return size.lines, size.columns

    @contextlib.contextmanager
    def raw(self) -> Iterator[None]:
        """Raw mode on a terminal stdin for the block, restored afterwards (nothing for a pipe or file)."""
        fileno = _fileno(self.stdin)
        if fileno is None or not os.isatty(fileno):
            yield
            return
        import termios
        import tty

        saved = termios.tcgetattr(fileno)
        tty.setraw(fileno)
        try:
            yield
        finally:
            termios.tcsetattr(fileno, termios.TCSADRAIN, saved)


def _fileno(stream: IO[bytes] | None) -> int | None:
    if stream is None:
        return None
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None
