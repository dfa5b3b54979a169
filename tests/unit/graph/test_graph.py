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


def test_networkx_answers_the_same_questions_alike():
    """The plain-dict answers equal networkx's on random acyclic projects (networkx stays the reference)."""
    import random

    import networkx

    for seed in range(60):
        rng = random.Random(seed)
        names = [f"s{i:02d}" for i in range(rng.randint(1, 14))]
        rng.shuffle(names)
        services = {}
        for index, name in enumerate(names):  # edges only towards earlier names: acyclic
            needs = rng.sample(names[:index], k=min(index, rng.randint(0, 3)))
            services[name] = {"depends_on": {need: {} for need in needs}} if needs else {}
        graph = build_graph(project(services))
        full = graph.to_networkx()
        only_services = full.subgraph(n for n in full if n[0] == "service")
        expected = tuple(n[1] for n in networkx.lexicographical_topological_sort(only_services.reverse(copy=False)))
        assert graph.start_order() == expected
        picked = rng.sample(names, k=rng.randint(1, len(names)))
        reach = set(picked) | {n[1] for p in picked for n in networkx.descendants(full, ("service", p))}
        assert graph.with_dependencies(picked) == tuple(n for n in expected if n in reach)
        for name in names:
            assert [s for s, _ in graph.dependents(name)] == [s[1] for s, _ in full.in_edges(("service", name))]


def test_a_three_service_cycle_is_spelled_out_by_networkx():
    with pytest.raises(ConfigError, match=r"dependency cycle detected: \w -> \w -> \w -> \w"):
        build_graph(project({"a": {"depends_on": {"b": {}}}, "b": {"depends_on": {"c": {}}},
                             "c": {"depends_on": {"a": {}}}}))
