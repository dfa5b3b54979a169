"""`watch` and `up --watch`: keep the running containers in step with the `develop.watch` paths (v2 `Watch`).

`Watch` is the handle (start, stop from any thread, wait); `watch()` runs one until it is stopped. The
triggers are compiled here (Docker's ignore semantics from `pycompose.images.dockerignore`); the batching and
the order of actions live in `pycompose.watch`. A rebuild reuses `build` and `up` (only the rebuilt services
are recreated). Lines v2 prints (`Watch enabled`, `Syncing service "app" after 1 changes were detected`…) go to
`log`, by default the `pycompose.watch` logger at INFO: a library prints nothing unless asked.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import IO, TYPE_CHECKING, Any

from pycompose.errors import ComposeError, EngineError, UsageError
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.session import ProjectSource, RunOptions, engine_of, loaded
from pycompose.session import project as bound_project
from pycompose.watch.rules import (
    EPHEMERAL_PATTERNS,
    Action,
    AnyPath,
    ExecHook,
    PathMapping,
    Trigger,
    exec_hook,
    quoted_list,
)

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.images.dockerignore import Pattern
    from pycompose.loader.options import LoadedProject
    from pycompose.model import Project as ModelProject
    from pycompose.model import Service
    from pycompose.watch.loop import WatchLoop

NOT_CONFIGURED = "none of the selected services is configured for watch, consider setting a 'develop' section"
"""`watch`'s refusal when no selected service has `develop.watch` (after its `up`, as v2)."""
NOT_CONFIGURED_UP = ("none of the selected services is configured for watch, "
                     "see https://docs.docker.com/compose/how-tos/file-watch/")
"""`up --watch`'s refusal, worded as v2 words it there."""


@dataclass(frozen=True)
class WatchOptions:
    """`watch [SERVICE...]`: what to watch and how."""

    services: tuple[str, ...] = ()
    """Only these services (default: all); `up` also brings up their dependencies."""
    no_up: bool = False
    """`--no-up`: watch the containers as they are, without building and starting them first."""
    prune: bool = True
    """`--prune`: after each rebuild's build, before its containers are recreated, remove the project's dangling
    images that no container uses (as v2: so the image a rebuild replaces goes at the next rebuild, and the last
    one is left). Never with `attached`: v2's `up --watch` does not prune."""
    quiet: bool = False
    """`--quiet`: no build output lines."""
    attached: bool = False
    """`up --watch`: the caller already brought the project up (no `up` here), its refusal is `up`'s, and
    rebuilds prune nothing (v2's `NewWatcher` leaves `Prune` off)."""


class DockerPatterns:
    """Docker ignore patterns rooted at a directory, matched against absolute paths (v2's dockerPathMatcher:
    a pattern matching a parent directory matches everything inside it)."""

    def __init__(self, root: str, lines: Sequence[str], *, source: str | None = None) -> None:
        from pycompose.images.dockerignore import compile_patterns

        self.root = os.path.abspath(root)
        lines = list(lines)
        if "*" in lines:  # v2 keeps only the exceptions next to a bare `*` (NewDockerPatternMatcher)
            lines = [line for line in lines if line.startswith("!")]
        relative = [self._relative(line) for line in lines]
        self.patterns: list[Pattern] = compile_patterns([line for line in relative if line], source=source)

    def _relative(self, line: str) -> str:
        exclusion = line.startswith("!")
        text = line[1:] if exclusion else line
        if os.path.isabs(text):
            text = os.path.relpath(text, self.root)
            if text.startswith(".."):
                return ""
        return ("!" if exclusion else "") + text

    def matches(self, path: str) -> bool:
        """`path` absolute, or relative to `root` (as v2 joins a relative path to its matcher's root)."""
        from pycompose.images.dockerignore import is_excluded

        if not self.patterns:
            return False
        rel = os.path.relpath(path, self.root) if os.path.isabs(path) else os.path.normpath(path)
        if rel == "." or rel.startswith(".." + os.sep) or rel == "..":
            return False
        return is_excluded(rel.replace(os.sep, "/"), self.patterns)


