"""Fault injection for killed-run tests: an Engine wrapper that SIGKILLs its own process after the N-th change.

Set `PYCOMPOSE_FAULT_KILL_AFTER=N` (N ≥ 1) and the process dies, as under `kill -9`, right after the N-th engine
call that changes something (create, start, stop, remove, rename, connect… — every call that is not a read)
returned. `PYCOMPOSE_FAULT_LOG=PATH` appends one line per such call (`<n> <method> <first argument>`) before
it is made, so a test can count the calls of a run and then kill it after each one in turn. Neither variable set:
`session.engine_of` does not wrap the engine at all. For tests only; nothing here is public.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Mapping
from typing import Any

KILL_AFTER = "PYCOMPOSE_FAULT_KILL_AFTER"
LOG = "PYCOMPOSE_FAULT_LOG"

MUTATING = frozenset({
    "create_network", "remove_network", "create_volume", "remove_volume", "connect_network", "disconnect_network",
    "create_container", "start_container", "stop_container", "restart_container", "kill_container",
    "remove_container", "rename_container", "put_archive", "exec_container", "pause_container",
    "unpause_container", "commit_container", "remove_image", "build_image", "pull_image", "push_image",
})
"""The port's methods that change the engine's state (reads are never counted)."""


def wanted(environ: Mapping[str, str]) -> bool:
    """Whether `environ` asks for fault injection."""
    return bool(environ.get(KILL_AFTER) or environ.get(LOG))


class FaultyEngine:
    """Delegates every attribute to `engine`; counts the mutating calls, logs them, and kills the process after
    the `kill_after`-th one (None: never). Calls from several executor threads are counted once each, in the
    order they return."""

    def __init__(self, engine: Any, *, kill_after: int | None, log: str | None,
                 kill: Callable[[], None] | None = None) -> None:
        self._engine = engine
        self._kill_after = kill_after
        self._log = log
        self._kill = kill or _sigkill_self
        self._lock = threading.Lock()
        self._started = 0
        self._returned = 0

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._engine, name)
        if name not in MUTATING or not callable(attribute):
            return attribute

        def counted(*args: Any, **kwargs: Any) -> Any:
            with self._lock:
                self._started += 1
                if self._log:
                    with open(self._log, "a", encoding="utf-8") as handle:
                        handle.write(f"{self._started} {name} {_describe(args)}\n")
            result = attribute(*args, **kwargs)
            with self._lock:
                self._returned += 1
                if self._kill_after is not None and self._returned >= self._kill_after:
                    self._kill()
            return result

        return counted


def wrap(engine: Any, environ: Mapping[str, str]) -> Any:
    """`engine` wrapped as the variables ask (see the module docstring)."""
    raw = environ.get(KILL_AFTER) or ""
    kill_after = int(raw) if raw.isdigit() and int(raw) > 0 else None
    return FaultyEngine(engine, kill_after=kill_after, log=environ.get(LOG) or None)


def _describe(args: tuple[Any, ...]) -> str:
    if not args:
        return "-"
    first = args[0]
    return str(getattr(first, "name", first))


def _sigkill_self() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
