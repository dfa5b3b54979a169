"""Progress events: the core emits them, presentation renders them (v2 `pkg/api/event.go`).

The plain sink writes v2's plain-progress wording (` Container p-web-1  Started`) to stderr; a rich TTY view can
implement the same two-method protocol later.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Protocol, TextIO


@dataclass(frozen=True)
class Event:
    """Something happened to one resource: `resource` is Container, Network, Volume or Image."""

    resource: str
    name: str
    status: str
    detail: str = ""


class EventSink(Protocol):
    """Where the core reports progress and warnings."""

    def emit(self, event: Event) -> None: ...

    def warn(self, message: str) -> None: ...


class PlainSink:
    """v2's plain progress: one line per event on a stream (stderr by default); thread-safe."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()

    def emit(self, event: Event) -> None:
        if not event.resource:  # a message about the whole command ("Gracefully Stopping...")
            self._write(f"{event.name} {event.status}".rstrip() + "\n")
            return
        line = f" {event.resource} {event.name}  {event.status}"
        if event.detail:
            line += f" {event.detail}"
        self._write(line + "\n")

    def warn(self, message: str) -> None:
        from pycompose.cli.output import warn

        with self._lock:
            warn([message], self._stream or sys.stderr)

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(text)
            stream.flush()


class CollectingSink:
    """Keeps every event and warning in memory (tests, API callers that render later)."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    def emit(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)

    def warn(self, message: str) -> None:
        with self._lock:
            self.warnings.append(message)

    def lines(self) -> list[str]:
        return [f"{e.resource} {e.name} {e.status}" for e in self.events]
