"""A dry run's plan as events and lines: execution order, the action's verb, its reason."""

from __future__ import annotations

from pycompose.dryrun import emit_plan
from pycompose.events import CollectingSink
from pycompose.plan import Action, ActionKind, Plan
from pycompose.presentation.dryrun import plan_lines

PLAN = Plan(actions=(
    Action(id="start:p-web-1", kind=ActionKind.START_CONTAINER, target="p-web-1", reason="recreated",
           after=("recreate:p-web-1",)),
    Action(id="recreate:p-web-1", kind=ActionKind.RECREATE_CONTAINER, target="p-web-1",
           reason="environment.DEBUG changed", after=("create-network:p_front",)),
    Action(id="create-network:p_front", kind=ActionKind.CREATE_NETWORK, target="p_front", reason="not found"),
    Action(id="disconnect:p-db-1:p_back", kind=ActionKind.DISCONNECT_NETWORK, target="p-db-1",
           reason="network p_back is replaced", key="back"),
), warnings=("Found orphan containers ([p-old-1]) for this project.",))


def test_plan_lines_in_execution_order_with_reasons():
    assert plan_lines(PLAN) == [
        " DRY-RUN MODE -  Network p_front  Create: not found",
        " DRY-RUN MODE -  Container p-db-1  Disconnect back: network p_back is replaced",
        " DRY-RUN MODE -  Container p-web-1  Recreate: environment.DEBUG changed",
        " DRY-RUN MODE -  Container p-web-1  Start: recreated",
    ]


def test_emit_plan_warns_first_then_one_event_per_action():
    sink = CollectingSink()
    emit_plan(PLAN, sink)
    assert sink.warnings == list(PLAN.warnings)
    assert [(e.id, e.status, e.detail) for e in sink.events][2] == \
        ("Container p-web-1", "Recreate", "environment.DEBUG changed")
