"""Log multiplexing: the lines of many containers' logs, interleaved as they arrive, never lost, cut or merged.

One reader thread per container feeds a queue; the caller's thread takes whole lines from it and hands them to
`emit`, so output is written from one thread and two lines never mix. A chunk boundary is not a line boundary:
each (container, stream) keeps its own pending bytes until a newline arrives; what is left when the log ends is
emitted as a last line (v2 prints it with a newline). While following, the project is polled for containers that
appear (or start again) and their logs join in, as v2's `logs -f` does with engine events.

A follow stream's end does not mean its lines are all out: when the container stops, the engine ends the stream
at once, and an engine whose follower lags behind the log file (Docker 20.10's json-file driver, under a burst)
drops the lines it had not sent yet. So logs are always read with the engine's timestamps, which say where a read
stopped (`_ContainerLog`); when a follow stream ends, the rest of the log is read from there without following,
and a container that starts again is read from there too. The timestamps are taken off the text and kept apart
(`LogLine.timestamp`); `LineFormat` shows them with `--timestamps`.
"""

from __future__ import annotations

import calendar
import contextlib
import queue
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from pycompose.errors import EngineError, NotFound, NotSupported

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.model import Project as ModelProject
    from pycompose.observed import ObservedContainer
    from pycompose.session import ProjectSource

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
    """Show each line's engine time (`LineFormat`); the multiplexer reads the times whatever this says."""
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
    timestamp: str = ""
    """The engine's time of the line (RFC 3339, nanoseconds, as `docker logs -t` shows it); "" when unknown."""


@dataclass(frozen=True)
class LogTarget:
    container_id: str
    name: str
    service: str
    container_name: str = ""


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

    @property
    def pending(self) -> bytes:
        """The unfinished line so far."""
        return self._pending

    def flush(self) -> list[bytes]:
        rest, self._pending = self._pending, b""
        return [rest] if rest else []


# where a read stopped: the engine's timestamps --------------------------------------------------------------

_STAMP = re.compile(rb"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d) ")
"""What the engine writes before each log message with `timestamps` (Go's RFC3339NanoFixed, then a space)."""


RESUME_MARGIN_NS = 1_000_000_000
"""How far before the latest line out a read resumes. The engine stamps a message when it reads it from the
container and writes it to the log file afterwards, stdout and stderr each on its own: in the file, a line can
follow one with a later time (and every 16 KiB piece of a long line carries the time of its first piece)."""


def _stamp_time(match: re.Match[bytes]) -> int:
    """Nanoseconds since the epoch of a `_STAMP` match; exact, as the engine's `since` needs it."""
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    zone = match[8]
    offset = 0 if zone == b"Z" else (-1 if zone[:1] == b"-" else 1) * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    seconds = calendar.timegm((year, month, day, hour, minute, second, 0, 0, 0)) - offset
    return seconds * 1_000_000_000 + int((match[7] or b"0").ljust(9, b"0"))


def _since(nanoseconds: int) -> str:
    """The engine's `since` (`seconds.nanoseconds`, inclusive) for a time in nanoseconds."""
    return f"{nanoseconds // 1_000_000_000}.{nanoseconds % 1_000_000_000:09d}"


