"""Planning and converging a stack on the FakeSwarm: what is created, kept, updated, pruned, removed, and why."""

from __future__ import annotations

import pytest

from pycompose.errors import EngineError
from pycompose.stack.deploy import progress, wait
from pycompose.stack.fake import FakeSwarm
from pycompose.stack.operations import DeployOptions, deploy_stack, remove_stack

BASE = """
services:
  web:
    image: busybox:latest
    deploy: {replicas: 2}
    configs: [cfg]
  db:
    image: busybox:latest
    networks: [back]
networks:
  back: {}
configs:
  cfg: {file: ./cfg.txt}
"""


@pytest.fixture
def swarm():
    return FakeSwarm()


def _deploy(swarm, project, **options):
    lines: list[str] = []
    result = deploy_stack("st", project, DeployOptions(**options), engine=swarm, report=lines.append)
    return result, lines


def test_first_deploy_creates_everything(swarm, load_stack):
    project = load_stack(BASE, files={"cfg.txt": "v1"})
    result, lines = _deploy(swarm, project)
    assert lines == ["Creating network st_back", "Creating network st_default", "Creating config st_cfg",
                     "Creating service st_db", "Creating service st_web"]
    assert {a.reason for a in result.plan.changes()} == {"not found"}
    names = sorted(s["Spec"]["Name"] for s in swarm.services("st"))
    assert names == ["st_db", "st_web"]
    web = next(s for s in swarm.services("st") if s["Spec"]["Name"] == "st_web")
    ref = web["Spec"]["TaskTemplate"]["ContainerSpec"]["Configs"][0]
    assert ref["ConfigID"] == swarm.configs("st")[0]["ID"]


def test_unchanged_redeploy_changes_nothing(swarm, load_stack):
    project = load_stack(BASE, files={"cfg.txt": "v1"})
    _deploy(swarm, project)
    versions = {s["ID"]: s["Version"]["Index"] for s in swarm.services("st")}
    swarm.calls.clear()
    result, lines = _deploy(swarm, project)
    assert lines == [] and swarm.calls == []
    assert {(a.kind, a.verb) for a in result.plan.actions} == {("network", "keep"), ("config", "keep"),
                                                               ("service", "keep")}
    assert {s["ID"]: s["Version"]["Index"] for s in swarm.services("st")} == versions


def test_changed_service_is_updated_in_place_with_its_reason(swarm, load_stack):
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    web_id = next(s["ID"] for s in swarm.services("st") if s["Spec"]["Name"] == "st_web")
    changed = BASE.replace("replicas: 2", "replicas: 3")
    result, lines = _deploy(swarm, load_stack(changed))
    assert lines == [f"Updating service st_web (id: {web_id})"]
    (update,) = result.plan.changes()
    assert update.reason == "changed: Mode.Replicated.Replicas"
    assert swarm.services_by_id[web_id]["Spec"]["Mode"] == {"Replicated": {"Replicas": 3}}


def test_prune_removes_services_no_longer_in_the_file(swarm, load_stack):
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    without_db = BASE.replace("  db:\n    image: busybox:latest\n    networks: [back]\n", "")
    result, lines = _deploy(swarm, load_stack(without_db))
    assert lines == [] and len(swarm.services("st")) == 2  # without --prune, kept
    result, lines = _deploy(swarm, load_stack(without_db), prune=True)
    assert lines == ["Removing service st_db"]
    assert [s["Spec"]["Name"] for s in swarm.services("st")] == ["st_web"]
    assert result.plan.changes()[0].reason == "no longer in the compose file"


def test_changed_config_content_is_refused(swarm, load_stack):
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    with pytest.raises(EngineError, match="config st_cfg: its content changed"):
        _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v2"}))


def test_dry_run_changes_nothing(swarm, load_stack):
    result, lines = _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}), dry_run=True)
    assert swarm.calls == [] and lines == []
    assert "service st_web: create (not found)" in result.plan.render()


