"""v2's plain progress: one line per event (` Container p-web-1  Started`), for pipes and `--progress plain`."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from pycompose.events import Event
from pycompose.presentation.warnings import write_warnings

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
        with self._lock:
            write_warnings([message], self._stream or sys.stderr)

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
    elif event.resource == "Provider":  # v2: the service name, no text, the status text (or the program's message)
        shown = event.detail if event.status in ("Working", "Error") else (
            event.status + (f": {event.detail}" if event.detail else ""))
        line = f" {event.name}  {shown}"
    elif event.named_alone:  # v2: `id text statusText`; its status text is a layer's progress bar, or empty
        if event.status in ("Copying", "Copied"):  # `cp`: the copy is the text, the state its status
            line = f" {event.name} {event.detail} {event.status}"
        elif event.detail.startswith("["):
            line = f" {event.name} {event.status} {event.detail}"
        else:
            # v2 prints `id text statusText`: a failure's message is its status text, anything else is text
            # followed by the space before an empty status text
            line = (f" {event.name} {event.status} {event.detail}" if event.status in ("Error", "Warning")
                    and event.detail else
                    f" {event.name} {event.status}" + (f" {event.detail}" if event.detail else "") + " ")
    else:
        line = f" {event.resource} {event.name}  {event.status}"
        if event.detail:
            line += f": {event.detail}"
    return f"{DRY_RUN_PREFIX}{line}" if dry_run else line
