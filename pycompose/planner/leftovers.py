"""Leftovers of a killed recreate: replacement containers still under their temporary name.

A recreate creates the replacement as `<old id[:12]>_<name>`, stops and removes the old container, then renames
the replacement (v2 `recreateContainer`). A run killed in between leaves, for one replica:

- the old container and the replacement: the replacement was never started and is removed; the old one is
  planned like any other (recreated again if it still differs, started if it was stopped);
- only the replacement: the old one is gone, so the replacement takes the final name and is planned as that
  replica (started if it is not running).

Leftovers of several killed runs (`<id>_<id>_<name>`, as earlier versions and v2 leave them) are recognised too;
the newest takes the name, the others are removed. Pure: values in, actions and the adjusted snapshot out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from pycompose.model import Project
from pycompose.observed import ObservedContainer, ObservedState
from pycompose.plan import Action, ActionKind
from pycompose.planner import ids

_TEMPORARY_PREFIX = re.compile(r"(?:[0-9A-Za-z]+_)+")
"""One `<id>_` per killed recreate. The engine's ids are hex; any word is accepted (the fake's ids are not hex):
only a container that carries the project's service and number labels and ends in `_<its final name>` is
considered, which no other path creates."""


@dataclass(frozen=True)
class Leftovers:
    """What to do about temporary names before anything else, and the snapshot the rest is planned on."""

    actions: tuple[Action, ...]
    observed: ObservedState
    """The snapshot as it will be once `actions` ran: renamed containers under their final name, removed ones
    gone."""
    after: dict[str, tuple[str, ...]]
    """Final container name → the leftover actions every other action on that name must follow."""


def final_name(project: Project, container: ObservedContainer) -> str | None:
    """The final name of a container left under a temporary name, or None when its name is not temporary."""
    if container.oneoff or container.service not in project.service_names():
        return None
    final = project.container_name(project.service(container.service), container.number)
    prefix = container.name[: -len(final) - 1] + "_" if container.name.endswith("_" + final) else ""
    if not prefix or not _TEMPORARY_PREFIX.fullmatch(prefix):
        return None
    return final


def plan_leftovers(project: Project, observed: ObservedState, *, timeout: int | None) -> Leftovers:
    """Rename or remove every container under a temporary name (see the module docstring)."""
    by_final: dict[str, list[ObservedContainer]] = {}
    for container in observed.containers:
        final = final_name(project, container)
        if final is not None:
            by_final.setdefault(final, []).append(container)
    if not by_final:
        return Leftovers((), observed, {})
    names = {c.name for c in observed.containers}
    actions: list[Action] = []
    after: dict[str, tuple[str, ...]] = {}
    dropped: set[str] = set()
    renamed: dict[str, str] = {}  # container id → final name
    for final, temporaries in sorted(by_final.items()):
        temporaries.sort(key=lambda c: (-c.created, c.name))
        keep = None if final in names else temporaries[0]
        own: list[str] = []
        for container in temporaries:
            if container is keep:
                action = Action(id=ids.rename(container.name), kind=ActionKind.RENAME_CONTAINER, target=final,
                                reason=f"replacement left as {container.name}", service=container.service,
                                number=container.number, container_id=container.id)
                actions.append(action)
                own.append(action.id)
                renamed[container.id] = final
                continue
            own.extend(_removal(container, final, timeout, actions))
            dropped.add(container.id)
        after[final] = tuple(own)
    containers = tuple(
        replace(c, name=renamed[c.id]) if c.id in renamed else c for c in observed.containers if c.id not in dropped
    )
    return Leftovers(tuple(actions), replace(observed, containers=containers), after)


def _removal(container: ObservedContainer, final: str, timeout: int | None, actions: list[Action]) -> list[str]:
    reason = f"unfinished replacement of {final}"
    own = []
    stop_after: tuple[str, ...] = ()
    if container.running:  # never started by a recreate; stopped without hooks all the same
        stop = Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                      reason=reason, container_id=container.id, timeout=timeout)
        actions.append(stop)
        own.append(stop.id)
        stop_after = (stop.id,)
    remove = Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER, target=container.name,
                    reason=reason, after=stop_after, container_id=container.id)
    actions.append(remove)
    own.append(remove.id)
    return own


def follow_leftovers(actions: list[Action], leftovers: Leftovers) -> list[Action]:
    """Every planned action on a final name, or on a renamed container, runs after that name's leftovers."""
    if not leftovers.actions:
        return actions
    own_ids = {a.id for a in leftovers.actions}
    renamed_ids = {a.container_id: a.target for a in leftovers.actions if a.kind is ActionKind.RENAME_CONTAINER}
    result = []
    for action in actions:
        if action.id in own_ids:
            result.append(action)
            continue
        name = renamed_ids.get(action.container_id) or action.target
        extra = tuple(a for a in leftovers.after.get(name, ()) if a not in action.after)
        result.append(replace(action, after=action.after + extra) if extra else action)
    return result