class AnyOf:
    """Matches when one of its matchers does (v2 `NewCompositeMatcher`)."""

    def __init__(self, *matchers: Any) -> None:
        self.matchers = matchers

    def matches(self, path: str) -> bool:
        return any(matcher.matches(path) for matcher in self.matchers)


def dockerignore_of(service: Service) -> DockerPatterns | None:
    """The service's build `.dockerignore` (`<Dockerfile>.dockerignore` first), None without `build:`."""
    from pycompose.images.dockerignore import ignore_file_for, read_patterns

    build = service.config.get("build")
    if not isinstance(build, Mapping) or not build.get("context"):
        return None
    context = str(build["context"])
    path = ignore_file_for(context, build.get("dockerfile"))
    if path is None:
        return None
    with open(path, "rb") as handle:
        text = handle.read().decode("utf-8", "surrogateescape")
    return DockerPatterns(context, read_patterns(text), source=path)


def triggers_of(service: Service, working_dir: str = "", warn: Callable[[str], None] | None = None) -> list[Trigger]:
    """The service's `develop.watch` entries as Triggers (ignore: .dockerignore, editors' files, `/.git`, its
    own `ignore:`). Without `develop`, the legacy `x-develop` (its paths relative to `working_dir`); v2 warns
    about both legacy spellings (`x-develop`, a trigger's `x-initialSync`) through `warn`.

    Raises:
        ConfigError: a bad pattern; UsageError: `rebuild` on a service without `build:`.
    """
    warn = warn or (lambda message: None)
    entries = _watch_entries(service, working_dir, warn)
    if not entries:
        return []
    common = [DockerPatterns("/", EPHEMERAL_PATTERNS), DockerPatterns("/", [".git/"])]
    dockerignore = dockerignore_of(service)
    if dockerignore is not None:
        common.insert(0, dockerignore)
    triggers = []
    for entry in entries:
        action = Action(entry.get("action"))
        if action is Action.REBUILD and "build" not in service.config:
            raise UsageError(f'can\'t watch service "{service.name}" with action rebuild without a build context')
        path = os.path.normpath(str(entry["path"]))
        include = entry.get("include") or []
        initial_sync = bool(entry.get("initial_sync"))
        if not initial_sync and entry.get("x-initialSync") is True \
                and not (action.copies_at_start and bind_mounted(path, service)):
            warn("x-initialSync is DEPRECATED, please use the official `initial_sync` attribute\n")
            initial_sync = True
        triggers.append(Trigger(
            service=service.name, path=path, action=action, target=entry.get("target") or "",
            ignore=AnyOf(*common, DockerPatterns(path, entry.get("ignore") or [])),
            include=DockerPatterns(path, include) if include else AnyPath(),
            exec=exec_hook(entry.get("exec")) if action is Action.SYNC_EXEC else None,
            initial_sync=initial_sync,
        ))
    return triggers


def _watch_entries(service: Service, working_dir: str, warn: Callable[[str], None]) -> list[Mapping[str, Any]]:
    """`develop.watch`, else `x-develop.watch` read as v2 2.40 reads it (loadDevelopmentConfig): its paths joined to
    the project folder with symbolic links resolved, and none of the newer keys (`initial_sync`, a trigger's `x-*`)."""
    legacy = service.config.get("x-develop")
    if legacy is not None:
        warn("x-develop is DEPRECATED, please use the official `develop` attribute")
    develop = service.config.get("develop")
    if develop is not None or not isinstance(legacy, Mapping):
        return list((develop or {}).get("watch") or [])
    base = os.path.realpath(working_dir or ".")
    entries: list[Mapping[str, Any]] = []
    for written in legacy.get("watch") or []:
        entry = {k: v for k, v in written.items() if k in ("path", "action", "target", "exec", "include", "ignore")}
        path = os.path.join(base, str(entry.get("path") or ""))
        entry["path"] = os.path.realpath(path) if os.path.exists(path) else os.path.normpath(path)
        if entry.get("action") == Action.REBUILD.value and "build" not in service.config:
            # v2's message, its two arguments swapped as in its source
            raise UsageError(f"service rebuild doesn't have a build section, can't apply {service.name} on watch")
        if entry.get("action") == Action.SYNC_EXEC.value and not (entry.get("exec") or {}).get("command"):
            raise UsageError(f'can\'t watch with action "sync+exec" on service {service.name} without a command')
        entries.append(entry)
    return entries


