"""Whether a container has reached what a wait asks of it, and the one polling loop every wait uses.

Shared by the executor's waits (`depends_on` conditions, `up --wait`) and the API's `wait_healthy`, so both read
a container's state the same way and give up the same way (`application not healthy after Ns`, v2's words).
Callers word the failures: a dependency's unhealthy container is not the same story as a stack's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from pycompose.errors import OperationFailed
from pycompose.model import Condition
from pycompose.observed import ObservedContainer

POLL_SECONDS = 0.5
"""v2 polls every 500 ms (`waitDependencies`)."""

T = TypeVar("T")


class Verdict(Enum):
    READY = "ready"
    PENDING = "pending"
    EXITED = "exited"
    """Stopped: with a non-zero code where completion was asked, at all where running was."""
    UNHEALTHY = "unhealthy"
    NO_HEALTHCHECK = "no healthcheck"
    """Health was asked of a running container that has no healthcheck."""


def judge(container: ObservedContainer, condition: Condition) -> Verdict:
    """Where `container` stands with respect to a `depends_on` condition."""
    stopped = container.state in ("exited", "dead")
    if condition is Condition.COMPLETED_SUCCESSFULLY:
        if not stopped:
            return Verdict.PENDING
        return Verdict.READY if container.exit_code == 0 else Verdict.EXITED
    if stopped:
        return Verdict.EXITED
    if condition is Condition.HEALTHY:
        if container.health is None and container.state == "running":
            return Verdict.NO_HEALTHCHECK
        if container.health == "healthy":
            return Verdict.READY
        return Verdict.UNHEALTHY if container.health == "unhealthy" else Verdict.PENDING
    return Verdict.READY if container.state == "running" else Verdict.PENDING


def judge_settled(container: ObservedContainer) -> Verdict:
    """`wait_healthy`: running, and healthy where it has a healthcheck; a one-shot that exited 0 is done."""
    if container.state in ("exited", "dead"):
        return Verdict.READY if container.exit_code == 0 else Verdict.EXITED
    return judge(container, Condition.HEALTHY if container.health is not None else Condition.STARTED)


def poll(check: Callable[[], T | None], *, timeout: float | None, interval: float = POLL_SECONDS,
         deadline: float | None = None, clock: Callable[[], float] = time.monotonic,
         sleep: Callable[[float], None] = time.sleep) -> T:
    """Call `check` until it returns something other than None (it raises to give up), every `interval` seconds.

    `deadline` (on `clock`) defaults to `timeout` seconds from now; None and no timeout: no limit.

    Raises:
        OperationFailed: `application not healthy after {timeout}s` once the deadline has passed.
    """
    if deadline is None and timeout is not None:
        deadline = clock() + timeout
    while True:
        found = check()
        if found is not None:
            return found
        if deadline is not None and clock() >= deadline:
            raise OperationFailed(f"application not healthy after {timeout or 0:g}s")
        sleep(interval)
