"""What is on the engine, seen from above: the projects (`ls`) and the images of a project's containers (`images`).

Both read labels only: a project is every container carrying `project` and `config-hash` (v2 `ls` filters the
same way), so projects created by v2 and by pycompose look alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pycompose import labels

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.observed import ObservedContainer, ObservedImage


@dataclass(frozen=True)
class ProjectSummary:
    """One row of `ls`: v2's `Name`, `Status`, `ConfigFiles`."""

    name: str
    status: str
    config_files: str


@dataclass(frozen=True)
class ContainerImage:
    """One row of `images`: a container and the image it runs (v2's `images --format json` fields)."""

    container: str
    repository: str
    tag: str
    platform: str
    id: str
    size: int
    last_tag_time: str
    created: str


def list_projects(engine: Engine, *, all_projects: bool = False, name_filter: str | None = None,
                  ) -> list[ProjectSummary]:
    """Projects by name; without `all_projects` only running containers count (a stopped project disappears)."""
    by_project: dict[str, list[ObservedContainer]] = {}
    for container in engine.list_project_containers(all_containers=all_projects):
        by_project.setdefault(container.labels.get(labels.PROJECT, ""), []).append(container)
    summaries = [summarize(name, containers) for name, containers in sorted(by_project.items())]
    if name_filter is not None:
        summaries = [s for s in summaries if re.search(name_filter, s.name)]
    return summaries


def summarize(name: str, containers: Sequence[ObservedContainer]) -> ProjectSummary:
    """`exited(1), running(2)`: a count per state, states in alphabetical order (v2 `combinedStatus`)."""
    counts: dict[str, int] = {}
    for container in containers:
        counts[container.state] = counts.get(container.state, 0) + 1
    status = ", ".join(f"{state}({count})" for state, count in sorted(counts.items()))
    files: list[str] = []
    for container in containers:
        value = container.labels.get(labels.CONFIG_FILES, "")
        for path in value.split(",") if value else ():
            if path not in files:
                files.append(path)
    return ProjectSummary(name=name, status=status, config_files=",".join(files))


def container_images(engine: Engine, containers: Sequence[ObservedContainer]) -> list[ContainerImage]:
    """The image of each container, by container name; images the engine no longer has are left out."""
    rows = []
    found: dict[str, ObservedImage | None] = {}
    for container in sorted(containers, key=lambda c: c.name):
        reference = container.labels.get(labels.IMAGE) or container.image
        if reference not in found:
            found[reference] = engine.inspect_image(reference)
        image = found[reference]
        if image is None:
            continue
        repository, tag = _repository_and_tag(container.image, image.repo_tags)
        rows.append(ContainerImage(
            container=container.name, repository=repository, tag=tag, platform=image.platform, id=image.id,
            size=image.size, last_tag_time=image.last_tagged or "0001-01-01T00:00:00Z", created=image.created,
        ))
    return rows


def _repository_and_tag(wanted: str, repo_tags: Sequence[str]) -> tuple[str, str]:
    candidates = [wanted, f"{wanted}:latest", *repo_tags]
    for candidate in candidates:
        if candidate in repo_tags:
            repository, _, tag = candidate.rpartition(":")
            return repository, tag
    return "<none>", "<none>"
