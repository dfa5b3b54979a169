"""Log multiplexing: the lines of many containers' logs, interleaved as they arrive, never cut or merged.

One reader thread per container feeds a queue; the caller's thread takes whole lines from it and hands them to
`emit`, so output is written from one thread and two lines never mix. A chunk boundary is not a line boundary:
each (container, stream) keeps its own pending bytes until a newline arrives; what is left when the stream ends is
emitted as a last line (v2 prints it with a newline). While following, the project is polled for containers that
appear (or start again) and their logs join in, as v2's `logs -f` does with engine events.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.observed import ObservedContainer

STDOUT, STDERR = 1, 2
POLL_SECONDS = 1.0
IDLE_GRACE_SECONDS = 3.0
"""How long `logs -f` waits, once no container runs, for one to start (a recreate stops the old container
before it starts the new one): only then does it end, as v2 does when the project stops."""


@dataclass(frozen=True)
class LogOptions:
    """`logs` flags, already validated."""

    follow: bool = False
    tail: str = "all"
    """Lines from the end of each container's log: a number or "all"."""
    since: str | None = None
    """Engine timestamp (`seconds.nanos`), see `engine_timestamp`; None: from the start."""
    until: str | None = None
    timestamps: bool = False
    index: int | None = None
    """Only the container with this number (`--index`)."""


@dataclass(frozen=True)
class LogLine:
    """One whole line of one container's log, without its newline."""

    name: str
    """The prefix v2 shows: `service-N`, or the container_name."""
    service: str
    stream: int
    text: str


@dataclass(frozen=True)
class LogTarget:
    container_id: str
    name: str
    service: str


