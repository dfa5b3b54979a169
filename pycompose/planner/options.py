"""Options of the planners: what the user asked for, as values (no CLI objects)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum


class RecreatePolicy(str, Enum):
    """When an existing container is replaced (v2 `api.RecreateDiverged|Force|Never`)."""

    DIVERGED = "diverged"
    FORCE = "force"
    NEVER = "never"


@dataclass(frozen=True)
class UpPlanOptions:
    """What `up`/`create` asks the planner for."""

    services: tuple[str, ...] = ()
    """Services named on the command line; empty means all. Their dependencies are included unless `no_deps`."""
    no_deps: bool = False
    recreate: RecreatePolicy = RecreatePolicy.DIVERGED
    """For the named services (`--force-recreate`, `--no-recreate`)."""
    recreate_dependencies: RecreatePolicy = RecreatePolicy.DIVERGED
    """For dependencies pulled in (`--always-recreate-deps`)."""
    start: bool = True
    """False for `--no-start`: create only."""
    remove_orphans: bool = False
    ignore_orphans: bool = False
    renew_anonymous_volumes: bool = False
    timeout: int | None = None
    """Stop timeout used when replacing running containers."""
    wait: bool = False
    """`--wait`: add waits for every service to be running or healthy."""
    scale: Mapping[str, int] = field(default_factory=dict)
    providers: bool = True
    """Plan the programs of the `provider:` services; False once they ran (their variables are in the project)."""
    recreate_volumes: frozenset[str] = frozenset()
    """Names of diverged volumes to recreate (the user said yes, or `-y`): as v2, the containers of the services
    using one are stopped and removed, the volume removed and created again, the containers created anew."""


@dataclass(frozen=True)
class DownPlanOptions:
    """What `down` asks for. It never removes external networks or volumes."""

    services: tuple[str, ...] = ()
    remove_orphans: bool = False
    volumes: bool = False
    """`-v`: declared non-external volumes and the anonymous volumes of the removed containers."""
    timeout: int | None = None
    images: tuple[str, ...] = ()
    """Images to remove once the containers are gone (`--rmi`; chosen by `build.prune.images_to_remove`, which
    needs the engine's image list)."""
    providers: bool = True
    """Run the `provider:` services' programs with `down`; False when v2 would describe the project by its
    containers' labels (`-p NAME` without `-f`), which know nothing of providers."""
    rmi: str = ""
    """The `--rmi` mode the images were chosen by (`local` or `all`): the actions' reason."""
