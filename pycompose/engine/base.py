"""The Engine port: what the executor and the API need from a Docker engine, nothing more.

`engine/dockerpy.py` implements it with docker-py; `engine/fake.py` in memory for planner/executor tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from pycompose.observed import ObservedContainer, ObservedImage, ObservedState


@dataclass(frozen=True)
class NetworkAttachment:
    """How a container joins one network: engine name plus the endpoint settings (aliases, static IPs)."""

    network: str
    endpoint: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ContainerFile:
    """A file written into a container after it is created and before it starts (configs and secrets that have
    no file on the host: `content:`, `environment:`)."""

    path: str
    """Absolute path in the container."""
    content: bytes
    mode: int = 0o444
    uid: int = 0
    gid: int = 0


@dataclass(frozen=True)
class ContainerSpec:
    """A container to create: name, the Engine API create body, the networks to join (first one primary), and
    the files to write into it before it starts."""

    name: str
    body: Mapping[str, Any]
    networks: tuple[NetworkAttachment, ...] = ()
    files: tuple[ContainerFile, ...] = ()


@dataclass(frozen=True)
class BuildSpec:
    """One image build for the engine's classic builder (`POST /build`), engine-neutral values.

    `dockerfile` is the Dockerfile's name inside the context tar (what `build/context.py` returns); `tags` are
    every name the image gets, the first one the service's image. `args` values are already resolved (None: the
    argument is not passed, its `ARG` default applies).
    """

    tags: tuple[str, ...]
    dockerfile: str
    args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    network: str | None = None
    shm_size: int | None = None
    extra_hosts: tuple[str, ...] = ()
    """`host:ip` items, as the engine takes them."""
    cache_from: tuple[str, ...] = ()
    no_cache: bool = False
    pull: bool = False
    platform: str | None = None
    memory: int | None = None


@dataclass(frozen=True)
class ExecSpec:
    """A command to run in a running container (`exec`), engine-neutral values."""

    command: tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)
    workdir: str | None = None
    user: str | None = None
    privileged: bool = False
    tty: bool = False
    """One raw output stream (stdout) instead of stdout and stderr frames."""
    detach: bool = False
    """Start the command and return at once (exit code 0), without attaching any stream."""
    terminal_size: tuple[int, int] | None = None
    """(lines, columns) the TTY is resized to; None: left as the engine makes it."""


@dataclass(frozen=True)
class AttachSpec:
    """How to attach to a container's streams (`run`, `attach`), engine-neutral values."""

    tty: bool = False
    """The container has a TTY: one raw output stream (stdout) instead of stdout and stderr frames."""
    start: bool = False
    """Start the container once attached (nothing it writes is lost), as `docker run` does."""
    auto_remove: bool = False
    """The container was created with AutoRemove: its exit code is awaited before it starts (it is gone after)."""
    detach_keys: str | None = None
    """The key sequence that detaches (`ctrl-p,ctrl-q`); None: the engine's default."""
    terminal_size: tuple[int, int] | None = None
    """(lines, columns) the TTY is resized to; None: left as the engine makes it."""


@dataclass(frozen=True)
class EngineEvent:
    """One container event of a project (`events`), as v2 reports it: compose labels left out of `attributes`."""

    time_nano: int
    """Nanoseconds since the epoch."""
    action: str
    """`create`, `start`, `die`, `exec_start: sh`…"""
    container_id: str
    service: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ContainerStats:
    """One resource-usage sample of a container, computed as the docker CLI computes it (`stats`)."""

    cpu_percent: float = 0.0
    memory_usage: int = 0
    memory_limit: int = 0
    memory_percent: float = 0.0
    net_rx: int = 0
    net_tx: int = 0
    block_read: int = 0
    block_write: int = 0
    pids: int = 0


OutputLine = Callable[[str], None]
"""Receives one line of build or pull progress (no trailing newline)."""


