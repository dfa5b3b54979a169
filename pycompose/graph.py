"""The dependency graph of a project: services, the networks and volumes they use, and depends_on edges.

Edges point from the dependent to what it needs (`web → db`, `web → network:default`), so a topological order
of the reversed graph is the start order.

The questions every command asks (dependencies, dependents, the start order, a subset with its dependencies) are
answered from plain dictionaries: importing networkx costs more than a whole no-op `up` of Compose v2, and the
brief budgets a no-op `up` at three times v2's. `ProjectGraph.to_networkx()` gives the full graph (services,
networks, volumes) for anything more, and is what spells out a dependency cycle.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
    """A checked, acyclic dependency graph of a project's services (and the networks and volumes they use).

    `requires[name]` maps each service a service depends on to the DependsOn that says how, in declaration order
    (a second edge to the same service keeps the first one's place and the last one's terms, as networkx does)."""

    services: tuple[str, ...]
    requires: Mapping[str, Mapping[str, DependsOn]]
    resources: Mapping[str, tuple[tuple[str, str], ...]]
    """The network and volume nodes each service uses: `("network", key)`, `("volume", key)`."""

    def dependencies(self, service: str) -> tuple[DependsOn, ...]:
        """The direct dependencies of `service` (with condition, required, restart), in declaration order."""
        return tuple(self.requires.get(service, {}).values())

    def dependents(self, service: str) -> tuple[tuple[str, DependsOn], ...]:
        """Services that depend directly on `service`, with the edge that says how, in project order."""
        return tuple((name, self.requires[name][service]) for name in self.services
                     if service in self.requires.get(name, {}))

    def with_dependencies(self, services: Iterable[str]) -> tuple[str, ...]:
        """`services` and everything they need, transitively (v2 `WithRootNodesAndDown`), in start order."""
        wanted: set[str] = set()
        pending = list(services)
        while pending:
            name = pending.pop()
            if name not in wanted:
                wanted.add(name)
                pending.extend(self.requires.get(name, {}))
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
        """Services in an order where each comes after its dependencies; ties broken by name (deterministic).

        Kahn's algorithm with the ready services in a heap: networkx's lexicographical topological sort of the
        reversed graph, the same order."""
        waiting = {name: len(self.requires.get(name, {})) for name in self.services}
        ready = [name for name, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order: list[str] = []
        while ready:
            name = heapq.heappop(ready)
            order.append(name)
            for dependent, _ in self.dependents(name):
                waiting[dependent] -= 1
                if waiting[dependent] == 0:
                    heapq.heappush(ready, dependent)
        if len(order) != len(self.services):
            _reject_cycles(self.to_networkx())
        return tuple(order)

    def to_networkx(self) -> networkx.DiGraph:
        """The whole graph as a networkx DiGraph: nodes `(kind, name)`; service edges carry `depends_on`."""
        import networkx

        graph = networkx.DiGraph()
        for name in self.services:
            graph.add_node(service_node(name))
        for name in self.services:
            for target, dep in self.requires.get(name, {}).items():
                graph.add_edge(service_node(name), service_node(target), depends_on=dep)
            for node in self.resources.get(name, ()):
                graph.add_edge(service_node(name), node)
        return graph


def build_graph(project: Project) -> ProjectGraph:
    """The dependency graph of `project`; raises ConfigError naming the cycle, as v2 does at load time.

    A dependency on a service that is not in the project is an error when it is `required`, dropped otherwise.
    """
    names = set(project.service_names())
    requires: dict[str, dict[str, DependsOn]] = {}
    resources: dict[str, tuple[tuple[str, str], ...]] = {}
    for service in project.services:
        edges: dict[str, DependsOn] = {}
        for dep in service.depends_on:
            if dep.service not in names:
                if dep.required and dep.service not in project.disabled_services:
                    raise ConfigError(
                        f'service "{service.name}" depends on undefined service "{dep.service}": '
                        "invalid compose project"
                    )
                continue
            edges[dep.service] = dep
        requires[service.name] = edges
        resources[service.name] = tuple(
            [network_node(key) for key in service.networks] + [volume_node(key) for key in service.volumes])
    graph = ProjectGraph(tuple(project.service_names()), requires, resources)
    graph.start_order()  # raises on a cycle
    return graph


def _reject_cycles(graph: networkx.DiGraph) -> None:
    import networkx

    try:
        cycle = networkx.find_cycle(graph)
    except networkx.NetworkXNoCycle:
        return
    path = [edge[0][1] for edge in cycle] + [cycle[0][0][1]]
    raise ConfigError(f"dependency cycle detected: {' -> '.join(path)}")
