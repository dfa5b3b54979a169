"""A dry run's plan as plain progress lines; the events themselves are core (`pycompose.dryrun`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pycompose.dryrun import plan_events
from pycompose.presentation.plain import plain_line

if TYPE_CHECKING:
    from pycompose.plan import Plan

def plan_lines(plan: Plan) -> list[str]:
    """The plan as the plain progress of a dry run prints it."""
    return [plain_line(event, dry_run=True) for event in plan_events(plan)]
