"""The running part of `watch`: a file watcher feeding the debouncer, and a thread turning each batch into
actions (v2 `watchEvents` / `handleWatchBatch`). What the actions do to the project is the caller's
(`WatchActions`): this module only decides their order and the lines v2 prints around them.

watchdog is imported here, inside `FileWatcher.start`, so that only `watch` and `up --watch` pay for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from pycompose.errors import ComposeError
from pycompose.watch.debounce import QUIET_PERIOD, Debouncer
from pycompose.watch.rules import BatchPlan, ExecHook, PathMapping, Trigger, plan_batch, quoted_list, sync_message

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

Log = Callable[[str], None]
"""Where the watch lines go (v2's `#watch` log consumer): one line, no newline."""


class WatchActions(Protocol):
    """What a batch can ask of the project; each raises ComposeError when it fails."""

    def rebuild(self, services: tuple[str, ...], log: Log) -> None:
        """Build the services' images and recreate only their containers (prints its own lines)."""

    def sync(self, service: str, mappings: Sequence[PathMapping]) -> None:
        """Copy (or delete) the paths in every container of the service."""

    def restart(self, services: tuple[str, ...]) -> None:
        """Restart the services' containers."""

    def exec(self, service: str, hook: ExecHook) -> None:
        """Run the hook in every running container of the service (safe to call from several threads)."""


def handle_batch(plan: BatchPlan, actions: WatchActions, log: Log, warn: Log) -> None:
    """Rebuild, then sync, then restart, then exec, as v2 does; the first failure ends the batch with a
    warning (`Error handling changed files: …`) and watching goes on. The exec hooks of all services run at
    once (v2 starts them in one errgroup and waits for all): a slow hook does not hold back another service's."""
    try:
        if plan.rebuild:
            actions.rebuild(plan.rebuild, log)
        for service, mappings in plan.sync.items():
            log(sync_message(service, len(mappings)))
            actions.sync(service, mappings)
        if plan.restart:
            actions.restart(plan.restart)
            log(f"service(s) {quoted_list(plan.restart)} restarted")
        run_together([partial(actions.exec, service, hook) for service, hooks in plan.exec.items() for hook in hooks])
    except ComposeError as error:
        warn(f"Error handling changed files: {error}")


def run_together(calls: Sequence[Callable[[], None]]) -> None:
    """Run the calls in threads of their own (one alone in this thread) and wait for all; then raise the error
    that came first, if any (as an errgroup's `Wait`; the others are not cancelled). The threads are daemons,
    as the loop's own: Ctrl-C ends `watch` at once even while a hook runs (v2 cancels them)."""
    if len(calls) <= 1:
        for call in calls:
            call()
        return
    failed: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], None]) -> None:
        try:
            call()
        except BaseException as error:  # handed to the caller's thread, raised there
            with lock:
                failed.append(error)

    threads = [threading.Thread(target=run, args=(call,), name="pycompose-watch-exec", daemon=True)
               for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise failed[0]


def watch_roots(paths: Sequence[str]) -> list[tuple[str, bool]]:
    """(directory, recursive) to hand to the file watcher: a directory recursively; a file, or a path that does
    not exist yet, through its nearest existing parent alone. Nested directories are watched once."""
    roots: dict[str, bool] = {}
    for path in paths:
        if os.path.isdir(path):
            roots[path] = True
            continue
        parent = os.path.dirname(path)
        while parent and not os.path.isdir(parent) and parent != os.path.dirname(parent):
            parent = os.path.dirname(parent)
        roots.setdefault(parent, False)
    recursive = [root for root, deep in roots.items() if deep]
    out = []
    for root, deep in roots.items():
        covered = any(other != root and (root + os.sep).startswith(other.rstrip(os.sep) + os.sep)
                      for other in recursive)
        if not covered:
            out.append((root, deep))
    return sorted(out)


class FileWatcher:
    """watchdog's observer (inotify on Linux) handing every changed path to `on_path`, from its own thread.

    Directory "modified" events and open/close events are noise (a file's change is reported for the file);
    a move reports both its ends."""

    def __init__(self, paths: Sequence[str], on_path: Callable[[str], None]) -> None:
        self.paths = tuple(paths)
        self._on_path = on_path
        self._observer: BaseObserver | None = None

    def start(self) -> None:
        from watchdog.events import FileSystemEventHandler
        from watchdog.observers import Observer

        on_path = self._on_path
        wanted = {"created", "modified", "deleted", "moved"}

        class _Handler(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                if event.event_type not in wanted or (event.is_directory and event.event_type == "modified"):
                    return
                on_path(os.fsdecode(event.src_path))
                if event.event_type == "moved" and event.dest_path:
                    on_path(os.fsdecode(event.dest_path))

        observer = Observer()
        handler = _Handler()
        for root, recursive in watch_roots(self.paths):
            observer.schedule(handler, root, recursive=recursive)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def stop(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None


class WatchLoop:
    """Watches `paths` (default: the triggers') and handles each batch in a thread of its own until `stop()`.

    `batches` counts the batches handled (tests wait on it with `wait_batches`)."""

    def __init__(self, triggers: Sequence[Trigger], actions: WatchActions, log: Log, warn: Log, *,
                 paths: Sequence[str] | None = None, quiet: float = QUIET_PERIOD) -> None:
        self.triggers = tuple(triggers)
        self._actions = actions
        self._log = log
        self._warn = warn
        self._debouncer = Debouncer(quiet)
        self._stopped = threading.Event()
        watched = paths if paths is not None else [t.path for t in self.triggers]
        self._watcher = FileWatcher(tuple(dict.fromkeys(watched)), self._debouncer.add)
        self._thread = threading.Thread(target=self._run, name="pycompose-watch", daemon=True)
        self._handled = threading.Condition()
        self.batches = 0

    def start(self) -> None:
        self._watcher.start()
        self._thread.start()

    def stop(self, *, join: bool = True) -> None:
        """Stop watching; a batch being handled finishes first (the thread is joined, 30 s at most), unless
        `join` is false (Ctrl-C: the process is about to end, and the thread is a daemon)."""
        self._stopped.set()
        self._debouncer.wake()
        self._watcher.stop()
        if join and self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=30)

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped (True) or `timeout` passes (False)."""
        return self._stopped.wait(timeout)

    def wait_batches(self, count: int, timeout: float) -> bool:
        """Block until `count` batches in all have been handled; False on timeout."""
        with self._handled:
            return self._handled.wait_for(lambda: self.batches >= count, timeout)

    def _run(self) -> None:
        while not self._stopped.is_set():
            batch = self._debouncer.next_batch(self._stopped.is_set)
            if not batch:
                continue
            plan = plan_batch(batch, self.triggers)
            if plan:
                handle_batch(plan, self._actions, self._log, self._warn)
            with self._handled:
                self.batches += 1
                self._handled.notify_all()