class LineSplitter:
    """Bytes in, whole lines out; keeps the unfinished tail for the next chunk."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, data: bytes) -> list[bytes]:
        self._pending += data
        if b"\n" not in data:
            return []
        *lines, self._pending = self._pending.split(b"\n")
        return lines

    def flush(self) -> list[bytes]:
        rest, self._pending = self._pending, b""
        return [rest] if rest else []


_END = object()


def multiplex(
    engine: Engine, targets: Sequence[LogTarget], options: LogOptions, emit: Callable[[LogLine], None], *,
    discover: Callable[[], Iterable[tuple[LogTarget, bool]]] | None = None,
    on_new: Callable[[LogTarget], None] | None = None,
    on_end: Callable[[LogTarget], None] | None = None,
    on_interrupt: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
    finish: threading.Event | None = None,
) -> None:
    """Read every target's log until it ends (and, with `discover`, until no container is left running).

    `discover` returns (target, running) for the project's current containers; it is polled while following.
    `on_new` is told about a target before its first line (to widen prefixes); `on_end` after the last line of a
    target's stream (each time it ends: a restarted container is read again). Both run in the caller's thread,
    like `emit`. Ctrl-C raises KeyboardInterrupt to the caller, unless `on_interrupt` is given: it is called
    instead (it may raise) and reading goes on. Returns within 0.2 s of `stop` being set, without waiting for the
    reader threads, which are daemons; once `finish` is set, no new container joins and it returns as soon as the
    open streams have ended and their lines are out (what attached `up` does once it has stopped the project).
    """
    lines: queue.Queue = queue.Queue(maxsize=10_000)
    active: dict[str, float] = {}
    ended: dict[str, float] = {}
    known: dict[str, LogTarget] = {}

    def read(target: LogTarget, since: str | None, whole: bool) -> None:
        splitters = {STDOUT: LineSplitter(), STDERR: LineSplitter()}
        try:
            for stream, data in engine.stream_logs(
                target.container_id, follow=options.follow, tail="all" if whole or since else options.tail,
                since=since or options.since, until=options.until, timestamps=options.timestamps,
            ):
                splitter = splitters.get(stream) or splitters[STDOUT]
                for raw in splitter.feed(data):
                    lines.put(LogLine(target.name, target.service, stream, raw.decode("utf-8", "replace")))
        except Exception:
            import sys, traceback; traceback.print_exc(file=sys.stderr)
        import sys; print("DBG read ended", target.name, time.time(), file=sys.stderr)
        for stream, splitter in splitters.items():
            for raw in splitter.flush():
                lines.put(LogLine(target.name, target.service, stream, raw.decode("utf-8", "replace")))
        lines.put((_END, target.container_id))

    def attach(target: LogTarget, since: str | None = None, whole: bool = False) -> None:
        """`since`: a container that ran before, from where its last stream ended; `whole`: one that appeared
        while following, from its first line (v2 applies --tail to it too and so can miss what it wrote)."""
        active[target.container_id] = time.time()
        known[target.container_id] = target
        threading.Thread(target=read, args=(target, since, whole), daemon=True, name=f"logs-{target.name}").start()

    for target in targets:
        attach(target)
    next_poll = time.monotonic() + POLL_SECONDS
    idle_since: float | None = None

    def step() -> bool:
        """One turn of the loop; False: done."""
        nonlocal next_poll, idle_since
        if stop is not None and stop.is_set():
            return False
        finishing = finish is not None and finish.is_set()
        following = options.follow and discover is not None and not finishing
        if not active and not following:
            return False
        try:
            item = lines.get(timeout=0.2)
        except queue.Empty:
            item = None
        if isinstance(item, LogLine):
            emit(item)
            return True
        if isinstance(item, tuple) and item and item[0] is _END:
            active.pop(item[1], None)
            ended[item[1]] = time.time()
            if on_end is not None:
                on_end(known[item[1]])
        if not following:
            return True
        if time.monotonic() < next_poll and active:
            return True
        next_poll = time.monotonic() + POLL_SECONDS
        running_any = False
        assert discover is not None  # following implies it
        for target, running in discover():
            running_any = running_any or running
            if target.container_id in active or not running:
                continue
            if on_new is not None and target.container_id not in ended:
                on_new(target)
            restarted_at = ended.get(target.container_id)
            attach(target, since=engine_timestamp(restarted_at) if restarted_at else None, whole=restarted_at is None)
        if active or running_any or not lines.empty():
            idle_since = None
        elif idle_since is None:
            idle_since = time.monotonic()
        elif time.monotonic() - idle_since >= IDLE_GRACE_SECONDS:
            return False
        return True

    while True:
        try:
            if not step():
                return
        except KeyboardInterrupt:
            if on_interrupt is None:
                raise
            on_interrupt()


def targets_of(containers: Sequence[ObservedContainer], prefix_of: Callable[[ObservedContainer], str],
               services: Sequence[str] = (), index: int | None = None) -> list[LogTarget]:
    """The containers to read, in v2's order (service, number), filtered by service names and `--index`."""
    chosen = [c for c in containers if (not services or c.service in services) and (index is None or c.number == index)]
    chosen.sort(key=lambda c: (c.service, c.number, c.name))
    return [LogTarget(c.id, prefix_of(c), c.service) for c in chosen]


# --since / --until: the docker CLI's timetypes.GetTimestamp ---------------------------------------------------

_LAYOUTS = ("%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S",
            "%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H%z", "%Y-%m-%dT%H", "%Y-%m-%d")


def go_duration(value: str) -> float | None:
    """Seconds of a Go duration (`90s`, `1h30m`, `-5m`); None when `value` is not one."""
    from pycompose.loader.units import duration_seconds

    return duration_seconds(value)


def engine_timestamp(value: str | float, now: float | None = None) -> str:
    """What the Engine API takes for `since`/`until`: `seconds.nanoseconds`, from a duration (relative to now),
    an RFC 3339 date or time, or a Unix timestamp (passed through)."""
    if isinstance(value, (int, float)):
        return f"{value:.9f}"
    now = time.time() if now is None else now
    duration = go_duration(value) if value != "0" else None  # timetypes.GetTimestamp: "0" is a Unix timestamp
    if duration is not None:
        return f"{now - duration:.9f}"
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return value
    text = value.replace("Z", "+0000")
    text = re.sub(r"([+-]\d\d):(\d\d)$", r"\1\2", text)
    text = re.sub(r"(\.\d{6})\d+", r"\1", text)
    for layout in _LAYOUTS:
        try:
            parsed = datetime.strptime(text, layout)
        except ValueError:
            continue
        if parsed.tzinfo is None:  # the docker CLI reads a zone-less time as local time
            parsed = parsed.astimezone()
        return f"{parsed.timestamp():.9f}"
    from pycompose.errors import UsageError

    raise UsageError(f'invalid value "{value}": expected a duration (10m), an RFC 3339 time or a Unix timestamp')


