"""`provider:` services in the plans: no container, their program in dependency order (v2 convergence.go, down.go)."""

from __future__ import annotations

from conftest import container, project, service

from pycompose.graph import build_graph
from pycompose.model import Provider
from pycompose.observed import ObservedNetwork, ObservedState
from pycompose.plan import ActionKind
from pycompose.planner.down import plan_down
from pycompose.planner.options import DownPlanOptions, UpPlanOptions
from pycompose.planner.up import plan_up, provider_prefix

OWNED = {"com.docker.compose.project": "p"}


def stack():
    return project({
        "db": {"provider": {"type": "awesomecloud", "options": {"size": ["small", "large"], "tier": ["gold"]}}},
        "web": service(depends_on={"db": {"condition": "service_started", "required": True, "restart": False}}),
    })


def test_bind_reads_the_provider_section():
    proj = stack()
    assert proj.service("db").provider == Provider(type="awesomecloud",
                                                    options=(("size", ("small", "large")), ("tier", ("gold",))))
    assert proj.service("web").provider is None


def test_up_runs_the_provider_after_the_networks_and_before_its_dependents_without_a_container():
    proj = stack()
    plan = plan_up(proj, ObservedState(project="p"), build_graph(proj), UpPlanOptions())
    assert plan.render() == "\n".join([
        "create network p_default: not found",
        "create provider db: provider awesomecloud [after create-network:p_default]",
        "create container p-web-1: not found [after create-network:p_default, create-provider:db]",
        "start container p-web-1: created [after create-provider:db, create:p-web-1]",
    ])


def test_the_prefix_is_what_runs_before_the_providers_variables_are_known():
    proj = stack()
    plan = plan_up(proj, ObservedState(project="p"), build_graph(proj), UpPlanOptions())
    assert [a.id for a in provider_prefix(plan).actions] == ["create-network:p_default", "create-provider:db"]
    again = plan_up(proj, ObservedState(project="p"), build_graph(proj), UpPlanOptions(providers=False))
    assert not provider_prefix(again)
    assert ActionKind.CREATE_PROVIDER not in {a.kind for a in again.actions}


def test_down_runs_the_provider_after_its_dependents_are_gone_and_before_the_network():
    proj = stack()
    observed = ObservedState(project="p", containers=(container(proj, "web"),),
                             networks={"p_default": ObservedNetwork(id="n1", name="p_default", labels=OWNED)})
    plan = plan_down(proj, observed, build_graph(proj), DownPlanOptions())
    assert plan.render() == "\n".join([
        "stop container p-web-1: down",
        "remove container p-web-1: down [after stop:p-web-1]",
        "remove provider db: down [after remove:p-web-1, stop:p-web-1]",
        "remove network p_default: down [after remove-provider:db, remove:p-web-1]",
    ])


def test_down_of_a_project_named_by_labels_runs_no_provider_and_a_lone_provider_is_no_resource():
    proj = stack()
    plan = plan_down(proj, ObservedState(project="p"), build_graph(proj), DownPlanOptions(providers=False))
    assert not plan.actions
    plan = plan_down(proj, ObservedState(project="p"), build_graph(proj), DownPlanOptions())
    assert [a.kind for a in plan.actions] == [ActionKind.REMOVE_PROVIDER]
    assert plan.warnings == ()  # the model's default network counts as something to take down, as in v2
