"""What a dry run reports instead of executing: the plan as progress events, each action in the order it would
run, its verb as the status and its reason as the detail.

Core, not presentation: these are Events, which every sink renders (with v2's ` DRY-RUN MODE - ` prefix), e.g.
` DRY-RUN MODE -  Container p-web-1  Recreate: environment.DEBUG changed`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycompose.events import Event, EventSink, resource_of
from pycompose.plan import ActionKind

if TYPE_CHECKING:
    from pycompose.plan import Action, Plan


def plan_events(plan: Plan) -> list[Event]:
    """One event per action in execution order: its resource, the verb as status, the reason as detail."""
    return [Event(resource_of(action.kind), action.target, _verb(action), action.reason) for action in plan.ordered()]


def emit_plan(plan: Plan, sink: EventSink) -> None:
    """Report `plan` instead of running it: its warnings, then one event per action."""
    for message in plan.warnings:
        sink.warn(message)
    for event in plan_events(plan):
        sink.emit(event)


def is_planned(event: Event) -> bool:
    """Whether a dry run's event is a planned action (`Recreate`), not a fact (`Running`)."""
    return event.status.split(" ", 1)[0] in _VERBS


_VERBS = frozenset(kind.value.split()[0].capitalize() for kind in ActionKind)


def _verb(action: Action) -> str:
    """`recreate container` → `Recreate`; network (dis)connections name the network."""
    verb = action.kind.value.split()[0].capitalize()
    if action.key and verb in ("Connect", "Disconnect"):
        return f"{verb} {action.key}"
    return verb