__all__ = ["LineSplitter", "LogLine", "LogOptions", "LogTarget", "engine_timestamp", "exit_status", "follow_lines",
           "go_duration", "multiplex", "project_logs", "targets_of"]


def exit_status(engine: Engine, container_id: str) -> tuple[int, bool]:
    """(exit code, restarting) of a container whose log stream has just ended; a container removed meanwhile
    (recreated, or `down`) counts as exited with 0."""
    try:
        info = engine.inspect_container(container_id)
        restarting = info.state in ("restarting", "running")
        return (info.exit_code if restarting else engine.wait_container(container_id)), restarting
    except Exception:
        return 0, False


def project_logs(source, services: Sequence[str], options: LogOptions, emit: Callable[[LogLine], None], *,
                 on_new: Callable[[LogTarget], None] | None = None,
                 ready: Callable[[list[LogTarget]], None] | None = None,
                 on_exit: Callable[[LogTarget, int, bool], None] | None = None,
                 engine: Engine | None = None, stop: threading.Event | None = None) -> None:
    """`logs`: the project's (or named services') containers, interleaved; follows new ones with `options.follow`.

    `ready` receives the initial targets before any line (to size prefixes). While following, `on_exit` hears
    (target, exit code, restarting) of each container that stops after its lines were followed, as v2 prints
    `web-1 exited with code 0` (not of those already stopped when `logs -f` began). `source` is an api
    ProjectSource; with `-p NAME` and no compose file the project comes from its containers' labels, as in v2.
    """
    from pycompose import api

    project, engine, prefix_of = api.resolve_for_logs(source, services, engine=engine)

    def current() -> list[ObservedContainer]:
        return list(engine.observe(project.name, all_containers=True).containers)

    containers = current()
    targets = targets_of(containers, prefix_of, services, options.index)
    if ready is not None:
        ready(targets)

    followed = {c.id for c in containers if c.running}

    def discover() -> list[tuple[LogTarget, bool]]:
        found = current()
        running = {c.id for c in found if c.running}
        followed.update(running)
        return [(t, t.container_id in running) for t in targets_of(found, prefix_of, services, options.index)]

    def ended(target: LogTarget) -> None:
        if on_exit is not None and target.container_id in followed:
            on_exit(target, *exit_status(engine, target.container_id))

    multiplex(engine, targets, options, emit, discover=discover if options.follow else None, on_new=on_new,
              on_end=ended if options.follow else None, stop=stop)


def follow_lines(source, services: Sequence[str], options: LogOptions, *, prefix: bool = True,
                 engine: Engine | None = None) -> Iterator[str]:
    """`project_logs` as an iterator of text lines (`web-1  | text`, without the newline), for the Python API.

    The logs are read on a thread; closing the iterator (or leaving a `for` loop early) stops it. An error found
    before the first line (an unknown service, no engine) is raised from the first `next()`."""
    from pycompose.presentation.logview import LogFormatter

    formatter = LogFormatter(prefix=prefix)
    lines: queue.Queue = queue.Queue(maxsize=10_000)
    stop = threading.Event()
    finished = object()

    def run() -> None:
        try:
            project_logs(source, services, options, lambda line: lines.put(formatter.format(line)[:-1]),
                         ready=lambda targets: [formatter.add(t) for t in targets], on_new=formatter.add,
                         engine=engine, stop=stop)
        except BaseException as error:
            lines.put(error)
        lines.put(finished)

    threading.Thread(target=run, daemon=True, name="follow-logs").start()
    try:
        while True:
            item = lines.get()
            if item is finished:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