def bind_mounted(path: str, service: Service) -> bool:
    """`path` lies under a bind mount's source: v2 does not watch it for a sync (the mount already shows it)."""
    for volume in service.config.get("volumes") or ():
        if isinstance(volume, Mapping) and volume.get("type") == "bind" and volume.get("source"):
            rel = os.path.relpath(path, str(volume["source"]))
            if not rel.startswith(".."):
                return True
    return False


class _BuildLines:
    """A sink for a rebuild: the build's output lines become watch lines (v2 logs them to `#watch`)."""

    def __init__(self, log: Callable[[str], None], warn: Callable[[str], None]) -> None:
        self._log = log
        self._warn = warn

    def emit(self, event: Event) -> None:
        if event.resource == "Service" and event.status == "Building" and event.detail:
            self._log(event.detail)

    def warn(self, message: str) -> None:
        self._warn(message)


class ProjectActions:
    """What a batch does to the project on the engine (`pycompose.watch.loop.WatchActions`)."""

    def __init__(self, source: LoadedProject, project: ModelProject, engine: Engine, options: WatchOptions,
                 run: RunOptions, warn: Callable[[str], None], output: IO[bytes] | None,
                 errors: IO[bytes] | None = None) -> None:
        self.source = source
        self.project = project
        self.engine = engine
        self.options = options
        self.run = run
        self.warn = warn
        self.output = output
        self.errors = errors if errors is not None else output
        self._ids: dict[str, list[str]] = {}

    def container_ids(self, service: str, *, running: bool = False) -> list[str]:
        observed = self.engine.observe(self.project.name, images=())
        return [c.id for c in observed.containers_of(service) if c.running or not running]

    def sync(self, service: str, mappings: Sequence[PathMapping]) -> None:
        """The service's containers are listed once and kept (a sync is on the path of every save); when a
        sync fails they are listed again and the sync retried once (something else recreated them)."""
        from pycompose.watch.sync import sync_containers

        cached = self._ids.get(service)
        ids = cached if cached is not None else self.container_ids(service)
        errors = sync_containers(self.engine, ids, mappings)
        if errors and cached is not None:
            ids = self.container_ids(service)
            errors = sync_containers(self.engine, ids, mappings)
        if errors:
            self._ids.pop(service, None)
            raise EngineError("\n".join(errors))
        self._ids[service] = ids

    def restart(self, services: tuple[str, ...]) -> None:
        from pycompose.api.lifecycle import restart

        restart(self.source, services, run=self.run, engine=self.engine, sink=LoggingSink())

    def exec(self, service: str, hook: ExecHook) -> None:
        """In all the running containers at once, as v2 (one goroutine per container); the first failure is
        raised once all have ended."""
        from pycompose.engine.base import ExecSpec
        from pycompose.watch.loop import run_together

        spec = ExecSpec(command=hook.command, env=dict(hook.environment), workdir=hook.working_dir,
                        user=hook.user, privileged=hook.privileged)

        def run(container_id: str) -> None:
            code = self.engine.exec_container(container_id, spec, stdout=self.output, stderr=self.errors)
            if code:
                raise ComposeError(f"exit code {code}")

        run_together([partial(run, container_id) for container_id in self.container_ids(service, running=True)])

    def rebuild(self, services: tuple[str, ...], log: Callable[[str], None]) -> None:
        """Build, prune, recreate, start, as v2: a failed build or recreation ends the batch; a failed start is
        logged and the batch goes on (v2 `rebuild` returns no error then)."""
        from pycompose.api.lifecycle import start, up
        from pycompose.api.options import UpOptions
        from pycompose.images.operations import BuildOptions, build

        log(f"Rebuilding service(s) {quoted_list(services)} after changes were detected...")
        for name in services:
            self._ids.pop(name, None)
        try:
            build(self.source, BuildOptions(services=services, quiet=self.options.quiet), run=self.run,
                  engine=self.engine, sink=_BuildLines(log, self.warn))
        except ComposeError as error:
            log(f"Build failed. Error: {error}")
            raise
        if self.options.prune and not self.options.attached:
            self._prune_dangling(services)
        log(f"service(s) {quoted_list(services)} successfully built")
        try:
            up(self.source, UpOptions(services=services, force_recreate=True, no_start=True), run=self.run,
               engine=self.engine, sink=LoggingSink())
        except ComposeError as error:
            log(f"Failed to recreate services after update. Error: {error}")
            raise
        try:
            start(self.source, services, run=self.run, engine=self.engine, sink=LoggingSink())
        except ComposeError as error:
            log(f"Application failed to start after update. Error: {error}")

    def _prune_dangling(self, services: tuple[str, ...]) -> None:
        """v2 `pruneDanglingImagesOnRebuild`, between the build and the recreation: remove, without force, the
        project's dangling images other than those just built; one a container still uses stays (the image this
        rebuild replaced is still the old container's) until a later rebuild. Failures are ignored, as v2 only
        logs them at debug level."""
        from pycompose import labels

        built = {image.id for image in (self.engine.inspect_image(self.project.service(name).image)
                                        for name in services) if image is not None}
        try:
            dangling = self.engine.list_images(f"{labels.PROJECT}={self.project.name}", dangling=True)
        except ComposeError:
            return
        for image in dangling:
            if image.id not in built:
                try:
                    self.engine.remove_image(image.id)
                except ComposeError:
                    pass


