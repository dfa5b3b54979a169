"""Watching switched on and off while attached `up` runs: `up --watch`, and the `w` key of v2's navigation menu.

A `Watch` cannot be started again once stopped, so the switch makes a new one (with the caller's factory) each
time it is turned on. `watch_configured` is v2's test for offering the switch at all (`NewWatcher`: a service with
`develop.watch`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from pycompose.session import ProjectSource
from pycompose.session import project as bound_project

if TYPE_CHECKING:
    from pycompose.api.watch import Watch

WATCH_DISABLED = "Watch disabled"
"""What v2 logs (on the `#watch` line) when a watch it started is stopped."""


def watch_configured(source: ProjectSource, services: tuple[str, ...] = ()) -> bool:
    """Whether one of `services` (default: all) has a `develop.watch` section (or the legacy `x-develop`)."""
    project, _ = bound_project(source)
    selected = set(services or project.service_names())
    for service in project.services:
        if service.name not in selected:
            continue
        for key in ("develop", "x-develop"):
            section = service.config.get(key)
            if isinstance(section, Mapping) and section.get("watch") is not None:
                return True
    return False


class WatchSwitch:
    """On and off, from any thread. `start` raises what `Watch.start` raises (UsageError, ConfigError,
    EngineError) and leaves the switch off; `stop` logs v2's `Watch disabled` through `log` unless `quiet`."""

    def __init__(self, make: Callable[[], Watch], log: Callable[[str], None] | None = None) -> None:
        self._make = make
        self._log = log
        self._running: Watch | None = None
        self._lock = threading.Lock()

    @property
    def watching(self) -> bool:
        return self._running is not None

    def start(self) -> None:
        with self._lock:
            if self._running is None:
                self._running = self._make().start()

    def stop(self, *, quiet: bool = False) -> None:
        with self._lock:
            running, self._running = self._running, None
        if running is None:
            return
        running.stop()
        if not quiet and self._log is not None:
            self._log(WATCH_DISABLED)
