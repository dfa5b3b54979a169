"""v2's batching of file events (`pkg/watch/debounce.go`): paths are gathered, each once, until a quiet period
passes without a new one; then the batch goes out whole, so an editor saving many files makes one batch."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

QUIET_PERIOD = 0.5
"""Seconds without a new event before a batch goes out (v2 `QuietPeriod`)."""


class Debouncer:
    """Thread-safe: the watcher's thread adds paths, the loop's thread takes batches."""

    def __init__(self, quiet: float = QUIET_PERIOD, clock: Callable[[], float] = time.monotonic) -> None:
        self.quiet = quiet
        self._clock = clock
        self._paths: dict[str, None] = {}
        self._last = 0.0
        self._changed = threading.Condition()

    def add(self, path: str) -> None:
        with self._changed:
            self._paths[path] = None
            self._last = self._clock()
            self._changed.notify_all()

    def due_in(self) -> float | None:
        """Seconds until the pending batch is due (0: now); None when nothing is pending."""
        with self._changed:
            if not self._paths:
                return None
            return max(0.0, self._last + self.quiet - self._clock())

    def take(self) -> list[str]:
        """The pending paths if the quiet period has passed (in the order first seen), else []."""
        with self._changed:
            if not self._paths or self._clock() < self._last + self.quiet:
                return []
            batch = list(self._paths)
            self._paths = {}
            return batch

    def wait(self, timeout: float) -> None:
        """Sleep until a path arrives or `timeout` passes (what the loop does when nothing is pending)."""
        with self._changed:
            if not self._paths:
                self._changed.wait(timeout)

    def next_batch(self, stopped: Callable[[], bool], poll: float = 0.1) -> list[str]:
        """Block until a batch is due; [] once `stopped()` is true."""
        while not stopped():
            due = self.due_in()
            if due is None:
                self.wait(poll)
                continue
            if due > 0:
                time.sleep(min(due, poll))
                continue
            batch = self.take()
            if batch:
                return batch
        return []

    def wake(self) -> None:
        """Wake a waiting `next_batch` (to stop it promptly)."""
        with self._changed:
            self._changed.notify_all()
