"""Progress events: the core emits them, presentation renders them (v2 `pkg/api/event.go`).

The core and the API never print: their default sink, `LoggingSink`, hands events to the `logging` module. The
renderings a command chooses (v2's plain lines, the live TTY view, JSON lines, quiet) live in
`pycompose.presentation.progress` and implement the same protocol.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pycompose.plan import ActionKind


@dataclass(frozen=True)
class Event:
    """Something happened to one resource: `resource` is Container, Network, Volume, Image or Provider (a
    `provider:` service, whose program's `info` messages come as status `Working` with the message as detail)."""

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


def engine_warning(service: str, text: str) -> Event:
    """What the engine says about a container it creates, shown under the service as v2 shows it
    (` web Your kernel does not support … discarded. `)."""
    return Event("Service", service, text, named_alone=True)


def resource_of(kind: ActionKind) -> str:
    """The resource an action's events name: Network, Volume, Image, Provider, else Container."""
    value = kind.value
    for word in ("network", "volume", "image", "provider"):
        if value.endswith(f" {word}"):
            return word.capitalize()
    return "Container"


class EventSink(Protocol):
    """Where the core reports progress and warnings."""

    def emit(self, event: Event) -> None: ...

    def warn(self, message: str) -> None: ...


class LoggingSink:
    """The library's default sink: nothing on the terminal unless the application asks for it.

    Events go to the `pycompose.events` logger at DEBUG (`Container p-web-1 Started`), warnings to the `pycompose`
    logger at WARNING, which Python prints to stderr when the application has configured no logging at all. The
    CLI and the pytest plugin choose their own sinks (`pycompose.presentation.progress`)."""

    def emit(self, event: Event) -> None:
        import logging

        logger = logging.getLogger("pycompose.events")
        if logger.isEnabledFor(logging.DEBUG):
            detail = f": {event.detail}" if event.detail else ""
            logger.debug("%s %s%s", event.id, event.status, detail)

    def warn(self, message: str) -> None:
        import logging

        logging.getLogger("pycompose").warning("%s", message)


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
