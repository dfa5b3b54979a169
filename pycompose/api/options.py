"""The options of the API's operations: one frozen value per operation (`RunOptions`, shared by all, lives in
`pycompose.session`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    yes: bool = False
    """`-y`: answer yes to every question, i.e. recreate a named volume whose declaration changed (its data is
    lost; the containers using it are removed and created anew, as v2 does)."""
    confirm: Callable[[str], bool] | None = None
    """Asked `Volume "NAME" exists but doesn't match configuration in compose file. Recreate (data will be lost)?`
    for each such volume unless `yes`. None: no (a library never prompts); the volume is kept, with a warning."""


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
    dry_run: bool = False
    """Run nothing: with `detach` return 0, else refuse, as v2 (interactive exec has no dry run)."""


@dataclass(frozen=True)
class OneOffOptions:
    """`run`: a one-off container of a service, named `{project}-{service}-run-{id}` and labelled `oneoff=True`
    (so `ps`, `stop`, `rm` and `down` leave it alone; `down --remove-orphans` removes it once it has exited).

    Each field overrides what the service declares; None / empty: the service's own value."""

    command: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    env: Mapping[str, str] = field(default_factory=dict)
    """Added to (and overriding) the service's environment."""
    labels: Mapping[str, str] = field(default_factory=dict)
    name: str | None = None
    """The container's name; None: `{project}-{service}-run-{12 hex digits}`."""
    user: str | None = None
    workdir: str | None = None
    volumes: tuple[str, ...] = ()
    """Extra mounts in the short syntax (`./src:/src:ro`, `data:/data`)."""
    publish: tuple[str, ...] = ()
    """Ports to publish (`8080:80`); these replace the service's own."""
    service_ports: bool = False
    """Publish the service's own ports (without it a one-off publishes none, so it cannot clash with the
    service's container)."""
    use_aliases: bool = False
    """Join the networks under the service's name and aliases too (not only the container's name)."""
    cap_add: tuple[str, ...] = ()
    cap_drop: tuple[str, ...] = ()
    no_deps: bool = False
    """Do not start the services it depends on."""
    remove: bool = False
    """Remove the container when it exits (`--rm`; the engine's AutoRemove)."""
    detach: bool = False
    """Start it and return at once (exit code 0)."""
    tty: bool = False
    """Allocate a pseudo-TTY (the CLI does when stdin is a terminal and `-T` is not given)."""
    interactive: bool = True
    """Keep the container's stdin open; what the caller passes as `stdin` is sent to it."""
    detach_keys: str | None = None
    proxy_signals: bool = True
    """Pass SIGINT/SIGTERM received by this process on to the container (no TTY: a TTY passes ^C itself)."""
    build: bool = False
    pull: str = "policy"
    quiet_pull: bool = False
    remove_orphans: bool = False


@dataclass(frozen=True)
class OneOffResult:
    """What `run` leaves: the one-off container and, unless detached, its exit code and output."""

    container_id: str
    name: str
    exit_code: int | None = None
    """None: detached (`detach`, or the detach keys were typed)."""
    stdout: bytes = b""
    """What it wrote, when the caller asked the API to capture it (`Project.run`)."""
    stderr: bytes = b""