class Watch:
    """A running `watch`: start it, then stop it from any thread (or leave the `with` block).

        with Watch(loaded, WatchOptions(no_up=True), log=lines.append) as running:
            ...  # edit files; running.wait_batches(1, timeout=10)

    Raises (from `start`): UsageError when no selected service has `develop.watch` (v2's refusal), ConfigError,
    EngineError.
    """

    def __init__(self, source: ProjectSource, options: WatchOptions = WatchOptions(), *,
                 run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None,
                 log: Callable[[str], None] | None = None, output: IO[bytes] | None = None,
                 warn: Callable[[str], None] | None = None, errors: IO[bytes] | None = None) -> None:
        self.source = loaded(source)
        self.options = options
        self.run = run
        self.engine = engine_of(engine)
        self.sink = sink or LoggingSink()
        self.log = log or _log_line
        self.output = output
        self.errors = errors
        """Where the `sync+exec` hooks' stderr goes (v2: the CLI's stderr); default: with their stdout, `output`."""
        self.warn = warn or self.sink.warn
        """Where warnings go once watching (`Error handling changed files: …`); default: the sink's."""
        self._loop: WatchLoop | None = None
        self._stop = threading.Event()

    def start(self) -> Watch:
        """Bring the project up (unless `no_up`/`attached`), sync `initial_sync` triggers, start watching and
        log `Watch enabled`; returns self. A second call does nothing."""
        from pycompose.session import check_services
        from pycompose.watch.loop import WatchLoop

        if self._loop is not None:  # started already (`with project.watch() as running:`)
            return self
        project, _ = bound_project(self.source)
        check_services(project, self.options.services)
        if not self.options.no_up and not self.options.attached:
            self._up(project)
        selected = set(self.options.services or project.service_names())
        triggers: list[Trigger] = []
        paths: list[str] = []
        for service in project.services:
            if service.name not in selected:
                continue
            for trigger in triggers_of(service, project.working_dir, self.warn):
                triggers.append(trigger)
                if trigger.action.copies_at_start and bind_mounted(trigger.path, service):
                    self.warn(f"path '{trigger.path}' also declared by a bind mount volume, "
                              "this path won't be monitored!")
                    continue
                paths.append(trigger.path)
        if not paths:
            raise UsageError(NOT_CONFIGURED_UP if self.options.attached else NOT_CONFIGURED)
        actions = ProjectActions(self.source, project, self.engine, self.options, self.run, self.warn,
                                 self.output, self.errors)
        for trigger in triggers:
            if trigger.initial_sync and trigger.action.copies_at_start and trigger.path in paths:
                self._initial_sync(actions, trigger, project)
        self._loop = WatchLoop(triggers, actions, self.log, self.warn, paths=paths)
        self._loop.start()
        self.log("Watch enabled")
        return self

    def _up(self, project: ModelProject) -> None:
        from pycompose.api.lifecycle import up
        from pycompose.api.options import UpOptions
        from pycompose.images.operations import BuildOptions, build

        selected = self.options.services or project.service_names()
        # v2 builds the services that have both `build:` and `develop:` on every start of `watch`
        to_build = tuple(s.name for s in project.services
                         if s.name in selected and "build" in s.config and s.config.get("develop"))
        if to_build:
            build(self.source, BuildOptions(services=to_build, quiet=self.options.quiet), run=self.run,
                  engine=self.engine, sink=self.sink)
        up(self.source, UpOptions(services=self.options.services, quiet_pull=self.options.quiet), run=self.run,
           engine=self.engine, sink=self.sink)

    def _initial_sync(self, actions: ProjectActions, trigger: Trigger, project: ModelProject) -> None:
        """Copy the files under the trigger's path changed since the service's image was built (v2
        `initialSync`): what the image does not have yet. Which ones: `pycompose.watch.initial`."""
        from pycompose.watch.initial import initial_sync_mappings
        from pycompose.watch.sync import sync_containers

        created = _image_created(self.engine, actions, trigger.service)
        service = project.service(trigger.service)
        mappings = initial_sync_mappings(trigger, created, lambda path: bind_mounted(path, service))
        if mappings:
            errors = sync_containers(self.engine, actions.container_ids(trigger.service), mappings)
            if errors:
                raise EngineError("\n".join(errors))

    def stop(self, *, join: bool = True) -> None:
        """Stop watching; safe from any thread, more than once. A batch being handled finishes first unless
        `join` is false (then it goes on in its daemon thread: for a process about to exit)."""
        self._stop.set()
        if self._loop is not None:
            self._loop.stop(join=join)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until stopped (True) or `timeout` passes (False)."""
        return self._stop.wait(timeout)

    def wait_batches(self, count: int, timeout: float) -> bool:
        """Block until `count` batches of changes have been handled since the start; False on timeout."""
        return self._loop is not None and self._loop.wait_batches(count, timeout)

    @property
    def triggers(self) -> tuple[Trigger, ...]:
        return self._loop.triggers if self._loop is not None else ()

    def __enter__(self) -> Watch:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def watch(source: ProjectSource, options: WatchOptions = WatchOptions(), *, run: RunOptions = RunOptions(),
          engine: Engine | None = None, sink: EventSink | None = None, log: Callable[[str], None] | None = None,
          output: IO[bytes] | None = None, stop: threading.Event | None = None,
          errors: IO[bytes] | None = None) -> None:
    """Bring the project up (unless `no_up`), then watch until `stop` is set (or Ctrl-C: KeyboardInterrupt).

    Raises:
        UsageError: no selected service has `develop.watch`, an unknown service, `rebuild` without `build:`.
    """
    with Watch(source, options, run=run, engine=engine, sink=sink, log=log, output=output,
               errors=errors) as running:
        while not running.wait(0.2):
            if stop is not None and stop.is_set():
                return


def _image_created(engine: Engine, actions: ProjectActions, service: str) -> float | None:
    """When the image of the service's first container was built (epoch seconds); None if unknown."""
    from datetime import datetime

    observed = engine.observe(actions.project.name, images=())
    containers = observed.containers_of(service)
    if not containers:
        raise EngineError("could not get created time for service's image")
    image = engine.inspect_image(containers[0].image) if containers[0].image else None
    if image is None or not image.created:
        return None
    text = image.created
    if "." in text:  # Go's RFC 3339 with nanoseconds: keep microseconds for fromisoformat
        head, _, rest = text.partition(".")
        digits = "".join(ch for ch in rest if ch.isdigit())
        text = f"{head}.{digits[:6]}{rest[len(digits):]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def _log_line(line: str) -> None:
    import logging

    logging.getLogger("pycompose.watch").info("%s", line)
