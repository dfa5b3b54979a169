"""The executor on FakeEngine: order along edges, skipped dependents, conditions, the parallel bound."""

from __future__ import annotations

import threading
import time
import traceback
from dataclasses import replace

import pytest

from pycompose import labels
from pycompose.bind import bind_project
from pycompose.engine.fake import FakeEngine
from pycompose.errors import OperationFailed
from pycompose.events import CollectingSink
from pycompose.executor import ExecutionContext, execute
from pycompose.graph import build_graph
from pycompose.loader.options import LoadedProject
from pycompose.model import Condition
from pycompose.plan import Action, ActionKind, Plan
from pycompose.planner.options import UpPlanOptions
from pycompose.planner.up import plan_up


def project(services: dict):
    body = {name: {"command": ["true"], "entrypoint": None, "image": "busybox:latest", "networks": {"default": None},
                   **extra} for name, extra in services.items()}
    config = {"name": "p", "networks": {"default": {"name": "p_default", "ipam": {}}}, "services": body}
    return bind_project(LoadedProject(name="p", working_dir="/w", config_files=("/w/c.yaml",), env_files=(),
                                      environment={}, config=config))


def up(proj, engine: FakeEngine, **context):
    observed = engine.observe("p", networks=("p_default",), images=("busybox:latest",))
    plan = plan_up(proj, observed, build_graph(proj), UpPlanOptions())
    sink = CollectingSink()
    execute(plan, ExecutionContext(project=proj, observed=observed, engine=engine, sink=sink, **context))
    return sink


def test_up_creates_labels_and_starts_in_dependency_order():
    proj = project({"web": {"depends_on": {"db": {"condition": "service_started", "required": True}}}, "db": {}})
    engine = FakeEngine()
    up(proj, engine)
    starts = [name for op, name in engine.calls if op == "start"]
    assert starts == ["p-db-1", "p-web-1"]
    web = engine.containers["p-web-1"]
    assert web.labels[labels.DEPENDS_ON] == "db:service_started:false"
    assert web.labels[labels.IMAGE] == "sha256:busybox"
    assert engine.networks["p_default"].labels[labels.NETWORK] == "default"


def test_failed_dependency_skips_dependents_but_not_independent_services():
    proj = project({
        "web": {"depends_on": {"init": {"condition": "service_completed_successfully", "required": True}}},
        "init": {}, "other": {},
    })
    engine = FakeEngine()
    engine.exit_codes["p-init-1"] = 3
    with pytest.raises(OperationFailed, match='service "init" didn\'t complete successfully: exit 3'):
        up(proj, engine)
    assert engine.containers["p-web-1"].state == "created"  # created, never started (as v2)
    assert engine.containers["p-other-1"].state == "running"


def test_unhealthy_dependency_and_missing_healthcheck_fail_with_v2_messages():
    proj = project({"web": {"depends_on": {"db": {"condition": "service_healthy", "required": True}}}, "db": {}})
    engine = FakeEngine()
    engine.health["p-db-1"] = "unhealthy"
    with pytest.raises(OperationFailed, match="dependency failed to start: container p-db-1 is unhealthy"):
        up(proj, engine)
    engine = FakeEngine()
    with pytest.raises(OperationFailed, match="container p-db-1 has no healthcheck configured"):
        up(proj, engine)


def test_optional_dependency_failure_is_a_warning():
    proj = project({"web": {"depends_on": {"db": {"condition": "service_healthy", "required": False}}}, "db": {}})
    engine = FakeEngine()
    engine.health["p-db-1"] = "unhealthy"
    sink = up(proj, engine)
    assert engine.containers["p-web-1"].state == "running"
    assert sink.warnings == ["dependency failed to start: container p-db-1 is unhealthy"]


class SlowEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.peak = 0
        self.guard = threading.Lock()

    def create_container(self, spec):
        with self.guard:
            self.active += 1
            self.peak = max(self.peak, self.active)
        time.sleep(0.05)
        try:
            return super().create_container(spec)
        finally:
            with self.guard:
                self.active -= 1


