"""The dependency graph: order, subsets, implicit edges, cycles."""

from __future__ import annotations

import pytest

from pycompose.bind import bind_project
from pycompose.errors import ConfigError
from pycompose.graph import build_graph
from pycompose.loader.options import LoadedProject
from pycompose.model import Condition


def project(services: dict):
    config = {"name": "p", "services": {name: {"image": "busybox", **body} for name, body in services.items()}}
    return bind_project(LoadedProject(name="p", working_dir="/w", config_files=(), env_files=(), environment={},
                                      config=config))


def test_start_order_puts_dependencies_first_and_ties_by_name():
    graph = build_graph(project({
        "web": {"depends_on": {"api": {"condition": "service_started"}}},
        "api": {"depends_on": {"db": {"condition": "service_healthy"}, "cache": {}}},
        "db": {}, "cache": {}, "alone": {},
    }))
    assert graph.start_order() == ("alone", "cache", "db", "api", "web")
    assert graph.with_dependencies(["api"]) == ("cache", "db", "api")
    assert [d.condition for d in graph.dependencies("api")] == [Condition.HEALTHY, Condition.STARTED]


def test_implicit_edges_from_links_network_mode_and_volumes_from():
    graph = build_graph(project({
        "a": {"links": ["b:bee"], "network_mode": "service:c", "volumes_from": ["d:ro"]},
        "b": {}, "c": {}, "d": {},
    }))
    deps = {d.service: d.restart for d in graph.dependencies("a")}
    assert deps == {"b": True, "c": True, "d": False}
    assert graph.with_restart_dependents(["c"]) == ("c", "a")
    assert graph.with_restart_dependents(["d"]) == ("d",)


def test_cycle_is_spelled_out():
    with pytest.raises(ConfigError, match=r"dependency cycle detected: (a -> b -> a|b -> a -> b)"):
        build_graph(project({"a": {"depends_on": {"b": {}}}, "b": {"depends_on": {"a": {}}}}))


def test_missing_required_dependency_is_an_error_optional_is_dropped():
    with pytest.raises(ConfigError, match='depends on undefined service "x"'):
        build_graph(project({"a": {"depends_on": {"x": {"required": True}}}}))
    graph = build_graph(project({"a": {"depends_on": {"x": {"required": False}}}}))
    assert graph.dependencies("a") == ()
