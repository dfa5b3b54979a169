"""The options of the API's operations: one frozen value per operation (`RunOptions`, shared by all, lives in
`pycompose.session`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class UpOptions:
    """`up` / `create`. Pulls and builds missing images first (see `pycompose.images.pull`), before creating
    anything: a pull or build that fails leaves no container or network behind."""

    services: tuple[str, ...] = ()
    no_deps: bool = False
    force_recreate: bool = False
    no_recreate: bool = False
    always_recreate_deps: bool = False
    no_start: bool = False
    remove_orphans: bool = False
    renew_anon_volumes: bool = False
    timeout: int | None = None
    wait: bool = False
    wait_timeout: float | None = None
    scale: Mapping[str, int] = field(default_factory=dict)
    pull: str = "policy"
    """"always", "missing", "never", "build" or "policy" (each service's `pull_policy`): when to pull."""
    build: bool = False
    """`--build`: build every service that has a `build:` section, even when its image exists."""
    no_build: bool = False
    """`--no-build`: build nothing; a missing image of a buildable service is an error."""
    quiet_pull: bool = False
    """No pull/build progress lines (the Pulling/Pulled/Building/Built events still come)."""


@dataclass(frozen=True)
class DownOptions:
    services: tuple[str, ...] = ()
    remove_orphans: bool = False
    volumes: bool = False
    timeout: int | None = None
    rmi: str | None = None


@dataclass(frozen=True)
class ExecOptions:
    """`exec`: how to run a command in a running service container."""

    env: Mapping[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    privileged: bool = False
    index: int | None = None
    """Container number (`--index`); None: the first running one."""
    tty: bool = False
    """Allocate a pseudo-TTY (the CLI does when stdin is a terminal and `-T` is not given). Raw mode and the
    terminal's size come from the `terminal` the caller passes to `exec_command`, not from this flag."""
    detach: bool = False
    """Start the command and return at once (exit code 0)."""
