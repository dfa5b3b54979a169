"""Services in the order v2's `ForEachService` visits them: each after the services it depends on.

A small depth-first ordering over `depends_on` only, kept apart from `pycompose.graph` (networkx), which read-only
commands such as `config --services` must not import.
"""

from __future__ import annotations

from typing import Any


def dependencies_first(config: dict) -> list[str]:
    """Service names, every service after the services it depends on (its `depends_on` names, sorted).

    v2 starts from its services in Go map order; pycompose starts from them sorted. A dependency that is not a
    service of the model is skipped; a cycle (refused by the loader's checks unless `--no-consistency`) is cut where
    it closes.
    """
    services = config.get("services") or {}
    ordered: list[str] = []
    seen: set[str] = set()
    for start in sorted(services):
        if start in seen:
            continue
        seen.add(start)
        stack = [(start, iter(_depends_on(services[start])))]
        while stack:  # no recursion: a chain of thousands of services is fine
            name, dependencies = stack[-1]
            dependency = next(dependencies, None)
            if dependency is None:
                stack.pop()
                ordered.append(name)
            elif dependency not in seen and dependency in services:
                seen.add(dependency)
                stack.append((dependency, iter(_depends_on(services[dependency]))))
    return ordered


def _depends_on(service: Any) -> list[str]:
    return sorted((service or {}).get("depends_on") or {})
