"""Small output helpers shared by the commands: warnings in v2's log format, data to stdout."""

from __future__ import annotations

from pycompose.presentation.warnings import write_warnings as warn

__all__ = ["warn"]


def confirm(question: str) -> bool:
    """v2's answer reading: the question on stdout (no newline), one line read; `y` or a Go boolean is yes. On a
    terminal v2 shows it as its prompt library does: `? question (y/N) `."""
    import sys

    interactive = sys.stdin.isatty()
    sys.stdout.write(f"? {question} (y/N) " if interactive else question)
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    return answer in ("y", "1", "t", "true")
