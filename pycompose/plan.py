"""Plan and Action: what the planner decided, each step with the reason a user can read.

A Plan is a DAG: an action runs once every action in its `after` has succeeded. The executor never decides; it
runs these. `render()` is deterministic (golden-string tests; v2 commit "Make plan.String() deterministic").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from pycompose.model import Condition


class ActionKind(str, Enum):
    """What an action does. Values are explicit so reordering cannot change them."""

    CREATE_NETWORK = "create network"
    REMOVE_NETWORK = "remove network"
    CREATE_VOLUME = "create volume"
    REMOVE_VOLUME = "remove volume"
    CREATE_CONTAINER = "create container"
    RECREATE_CONTAINER = "recreate container"
    RENAME_CONTAINER = "rename container"
    START_CONTAINER = "start container"
    STOP_CONTAINER = "stop container"
    RESTART_CONTAINER = "restart container"
    KILL_CONTAINER = "kill container"
    REMOVE_CONTAINER = "remove container"
    WAIT_CONTAINER = "wait container"
    CONNECT_NETWORK = "connect"
    DISCONNECT_NETWORK = "disconnect"
    REMOVE_IMAGE = "remove image"
    CREATE_PROVIDER = "create provider"
    """Run a `provider:` service's program with `up`."""
    REMOVE_PROVIDER = "remove provider"
    """Run a `provider:` service's program with `down`."""


@dataclass(frozen=True)
class Action:
    """One step. `id` is unique in its plan; `after` lists the ids that must have succeeded first."""

    id: str
    kind: ActionKind
    target: str
    """The engine name acted on (container, network, volume or image name)."""
    reason: str
    after: tuple[str, ...] = ()
    service: str | None = None
    number: int | None = None
    container_id: str | None = None
    """The existing container acted on (recreate, start, stop, kill, remove, wait)."""
    key: str | None = None
    """The project key of a network or volume."""
    condition: Condition | None = None
    """For waits: the state the container must reach."""
    required: bool = True
    """False: a failure is reported as a warning and does not skip the actions after it."""
    timeout: int | None = None
    """Stop/restart timeout in seconds (None: the container's own stop timeout)."""
    signal: str | None = None
    renew_anonymous_volumes: bool = False
    remove_volumes: bool = False
    dependent: str | None = None
    """For waits: the service that waits (for messages)."""


@dataclass(frozen=True)
class Plan:
    """The actions of one command, plus warnings the planner found (orphans, still-used resources)."""

    actions: tuple[Action, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.actions)

    def render(self) -> str:
        """One line per action in a stable topological order: `kind target: reason [after …]`."""
        by_id = {action.id: action for action in self.actions}
        lines = []
        for action in self.ordered():
            line = f"{action.kind.value} {action.target}: {action.reason}"
            if action.after:
                line += " [after " + ", ".join(sorted(by_id[a].id for a in action.after if a in by_id)) + "]"
            lines.append(line)
        return "\n".join(lines)

    def ordered(self) -> tuple[Action, ...]:
        """Actions so that each follows its `after`; among ready ones, by id (deterministic)."""
        done: set[str] = set()
        remaining = sorted(self.actions, key=lambda a: a.id)
        ordered: list[Action] = []
        known = {a.id for a in self.actions}
        while remaining:
            ready = [a for a in remaining if all(dep in done or dep not in known for dep in a.after)]
            if not ready:  # a cycle cannot be planned; keep the rest in id order rather than loop
                ordered.extend(remaining)
                break
            first = ready[0]
            ordered.append(first)
            done.add(first.id)
            remaining.remove(first)
        return tuple(ordered)
