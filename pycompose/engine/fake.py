"""An in-memory Engine for unit tests of the layers above the port (never for anything that touches containers).

It implements the whole `Engine` port (a unit test compares the signatures, mypy checks it against the protocol):
containers, networks and volumes live in dicts, every call is recorded in `calls`, and a test scripts what the
engine would do: the health a container reports (`health`), the code it exits with (`exit_codes`), what it logs
(`write_log`), what an exec answers (`exec_handler`).
"""

from __future__ import annotations

import io
import itertools
import posixpath
import tarfile
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any

from pycompose import labels
from pycompose.engine.base import (
    AttachSpec,
    BuildSpec,
    ContainerSpec,
    ContainerStats,
    EngineEvent,
    ExecSpec,
    NetworkAttachment,
    OutputLine,
)
from pycompose.errors import EngineError, NotFound
from pycompose.observed import ObservedContainer, ObservedImage, ObservedNetwork, ObservedState, ObservedVolume

ExecHandler = Callable[[ObservedContainer, ExecSpec, bytes], tuple[int, bytes, bytes]]
"""(container, spec, all of stdin) → (exit code, stdout, stderr): what an exec does in the fake."""


def shell_like(container: ObservedContainer, spec: ExecSpec, stdin: bytes) -> tuple[int, bytes, bytes]:
    """The default `exec_handler`: `echo ARGS`, `cat` (stdin back), `true`, `false`; anything else exits 127."""
    name, *args = spec.command or ("",)
    if name == "echo":
        return 0, (" ".join(args) + "\n").encode(), b""
    if name == "cat":
        return 0, stdin, b""
    if name in ("true", "false"):
        return int(name == "false"), b"", b""
    return 127, b"", f"exec: \"{name}\": executable file not found in $PATH\n".encode()