class _ContainerLog:
    """One container's log as whole `LogLine`s, read (and read again) from where the last read stopped.

    Every line out is counted by (time, stream); a read that resumes starts a little before the latest line out
    (`RESUME_MARGIN_NS`, and never after an unfinished line) and skips as many lines of each (time, stream) as
    are out already, so that no line comes twice, even when times repeat or go back. A line the engine gives
    without a time is passed on as it is, and then the log cannot be resumed (`resumable`). The engine writes a
    long line as 16 KiB messages, each with the line's time in front: all of them are taken off.
    """

    def __init__(self, engine: Engine, target: LogTarget, until: str | None, put: Callable[[LogLine], None],
                 warn: Callable[[str], None] = lambda message: None) -> None:
        self.engine = engine
        self.target = target
        self.until = until
        self.put = put
        self.warn = warn
        self.resumable = True
        self._out: Counter[tuple[int, int]] = Counter()
        self._first: int | None = None
        self._latest: int | None = None
        self._skip: Counter[tuple[int, int]] = Counter()
        self._counted_limit = 4096
        self._splitters = {STDOUT: LineSplitter(), STDERR: LineSplitter()}

    def resume_since(self) -> str | None:
        """Where a read that goes on from here starts (`since`); None when no line with a time is out."""
        if self._first is None or self._latest is None:
            return None
        start = min([self._latest - RESUME_MARGIN_NS, *self._unfinished_times()])
        return _since(max(start, self._first))  # not before the first line out: --tail left out what came before

    def read(self, *, follow: bool, since: str | None, tail: str) -> list[tuple[int, bytes]] | None:
        """Put the lines of one engine read, minus those out already; returns each stream's unfinished last line,
        or None when the engine refused or ended the read with an error (the container is gone, its log driver
        cannot be read)."""
        self._skip = Counter(self._out)
        self._splitters = {STDOUT: LineSplitter(), STDERR: LineSplitter()}
        try:
            for stream, data in self.engine.stream_logs(self.target.container_id, follow=follow, tail=tail,
                                                        since=since, until=self.until, timestamps=True):
                kind = stream if stream in self._splitters else STDOUT
                for raw in self._splitters[kind].feed(data):
                    self.line(stream, raw)
        except NotSupported as error:  # a log driver that cannot be read: v2 says so and goes on
            self.warn(f'Can\'t retrieve logs for "{self.target.container_name or self.target.name}": {error}')
            return None
        except EngineError:
            return None
        return [(stream, splitter.pending) for stream, splitter in self._splitters.items() if splitter.pending]

    def finish(self, unfinished: list[tuple[int, bytes]]) -> None:
        """The log has ended: its unfinished lines go out as last lines."""
        for stream, raw in unfinished:
            self.line(stream, raw)

    def line(self, stream: int, raw: bytes) -> None:
        match = _STAMP.match(raw)
        if match is None:
            self.resumable = False
            self.put(LogLine(self.target.name, self.target.service, stream, raw.decode("utf-8", "replace")))
            return
        when = _stamp_time(match)
        key = (when, stream)
        if self._skip[key] > 0:  # out already
            self._skip[key] -= 1
            return
        stamp = match[0]
        text = raw[match.end():].replace(stamp, b"")
        self.put(LogLine(self.target.name, self.target.service, stream, text.decode("utf-8", "replace"),
                         stamp[:-1].decode()))
        self._out[key] += 1
        self._first = when if self._first is None else self._first
        self._latest = when if self._latest is None else max(self._latest, when)
        if len(self._out) > self._counted_limit:
            self._forget()

    def _unfinished_times(self) -> list[int]:
        starts = [_STAMP.match(splitter.pending) for splitter in self._splitters.values()]
        return [_stamp_time(match) for match in starts if match is not None]

    def _forget(self) -> None:
        """Stop counting the lines no resumed read will see again."""
        assert self._latest is not None
        oldest = min([self._latest - RESUME_MARGIN_NS, *self._unfinished_times()])
        self._out = Counter({key: count for key, count in self._out.items() if key[0] >= oldest})
        self._counted_limit = max(4096, 2 * len(self._out))  # a burst within the margin: not once a line


_END, _FAILED, _WARN = object(), object(), object()


class _Abandoned(Exception):
    """The caller stopped listening (`multiplex(stop=…)`): a reader thread ends, closing its stream."""


