"""depends_on conditions and --wait gate start-up on the real engine."""

from __future__ import annotations

import time

import pytest

from pycompose import api
from pycompose.errors import OperationFailed
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker


def svc(command: list[str], **extra) -> dict:
    return {"command": command, "entrypoint": None, "image": "busybox:latest", "init": True,
            "networks": {"default": None}, **extra}


def project(init_exit: int, health_after: float = 0):
    return {
        "networks": {"default": {"ipam": {}}},
        "services": {
            "init": svc(["sh", "-c", f"echo done > /shared/ready; exit {init_exit}"],
                        volumes=[{"type": "volume", "source": "shared", "target": "/shared", "volume": {}}]),
            "db": svc(["sh", "-c", f"sleep {health_after}; touch /tmp/ok; sleep 3600"],
                      healthcheck={"test": ["CMD", "test", "-f", "/tmp/ok"], "interval": "500ms", "retries": 20}),
            "web": svc(["sh", "-c", "cat /shared/ready && sleep 3600"],
                       depends_on={"db": {"condition": "service_healthy", "required": True},
                                   "init": {"condition": "service_completed_successfully", "required": True}},
                       volumes=[{"type": "volume", "source": "shared", "target": "/shared", "volume": {}}]),
            "other": svc(["sleep", "3600"]),
        },
        "volumes": {"shared": {}},
    }


def test_healthy_and_completed_conditions_gate_the_dependent(make_project, project_name):
    sink = CollectingSink()
    began = time.monotonic()
    api.up(make_project(project(0, health_after=2)), sink=sink)
    assert time.monotonic() - began >= 2  # web really waited for db's health
    lines = sink.lines()
    web_started = lines.index(f"Container {project_name}-web-1 Started")
    assert lines.index(f"Container {project_name}-db-1 Healthy") < web_started
    assert lines.index(f"Container {project_name}-init-1 Exited") < web_started
    states = {c.service: c.state for c in api.ps(make_project(project(0)), all_containers=True)}
    assert states == {"init": "exited", "db": "running", "web": "running", "other": "running"}


def test_failed_one_shot_leaves_dependent_created_and_others_running(make_project):
    loaded = make_project(project(3))
    with pytest.raises(OperationFailed, match='service "init" didn\'t complete successfully: exit 3'):
        api.up(loaded, sink=CollectingSink())
    states = {c.service: c.state for c in api.ps(loaded, all_containers=True)}
    assert states["web"] == "created" and states["other"] == "running" and states["db"] == "running"

    fixed = make_project(project(0))  # the next up converges what the failed one left half-way
    api.up(fixed, sink=CollectingSink())
    states = {c.service: c.state for c in api.ps(fixed, all_containers=True)}
    assert states == {"init": "exited", "db": "running", "web": "running", "other": "running"}


def test_wait_returns_when_healthy_and_times_out_otherwise(make_project):
    never = {"networks": {"default": {"ipam": {}}}, "services": {
        "db": svc(["sleep", "3600"], healthcheck={"test": ["CMD", "false"], "interval": "10s"})}}
    with pytest.raises(OperationFailed, match="application not healthy after 2s"):
        api.up(make_project(never), api.UpOptions(wait=True, wait_timeout=2), sink=CollectingSink())

    healthy = make_project(project(0, health_after=1))
    api.up(healthy, api.UpOptions(wait=True, wait_timeout=30), sink=CollectingSink())
    containers = {c.service: c for c in api.ps(healthy)}
    assert containers["db"].health == "healthy"
