"""Progress events: the core emits them, presentation renders them (v2 `pkg/api/event.go`).

The plain sink writes v2's plain-progress wording (` Container p-web-1  Started`) to stderr; the other renderings
(live TTY view, JSON lines, quiet) live in `pycompose.presentation.progress` and implement the same protocol.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from pycompose.plan import ActionKind


@dataclass(frozen=True)
class Event:
    """Something happened to one resource: `resource` is Container, Network, Volume or Image."""

    resource: str
    name: str
    status: str
    """v2's status text: Creating, Created, Starting, Started, Running, Error…"""
    detail: str = ""
    """Why, or what went wrong (an error message; in a dry run, the planned action's reason)."""
    named_alone: bool = False
    """v2 names this resource by its name alone and shows the status as text: pulls (` web Pulling `,
    ` web Skipped - Image is already present locally `) and their layers (` 9ad63333ebc9 Pull complete `)."""

    @property
    def id(self) -> str:
        """v2's event id: `Container p-web-1` (a pull's: `web`)."""
        return f"{self.resource} {self.name}" if self.resource and not self.named_alone else self.name


def resource_of(kind: ActionKind) -> str:
    """The resource an action's events name: Network, Volume, Image, else Container."""
    value = kind.value
    for word in ("network", "volume", "image"):
        if value.endswith(f" {word}"):
            return word.capitalize()
    return "Container"


class EventSink(Protocol):
    """Where the core reports progress and warnings."""

    def emit(self, event: Event) -> None: ...

    def warn(self, message: str) -> None: ...


DRY_RUN_PREFIX = " DRY-RUN MODE - "
"""v2's `api.DRYRUN_PREFIX`: every progress line of a dry run starts with it."""


class PlainSink:
    """v2's plain progress: one line per event on a stream (stderr by default); thread-safe.

    `dry_run` prefixes every line as v2 does (` DRY-RUN MODE -  Container p-web-1  Recreate`)."""

    def __init__(self, stream: TextIO | None = None, *, dry_run: bool = False) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self.dry_run = dry_run

    def emit(self, event: Event) -> None:
        self._write(plain_line(event, dry_run=self.dry_run) + "\n")

    def warn(self, message: str) -> None:
        from pycompose.cli.output import warn

        with self._lock:
            warn([message], self._stream or sys.stderr)

    def _write(self, text: str) -> None:
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(text)
            stream.flush()


def plain_line(event: Event, *, dry_run: bool = False) -> str:
    """One event as v2's plain writer prints it; a detail follows the status after a colon."""
    if not event.resource:  # a message about the whole command ("Gracefully Stopping...")
        line = f"{event.name} {event.status}".rstrip()
    elif event.status == "Building" and event.detail:  # the builder's own output, as it prints it
        line = event.detail
    elif event.named_alone:  # v2: `id text statusText`; its status text is a layer's progress bar, or empty
        if event.detail.startswith("["):
            line = f" {event.name} {event.status} {event.detail}"
        else:
            line = f" {event.name} {event.status}" + (f" {event.detail}" if event.detail else "") + " "
    else:
        line = f" {event.resource} {event.name}  {event.status}"
        if event.detail:
            line += f": {event.detail}"
    return f"{DRY_RUN_PREFIX}{line}" if dry_run else line


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