@pytest.mark.parametrize("limit, expected_peak", [(1, 1), (3, 3), (None, 8)])
def test_parallel_limit_bounds_concurrent_actions(limit, expected_peak):
    proj = project({f"s{i}": {} for i in range(8)})
    engine = SlowEngine()
    up(proj, engine, parallel=limit)
    assert engine.peak == expected_peak


def test_wait_timeout_gives_v2_message():
    proj = project({"db": {}})
    engine = FakeEngine()
    engine.health["p-db-1"] = "starting"
    observed = engine.observe("p", networks=("p_default",), images=("busybox:latest",))
    plan = plan_up(proj, observed, build_graph(proj), UpPlanOptions())
    execute(plan, ExecutionContext(project=proj, observed=observed, engine=engine, sink=CollectingSink()))
    wait = Plan(actions=(Action(id="w", kind=ActionKind.WAIT_CONTAINER, target="p-db-1", reason="--wait",
                                service="db", container_id=engine.containers["p-db-1"].id,
                                condition=Condition.HEALTHY),))
    with pytest.raises(OperationFailed, match="application not healthy after 0.2s"):
        execute(wait, ExecutionContext(project=proj, observed=engine.observe("p"), engine=engine,
                                       sink=CollectingSink(), wait_timeout=0.2))


class BrokenEngine(FakeEngine):
    """Starting `p-bug-1` hits a bug (not an engine refusal), after `delay` seconds; other containers behave."""

    delay = 0.0

    def start_container(self, container_id):
        if self._by_id(container_id).name == "p-bug-1":
            time.sleep(self.delay)
            raise RuntimeError("a bug in pycompose")
        return super().start_container(container_id)


def test_a_bug_in_an_action_propagates_as_itself_with_its_traceback():
    proj = project({"bug": {}, "web": {"depends_on": {"bug": {"condition": "service_started", "required": True}}},
                    "other": {}})
    engine = BrokenEngine()
    with pytest.raises(RuntimeError, match="a bug in pycompose") as raised:
        up(proj, engine)
    assert type(raised.value) is RuntimeError  # not an EngineError: a bug must look like a bug
    frames = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert "start_container" in frames
    assert "p-web-1" not in [name for op, name in engine.calls if op == "start"]


def test_a_bug_in_an_optional_dependency_is_not_turned_into_a_warning():
    proj = project({"bug": {}, "web": {"depends_on": {"bug": {"condition": "service_started", "required": False}}}})
    with pytest.raises(RuntimeError):
        up(proj, BrokenEngine())


def test_a_bug_stops_health_waits_instead_of_leaving_them_polling():
    proj = project({"db": {}, "bug": {}})
    engine = BrokenEngine()
    engine.delay = 0.3  # the wait is polling by then
    engine.health["p-db-1"] = "starting"  # never healthy, and no --wait-timeout
    observed = engine.observe("p", networks=("p_default",), images=("busybox:latest",))
    plan = plan_up(proj, observed, build_graph(proj), UpPlanOptions())
    start_db = next(a for a in plan.actions if a.kind is ActionKind.START_CONTAINER and a.target == "p-db-1")
    wait = Action(id="w", kind=ActionKind.WAIT_CONTAINER, target="p-db-1", reason="--wait", service="db",
                  condition=Condition.HEALTHY, after=(start_db.id,))
    sink = CollectingSink()
    began = time.monotonic()
    with pytest.raises(RuntimeError):
        execute(replace(plan, actions=(*plan.actions, wait)),
                ExecutionContext(project=proj, observed=observed, engine=engine, sink=sink))
    assert time.monotonic() - began < 3
    assert ("p-db-1", "Waiting") in [(e.name, e.status) for e in sink.events]
    assert ("p-db-1", "Error") not in [(e.name, e.status) for e in sink.events]  # a cancelled wait is no failure
