"""`Project`: a compose project driven from Python, what test fixtures use; each method calls one operation."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, overload

from pycompose.api.containers import exec_command, logs, port, ps, wait, wait_healthy
from pycompose.api.lifecycle import down, kill, restart, rm, start, stop, up
from pycompose.api.options import DownOptions, ExecOptions, UpOptions
from pycompose.api.records import ContainerRecord
from pycompose.events import EventSink, LoggingSink
from pycompose.loader.options import LoadedProject, ProjectOptions
from pycompose.session import engine_of

if TYPE_CHECKING:
    from pycompose.api.control import ProjectEvent
    from pycompose.api.publish import Confirm, PublishOptions, PublishResult
    from pycompose.api.watch import Watch
    from pycompose.engine.base import Engine


class Project:
    """A compose project driven from Python (what test fixtures use).

    Load once, then call the operations; as a context manager it brings the stack up (waiting for health) and
    always takes it down again, also when the body raises or on Ctrl-C::

        with Project.load("samples/lamp/compose.yaml", project_name="lamptest") as stack:
            host, port = stack.endpoint("web", 80)
            code, output = stack.exec("db", ["mariadb", "--version"])

    Every error is a `pycompose.errors.ComposeError`. A library is quiet: progress goes to `sink`, by default the
    `logging` module (events at DEBUG on `pycompose.events`, warnings at WARNING on `pycompose`); pass
    `pycompose.presentation.plain.PlainSink()` to see the lines `pycompose up` prints.
    """

    def __init__(self, loaded: LoadedProject, *, engine: Engine | None = None, sink: EventSink | None = None,
                 down_volumes: bool = True, wait_timeout: float | None = 120.0,
                 stop_timeout: int | None = None) -> None:
        self.loaded = loaded
        self._engine = engine
        self.sink: EventSink = sink or LoggingSink()
        self.down_volumes = down_volumes
        """What leaving the `with` block passes to `down(volumes=…)`."""
        self.wait_timeout = wait_timeout
        """Seconds `up(wait=True)` waits for the services to be running/healthy; None: no limit."""
        self.stop_timeout = stop_timeout
        """Seconds `down` and `stop` give a container to stop before killing it, when they are not given one;
        None: each service's `stop_grace_period` (10 s by default). Tests want it short."""

    @classmethod
    def load(
        cls,
        path_or_files: str | os.PathLike[str] | Sequence[str | os.PathLike[str]] | None = None,
        *,
        profiles: Sequence[str] = (),
        env: Mapping[str, str] | None = None,
        project_name: str | None = None,
        env_files: Sequence[str] = (),
        inherit_env: bool = True,
        engine: Engine | None = None,
        sink: EventSink | None = None,
        down_volumes: bool = True,
        wait_timeout: float | None = 120.0,
        stop_timeout: int | None = None,
    ) -> Project:
        """Load a compose project.

        Args:
            path_or_files: a compose file, several (merged in order), or a directory to look for the default
                names in (None: the current directory, then COMPOSE_FILE as the CLI does).
            profiles: profiles to enable (`--profile`).
            env: variables for interpolation and COMPOSE_*, over the process environment (only these when
                `inherit_env` is False).
            project_name: `-p`; default: `name:` in the file, COMPOSE_PROJECT_NAME, the directory's name.
            env_files: `--env-file` paths.
            stop_timeout: seconds `down`/`stop` wait for a container to stop (None: its stop_grace_period).

        Raises:
            ConfigError: the files are missing or invalid.
        """
        from pycompose.loader.project import load_project

        environ = {**(os.environ if inherit_env else {}), **(env or {})}
        files: tuple[str, ...] = ()
        directory: str | None = None
        if path_or_files is not None:
            items = [path_or_files] if isinstance(path_or_files, (str, os.PathLike)) else list(path_or_files)
            paths = [os.fspath(item) for item in items]
            if len(paths) == 1 and os.path.isdir(paths[0]):
                directory = os.path.abspath(paths[0])
            else:
                files = tuple(p if p.startswith("oci://") else os.path.abspath(p) for p in paths)
        fetch_remote = None
        if any(f.startswith("oci://") for f in files) or "oci://" in environ.get("COMPOSE_FILE", ""):
            from pycompose.api.publish import remote_file_fetcher

            fetch_remote = remote_file_fetcher(environ)
        sink = sink or LoggingSink()
        options = ProjectOptions(files=files, project_name=project_name, profiles=tuple(profiles),
                                 env_files=tuple(os.path.abspath(f) for f in env_files), environ=environ,
                                 working_directory=directory or os.getcwd(),
                                 fetch_remote=fetch_remote, warn=sink.warn)  # `The "X" variable is not set…`
        return cls(load_project(options), engine=engine, sink=sink, down_volumes=down_volumes,
                   wait_timeout=wait_timeout, stop_timeout=stop_timeout)

    @property
    def name(self) -> str:
        return self.loaded.name

    @property
    def services(self) -> tuple[str, ...]:
        """The enabled services, in the order the model lists them."""
        return tuple(self.loaded.config.get("services") or {})

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = engine_of(None)
        return self._engine

    # lifecycle

    def up(self, wait: bool = True, services: Sequence[str] = (), *, force_recreate: bool = False,
           no_deps: bool = False, remove_orphans: bool = False, timeout: int | None = None,
           wait_timeout: float | None = None, pull: str = "policy", build: bool = False) -> None:
        """Create and start the containers (`up -d`; with `wait`, `up --wait`: running and healthy).

        Missing images are pulled or built first (`build=True`: `up --build`, rebuild every buildable service).
        """
        up(self.loaded, UpOptions(services=tuple(services), force_recreate=force_recreate, no_deps=no_deps,
                                  remove_orphans=remove_orphans, timeout=timeout, wait=wait,
                                  wait_timeout=wait_timeout if wait_timeout is not None else self.wait_timeout,
                                  pull=pull, build=build),
           engine=self.engine, sink=self.sink)

    def down(self, volumes: bool = False, *, remove_orphans: bool = False, timeout: int | None = None) -> None:
        """Remove the containers and networks (and named/anonymous volumes with `volumes`)."""
        timeout = self.stop_timeout if timeout is None else timeout
        down(self.loaded, DownOptions(volumes=volumes, remove_orphans=remove_orphans, timeout=timeout),
             engine=self.engine, sink=self.sink)

    def stop(self, services: Sequence[str] = (), timeout: int | None = None) -> None:
        timeout = self.stop_timeout if timeout is None else timeout
        stop(self.loaded, tuple(services), timeout, engine=self.engine, sink=self.sink)

    def start(self, services: Sequence[str] = ()) -> None:
        start(self.loaded, tuple(services), wait_timeout=self.wait_timeout, engine=self.engine, sink=self.sink)

    def restart(self, services: Sequence[str] = (), timeout: int | None = None) -> None:
        restart(self.loaded, tuple(services), timeout, engine=self.engine, sink=self.sink)

    def kill(self, services: Sequence[str] = (), signal: str = "SIGKILL") -> None:
        kill(self.loaded, tuple(services), signal, engine=self.engine, sink=self.sink)

    def rm(self, services: Sequence[str] = (), *, stop: bool = False, volumes: bool = False) -> list[str]:
        """Remove stopped containers (running ones too with `stop`); the names removed."""
        return rm(self.loaded, tuple(services), stop_first=stop, volumes=volumes, engine=self.engine, sink=self.sink)

    # inspection

    def ps(self, services: Sequence[str] = (), *, all: bool = False) -> list[ContainerRecord]:
        """The service containers (running only unless `all`), sorted by name."""
        return [ContainerRecord.from_observed(c)
                for c in ps(self.loaded, tuple(services), all_containers=all, engine=self.engine)]

    @overload
    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: Literal[False] = False) -> str: ...

    @overload
    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: Literal[True]) -> Iterator[str]: ...

    def logs(self, service: str | None = None, *, tail: int | None = None, prefix: bool | None = None,
             follow: bool = False) -> str | Iterator[str]:
        """What the service's containers (None: all services') logged so far; prefixed `web-1  | ` by default
        only for all services.

        With `follow=True` (`logs -f`): an iterator of lines (no newline) as they are written, all containers'
        interleaved, also of containers recreated meanwhile; it ends when the project stops, or when closed::

            for line in stack.logs("web", follow=True):
                if "ready to accept connections" in line:
                    break
        """
        services = (service,) if service else ()
        prefixed = service is None if prefix is None else prefix
        if follow:
            from pycompose.logs import LogOptions, follow_lines

            options = LogOptions(follow=True, tail="all" if tail is None else str(tail))
            return follow_lines(self.loaded, services, options, prefix=prefixed, engine=self.engine)
        return logs(self.loaded, services, tail=tail, prefix=prefixed, engine=self.engine)

    def exec(self, service: str, cmd: str | Sequence[str], *, env: Mapping[str, str] | None = None,
             workdir: str | None = None, user: str | None = None, index: int | None = None,
             input: bytes | None = None,
             ) -> tuple[int, str]:
        """Run a command in a running service container (no TTY): `(exit_code, stdout and stderr as text)`.

        A string command is split like a shell would (no shell runs it: use `["sh", "-c", "…"]` for that).
        """
        import io
        import shlex

        command = shlex.split(cmd) if isinstance(cmd, str) else list(cmd)
        output = io.BytesIO()
        code = exec_command(self.loaded, service, command,
                            ExecOptions(env=dict(env or {}), workdir=workdir, user=user, index=index),
                            stdin=io.BytesIO(input) if input is not None else None, stdout=output, stderr=output,
                            engine=self.engine)
        return code, output.getvalue().decode("utf-8", "replace")

    def run(self, service: str, cmd: str | Sequence[str] | None = None, *, env: Mapping[str, str] | None = None,
            workdir: str | None = None, user: str | None = None, entrypoint: Sequence[str] | None = None,
            volumes: Sequence[str] = (), labels: Mapping[str, str] | None = None, no_deps: bool = False,
            remove: bool = True, input: bytes | None = None) -> tuple[int, str]:
        """Run a one-off container of the service (`run --rm -T`; its dependencies started first unless
        `no_deps`) until it ends: `(exit_code, stdout and stderr as text)`. For migrations before a test::

            code, output = stack.run("web", ["python", "manage.py", "migrate"])

        A string command is split like a shell would. The one-off is removed afterwards unless `remove` is
        False (then `down(remove_orphans=True)` removes it, as v2 does).
        """
        import io
        import shlex

        from pycompose.api.options import OneOffOptions
        from pycompose.api.run import run_oneoff

        command = shlex.split(cmd) if isinstance(cmd, str) else (None if cmd is None else list(cmd))
        output = io.BytesIO()
        options = OneOffOptions(
            command=None if command is None else tuple(command), env=dict(env or {}), workdir=workdir, user=user,
            entrypoint=None if entrypoint is None else tuple(entrypoint), volumes=tuple(volumes),
            labels=dict(labels or {}), no_deps=no_deps, remove=remove, interactive=input is not None,
            proxy_signals=False,
        )
        result = run_oneoff(self.loaded, service, options, stdin=io.BytesIO(input) if input is not None else None,
                            stdout=output, stderr=output, engine=self.engine, sink=self.sink)
        return result.exit_code or 0, output.getvalue().decode("utf-8", "replace")

    def events(self, services: Sequence[str] = (), *, since: str | None = None,
               until: str | None = None) -> Iterator[ProjectEvent]:
        """The project's container events as they happen (`create`, `start`, `die`…), until `until` or, without
        it, for ever. `since` / `until` as the engine takes them: RFC 3339 (`2024-01-01T00:00:00`) or Unix seconds;
        a duration (`10m`) means that long ago."""
        from pycompose.api.control import events

        return events(self.loaded, tuple(services), since=since, until=until, engine=self.engine)

    def pause(self, services: Sequence[str] = ()) -> None:
        """Pause the services' running containers (their processes freeze; `unpause` resumes them)."""
        from pycompose.api.control import pause

        pause(self.loaded, tuple(services), engine=self.engine, sink=self.sink)

    def unpause(self, services: Sequence[str] = ()) -> None:
        from pycompose.api.control import unpause

        unpause(self.loaded, tuple(services), engine=self.engine, sink=self.sink)

    def cp(self, source: str, destination: str, *, index: int = 0, all_containers: bool = False,
           follow_link: bool = False, archive: bool = False) -> None:
        """Copy between a service's containers and the local filesystem, as `docker compose cp`: one side
        `SERVICE:PATH`, the other a local path (relative to the current directory)."""
        from pycompose.api.transfer import CopyOptions, copy

        options = CopyOptions(source, destination, index=index, all_containers=all_containers,
                              follow_link=follow_link, copy_uid_gid=archive)
        copy(self.loaded, options, sink=self.sink, engine=self.engine)

    def port(self, service: str, private_port: int, *, protocol: str = "tcp",
             index: int | None = None) -> tuple[str, int]:
        """Where the engine publishes the port, as v2 `port` prints it: `("0.0.0.0", 32768)`."""
        return port(self.loaded, service, private_port, protocol=protocol, index=index, engine=self.engine)

    def endpoint(self, service: str, private_port: int, *, protocol: str = "tcp",
                 index: int | None = None) -> tuple[str, int]:
        """A host and port a client here can connect to: `port()` with a wildcard address replaced by the
        engine's host (127.0.0.1 for a local engine)."""
        host, number = self.port(service, private_port, protocol=protocol, index=index)
        if host in ("", "0.0.0.0", "::"):
            host = endpoint_host(self.engine.host)
        return host, number

    def publish(self, repository: str, options: PublishOptions | None = None, *, confirm: Confirm | None = None,
                plain_http: bool | None = None) -> PublishResult | None:
        """Publish this project to a registry as an OCI artifact (`pycompose publish`); None when `confirm`
        answered no to one of v2's questions (nothing published)."""
        from pycompose.api.publish import PublishOptions, publish

        return publish(self.loaded, repository, options or PublishOptions(), engine=self.engine, sink=self.sink,
                       confirm=confirm, plain_http=plain_http)

    def watch(self, services: Sequence[str] = (), *, no_up: bool = False, prune: bool = True,
              log: Callable[[str], None] | None = None) -> Watch:
        """Start watching the services' `develop.watch` paths (after `up`, unless `no_up`); the running Watch:
        `stop()` it from any thread, or use it as a context manager."""
        from pycompose.api.watch import Watch, WatchOptions

        return Watch(self.loaded, WatchOptions(services=tuple(services), no_up=no_up, prune=prune),
                     engine=self.engine, sink=self.sink, log=log).start()

    def wait_healthy(self, timeout: float = 60.0, services: Sequence[str] = ()) -> list[ContainerRecord]:
        """Wait until the containers are running (healthy where they have a healthcheck)."""
        return wait_healthy(self.loaded, tuple(services), timeout, engine=self.engine)

    def wait(self, services: Sequence[str], *, down_project: bool = False) -> int:
        """Wait for the services' containers to stop; the exit code of the last one."""
        return wait(self.loaded, tuple(services), down_project=down_project, engine=self.engine, sink=self.sink)

    # context manager

    def __enter__(self) -> Project:
        try:
            self.up(wait=True)
        except BaseException:
            self._down_always()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._down_always()

    def _down_always(self) -> None:
        """`down`, even when Ctrl-C interrupts it: then once more, and the interrupt is raised afterwards."""
        try:
            self.down(volumes=self.down_volumes, remove_orphans=True)
        except KeyboardInterrupt:
            self.down(volumes=self.down_volumes, remove_orphans=True)
            raise

    def __repr__(self) -> str:
        return f"<pycompose.api.Project {self.name!r} services={list(self.services)!r}>"


def endpoint_host(engine_host: str) -> str:
    """Where a client here reaches what the engine publishes on a wildcard address: the host of a tcp:// or
    ssh:// engine address, else 127.0.0.1 (a local socket)."""
    from urllib.parse import urlsplit

    if engine_host.startswith(("tcp://", "ssh://", "http://", "https://")):
        return urlsplit(engine_host).hostname or "127.0.0.1"
    return "127.0.0.1"