class FakeEngine:
    host = "fake://engine"
    """What the port calls the engine's address (one lock per project and host)."""
    api_version = "1.41"
    """The API version the fake claims (a test sets another)."""

    def __init__(self, images: Mapping[str, ObservedImage] | None = None) -> None:
        self.containers: dict[str, ObservedContainer] = {}
        self.networks: dict[str, ObservedNetwork] = {}
        self.volumes: dict[str, ObservedVolume] = {}
        self.images = dict(images or {"busybox:latest": ObservedImage(id="sha256:busybox")})
        self.calls: list[tuple[str, str]] = []
        self.fail: dict[tuple[str, str], str] = {}
        """(operation, container name) → error message to raise; ("build_failure", image) fails that build."""
        self.health: dict[str, str] = {}
        """container name → health reported once running."""
        self.exit_codes: dict[str, int] = {}
        """container name → the container exits with this code right after it starts."""
        self.builds: list[BuildSpec] = []
        self.pullable: set[str] = set()
        self.registry_digests: dict[str, str] = {}
        """reference → the digest `image_digest` reports (what a registry would answer)."""
        self.labelled_images: list[ObservedImage] = []
        """What `list_images` returns, whatever the label asked for."""
        self.exec_handler: ExecHandler = shell_like
        self.execs: list[tuple[str, ExecSpec]] = []
        """(container name, spec) of every exec, in order."""
        self._logs: dict[str, list[tuple[int, bytes]]] = {}
        """container id → (stream, chunk) in the order written."""
        self.files: dict[str, dict[str, bytes]] = {}
        """container name → {absolute path: content} of the files put into it (put_archive) or seeded by a test."""
        self.specs: dict[str, ContainerSpec] = {}
        self.create_warnings: dict[str, tuple[str, ...]] = {}
        """What the engine says about a container's create request, by container name."""
        """container name → the spec it was created with (what a test checks of `run`'s one-offs)."""
        self.events: list[EngineEvent] = []
        """What `stream_events` replays (a test appends), whatever the project."""
        self.stats: dict[str, ContainerStats] = {}
        """container name → the sample `container_stats` answers (default: all zero)."""
        self._exit_codes_by_id: dict[str, int] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        """Notified whenever a container changes or logs: what following log streams wait on."""

    def _record(self, operation: str, name: str) -> None:
        with self._lock:
            self.calls.append((operation, name))
        if (operation, name) in self.fail:
            raise EngineError(self.fail[(operation, name)])

    def _find(self, container_id: str) -> ObservedContainer | None:
        for container in list(self.containers.values()):
            if container.id == container_id:
                return container
        return None

    def _by_id(self, container_id: str) -> ObservedContainer:
        container = self._find(container_id)
        if container is None:
            raise NotFound(f"No such container: {container_id}")
        return container

    def _running(self, container_id: str) -> bool:
        container = self._find(container_id)
        return container is not None and container.running

    def _replace(self, old: ObservedContainer, **changes: Any) -> ObservedContainer:
        from dataclasses import replace

        new = replace(old, **changes)
        with self._lock:
            self.containers.pop(old.name, None)
            self.containers[new.name] = new
            self._changed.notify_all()
        return new

    # scripting (for tests) ------------------------------------------------------------------------------------

    def write_log(self, name: str, data: bytes | str, stream: int = 1) -> None:
        """The container `name` logs `data` (one chunk; 1 stdout, 2 stderr); followers receive it at once."""
        container_id = self.containers[name].id
        with self._lock:
            self._logs.setdefault(container_id, []).append((stream, data.encode() if isinstance(data, str) else data))
            self._changed.notify_all()

    def exit(self, name: str, code: int = 0) -> None:
        """The container `name` stops by itself with `code` (its process ended)."""
        self._replace(self.containers[name], state="exited", exit_code=code)

    # the port ---------------------------------------------------------------------------------------------------

    def observe(
        self, project: str, *, networks: tuple[str, ...] = (), volumes: tuple[str, ...] = (),
        images: tuple[str, ...] = (), all_containers: bool = True, details: bool = False,
    ) -> ObservedState:
        containers = tuple(
            c for c in self.containers.values()
            if c.labels.get(labels.PROJECT) == project and (all_containers or c.running or c.state == "paused")
            and c.labels.get(labels.ONEOFF) != "True"
        )
        return ObservedState(
            project=project, containers=containers,
            networks={k: v for k, v in self.networks.items() if k in networks
                      or v.labels.get(labels.PROJECT) == project},
            volumes={k: v for k, v in self.volumes.items() if k in volumes
                     or v.labels.get(labels.PROJECT) == project},
            images={ref: self.images[ref] for ref in images if ref in self.images},
        )

    def inspect_container(self, container_id: str) -> ObservedContainer:
        return self._by_id(container_id)

    def inspect_image(self, reference: str) -> ObservedImage | None:
        return self.images.get(reference)

    def inspect_images(self, references: tuple[str, ...]) -> dict[str, ObservedImage]:
        return {ref: self.images[ref] for ref in dict.fromkeys(references) if ref in self.images}

    def list_project_containers(self, *, all_containers: bool = False) -> list[ObservedContainer]:
        return [c for c in self.containers.values() if labels.PROJECT in c.labels and labels.CONFIG_HASH in c.labels
                and (all_containers or c.running)]

    def create_network(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        self._record("create_network", name)
        self.networks[name] = ObservedNetwork(id=f"net{next(self._ids)}", name=name, labels=dict(labels))

    def remove_network(self, name: str) -> None:
        self._record("remove_network", name)
        self.networks.pop(name, None)

    def create_volume(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        self._record("create_volume", name)
        self.volumes[name] = ObservedVolume(name=name, labels=dict(labels))

    def remove_volume(self, name: str) -> None:
        self._record("remove_volume", name)
        self.volumes.pop(name, None)

    def create_container(self, spec: ContainerSpec, warn: Callable[[str], None] | None = None) -> str:
        self._record("create", spec.name)
        for warning in self.create_warnings.get(spec.name, ()):
            if warn is not None:
                warn(warning)
        if spec.name in self.containers:
            raise EngineError(f'Conflict. The container name "/{spec.name}" is already in use')
        container = ObservedContainer(id=f"c{next(self._ids):04d}", name=spec.name, state="created",
                                      labels=dict(spec.body["Labels"]), image=spec.body["Image"])
        with self._lock:
            self.containers[spec.name] = container
            self.specs[spec.name] = spec
        for file in spec.files:
            self.files.setdefault(spec.name, {})[file.path] = file.content
        return container.id

    def start_container(self, container_id: str) -> None:
        container = self._by_id(container_id)
        self._record("start", container.name)
        if container.name in self.exit_codes:
            self._replace(container, state="exited", exit_code=self.exit_codes[container.name])
        else:
            self._replace(container, state="running", health=self.health.get(container.name))

    def stop_container(self, container_id: str, timeout: int | None) -> None:
        container = self._by_id(container_id)
        self._record("stop", container.name)
        self._replace(container, state="exited", exit_code=0)

    def restart_container(self, container_id: str, timeout: int | None) -> None:
        container = self._by_id(container_id)
        self._record("restart", container.name)
        self._replace(container, state="running")

    def kill_container(self, container_id: str, signal: str) -> None:
        container = self._by_id(container_id)
        self._record("kill", container.name)
        self._replace(container, state="exited", exit_code=137)

    def remove_container(self, container_id: str, *, volumes: bool = False, force: bool = False) -> None:
        container = self._by_id(container_id)
        self._record("remove", container.name)
        with self._lock:
            self.containers.pop(container.name, None)
            self._changed.notify_all()

    def rename_container(self, container_id: str, name: str) -> None:
        container = self._by_id(container_id)
        self._record("rename", name)
        self._replace(container, name=name)

    def put_archive(self, container_id: str, path: str, archive: bytes, *, copy_uid_gid: bool = False) -> None:
        container = self._by_id(container_id)
        self._record("put_archive", container.name)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            for member in tar.getmembers():
                extracted = tar.extractfile(member)
                if extracted is not None:
                    target = posixpath.join(path, member.name)
                    self.files.setdefault(container.name, {})[target] = extracted.read()

    def stat_path(self, container_id: str, path: str) -> Mapping[str, Any] | None:
        container = self._by_id(container_id)
        content = self.files.get(container.name, {}).get(path)
        if content is None:
            return None
        return {"name": posixpath.basename(path), "size": len(content), "mode": 0o644, "mtime": "", "linkTarget": ""}

    def get_archive(self, container_id: str, path: str) -> tuple[bytes, Mapping[str, Any]]:
        container = self._by_id(container_id)
        self._record("get_archive", container.name)
        content = self.files.get(container.name, {}).get(path)
        if content is None:
            raise NotFound(f"Could not find the file {path} in container {container.name}")
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            info = tarfile.TarInfo(posixpath.basename(path))
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
        return buffer.getvalue(), {"name": info.name, "size": info.size, "mode": 0o644, "mtime": "", "linkTarget": ""}

    def remove_image(self, reference: str) -> bool:
        self._record("remove_image", reference)
        return self.images.pop(reference, None) is not None

    def build_image(self, spec: BuildSpec, context: IO[bytes], output: OutputLine) -> str:
        """Records the build; `fail[("build", tag)]` makes it fail with that message after one output line."""
        self._record("build", spec.tags[0])
        self.builds.append(spec)
        output(f"Step 1/1 : FROM {spec.tags[0]}-base")
        if ("build_failure", spec.tags[0]) in self.fail:
            raise EngineError(self.fail[("build_failure", spec.tags[0])])
        image = ObservedImage(id=f"sha256:built{next(self._ids)}")
        for tag in spec.tags:
            self.images[tag] = image
        return image.id

    def pull_image(self, reference: str, output: OutputLine | None = None) -> None:
        """Pulls succeed only for references listed in `pullable`."""
        self._record("pull", reference)
        if reference not in self.pullable:
            raise NotFound(f"Error response from daemon: pull access denied for {reference}")
        self.images[reference] = ObservedImage(id=f"sha256:pulled{next(self._ids)}")

    def push_image(self, reference: str, output: OutputLine | None = None) -> None:
        self._record("push", reference)

    def image_digest(self, reference: str) -> str:
        """The digests a test put in `registry_digests`; anything else is unknown to the registry."""
        self._record("distribution", reference)
        if reference not in self.registry_digests:
            raise EngineError("Error response from daemon: manifest unknown: manifest unknown")
        return self.registry_digests[reference]

    def list_images(self, label: str, *, dangling: bool = False) -> list[ObservedImage]:
        return [image for image in self.labelled_images if bool(image.repo_tags) != dangling]

    def connect_network(self, container_id: str, attachment: NetworkAttachment) -> None:
        self._record("connect", self._by_id(container_id).name)

    def disconnect_network(self, container_id: str, network: str) -> None:
        self._record("disconnect", self._by_id(container_id).name)

    def wait_container(self, container_id: str, condition: str = "not-running") -> int:
        """Blocks while the container runs (a test stops it with `exit`, `stop_container`…); `next-exit` and
        `removed` also wait while it is only created."""
        last = self._by_id(container_id)

        def ended() -> bool:
            found = self._find(container_id)
            if condition == "removed":
                return found is None
            if condition == "next-exit":
                return found is None or found.state in ("exited", "dead")
            return not self._running(container_id)

        with self._changed:
            self._changed.wait_for(ended)
        found = self._find(container_id)
        return found.exit_code if found is not None else self._exit_codes_by_id.get(container_id, last.exit_code)

    def attach_container(self, container_id: str, spec: AttachSpec, *, stdin: IO[bytes] | None = None,
                         stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int | None:
        """Runs the container's command through `exec_handler` (all of stdin, then it exits with the handler's
        code, removed if created with AutoRemove); a container not started here is only waited for."""
        container = self._by_id(container_id)
        self._record("attach", container.name)
        if not spec.start:
            return self.wait_container(container_id)
        created = self.specs.get(container.name)
        command = tuple((created.body.get("Cmd") or ()) if created is not None else ())
        self._replace(container, state="running")
        code, out, err = self.exec_handler(container, ExecSpec(command=command, tty=spec.tty),
                                           stdin.read() if stdin is not None else b"")
        for stream, data in ((stdout, out), (stdout if spec.tty else stderr, err)):
            if stream is not None and data:
                stream.write(data)
        self._exit_codes_by_id[container_id] = code
        self.exit(container.name, code)
        if created is not None and (created.body.get("HostConfig") or {}).get("AutoRemove"):
            self.remove_container(container_id)
        return code

    def list_oneoff_containers(self, project: str, *, all_containers: bool = True) -> list[ObservedContainer]:
        return [c for c in self.containers.values() if c.labels.get(labels.PROJECT) == project
                and c.labels.get(labels.ONEOFF) == "True" and (all_containers or c.running)]

    def pause_container(self, container_id: str) -> None:
        container = self._by_id(container_id)
        self._record("pause", container.name)
        self._replace(container, state="paused")

    def unpause_container(self, container_id: str) -> None:
        container = self._by_id(container_id)
        self._record("unpause", container.name)
        self._replace(container, state="running")

    def top_container(self, container_id: str, ps_args: str | None = None,
                      ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        container = self._by_id(container_id)
        self._record("top", container.name)
        return ("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"), (
            ("root", "1", "0", "0", "12:00", "?", "00:00:00", container.command or "sleep"),)

    def container_stats(self, container_id: str) -> ContainerStats:
        container = self._by_id(container_id)
        return self.stats.get(container.name, ContainerStats())

    def export_container(self, container_id: str) -> Iterator[bytes]:
        container = self._by_id(container_id)
        self._record("export", container.name)
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w") as tar:
            for path, content in sorted(self.files.get(container.name, {}).items()):
                info = tarfile.TarInfo(path.lstrip("/"))
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
        yield buffer.getvalue()

    def commit_container(self, container_id: str, *, repository: str | None = None, tag: str | None = None,
                         message: str | None = None, author: str | None = None, changes: tuple[str, ...] = (),
                         pause: bool = True) -> str:
        container = self._by_id(container_id)
        self._record("commit", container.name)
        image_id = f"sha256:commit{next(self._ids):04d}"
        image = ObservedImage(id=image_id)
        self.images[image_id] = image
        if repository:
            self.images[f"{repository}:{tag or 'latest'}"] = image
        return image_id

    def stream_events(self, project: str, *, since: str | None = None, until: str | None = None,
                      ) -> Iterator[EngineEvent]:
        yield from list(self.events)

    def stream_logs(
        self, container_id: str, *, follow: bool = False, tail: str = "all", since: str | None = None,
        until: str | None = None, timestamps: bool = False,
    ) -> Iterator[tuple[int, bytes]]:
        """What `write_log` wrote, one chunk per write (`tail` counts chunks; `since`/`until` are not modelled);
        with `follow`, then what is written while the container runs, until it stops."""
        self._by_id(container_id)  # NotFound before the first chunk, as the engine answers 404 at once
        with self._lock:
            chunks = list(self._logs.get(container_id, ()))
        sent = len(chunks)
        if tail != "all":
            chunks = chunks[len(chunks) - int(tail):] if int(tail) else []
        stamp = b"2024-01-01T00:00:00.000000000Z " if timestamps else b""
        for stream, data in chunks:
            yield stream, stamp + data
        while follow:
            fresh, running = self._wait_for_logs(container_id, sent)
            sent += len(fresh)
            for stream, data in fresh:
                yield stream, stamp + data
            if not running and not fresh:
                return

    def _wait_for_logs(self, container_id: str, sent: int) -> tuple[list[tuple[int, bytes]], bool]:
        """(chunks written after the first `sent`, whether the container still runs), once there is news."""
        with self._changed:
            self._changed.wait_for(lambda: len(self._logs.get(container_id, ())) > sent
                                   or not self._running(container_id))
            return self._logs.get(container_id, [])[sent:], self._running(container_id)

    def exec_container(self, container_id: str, spec: ExecSpec, *, stdin: IO[bytes] | None = None,
                       stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int:
        """Runs `exec_handler` on all of stdin; with a TTY stderr goes to stdout, as the engine does."""
        container = self._by_id(container_id)
        self._record("exec", container.name)
        self.execs.append((container.name, spec))
        if not container.running:
            raise EngineError(f"Error response from daemon: container {container.id} is not running")
        if spec.detach:
            return 0
        code, out, err = self.exec_handler(container, spec, stdin.read() if stdin is not None else b"")
        for stream, data in ((stdout, out), (stdout if spec.tty else stderr, err)):
            if stream is not None and data:
                stream.write(data)
        return code
