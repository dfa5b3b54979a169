"""A dry run's plan as plain progress lines. The events themselves are core (`pycompose.dryrun`), re-exported here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycompose.dryrun import emit_plan, is_planned, plan_events
from pycompose.presentation.plain import plain_line

if TYPE_CHECKING:
    from pycompose.plan import Plan

__all__ = ["emit_plan", "is_planned", "plan_events", "plan_lines"]


def plan_lines(plan: Plan) -> list[str]:
    """The plan as the plain progress of a dry run prints it."""
    return [plain_line(event, dry_run=True) for event in plan_events(plan)]
