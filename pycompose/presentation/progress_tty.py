"""The live TTY view of `--progress tty` (v2 `pkg/progress/tty.go`), drawn with rich.

```
[+] Running 1/2
 ✔ Container p-db-1   Started                                   0.4s
 ⠙ Container p-web-1  Starting                                  0.2s
```
One line per resource in order of first appearance, its spinner or mark, status and elapsed time; the header
counts the resources no longer working. The view starts with the first resource; leaving the `with` block draws
the last frame and shows the cursor, also on an error or Ctrl-C (still working lines then read `Interrupted`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, TextIO

from pycompose.events import Event
from pycompose.presentation.progress import DONE, ERROR, WARNING, WORKING, state_of

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
MARKS = {DONE: ("✔", "green"), WARNING: ("!", "bold yellow"), ERROR: ("✘", "bold red")}
STATUS_STYLE = {DONE: "green", WARNING: "bold yellow", ERROR: "bold red", WORKING: ""}


def terminal_console(stream: TextIO, *, colour: bool) -> Console:
    """A rich console on `stream` that draws as a terminal (the caller decided that it is one)."""
    from rich.console import Console

    return Console(file=stream, force_terminal=True, no_color=not colour, highlight=False, soft_wrap=False)


@dataclass
class _Row:
    event: Event
    started: float
    ended: float | None

    @property
    def state(self) -> str:
        return state_of(self.event)


class TtySink:
    """An EventSink that keeps one row per resource and redraws them ten times a second while open."""

    def __init__(self, console: Console, *, title: str = "Running", clock: Callable[[], float] = time.monotonic,
                 live: bool = True) -> None:
        self.console = console
        self.title = title
        self._clock = clock
        self._rows: dict[str, _Row] = {}
        self._lock = threading.RLock()
        self._live_enabled = live
        self._live = None

    # EventSink -------------------------------------------------------------------------------------------------

    def emit(self, event: Event) -> None:
        if not event.resource:  # a message about the whole command: above the view, as v2 prints it
            self._print(f"{event.name} {event.status}".rstrip())
            return
        now = self._clock()
        with self._lock:
            row = self._rows.get(event.id)
            working = state_of(event) == WORKING
            if row is None:
                self._rows[event.id] = _Row(event, now, None if working else now)
                self._start_live()
                return
            row.event = event
            row.ended = None if working else (row.ended if row.ended is not None else now)

    def warn(self, message: str) -> None:
        from rich.text import Text

        self._print(Text.assemble(("WARN", "yellow"), f"[0000] {message}"))

    # lifecycle -------------------------------------------------------------------------------------------------

    def __enter__(self) -> TtySink:
        return self

    def _start_live(self) -> None:
        """On the first resource, not before: a prompt (`rm`) or an early error leaves no empty view behind."""
        if self._live_enabled and self._live is None:
            from rich.live import Live

            self._live = Live(console=self.console, get_renderable=self.render, refresh_per_second=10,
                              transient=False, redirect_stdout=False, redirect_stderr=False)
            self._live.start()

    def __exit__(self, kind, error, traceback) -> None:
        if kind is not None:
            self.interrupt()
        if self._live is not None:
            self._live.stop()  # draws the last frame, shows the cursor again
            self._live = None

    def interrupt(self) -> None:
        """Freeze the rows still working: the command stopped before they finished."""
        now = self._clock()
        with self._lock:
            for row in self._rows.values():
                if row.state == WORKING:
                    row.event = replace(row.event, status="Interrupted")
                    row.ended = now

    # drawing ---------------------------------------------------------------------------------------------------

    def render(self) -> RenderableType:
        """The current frame: the header, then one line per resource."""
        from rich.table import Table
        from rich.text import Text

        now = self._clock()
        with self._lock:
            rows = list(self._rows.values())
        grid = Table.grid(expand=True)
        grid.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        grid.add_column(justify="right", no_wrap=True)
        done = sum(1 for row in rows if row.state != WORKING)
        header_style = "blue" if rows and done == len(rows) else ""
        grid.add_row(Text(f"[+] {self.title} {done}/{len(rows)}", style=header_style), "")
        width = max((len(row.event.id) for row in rows), default=0)
        for row in rows:
            grid.add_row(self._line(row, width, now), Text(f"{self._elapsed(row, now):.1f}s ", style="blue"))
        return grid

    def _line(self, row: _Row, width: int, now: float):
        from rich.text import Text

        state = row.state
        if state == WORKING:
            mark, style = SPINNER[int((now - row.started) * 10) % len(SPINNER)], "yellow"
        else:
            mark, style = MARKS[state]
        status = row.event.status + (f": {row.event.detail}" if row.event.detail else "")
        if row.event.resource == "Provider" and row.event.status in ("Working", "Error"):
            status = row.event.detail  # v2 shows a provider program's message as the status itself
        return Text.assemble(" ", (mark, style), " ", row.event.id.ljust(width), "  ",
                             (status, STATUS_STYLE[state]))

    @staticmethod
    def _elapsed(row: _Row, now: float) -> float:
        return (row.ended if row.ended is not None else now) - row.started

    def _print(self, renderable) -> None:
        # with a live view running, rich prints above it and redraws it below
        (self._live.console if self._live is not None else self.console).print(renderable, markup=False)