def test_external_network_must_exist_and_be_swarm_scoped(swarm, load_stack):
    text = "services:\n  a:\n    image: busybox\n    networks: [ext]\nnetworks:\n  ext: {external: true}\n"
    with pytest.raises(EngineError, match='network "ext" is declared as external, but could not be found'):
        _deploy(swarm, load_stack(text))
    swarm.add_network("ext", scope="local")
    with pytest.raises(EngineError, match='not in the right scope: "local" instead of "swarm"'):
        _deploy(swarm, load_stack(text))


def test_not_a_manager(swarm, load_stack):
    swarm.manager = False
    with pytest.raises(EngineError, match="not a swarm manager"):
        _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))


def test_resolved_digest_is_kept_on_unchanged_redeploy(swarm, load_stack):
    swarm.registry["busybox:latest"] = "sha256:abc"
    project = load_stack(BASE, files={"cfg.txt": "v1"})
    _deploy(swarm, project)
    images = {s["Spec"]["TaskTemplate"]["ContainerSpec"]["Image"] for s in swarm.services("st")}
    assert images == {"busybox:latest@sha256:abc"}
    swarm.calls.clear()
    _deploy(swarm, project, resolve_image="changed")
    assert swarm.calls == []


def test_rm_removes_the_stack_and_nothing_else(swarm, load_stack):
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    stranger = swarm.add_network("other_net", labels={"com.docker.stack.namespace": "other"})
    lines: list[str] = []
    assert remove_stack("st", engine=swarm, report=lines.append) == []
    assert lines[:2] == ["Removing service st_db", "Removing service st_web"]
    assert swarm.services(None) == [] and swarm.configs("st") == []
    assert list(swarm.networks_by_id) == [stranger]
    lines.clear()
    remove_stack("st", engine=swarm, report=lines.append)
    assert lines == ["Nothing found in stack: st"]


def test_wait_reports_converged_and_failed_tasks(swarm, load_stack):
    result, _ = _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    ids = [s["ID"] for s in swarm.services("st")]
    lines: list[str] = []
    assert wait(swarm, "st", ids, report=lines.append, sleep=lambda _: None, stable=0) is True
    assert "st_web: 2/2 running (converged)" in lines
    swarm.task_states["st_db"] = ("failed", "starting container failed: no such file")
    db = next(s for s in swarm.services_by_id.values() if s["Spec"]["Name"] == "st_db")
    db["Spec"]["TaskTemplate"]["RestartPolicy"] = {"Condition": "none"}  # one failure is final
    lines.clear()
    assert wait(swarm, "st", ids, report=lines.append, sleep=lambda _: None, timeout=5) is False
    assert any("st_db: task" in line and "no such file" in line for line in lines)
    assert "st_db: failed to converge" in lines


def test_wait_times_out():
    swarm = FakeSwarm()
    swarm.services_by_id["s1"] = {"ID": "s1", "Version": {"Index": 1}, "Spec": {
        "Name": "st_a", "Labels": {"com.docker.stack.namespace": "st"}, "Mode": {"Replicated": {"Replicas": 1}},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}}}}
    swarm.task_states["st_a"] = ("starting", "")
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    lines: list[str] = []
    assert wait(swarm, "st", ["s1"], report=lines.append, timeout=2, clock=lambda: now[0], sleep=sleep) is False
    assert lines[-1] == "st_a: not converged after 2s (0/1)"


def test_progress_of_a_job():
    service = {"ID": "j", "Spec": {"Name": "st_j", "Mode": {"ReplicatedJob": {"TotalCompletions": 2}}}}
    tasks = [{"ServiceID": "j", "DesiredState": "complete", "Status": {"State": "complete"}}] * 2
    state = progress(service, tasks)
    assert (state.state, state.running, state.want, state.verb) == ("converged", 2, 2, "complete")


