"""Log multiplexing: whole lines whatever the chunking, streams kept apart, prefixes padded and coloured."""

from __future__ import annotations

from pycompose.logs import (
    LineFormat,
    LineSplitter,
    LogLine,
    LogOptions,
    LogTarget,
    engine_timestamp,
    go_duration,
    multiplex,
)
from pycompose.presentation.logview import LogFormatter


class ChunkEngine:
    def __init__(self, chunks):
        self.chunks = chunks

    def stream_logs(self, container_id, **kwargs):
        yield from self.chunks[container_id]


def test_splitter_joins_chunks_and_keeps_the_unfinished_tail():
    splitter = LineSplitter()
    assert splitter.feed(b"ab") == []
    assert splitter.feed(b"c\nde\n\nf") == [b"abc", b"de", b""]
    assert splitter.flush() == [b"f"]
    assert splitter.flush() == []


def test_lines_are_never_cut_or_merged_across_streams_and_chunks():
    long = b"x" * 100_000
    chunks = {"a": [(1, long[:7]), (2, b"err1\n"), (1, long[7:] + b"\nsecond"), (1, b" half\nno-newline")],
              "b": [(1, b"\n".join(b"%d" % i for i in range(500)) + b"\n")]}
    got: list[LogLine] = []
    multiplex(ChunkEngine(chunks), [LogTarget("a", "web-1", "web"), LogTarget("b", "db-1", "db")], LogOptions(),
              got.append)
    web = [(line.stream, line.text) for line in got if line.name == "web-1"]
    assert web == [(2, "err1"), (1, long.decode()), (1, "second half"), (1, "no-newline")]
    assert [line.text for line in got if line.name == "db-1"] == [str(i) for i in range(500)]


def test_prefixes_are_padded_to_the_longest_name_and_coloured_per_service():
    formatter = LogFormatter([LogTarget("1", "longername-1", "longername"), LogTarget("2", "web-1", "web")],
                             color=True)
    assert formatter.format(LogLine("web-1", "web", 1, "hi")) == "\033[33mweb-1         | \033[0mhi"
    plain = LogFormatter([LogTarget("2", "web-1", "web")])
    assert plain.format(LogLine("web-1", "web", 1, "hi")) == "web-1  | hi"
    assert LogFormatter(prefix=False, color=True).format(LogLine("web-1", "web", 1, "hi")) == "hi"


def test_the_plain_text_of_a_line_is_the_cores_and_the_width_grows_as_names_join():
    text = LineFormat([LogTarget("2", "web-1", "web")])
    line = LogLine("web-1", "web", 1, "hi", "2024-01-02T03:04:05.000000001Z")
    assert text.format(line) == "web-1  | hi"
    text.add(LogTarget("3", "worker-10", "worker"))
    assert text.format(line) == "web-1      | hi"
    assert LineFormat(prefix=False, timestamps=True).format(line) == "2024-01-02T03:04:05.000000001Z hi"
    assert LineFormat(timestamps=True).format(LogLine("a-1", "a", 1, "no time")) == "a-1  | no time"
    coloured = LogFormatter([LogTarget("2", "web-1", "web")], color=True, timestamps=True)
    assert coloured.format(line) == "\033[36mweb-1  | \033[0m2024-01-02T03:04:05.000000001Z hi"


def test_since_and_until_values_as_the_docker_cli_reads_them():
    assert go_duration("1h30m") == 5400
    assert go_duration("42m") == 2520
    assert go_duration("abc") is None
    assert engine_timestamp("10m", now=1000.0) == "400.000000000"
    assert engine_timestamp("2013-01-02T13:23:37Z") == "1357133017.000000000"
    assert engine_timestamp("2013-01-02T13:23:37+01:00") == "1357129417.000000000"
    assert engine_timestamp("1357133017") == "1357133017"


