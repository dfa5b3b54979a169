"""Small output helpers shared by the commands: warnings in v2's log format, data to stdout."""

from __future__ import annotations

from pycompose.presentation.warnings import write_warnings as warn

__all__ = ["warn"]
