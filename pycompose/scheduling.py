"""run_jobs: run callables along their dependencies in a bounded thread pool (plans, builds, pulls, pushes).

Invariants:
- a job starts only once every job it waits for (among those given) has succeeded; when several are ready they
  start in the order the jobs were given;
- a job that waits for a failed or skipped job is skipped, never started; independent jobs carry on;
- with `stop_on_failure`, no job starts after the first failure (those running finish, the rest are skipped);
- a ComposeError is collected, in the order failures happen; raising the first one is the caller's choice;
- any other exception is a bug and must look like one: nothing new starts, `cancelled` is set so cooperative
  jobs stop waiting, the running jobs finish, and the exception is re-raised unchanged (same object, traceback);
- a KeyboardInterrupt (or any exception) in the waiting thread: nothing new starts, `cancelled` is set and it
  propagates at once, without waiting for the running jobs (threads cannot be stopped; they finish on their own).
  A KeyboardInterrupt comes out as `errors.Interrupted` (still a KeyboardInterrupt) naming the jobs under way and
  those never started, so the CLI can say in one line what was left half-done.
  The wait wakes up every WAKE_SECONDS, so Ctrl-C is seen promptly even where a plain lock wait would not be.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Hashable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from pycompose.errors import ComposeError, Interrupted

if TYPE_CHECKING:
    from concurrent.futures import Future

K = TypeVar("K", bound=Hashable)

UNBOUNDED_WORKERS = 64
"""Threads when no limit is set (`--parallel -1`, COMPOSE_PARALLEL_LIMIT unset): v2 is unbounded too."""
WAKE_SECONDS = 0.2


class Cancelled(Exception):
    """Raised by a job that saw `cancelled` set: it counts as skipped, neither an error nor a bug."""


@dataclass(frozen=True)
class Job(Generic[K]):
    key: K
    run: Callable[[], object]
    after: Collection[K] = ()
    """Keys of the jobs this one waits for; keys that are not among the jobs given count as done."""
    finish_when_interrupted: bool = False
    """Once started, let it finish when the run is interrupted: a sequence of engine calls that would leave a
    half-made object if the process ended half-way (a recreate: the new container under a temporary name until
    the old one is gone). Named in `Interrupted.finishing`, and the CLI waits for it before it exits. Jobs that
    wait cooperatively (on `cancelled`) or whose engine call the engine cancels when its connection closes (a
    build, a pull) leave it False."""


@dataclass
class Outcome(Generic[K]):
    results: dict[K, object] = field(default_factory=dict)
    """What each successful job returned."""
    errors: list[tuple[K, ComposeError]] = field(default_factory=list)
    """The failed jobs, in the order they failed."""
    skipped: list[K] = field(default_factory=list)
    """Never run (or cancelled): a job they wait for failed or was skipped, or `stop_on_failure` stopped them."""
    blocked: list[K] = field(default_factory=list)
    """Never run because they wait for one another (a cycle), nothing having failed."""

    def raise_first(self) -> None:
        """Raise the first failure, if any."""
        if self.errors:
            raise self.errors[0][1]


def workers(limit: int | None, jobs: int) -> int:
    """Threads for `jobs` jobs under `limit` (None, 0 or negative: unbounded)."""
    bound = limit if limit is not None and limit > 0 else UNBOUNDED_WORKERS
    return max(1, min(bound, jobs))


def run_jobs(jobs: Iterable[Job[K]], *, limit: int | None = None, stop_on_failure: bool = False,
             cancelled: threading.Event | None = None) -> Outcome[K]:
    """Run `jobs`, at most `limit` at once, each after the jobs it waits for; see the module docstring.

    Raises:
        ValueError: two jobs share a key.
        Exception: whatever a job raised that is not a ComposeError (a bug), unchanged.
    """
    waiting = list(jobs)
    keys = {job.key for job in waiting}
    if len(keys) != len(waiting):
        raise ValueError("run_jobs: duplicate job keys")
    outcome: Outcome[K] = Outcome()
    if not waiting:
        return outcome
    cancelled = cancelled or threading.Event()
    succeeded: set[K] = set()
    failed: set[K] = set()  # failed or skipped: what its dependents are skipped for
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait  # not needed when there is no job

    running: dict[Future, K] = {}
    finishing = {job.key for job in waiting if job.finish_when_interrupted}
    bug: BaseException | None = None
    pool = ThreadPoolExecutor(max_workers=workers(limit, len(waiting)), thread_name_prefix="pycompose")
    try:
        while waiting or running:
            if bug is None and not (stop_on_failure and outcome.errors):
                for job in _ready(waiting, keys, succeeded, failed, outcome):
                    running[pool.submit(job.run)] = job.key
            if not running:
                break
            finished, _ = wait(running, timeout=WAKE_SECONDS, return_when=FIRST_COMPLETED)
            for future in finished:
                key = running.pop(future)
                error = None if future.cancelled() else future.exception()
                if future.cancelled() or isinstance(error, Cancelled):
                    failed.add(key)
                    outcome.skipped.append(key)
                elif error is None:
                    succeeded.add(key)
                    outcome.results[key] = future.result()
                elif isinstance(error, ComposeError):
                    failed.add(key)
                    outcome.errors.append((key, error))
                else:
                    failed.add(key)
                    if bug is None:
                        bug = error
                        cancelled.set()
                        for other in running:
                            other.cancel()  # only those not started yet
    except KeyboardInterrupt as interrupt:
        cancelled.set()
        pool.shutdown(wait=False, cancel_futures=True)
        if isinstance(interrupt, Interrupted):  # from a nested run: it already says what it left
            raise
        not_started = [job.key for job in waiting] + [key for future, key in running.items() if future.cancelled()]
        under_way = [key for future, key in running.items() if not future.cancelled()]
        raise Interrupted(_named(under_way), _named(not_started),
                          finishing=_named([key for key in under_way if key in finishing])) from interrupt
    except BaseException:
        cancelled.set()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if bug is not None:
        raise bug
    left = [job.key for job in waiting]
    if outcome.errors or cancelled.is_set():
        outcome.skipped.extend(left)
    else:
        outcome.blocked.extend(left)
    return outcome


def _ready(waiting: list[Job[K]], keys: set[K], succeeded: set[K], failed: set[K], outcome: Outcome[K]) -> list[Job[K]]:
    """Take the jobs that can start off `waiting` (in order); skip, until nothing changes, those that never will."""
    ready: list[Job[K]] = []
    changed = True
    while changed:
        changed = False
        for job in list(waiting):
            needed = [key for key in job.after if key in keys and key != job.key]
            if any(key in failed for key in needed):
                waiting.remove(job)
                failed.add(job.key)
                outcome.skipped.append(job.key)
                changed = True
            elif all(key in succeeded for key in needed):
                waiting.remove(job)
                ready.append(job)
    return ready


def _named(keys: list[K]) -> tuple[str, ...]:
    """Keys as an interrupted run names them: text keys (plan action ids) as they are, the others counted."""
    names = [key for key in keys if isinstance(key, str)]
    others = len(keys) - len(names)
    if others:
        names.append(f"{others} job" + ("s" if others > 1 else ""))
    return tuple(names)