def multiplex(
    engine: Engine, targets: Sequence[LogTarget], options: LogOptions, emit: Callable[[LogLine], None], *,
    discover: Callable[[], Iterable[tuple[LogTarget, bool]]] | None = None,
    on_new: Callable[[LogTarget], None] | None = None,
    on_end: Callable[[LogTarget], None] | None = None,
    on_interrupt: Callable[[], None] | None = None,
    stop: threading.Event | None = None,
    finish: threading.Event | None = None,
    warn: Callable[[str], None] | None = None,
) -> None:
    """Read every target's log until it ends (and, with `discover`, until no container is left running).

    `discover` returns (target, running) for the project's current containers; it is polled while following.
    `on_new` is told about a target before its first line (to widen prefixes); `on_end` after the last line of a
    target's log (each time it ends: a restarted container is read again, from the line after its last one). All
    three run in the caller's thread, like `emit`. Ctrl-C raises KeyboardInterrupt to the caller, unless
    `on_interrupt` is given: it is called instead (it may raise) and reading goes on. Returns within 0.2 s of
    `stop` being set, without waiting for the reader threads, which are daemons; once `finish` is set, no new
    container joins and it returns as soon as the open logs have ended and their lines are out (what attached `up`
    does once it has stopped the project). An error in a reader that is not the engine's (a bug) is raised here.
    `warn` hears, in the caller's thread, of a log the engine cannot give (its driver cannot be read).
    """
    items: queue.Queue = queue.Queue(maxsize=10_000)
    active: set[str] = set()
    ended: dict[str, tuple[float, _ContainerLog]] = {}
    known: dict[str, LogTarget] = {}

    def put(item: object) -> None:
        """Waits while the queue is full; a reader the caller no longer listens to (`stop`) ends."""
        while stop is None or not stop.is_set():
            try:
                items.put(item, timeout=0.2)
                return
            except queue.Full:
                continue
        raise _Abandoned

    def read(log: _ContainerLog, since: str | None, tail: str) -> None:
        try:
            unfinished = log.read(follow=options.follow, since=since, tail=tail)
            if options.follow and log.resumable:
                # the stream ended with the container, maybe before all of its lines were sent: read the rest
                resume = log.resume_since()
                rest = log.read(follow=False, since=resume or since, tail="all" if resume else tail)
                unfinished = rest if rest is not None else unfinished
            log.finish(unfinished or [])
            put((_END, log.target.container_id, log))
        except _Abandoned:
            return
        except BaseException as error:  # a bug: raised in the caller's thread rather than lost with this one
            with contextlib.suppress(_Abandoned):
                put((_FAILED, error))

    def attach(target: LogTarget, *, whole: bool = False) -> None:
        """Read a target: a container that ran before from where its last read stopped (when the engine gave no
        times, from when that read ended); `whole`: one that appeared while following, from its first line (v2
        applies --tail to it too and so can miss what it wrote); else with the options' tail and since."""
        active.add(target.container_id)
        known[target.container_id] = target
        since, tail = options.since, options.tail
        log = _ContainerLog(engine, target, options.until, put, lambda message: put((_WARN, message)))
        if target.container_id in ended:
            ended_at, last = ended[target.container_id]
            resume = last.resume_since() if last.resumable else None
            log = last if resume is not None else log
            since, tail = resume or engine_timestamp(ended_at), "all"
        elif whole:
            tail = "all"
        threading.Thread(target=read, args=(log, since, tail), daemon=True, name=f"logs-{target.name}").start()

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
            item = items.get(timeout=0.2)
        except queue.Empty:
            item = None
        if isinstance(item, LogLine):
            emit(item)
            return True
        if isinstance(item, tuple) and item[0] is _FAILED:
            raise item[1]
        if isinstance(item, tuple) and item[0] is _WARN:
            if warn is not None:
                warn(item[1])
            return True
        if isinstance(item, tuple) and item[0] is _END:
            active.discard(item[1])
            ended[item[1]] = (time.time(), item[2])
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
            attach(target, whole=True)
        if active or running_any or not items.empty():
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
    return [LogTarget(c.id, prefix_of(c), c.service, c.name) for c in chosen]


def log_prefix(project: ModelProject, container: ObservedContainer) -> str:
    """v2 prefixes log lines with `service-n`, or the container_name when one is set."""
    service = project.service(container.service) if container.service in project.service_names() else None
    if service is not None and service.container_name:
        return service.container_name
    return f"{container.service}-{container.number}"


def resolve_for_logs(source: ProjectSource, services: Sequence[str] = (), *, engine: Engine | None = None,
                     ) -> tuple[ModelProject, Engine, Callable[[ObservedContainer], str]]:
    """What reading a project's logs needs: the model, the engine, and each container's prefix.

    With `-p NAME` and no compose file the model comes from the containers' labels, as in v2.

    Raises:
        UsageError: one of `services` is not in the project.
    """
    from pycompose.session import check_services, engine_of, project_or_labels

    engine = engine_of(engine)
    project, _ = project_or_labels(source, engine)
    check_services(project, tuple(services))
    return project, engine, lambda container: log_prefix(project, container)