class Engine(Protocol):
    """What pycompose asks of a Docker engine. Values in and out are ours (no engine JSON crosses this port);
    failures are `pycompose.errors.EngineError` subclasses: `NotFound` for a missing object, `InUse` for a removal
    refused because something still uses the object, `EngineUnreachable` when no engine answers.

    `engine/dockerpy.py` implements it on docker-py, `engine/fake.py` in memory; a unit test keeps both in step
    with this class (names and signatures) and mypy checks the fake against it."""

    @property
    def api_version(self) -> str:
        """The engine's API version (`1.41`): what features it has (v2 refuses keys an older engine ignores)."""
        ...

    @property
    def host(self) -> str:
        """Where the engine is reached (`unix:///var/run/docker.sock`, `tcp://10.0.0.2:2376`); also what keeps
        commands converging the same project on the same engine apart (engine/lock.py)."""
        ...

    # observation

    def observe(
        self, project: str, *, networks: tuple[str, ...] = (), volumes: tuple[str, ...] = (),
        images: tuple[str, ...] = (), all_containers: bool = True, details: bool = False,
    ) -> ObservedState:
        """`details`: inspect each container too (`ObservedContainer.config`), to explain recreations."""
        ...

    def inspect_container(self, container_id: str) -> ObservedContainer:
        """The container's state now (state, health, exit code, labels). Raises NotFound."""
        ...

    def list_project_containers(self, *, all_containers: bool = False) -> list[ObservedContainer]:
        """Every compose-managed service container of every project (what `ls` counts)."""
        ...

    def inspect_image(self, reference: str) -> ObservedImage | None:
        """The local image `reference` names, or None when the engine does not have it."""
        ...

    def inspect_images(self, references: tuple[str, ...]) -> dict[str, ObservedImage]:
        """`inspect_image` of several references at once: {reference: image} of those present locally."""
        ...

    def list_images(self, label: str, *, dangling: bool = False) -> list[ObservedImage]:
        """The images carrying the `key=value` label (id, repo_tags, labels, size filled in): the tagged ones, or
        with `dangling` the untagged ones."""
        ...

    # networks and volumes

    def create_network(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None: ...

    def remove_network(self, name: str) -> None:
        """Raises InUse while containers are still attached."""
        ...

    def create_volume(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None: ...

    def remove_volume(self, name: str) -> None:
        """Raises InUse while a container uses the volume."""
        ...

    def connect_network(self, container_id: str, attachment: NetworkAttachment) -> None: ...

    def disconnect_network(self, container_id: str, network: str) -> None: ...

    # containers

    def create_container(self, spec: ContainerSpec, warn: Callable[[str], None] | None = None) -> str:
        """The new container's id; `spec.files` are written into it before this returns. `warn` receives each
        warning the engine gave about the request (`Your kernel does not support …`)."""
        ...

    def start_container(self, container_id: str) -> None: ...

    def stop_container(self, container_id: str, timeout: int | None) -> None: ...

    def restart_container(self, container_id: str, timeout: int | None) -> None: ...

    def kill_container(self, container_id: str, signal: str) -> None: ...

    def remove_container(self, container_id: str, *, volumes: bool = False, force: bool = False) -> None: ...

    def rename_container(self, container_id: str, name: str) -> None: ...

    def wait_container(self, container_id: str, condition: str = "not-running") -> int:
        """Block until the container stops; its exit code. `condition` as the engine takes it: `not-running`,
        `next-exit` (the next time it stops, even if it is stopped now), `removed` (an auto-removed container)."""
        ...

    def attach_container(self, container_id: str, spec: AttachSpec, *, stdin: IO[bytes] | None = None,
                         stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int | None:
        """Attach to the container's streams until its output ends (it stopped) or the detach keys are typed;
        the container's exit code, or None when it still runs (detached). With `spec.start` the container is
        started once attached.

        `stdin` (None: not attached) is sent to the container; output goes to the binary streams `stdout` /
        `stderr` (None: discarded), with a TTY all of it to `stdout`."""
        ...

    def list_oneoff_containers(self, project: str, *, all_containers: bool = True) -> list[ObservedContainer]:
        """The project's one-off containers (`run`, label `oneoff=True`), which `observe` leaves out."""
        ...

    def pause_container(self, container_id: str) -> None: ...

    def unpause_container(self, container_id: str) -> None: ...

    def top_container(self, container_id: str, ps_args: str | None = None,
                      ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        """The processes running in the container: (column titles, rows), as the engine's `ps` reports them."""
        ...

    def container_stats(self, container_id: str) -> ContainerStats:
        """One sample of the container's resource usage (the engine takes about a second to measure the CPU)."""
        ...

    def export_container(self, container_id: str) -> Iterator[bytes]:
        """The container's filesystem as a tar stream, in chunks."""
        ...

    def commit_container(self, container_id: str, *, repository: str | None = None, tag: str | None = None,
                         message: str | None = None, author: str | None = None, changes: tuple[str, ...] = (),
                         pause: bool = True) -> str:
        """A new image from the container's changes; its id."""
        ...

    def stream_events(self, project: str, *, since: str | None = None, until: str | None = None,
                      ) -> Iterator[EngineEvent]:
        """The project's container events as they happen (until `until`, else for ever), oldest first."""
        ...

    def put_archive(self, container_id: str, path: str, archive: bytes, *, copy_uid_gid: bool = False) -> None:
        """Extract a tar archive into the container's filesystem at directory `path` (it may be stopped or only
        created); `copy_uid_gid` keeps the archive's owners (`cp -a`). Raises NotFound when the container or
        `path` does not exist."""
        ...

    def stat_path(self, container_id: str, path: str) -> Mapping[str, Any] | None:
        """The stat of `path` in the container (name, size, mode, mtime, linkTarget), None when it does not
        exist; nothing is downloaded. Raises NotFound when the container does not exist."""
        ...

    def get_archive(self, container_id: str, path: str) -> tuple[bytes, Mapping[str, Any]]:
        """A tar archive of `path` in the container, and the stat of `path` (name, size, mode, mtime,
        linkTarget) as the engine reports it. Raises NotFound when the container or `path` does not exist."""
        ...

    def stream_logs(
        self, container_id: str, *, follow: bool = False, tail: str = "all", since: str | None = None,
        until: str | None = None, timestamps: bool = False,
    ) -> Iterator[tuple[int, bytes]]:
        """(stream, bytes) chunks of a container's log: 1 stdout, 2 stderr (a TTY container's are all 1).
        Chunks are not lines: callers split them."""
        ...

    def exec_container(self, container_id: str, spec: ExecSpec, *, stdin: IO[bytes] | None = None,
                       stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int:
        """Run `spec.command` in the container; its exit code once it ends (0 at once with `spec.detach`).

        `stdin` (None: no input) is sent to the command until its end; output goes to the binary streams
        `stdout` / `stderr` (None: discarded), with a TTY all of it to `stdout`.
        Raises EngineError when the engine refuses the exec (container not running…)."""
        ...

    # images

    def remove_image(self, reference: str) -> bool:
        """Untag/remove an image; False when it is absent or still used by a container (v2 warns and goes on)."""
        ...

    def build_image(self, spec: BuildSpec, context: IO[bytes], output: OutputLine) -> str:
        """Build from a context tar; the new image's id. Raises EngineError with the engine's message."""
        ...

    def pull_image(self, reference: str, output: OutputLine | None = None) -> None: ...

    def push_image(self, reference: str, output: OutputLine | None = None) -> None: ...

    def image_digest(self, reference: str) -> str:
        """The digest the image's registry gives `reference` (the engine's distribution inspect, with the
        credentials of the docker CLI's config). Raises NotFound/EngineError with the engine's message."""
        ...


def files_archive(files: tuple[ContainerFile, ...]) -> bytes:
    """A tar of `files` to extract at the container's root (each entry its path without the leading slash)."""
    import io
    import tarfile
    import time

    now = int(time.time())  # v2 stamps the files with the time it writes them
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for file in files:
            info = tarfile.TarInfo(file.path.lstrip("/"))
            info.size, info.mode, info.uid, info.gid = len(file.content), file.mode, file.uid, file.gid
            info.mtime = now
            tar.addfile(info, io.BytesIO(file.content))
    return buffer.getvalue()