def test_following_reads_a_container_that_appears_from_its_first_line_and_ends_when_none_runs(monkeypatch):
    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(logs, "IDLE_GRACE_SECONDS", 0.3)
    calls = []

    class Recording(ChunkEngine):
        def stream_logs(self, container_id, **kwargs):
            calls.append((container_id, kwargs["tail"]))
            yield from self.chunks[container_id]

    engine = Recording({"old": [(1, b"old\n")], "new": [(1, b"gen=2\n")]})
    polls = iter([[(LogTarget("new", "web-1", "web"), True)]])
    got: list[LogLine] = []
    multiplex(engine, [LogTarget("old", "web-1", "web")], LogOptions(follow=True, tail="0"), got.append,
              discover=lambda: next(polls, []))
    assert calls == [("old", "0"), ("new", "all")]  # --tail for what was there, everything of what came after
    assert [line.text for line in got] == ["old", "gen=2"]


def test_on_end_runs_after_a_streams_last_line_and_can_stop_the_rest():
    import threading

    class Endless(ChunkEngine):
        def stream_logs(self, container_id, **kwargs):
            yield from self.chunks[container_id]
            if container_id == "server":
                threading.Event().wait(30)  # a container that keeps running

    events: list[str] = []
    stop = threading.Event()

    def on_end(target: LogTarget) -> None:
        events.append(f"end {target.name}")
        stop.set()  # what --abort-on-container-exit does, in the consumer's thread

    engine = Endless({"job": [(1, b"one\ntwo")], "server": [(1, b"up\n")]})
    multiplex(engine, [LogTarget("job", "job-1", "job"), LogTarget("server", "server-1", "server")],
              LogOptions(follow=True), lambda line: events.append(f"{line.name} {line.text}"), on_end=on_end,
              stop=stop)
    job = [event for event in events if "job-1" in event]
    assert job == ["job-1 one", "job-1 two", "end job-1"]  # after every line, the unfinished tail included
    assert events[-1] == "end job-1"  # and `stop` returned at once, the server still running


def test_finish_drains_open_streams_and_on_interrupt_replaces_the_keyboard_interrupt(monkeypatch):
    import threading

    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    release = threading.Event()

    class Stoppable(ChunkEngine):
        def stream_logs(self, container_id, **kwargs):
            yield (1, b"hello\n")
            release.wait(10)  # the container runs until the project is stopped
            yield (1, b"bye\n")

    finish = threading.Event()
    got: list[str] = []
    interrupted: list[bool] = []

    def emit(line: LogLine) -> None:
        got.append(line.text)
        if line.text == "hello" and not interrupted:
            raise KeyboardInterrupt  # Ctrl-C while writing

    def on_interrupt() -> None:
        interrupted.append(True)
        release.set()  # the graceful stop: the container logs its last words and exits
        finish.set()

    ended: list[str] = []
    multiplex(Stoppable({}), [LogTarget("a", "a-1", "a")], LogOptions(follow=True), emit,
              discover=lambda: [(LogTarget("a", "a-1", "a"), True)], on_end=lambda t: ended.append(t.name),
              on_interrupt=on_interrupt, finish=finish)
    assert interrupted == [True]
    assert got == ["hello", "bye"] and ended == ["a-1"]  # returned once the open stream ended, not before


def test_a_log_the_engine_cannot_give_is_a_warning_and_the_others_go_on():
    from pycompose.errors import NotSupported

    class NoDriver(ChunkEngine):
        def stream_logs(self, container_id, **kwargs):
            if container_id == "silent":
                raise NotSupported("Error response from daemon: configured logging driver does not support reading")
            yield from self.chunks[container_id]

    seen: list[str] = []
    multiplex(NoDriver({"web": [(1, b"hello\n")]}),
              [LogTarget("silent", "silent-1", "silent", "p-silent-1"), LogTarget("web", "web-1", "web", "p-web-1")],
              LogOptions(), lambda line: seen.append(f"{line.name} {line.text}"), warn=lambda m: seen.append(m))
    assert sorted(seen) == ['Can\'t retrieve logs for "p-silent-1": Error response from daemon: configured logging '
                            "driver does not support reading", "web-1 hello"]
