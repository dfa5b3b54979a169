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
    with pytest.raises(OperationFailed, match="^dependency failed to start: container p-db-1 is unhealthy$"):
        up(proj, engine)
    engine = FakeEngine()
    with pytest.raises(OperationFailed,
                       match="^dependency failed to start: container p-db-1 has no healthcheck configured$"):
        up(proj, engine)


def test_wait_failures_are_the_bare_reason_as_v2_says_them():
    proj = project({"db": {"healthcheck": {"test": ["CMD", "true"]}}})
    engine = FakeEngine()
    engine.health["p-db-1"] = "unhealthy"
    with pytest.raises(OperationFailed, match="^container p-db-1 is unhealthy$"):
        up_with(proj, engine, wait=True)


def test_optional_dependency_failure_is_a_warning():
    proj = project({"web": {"depends_on": {"db": {"condition": "service_healthy", "required": False}}}, "db": {}})
    engine = FakeEngine()
    engine.health["p-db-1"] = "unhealthy"
    sink = up(proj, engine)
    assert engine.containers["p-web-1"].state == "running"
    assert sink.warnings == ['optional dependency "db" failed to start: container p-db-1 is unhealthy']


class SlowEngine(FakeEngine):
    def __init__(self) -> None:
        super().__init__()
        self.active = 0
        self.peak = 0
        self.guard = threading.Lock()

    def create_container(self, spec, warn=None):
        with self.guard:
            self.active += 1
            self.peak = max(self.peak, self.active)
        time.sleep(0.05)
        try:
            return super().create_container(spec, warn)
        finally:
            with self.guard:
                self.active -= 1


@pytest.mark.serial  # the peak is observed with sleeps: under the parallel engine tests' load it can fall short
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


def up_with(proj, engine, *, parallel: int | None = None, **options):
    observed = engine.observe("p", networks=("p_default",), images=("busybox:latest",))
    plan = plan_up(proj, observed, build_graph(proj), UpPlanOptions(**options))
    execute(plan, ExecutionContext(project=proj, observed=observed, engine=engine, sink=CollectingSink(),
                                   parallel=parallel))
    return plan


def test_recreated_container_gets_v2_aliases_and_replace_label():
    from pycompose.planner.options import RecreatePolicy

    proj = project({"web": {}})
    engine = FakeEngine()
    up(proj, engine)
    old_id = engine.containers["p-web-1"].id
    up_with(proj, engine, recreate=RecreatePolicy.FORCE)
    temporary = f"{old_id[:12]}_p-web-1"
    spec = engine.specs[temporary]  # created under the temporary name…
    assert spec.name == temporary
    assert spec.networks[0].endpoint["Aliases"] == ["p-web-1", "web"]  # …with the final name's aliases
    assert spec.body["Labels"][labels.REPLACE] == "web-1"
    assert list(engine.containers) == ["p-web-1"]
    assert engine.containers["p-web-1"].state == "running"


def test_replace_label_of_a_named_container_is_its_container_name():
    from pycompose.planner.options import RecreatePolicy

    proj = project({"web": {"container_name": "pe-named"}})
    engine = FakeEngine()
    up(proj, engine)
    up_with(proj, engine, recreate=RecreatePolicy.FORCE)
    created = [spec for name, spec in engine.specs.items() if name != "pe-named"]
    assert created[0].body["Labels"][labels.REPLACE] == "pe-named"
    assert created[0].networks[0].endpoint["Aliases"] == ["pe-named", "web"]


def test_replacement_left_alone_by_a_killed_run_is_renamed_and_started():
    proj = project({"web": {}})
    engine = FakeEngine()
    up(proj, engine)
    old = engine.containers["p-web-1"]
    engine.remove_container(old.id)
    engine.create_container(replace(engine.specs["p-web-1"], name="0123456789ab_p-web-1"))  # hex, as an engine id
    up_with(proj, engine)
    assert list(engine.containers) == ["p-web-1"]
    assert engine.containers["p-web-1"].state == "running"


def test_post_start_hooks_run_after_start_and_a_failing_one_fails_up():
    hooks = [{"command": ["echo", "hi"], "user": "root", "privileged": True, "working_dir": "/tmp",
              "environment": {"A": "1", "B": None}},
             {"command": ["true"]}]
    proj = project({"web": {"post_start": hooks}})
    engine = FakeEngine()
    up(proj, engine)
    assert [op for op, name in engine.calls if name == "p-web-1"][-3:] == ["start", "exec", "exec"]
    first = engine.execs[0][1]
    assert (first.command, first.user, first.privileged, first.workdir, dict(first.env)) == (
        ("echo", "hi"), "root", True, "/tmp", {"A": "1"})
    proj = project({"web": {"post_start": [{"command": ["false"]}]}})
    engine = FakeEngine()
    with pytest.raises(OperationFailed, match="^web hook exited with status 1$"):
        up(proj, engine)


