"""Orphans: containers of the project whose service is neither enabled nor disabled by a profile (v2
`isOrphaned`), plus exited one-offs."""

from __future__ import annotations

from pycompose.model import Project
from pycompose.observed import ObservedContainer, ObservedState
from pycompose.plan import Action, ActionKind
from pycompose.planner import ids


def find_orphans(project: Project, observed: ObservedState) -> tuple[ObservedContainer, ...]:
    """Containers of the project that no service of the compose file (enabled or not) accounts for."""
    known = set(project.service_names()) | set(project.disabled_services)
    return tuple(
        sorted(
            (
                c
                for c in observed.containers
                if (c.oneoff and not c.running) or (not c.oneoff and c.service not in known)
            ),
            key=lambda c: c.name,
        )
    )


def orphan_warning(orphans: tuple[ObservedContainer, ...]) -> str:
    names = " ".join(c.name for c in orphans)
    return (
        f"Found orphan containers ([{names}]) for this project. If you removed or renamed this service in your "
        "compose file, you can run this command with the --remove-orphans flag to clean it up."
    )


def plan_orphan_removal(orphans: tuple[ObservedContainer, ...], *, timeout: int | None) -> list[Action]:
    """Stop (when running) then remove each orphan; orphans have no known dependencies, so all run in parallel."""
    actions: list[Action] = []
    for container in orphans:
        after: tuple[str, ...] = ()
        if container.running:
            actions.append(Action(id=ids.stop(container.name), kind=ActionKind.STOP_CONTAINER, target=container.name,
                                  reason="orphan", service=container.service, container_id=container.id,
                                  timeout=timeout))
            after = (ids.stop(container.name),)
        actions.append(Action(id=ids.remove(container.name), kind=ActionKind.REMOVE_CONTAINER, target=container.name,
                              reason="orphan", after=after, service=container.service, container_id=container.id))
    return actions