class LineFormat:
    """A log line as text, as v2 writes it without colours: `web-1  | text`, prefixes padded to the longest name
    seen so far (the width grows when a longer one joins, as in v2 while following), the engine's time before the
    text with `timestamps` (`web-1  | 2024-01-02T03:04:05.123456789Z text`). Presentation colours the prefix."""

    def __init__(self, targets: Sequence[LogTarget] = (), *, prefix: bool = True, timestamps: bool = False) -> None:
        self.prefix = prefix
        self.timestamps = timestamps
        self.width = 0
        for target in targets:
            self.add(target)

    def add(self, target: LogTarget) -> None:
        self.width = max(self.width, len(target.name))

    def head(self, line: LogLine) -> str:
        """`web-1  | `, padded; "" without prefixes."""
        return f"{line.name.ljust(self.width)}  | " if self.prefix else ""

    def body(self, line: LogLine) -> str:
        return f"{line.timestamp} {line.text}" if self.timestamps and line.timestamp else line.text

    def format(self, line: LogLine) -> str:
        """The whole line, without its newline."""
        return self.head(line) + self.body(line)


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


__all__ = ["LineFormat", "LineSplitter", "LogLine", "LogOptions", "LogTarget", "engine_timestamp",
           "exit_status", "follow_lines", "go_duration", "log_prefix", "multiplex", "project_logs", "resolve_for_logs",
           "targets_of"]


def exit_status(engine: Engine, container_id: str) -> tuple[int, bool]:
    """(exit code, restarting) of a container whose log has just ended; a container removed meanwhile
    (recreated, or `down`) counts as exited with 0."""
    try:
        info = engine.inspect_container(container_id)
        restarting = info.state in ("restarting", "running")
        return (info.exit_code if restarting else engine.wait_container(container_id)), restarting
    except NotFound:
        return 0, False


def project_logs(source: ProjectSource, services: Sequence[str], options: LogOptions,
                 emit: Callable[[LogLine], None], *,
                 on_new: Callable[[LogTarget], None] | None = None,
                 ready: Callable[[list[LogTarget]], None] | None = None,
                 on_exit: Callable[[LogTarget, int, bool], None] | None = None,
                 engine: Engine | None = None, stop: threading.Event | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
    """`logs`: the project's (or named services') containers, interleaved; follows new ones with `options.follow`.

    `ready` receives the initial targets before any line (to size prefixes). While following, `on_exit` hears
    (target, exit code, restarting) of each container that stops after its lines were followed, as v2 prints
    `web-1 exited with code 0` (not of those already stopped when `logs -f` began). With `-p NAME` and no compose
    file the project comes from its containers' labels, as in v2.
    """
    project, engine, prefix_of = resolve_for_logs(source, services, engine=engine)

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
              on_end=ended if options.follow else None, stop=stop, warn=warn)


def follow_lines(source: ProjectSource, services: Sequence[str], options: LogOptions, *, prefix: bool = True,
                 engine: Engine | None = None) -> Iterator[str]:
    """`project_logs` as an iterator of text lines (`web-1  | text`, without the newline), for the Python API.

    The logs are read on a thread; closing the iterator (or leaving a `for` loop early) stops it. An error found
    before the first line (an unknown service, no engine) is raised from the first `next()`."""
    formatter = LineFormat(prefix=prefix, timestamps=options.timestamps)
    lines: queue.Queue = queue.Queue(maxsize=10_000)
    stop = threading.Event()
    finished = object()

    def put(item: object) -> None:
        """Waits while the caller has not taken enough lines, until it closes the iterator."""
        while not stop.is_set():
            try:
                lines.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def run() -> None:
        try:
            project_logs(source, services, options, lambda line: put(formatter.format(line)),
                         ready=lambda targets: [formatter.add(t) for t in targets], on_new=formatter.add,
                         engine=engine, stop=stop)
        except BaseException as error:  # handed to the caller's thread, raised there
            put(error)
        put(finished)

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