def test_pre_stop_hooks_run_before_stop_and_a_failing_one_keeps_the_container_running():
    proj = project({"web": {"pre_stop": [{"command": ["echo", "bye"]}]}})
    engine = FakeEngine()
    up(proj, engine)
    container = engine.containers["p-web-1"]
    stop = Plan(actions=(Action(id="stop:p-web-1", kind=ActionKind.STOP_CONTAINER, target="p-web-1", reason="t",
                                service="web", container_id=container.id),))
    observed = engine.observe("p")
    execute(stop, ExecutionContext(project=proj, observed=observed, engine=engine, sink=CollectingSink()))
    assert [op for op, name in engine.calls if name == "p-web-1"][-2:] == ["exec", "stop"]
    proj = project({"web": {"pre_stop": [{"command": ["false"]}]}})
    engine = FakeEngine()
    up(proj, engine)
    container = engine.containers["p-web-1"]
    stop = replace(stop, actions=(replace(stop.actions[0], container_id=container.id),))
    with pytest.raises(OperationFailed, match="^web hook exited with status 1$"):
        execute(stop, ExecutionContext(project=proj, observed=engine.observe("p"), engine=engine,
                                       sink=CollectingSink()))
    assert engine.containers["p-web-1"].state == "running"


class _Killed(Exception):
    """Stands for SIGKILL in the fake: the run stops right after the engine call."""


def _kill() -> None:
    raise _Killed


@pytest.mark.parametrize("scenario", ["recreate", "fresh"])
def test_a_run_killed_after_any_engine_change_is_converged_by_the_next_up(scenario, tmp_path):
    """The fake counterpart of tests/engine/test_killed_runs.py: kill after the N-th change, for every N."""
    from pycompose.engine.faults import FaultyEngine
    from pycompose.planner.options import RecreatePolicy

    proj = project({"web": {"depends_on": {"db": {"condition": "service_started", "required": True}}}, "db": {}})
    options = {"recreate": RecreatePolicy.FORCE} if scenario == "recreate" else {}

    def prepared() -> FakeEngine:
        engine = FakeEngine()
        if scenario == "recreate":
            up(proj, engine)
        return engine

    log = tmp_path / "calls.log"
    counting = prepared()
    up_with(proj, FaultyEngine(counting, kill_after=None, log=str(log)), parallel=1, **options)
    calls = log.read_text().splitlines()
    assert len(calls) == (10 if scenario == "recreate" else 5), calls
    for after in range(1, len(calls) + 1):
        engine = prepared()
        with pytest.raises(_Killed):
            up_with(proj, FaultyEngine(engine, kill_after=after, log=None, kill=_kill), parallel=1, **options)
        up_with(proj, engine)
        assert sorted(engine.containers) == ["p-db-1", "p-web-1"], (after, list(engine.containers))
        assert all(c.state == "running" for c in engine.containers.values()), after


def test_the_engines_warnings_about_a_create_are_shown_under_the_service_as_v2_shows_them():
    from pycompose.presentation.plain import plain_line

    proj = project({"web": {}})
    engine = FakeEngine()
    engine.create_warnings["p-web-1"] = ("Your kernel does not support swap limit capabilities. Limitation discarded.",)
    sink = up(proj, engine)
    shown = [plain_line(e) for e in sink.events if e.name == "web"]
    assert shown == [" web Your kernel does not support swap limit capabilities. Limitation discarded. "]


def test_a_network_still_in_use_is_shown_on_its_line_and_down_goes_on():
    from pycompose.errors import InUse
    from pycompose.planner.down import plan_down
    from pycompose.planner.options import DownPlanOptions
    from pycompose.presentation.plain import plain_line

    class Shared(FakeEngine):
        def remove_network(self, name):
            raise InUse("Error response from daemon: error while removing network: network p_default has active "
                        "endpoints")

    proj = project({"web": {}})
    engine = Shared()
    up(proj, engine)
    observed = engine.observe("p", networks=("p_default",))
    sink = CollectingSink()
    execute(plan_down(proj, observed, build_graph(proj), DownPlanOptions(timeout=1)),
            ExecutionContext(project=proj, observed=observed, engine=engine, sink=sink))
    lines = [plain_line(e) for e in sink.events if e.resource == "Network"]
    assert lines[-2:] == [" Network p_default  Removing", " Network p_default  Resource is still in use"]
    assert sink.warnings == [] and "p-web-1" not in engine.containers
