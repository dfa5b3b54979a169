"""Which images `down --rmi local|all` removes: exactly v2.40.3's `ImagePruner.ImagesToPrune` (image_pruner.go).

- `all`: every service `image:` that exists locally;
- both modes: the first tag of each non-dangling image labelled `com.docker.compose.project=<project>` whose
  `com.docker.compose.service` is a service of the project (any service with `remove_orphans`) -- BuildKit puts
  these labels on what it builds (and so does pycompose unless `DOCKER_BUILDKIT=0`), the classic builder does not;
- both modes: `{project}-{service}` of the services without `image:`, when it exists locally.
Names are normalised to their familiar form with a tag (`busybox` → `busybox:latest`), deduplicated and sorted.
The whole project counts, whichever services `down` was given.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from pycompose import labels
from pycompose.model import Project
from pycompose.observed import ObservedImage

_DEFAULT_DOMAIN_PREFIXES = ("docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/")


def images_to_remove(project: Project, mode: str, *, labelled: Iterable[ObservedImage],
                     exists: Callable[[str], bool], remove_orphans: bool = False) -> list[str]:
    """`labelled`: the images carrying the project label; `exists(name)`: is that image local?"""
    if mode not in ("local", "all"):
        raise ValueError(f"unsupported image prune mode: {mode}")
    found: list[str] = []
    services = set(project.service_names())
    if mode == "all":
        found += [s.config["image"] for s in project.services if s.config.get("image") and exists(s.config["image"])]
    for image in labelled:
        tags = [t for t in image.repo_tags if t != "<none>:<none>"]
        service = (image.labels or {}).get(labels.SERVICE, "")
        if tags and (remove_orphans or service in services):
            found.append(tags[0])
    found += [s.image for s in project.services if not s.config.get("image") and exists(s.image)]
    return sorted({familiar(name) for name in found})


def familiar(reference: str) -> str:
    """`docker.io/library/busybox` → `busybox:latest` (reference.FamiliarString of TagNameOnly)."""
    name = reference
    for prefix in _DEFAULT_DOMAIN_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    if "@" not in name and ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    return name
