"""Progress output as v2's `--progress auto|tty|plain|json|quiet`: which sink, and the non-TTY sinks.

The live TTY view is `progress_tty.TtySink` (rich, imported only when it is chosen). Every sink implements
`EventSink` (`emit`, `warn`); `open_sink` is the one place that chooses among them.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TextIO

from pycompose.dryrun import is_planned
from pycompose.events import Event, EventSink
from pycompose.presentation.plain import PlainSink
from pycompose.presentation.warnings import write_warnings

MODES = ("auto", "tty", "plain", "json", "quiet")

WORKING, DONE, WARNING, ERROR, PLANNED = "working", "done", "warning", "error", "planned"
_WORKING_STATUSES = frozenset({
    "Creating", "Starting", "Waiting", "Restarting", "Stopping", "Killing", "Removing", "Recreate", "Building",
    "Pulling", "Downloading", "Exporting", "Copying", "Committing", "Configuring", "Working",
})
_WARNING_STATUSES = frozenset({"Interrupted", "Resource is still in use"})


def state_of(event: Event) -> str:
    """v2's EventStatus of an event, from its status text: working, done, warning or error."""
    if event.status == "Error":
        return ERROR
    if event.status in _WARNING_STATUSES or event.status.startswith("Skipped"):
        return WARNING
    return WORKING if event.status in _WORKING_STATUSES else DONE


def resolve_mode(progress: str | None, ansi: str | None, stream: TextIO,
                 environ: Mapping[str, str] | None = None) -> str:
    """The concrete mode (tty, plain, json or quiet) for `--progress`/`COMPOSE_PROGRESS` and `--ansi`, as v2.

    Raises:
        UsageError: an unknown mode, or `tty` with `--ansi never`, `plain` with `--ansi always`.
    """
    from pycompose.errors import UsageError

    environ = os.environ if environ is None else environ
    mode = progress or environ.get("COMPOSE_PROGRESS") or "auto"
    ansi = ansi or environ.get("COMPOSE_ANSI") or "auto"
    if mode == "none":
        mode = "quiet"
    if mode not in MODES:
        raise UsageError(f'unsupported --progress value "{mode}"')
    if ansi not in ("never", "always", "auto"):
        raise UsageError(f'invalid --ansi value "{ansi}": expected "never", "always" or "auto"')
    if mode == "tty" and ansi == "never":
        raise UsageError("can't use --progress tty while ANSI support is disabled")
    if mode == "plain" and ansi == "always":
        raise UsageError("can't use --progress plain while ANSI support is forced")
    if mode != "auto":
        return mode
    if ansi != "auto":
        return "tty" if ansi == "always" else "plain"
    isatty = getattr(stream, "isatty", None)
    return "tty" if isatty and isatty() else "plain"


@contextmanager
def open_sink(mode: str, *, title: str = "Running", dry_run: bool = False, stream: TextIO | None = None,
              environ: Mapping[str, str] | None = None) -> Iterator[EventSink]:
    """The sink of a resolved `mode` for one command; the live view runs for the duration of the block.

    A dry run on a TTY prints plain lines: there is nothing live to show in a plan.
    """
    stream = stream or sys.stderr
    environ = os.environ if environ is None else environ
    if mode == "quiet":
        yield QuietSink(stream)
    elif mode == "json":
        yield JsonSink(stream, dry_run=dry_run)
    elif mode == "tty" and not dry_run:
        from pycompose.presentation.progress_tty import TtySink, terminal_console

        # reaching tty means ANSI is allowed (resolve_mode); NO_COLOR keeps the view but drops colours, as v2
        with TtySink(terminal_console(stream, colour=not environ.get("NO_COLOR")), title=title) as sink:
            yield sink
    else:
        yield PlainSink(stream, dry_run=dry_run)


class QuietSink:
    """`--progress quiet`: no progress lines; warnings still reach stderr, as v2's logrus warnings do."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    def emit(self, event: Event) -> None:
        pass

    def warn(self, message: str) -> None:
        write_warnings([message], self._stream or sys.stderr)


class JsonSink:
    """`--progress json`: one JSON object per event on stderr; warnings as logrus' JSON formatter writes them.

    v2's fields (`dry-run` when set, `id`, `text` when set, `status`) come first; `resource`, `name`, `state`
    (working, done, warning, error; `planned` for a dry run's actions) and `time` (RFC 3339, UTC) are ours, for
    scripts."""

    def __init__(self, stream: TextIO | None = None, *, dry_run: bool = False,
                 clock=time.time) -> None:
        self._stream = stream
        self._dry_run = dry_run
        self._clock = clock
        self._lock = threading.Lock()

    def emit(self, event: Event) -> None:
        message: dict[str, object] = {"dry-run": True} if self._dry_run else {}
        message["id"] = event.id
        if event.detail:
            message["text"] = event.detail
        state = PLANNED if self._dry_run and is_planned(event) else state_of(event)
        message.update(status=event.status, resource=event.resource, name=event.name, state=state, time=self._now())
        self._write(message)

    def warn(self, message: str) -> None:
        self._write({"level": "warning", "msg": message, "time": self._now()})

    def _now(self) -> str:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._clock()))

    def _write(self, message: dict[str, object]) -> None:
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(json.dumps(message, ensure_ascii=False, separators=(",", ":")) + "\n")
            stream.flush()
