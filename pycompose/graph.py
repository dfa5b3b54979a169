"""The dependency graph of a project: services, the networks and volumes they use, and depends_on edges.

Edges point from the dependent to what it needs (`web → db`, `web → network:default`), so a topological order
of the reversed graph is the start order. networkx is imported inside the functions (start-up time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycompose.errors import ConfigError
from pycompose.model import DependsOn, Project

if TYPE_CHECKING:
    import networkx


def service_node(name: str) -> tuple[str, str]:
    return ("service", name)


def network_node(key: str) -> tuple[str, str]:
    return ("network", key)


def volume_node(key: str) -> tuple[str, str]:
    return ("volume", key)


@dataclass(frozen=True)
class ProjectGraph:
    """A checked, acyclic dependency graph. Nodes are `(kind, name)`; edges carry the DependsOn (services)."""

    graph: Any  # networkx.DiGraph; typed loosely so this module imports without networkx

    def dependencies(self, service: str) -> tuple[DependsOn, ...]:
        """The direct dependencies of `service` (with condition, required, restart), in declaration order."""
        node = service_node(service)
        return tuple(
            data["depends_on"] for _, target, data in self.graph.out_edges(node, data=True) if target[0] == "service"
        )

    def dependents(self, service: str) -> tuple[tuple[str, DependsOn], ...]:
        """Services that depend directly on `service`, with the edge that says how."""
        node = service_node(service)
        return tuple(
            (source[1], data["depends_on"])
            for source, _, data in self.graph.in_edges(node, data=True)
            if source[0] == "service"
        )

    def with_dependencies(self, services: Iterable[str]) -> tuple[str, ...]:
        """`services` and everything they need, transitively (v2 `WithRootNodesAndDown`), in start order."""
        import networkx

        wanted: set[str] = set()
        for name in services:
            wanted.add(name)
            descendants = networkx.descendants(self.graph, service_node(name))
            wanted.update(node[1] for node in descendants if node[0] == "service")
        return tuple(name for name in self.start_order() if name in wanted)

    def with_restart_dependents(self, services: Iterable[str]) -> tuple[str, ...]:
        """`services` plus their dependents declared with `restart: true`, transitively (v2 restart.go)."""
        found = list(dict.fromkeys(services))
        index = 0
        while index < len(found):
            for dependent, dep in self.dependents(found[index]):
                if dep.restart and dependent not in found:
                    found.append(dependent)
            index += 1
        return tuple(name for name in self.start_order() if name in found)

    def start_order(self) -> tuple[str, ...]:
        """Services in an order where each comes after its dependencies; ties broken by name (deterministic)."""
        import networkx

        services_only = self.graph.subgraph(n for n in self.graph if n[0] == "service")
        order = networkx.lexicographical_topological_sort(services_only.reverse(copy=False))
        return tuple(node[1] for node in order)


def build_graph(project: Project) -> ProjectGraph:
    """The dependency graph of `project`; raises ConfigError naming the cycle, as v2 does at load time.

    A dependency on a service that is not in the project is an error when it is `required`, dropped otherwise.
    """
    import networkx

    graph = networkx.DiGraph()
    names = set(project.service_names())
    for service in project.services:
        graph.add_node(service_node(service.name))
    for service in project.services:
        node = service_node(service.name)
        for dep in service.depends_on:
            if dep.service not in names:
                if dep.required and dep.service not in project.disabled_services:
                    raise ConfigError(
                        f'service "{service.name}" depends on undefined service "{dep.service}": '
                        "invalid compose project"
                    )
                continue
            graph.add_edge(node, service_node(dep.service), depends_on=dep)
        for key in service.networks:
            graph.add_edge(node, network_node(key))
        for key in service.volumes:
            graph.add_edge(node, volume_node(key))
    _reject_cycles(graph)
    return ProjectGraph(graph)


def _reject_cycles(graph: networkx.DiGraph) -> None:
    import networkx

    try:
        cycle = networkx.find_cycle(graph)
    except networkx.NetworkXNoCycle:
        return
    path = [edge[0][1] for edge in cycle] + [cycle[0][0][1]]
    raise ConfigError(f"dependency cycle detected: {' -> '.join(path)}")