def test_a_task_that_runs_then_fails_is_not_converged():
    """Running tasks must stay running for the stability window (docker's 5 s) before the service counts."""
    swarm = FakeSwarm()
    swarm.services_by_id["s1"] = {"ID": "s1", "Version": {"Index": 1}, "Spec": {
        "Name": "st_a", "Labels": {"com.docker.stack.namespace": "st"}, "Mode": {"Replicated": {"Replicas": 1}},
        "TaskTemplate": {"ContainerSpec": {"Image": "busybox"}, "RestartPolicy": {"Condition": "none"}}}}
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] >= 2:  # the container exits 2 s after it started
            swarm.task_states["st_a"] = ("failed", "task: non-zero exit (3)")

    lines: list[str] = []
    assert wait(swarm, "st", ["s1"], report=lines.append, clock=lambda: now[0], sleep=sleep, stable=5) is False
    assert "st_a: 1/1 running (converged)" in lines
    assert lines[-1] == "st_a: failed to converge"


def test_rm_retries_a_network_its_tasks_still_hold(load_stack):
    from pycompose.errors import InUse
    from pycompose.stack.deploy import observe, remove
    from pycompose.stack.plan import plan_remove

    swarm = FakeSwarm()
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    busy = [2]
    real = swarm.remove_network

    def remove_network(network_id: str) -> None:
        if busy[0]:
            busy[0] -= 1
            raise InUse("network is in use by task t1")
        real(network_id)

    swarm.remove_network = remove_network  # type: ignore[method-assign]
    assert remove(swarm, plan_remove(observe(swarm, "st")), sleep=lambda _: None) == []
    assert swarm.networks("st") == []
    busy[0] = 10**6
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    errors = remove(swarm, plan_remove(observe(swarm, "st")), sleep=lambda _: None, network_wait=0)
    assert errors and all("network is in use" in e for e in errors)


def test_rm_waits_only_with_detach_false(load_stack):
    """docker 28's `stack rm` returns once the swarm removed the objects (default --detach=true); --detach=false
    waits until the tasks stopped and the node forgot the networks."""
    from pycompose.stack.deploy import wait_removed

    swarm = FakeSwarm()
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    calls = []
    swarm.tasks = lambda stack=None, service_ids=(): calls.append(stack) or []  # type: ignore[method-assign]
    assert remove_stack("st", engine=swarm) == []
    assert calls == []  # detached: nothing waited for
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    assert remove_stack("st", engine=swarm, detach=False) == []
    assert calls == ["st"]

    lingering = {"ID": "t1", "Status": {"State": "running"}}
    swarm.tasks = lambda stack=None, service_ids=(): [lingering]  # type: ignore[method-assign]
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds
        if now[0] == 3:
            lingering["Status"]["State"] = "shutdown"

    assert wait_removed(swarm, "st", timeout=10, clock=lambda: now[0], sleep=sleep) is True
    assert now[0] == 3
    lingering["Status"]["State"] = "running"  # a task that never stops
    assert wait_removed(swarm, "st", timeout=2, clock=lambda: now[0], sleep=sleep) is False


def test_rm_detach_false_reports_a_timeout(load_stack, monkeypatch):
    from pycompose.stack import operations

    swarm = FakeSwarm()
    _deploy(swarm, load_stack(BASE, files={"cfg.txt": "v1"}))
    monkeypatch.setattr(operations, "wait_removed", lambda *a, **k: False)
    assert remove_stack("st", engine=swarm, detach=False, timeout=7) == [
        "failed to wait on tasks of stack: st: not removed after 7s"]


def test_quiet_progress_is_separate_from_the_changes(swarm, load_stack, monkeypatch):
    """`-q` (docker's): the convergence lines go, the "Creating …" lines stay."""
    import functools

    from pycompose.stack import operations

    monkeypatch.setattr(operations, "wait", functools.partial(operations.wait, stable=0, sleep=lambda _: None))
    changes: list[str] = []
    progress_lines: list[str] = []
    result = deploy_stack("st", load_stack(BASE, files={"cfg.txt": "v1"}), DeployOptions(detach=False),
                          engine=swarm, report=changes.append, progress=progress_lines.append)
    assert result.converged is True
    assert "Creating service st_web" in changes and not any("running" in line for line in changes)
    assert "st_web: 2/2 running (converged)" in progress_lines
