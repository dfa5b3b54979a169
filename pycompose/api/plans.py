"""What the operations that change the project share: running a plan (or reporting it, in a dry run) and the lock
that serialises commands converging the same project."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.events import EventSink
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedState
    from pycompose.plan import Plan
    from pycompose.session import RunOptions


def run_plan(plan: Plan, project: ModelProject, observed: ObservedState, engine: Engine, sink: EventSink,
             run: RunOptions, environment: Mapping[str, str],
             wait_timeout: float | None = None) -> Mapping[str, Mapping[str, str]]:
    """Execute `plan`; in a dry run, report it as events instead.

    Returns what the `provider:` programs it ran set (`setenv`), by service (nothing in a dry run)."""
    if run.dry_run:
        from pycompose.dryrun import emit_plan

        emit_plan(plan, sink)
        return {}
    from pycompose.executor import ExecutionContext, execute
    from pycompose.session import parallel

    context = ExecutionContext(project=project, observed=observed, engine=engine, sink=sink,
                               parallel=parallel(run, environment), wait_timeout=wait_timeout)
    execute(plan, context)
    return context.provider_variables


def locked(engine: Engine, project: ModelProject) -> AbstractContextManager[object]:
    """Serialise commands that converge the same project on the same engine (see engine/lock.py)."""
    from pycompose.engine.lock import project_lock

    return project_lock(engine.host, project.name)


def truthy(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")
