"""plan_down and the lifecycle planners: reverse order, resources last, what is never touched."""

from __future__ import annotations

import pytest
from conftest import container, project, service

from pycompose.errors import UsageError
from pycompose.graph import build_graph
from pycompose.observed import ObservedNetwork, ObservedState, ObservedVolume
from pycompose.planner.down import plan_down
from pycompose.planner.lifecycle import plan_kill, plan_restart, plan_rm, plan_start, plan_stop
from pycompose.planner.options import DownPlanOptions

OWNED = {"com.docker.compose.project": "p"}


def stack():
    return project({
        "db": service(volumes=[{"type": "volume", "source": "data", "target": "/d", "volume": {}}]),
        "web": service(depends_on={"db": {"condition": "service_healthy", "required": True, "restart": True}}),
    }, volumes={"data": {"name": "p_data"}, "ext": {"name": "shared", "external": True}})


def observed_running(proj, **states):
    return ObservedState(
        project="p",
        containers=tuple(container(proj, name, state=states.get(name, "running")) for name in ("db", "web")),
        networks={"p_default": ObservedNetwork(id="n1", name="p_default", labels=OWNED)},
        volumes={"p_data": ObservedVolume(name="p_data", labels=OWNED), "shared": ObservedVolume(name="shared")},
    )


def test_down_stops_dependents_first_then_removes_network_and_with_v_volumes():
    proj = stack()
    plan = plan_down(proj, observed_running(proj), build_graph(proj), DownPlanOptions(volumes=True, timeout=1))
    assert plan.render() == "\n".join([
        "stop container p-web-1: down",
        "remove container p-web-1: down [after stop:p-web-1]",
        "stop container p-db-1: down [after remove:p-web-1, stop:p-web-1]",
        "remove container p-db-1: down [after stop:p-db-1]",
        "remove network p_default: down [after remove:p-db-1, remove:p-web-1]",
        "remove volume p_data: down -v [after remove:p-db-1, remove:p-web-1]",
    ])


def test_down_remove_orphans_takes_every_one_off_running_or_not_and_down_alone_none():
    """v2 `down --remove-orphans` lists the one-offs with the services' containers (a running `run -d` too)."""
    proj = stack()
    base = observed_running(proj)
    oneoffs = (container(proj, "web", 7, oneoff=True), container(proj, "db", 8, oneoff=True, state="exited"))
    observed = ObservedState(project="p", containers=base.containers + oneoffs, networks=base.networks)
    plain = plan_down(proj, observed, build_graph(proj), DownPlanOptions(timeout=1)).render()
    assert "p-web-7" not in plain and "p-db-8" not in plain
    orphans = plan_down(proj, observed, build_graph(proj), DownPlanOptions(timeout=1, remove_orphans=True)).render()
    assert "stop container p-web-7: orphan" in orphans and "remove container p-web-7: orphan" in orphans
    assert "remove container p-db-8: orphan" in orphans and "stop container p-db-8" not in orphans


def test_down_of_nothing_says_so_when_the_model_names_no_network_either():
    proj = stack()
    plan = plan_down(proj, ObservedState(project="p"), build_graph(proj), DownPlanOptions())
    assert plan.render() == "" and plan.warnings == ()  # v2 counts the model's networks, found or not
    bare = project({"web": service(networks={"ext": None})}, networks={"ext": {"name": "shared", "external": True}})
    plan = plan_down(bare, ObservedState(project="p"), build_graph(bare), DownPlanOptions())
    assert plan.render() == "" and plan.warnings == ('Warning: No resource found to remove for project "p".',)


def test_stop_start_restart_kill_rm():
    proj = stack()
    graph = build_graph(proj)
    assert plan_stop(proj, observed_running(proj), graph, ("db",), None).render() == "stop container p-db-1: stop"
    stopped = observed_running(proj, db="exited", web="exited")
    assert plan_start(proj, stopped, graph, ("web",)).render() == "\n".join([
        "start container p-db-1: exited",
        "wait container p-db-1: web depends on it (service_healthy) [after start:p-db-1]",
        "start container p-web-1: exited [after wait:p-db-1:service_healthy]",
    ])
    assert plan_restart(proj, observed_running(proj), graph, ("db",), 1).render() == "\n".join([
        "restart container p-db-1: restart",
        "restart container p-web-1: restart [after restart:p-db-1]",  # restart: true brings web along
    ])
    assert plan_restart(proj, observed_running(proj), graph, ("db",), 1, no_deps=True).render() == (
        "restart container p-db-1: restart")
    assert plan_kill(observed_running(proj), proj, ("web",), "SIGTERM").render() == (
        "kill container p-web-1: signal SIGTERM")
    half = observed_running(proj, web="exited")
    assert plan_rm(half, proj, (), stop=False, volumes=False).render() == "remove container p-web-1: rm"
    assert plan_rm(half, proj, (), stop=True, volumes=True).render() == "\n".join([
        "remove container p-web-1: rm",
        "stop container p-db-1: rm --stop",
        "remove container p-db-1: rm [after stop:p-db-1]",
    ])


def test_start_without_containers_is_v2_error():
    proj = stack()
    with pytest.raises(UsageError, match='service "db" has no container to start'):
        plan_start(proj, ObservedState(project="p"), build_graph(proj), ())


def test_kill_remove_orphans_kills_the_orphans_and_removes_nothing():
    """v2 `kill --remove-orphans` signals the running orphans too and leaves every container in place."""
    proj = stack()
    observed = observed_running(proj)
    observed = ObservedState(project="p", containers=(*observed.containers, container(proj, "old")),
                             networks=observed.networks, volumes=observed.volumes)
    assert plan_kill(observed, proj, (), "SIGKILL").render() == (
        "kill container p-db-1: signal SIGKILL\nkill container p-web-1: signal SIGKILL")
    assert plan_kill(observed, proj, (), "SIGKILL", orphans=True).render() == (
        "kill container p-db-1: signal SIGKILL\nkill container p-old-1: signal SIGKILL (orphan)\n"
        "kill container p-web-1: signal SIGKILL")
