"""No line lost: a follow stream the engine ends early is read to the end, a restarted container from the line after
its last, by the engine's timestamps (which never reach the text); engine errors end one log, bugs are raised."""

from __future__ import annotations

import threading
import time

import pytest

from pycompose.errors import EngineError, NotFound
from pycompose.logs import LineFormat, LogLine, LogOptions, LogTarget, exit_status, multiplex

T0 = 1_700_000_000 * 10**9


def stamp(ns: int) -> bytes:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ns // 10**9)).encode() + b".%09dZ" % (ns % 10**9)


class LaggingEngine:
    """Each log a list of (stream, bytes, time in ns) messages, as the engine stores them; a follow stream of a
    container in `cut` ends after that many messages, as Docker 20.10 ends one whose follower lags behind when
    the container stops. `since` and `tail` as the engine reads them (`since` includes its time)."""

    def __init__(self, logs: dict[str, list[tuple[int, bytes, int]]], cut: dict[str, int] | None = None) -> None:
        self.logs = logs
        self.cut = dict(cut or {})
        self.calls: list[tuple[str, bool, str | None, str]] = []

    def stream_logs(self, container_id, *, follow, tail, since, until, timestamps):
        self.calls.append((container_id, follow, since, tail))
        messages = list(self.logs[container_id])
        if since is not None:
            seconds, nanos = since.split(".")
            messages = [m for m in messages if m[2] >= int(seconds) * 10**9 + int(nanos)]
        if tail != "all":
            messages = messages[len(messages) - int(tail):] if int(tail) else []
        if follow and container_id in self.cut:
            messages = messages[:self.cut.pop(container_id)]
        for stream, data, when in messages:
            yield stream, (stamp(when) + b" " + data) if timestamps else data


def burst(count: int, *, long: int = 40_000, same_time: bool = False) -> list[tuple[int, bytes, int]]:
    """`count` lines, a stderr line, a `long` line stored as 16 KiB pieces (one time for all), an unfinished last."""
    def at(i: int) -> int:
        return T0 if same_time else T0 + i * 1000

    messages = [(1, b"line-%d\n" % i, at(i)) for i in range(count)]
    messages.append((2, b"to-stderr\n", at(count)))
    text = b"x" * long + b"\n"
    messages += [(1, text[i:i + 16_384], at(count + 1)) for i in range(0, len(text), 16_384)]
    messages.append((1, b"no newline", at(count + 2)))
    return messages


def expected(count: int, long: int = 40_000) -> list[tuple[int, str]]:
    return [(1, f"line-{i}") for i in range(count)] + [(2, "to-stderr"), (1, "x" * long), (1, "no newline")]


def read(engine, options=LogOptions(follow=True), **kwargs) -> list[LogLine]:
    got: list[LogLine] = []
    multiplex(engine, [LogTarget("c", "web-1", "web")], options, got.append, **kwargs)
    return got


@pytest.mark.parametrize("cut", [0, 1, 500, 999, 1000, 1001, 1002, 1003, 1004])
def test_a_follow_stream_ended_early_is_read_to_its_end_once(cut):
    engine = LaggingEngine({"c": burst(1000)}, cut={"c": cut})
    got = read(engine)
    assert [(line.stream, line.text) for line in got] == expected(1000)
    assert engine.calls[0] == ("c", True, None, "all")
    assert [call[1] for call in engine.calls] == [True, False]  # then the rest, without following


def test_the_rest_is_read_from_a_second_before_the_latest_line_out_and_no_line_comes_twice():
    lines = [(1, b"line-%d\n" % i, T0 + i * 100_000_000) for i in range(30)]  # 10 a second
    engine = LaggingEngine({"c": lines}, cut={"c": 25})
    got = read(engine)
    assert [line.text for line in got] == [f"line-{i}" for i in range(30)]
    assert engine.calls[1] == ("c", False, f"{T0 // 10**9 + 1}.{400_000_000:09d}", "all")  # line-24's time - 1 s


def test_a_long_log_counts_only_the_lines_a_resumed_read_can_see_again():
    lines = [(1 + i % 2, b"%d\n" % i, T0 + i * 1_000_000) for i in range(20_000)]  # 1 ms apart: 20 s
    engine = LaggingEngine({"c": lines}, cut={"c": 15_000})
    got = read(engine)
    assert sorted(int(line.text) for line in got) == list(range(20_000))
    assert engine.calls[1][2] == f"{T0 // 10**9 + 13}.{999_000_000:09d}"  # line 14,999 - 1 s


@pytest.mark.parametrize("cut", range(7))
def test_lines_whose_times_go_back_in_the_file_come_once(cut):
    # the engine stamps a message as it reads it and writes it afterwards, stdout and stderr each on its own; the
    # pieces of a long line all carry the time of the first
    messages = [(1, b"a\n", T0), (1, b"x" * 16_384, T0 + 10), (2, b"err\n", T0 + 30), (1, b"y" * 16_384, T0 + 10),
                (1, b"z\n", T0 + 10), (2, b"late\n", T0 + 20), (1, b"b\n", T0 + 40)]
    engine = LaggingEngine({"c": messages}, cut={"c": cut})
    got = read(engine)
    assert [line.text for line in got if line.stream == 1] == ["a", "x" * 16_384 + "y" * 16_384 + "z", "b"]
    assert [line.text for line in got if line.stream == 2] == ["err", "late"]


def test_lines_of_one_time_are_told_apart_by_their_number():
    engine = LaggingEngine({"c": burst(300, same_time=True)}, cut={"c": 120})
    assert [(line.stream, line.text) for line in read(engine)] == expected(300)


def test_a_tail_window_is_followed_then_read_to_the_end():
    engine = LaggingEngine({"c": burst(1000)}, cut={"c": 10})
    got = read(engine, LogOptions(follow=True, tail="20"))
    # the last 20 messages: 15 lines, the stderr line, the long line's 3 pieces, the unfinished one
    assert [line.text for line in got] == [f"line-{i}" for i in range(985, 1000)] + ["to-stderr", "x" * 40_000,
                                                                                   "no newline"]


def test_without_following_a_log_is_read_once():
    engine = LaggingEngine({"c": burst(5)})
    assert [line.text for line in read(engine, LogOptions())][-1] == "no newline"
    assert len(engine.calls) == 1


def test_the_engines_times_leave_the_text_and_come_back_only_when_asked():
    engine = LaggingEngine({"c": burst(2, long=20_000)})
    got = read(engine, LogOptions())
    assert got[0].timestamp == stamp(T0).decode() and got[0].text == "line-0"
    long_line = got[3]
    assert long_line.text == "x" * 20_000  # the second piece's time is gone too
    assert LineFormat(prefix=False, timestamps=True).format(long_line) == f"{stamp(T0 + 3000).decode()} {'x' * 20_000}"


def test_times_with_a_zone_offset_resume_at_the_same_instant():
    class Local(LaggingEngine):
        def stream_logs(self, container_id, **kwargs):
            for stream, data in super().stream_logs(container_id, **kwargs):
                yield stream, data.replace(b"T22:13:20.", b"T23:13:20.").replace(b"Z ", b"+01:00 ", 1)

    engine = Local({"c": burst(10)}, cut={"c": 4})
    got = read(engine)
    assert [line.text for line in got][:10] == [f"line-{i}" for i in range(10)]
    assert engine.calls[1][2] == f"{T0 // 10**9}.000000000"  # the first line's time, the same instant


def test_a_restarted_container_is_read_from_the_line_after_its_last(monkeypatch):
    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(logs, "IDLE_GRACE_SECONDS", 0.2)
    engine = LaggingEngine({"c": [(1, b"run-1\n", T0)]})
    target = LogTarget("c", "web-1", "web")
    runs = iter([True])

    def on_end(_: LogTarget) -> None:  # it starts again, and writes more
        engine.logs["c"].append((1, b"run-2\n", T0 + 5))

    got = read(engine, discover=lambda: [(target, next(runs, False))], on_end=on_end)
    assert [line.text for line in got] == ["run-1", "run-2"]
    assert ("c", True, f"{T0 // 10**9}.000000000", "all") in engine.calls


def test_an_engine_that_gives_no_times_is_read_as_it_comes_and_not_again():
    class Unstamped(LaggingEngine):
        def stream_logs(self, container_id, **kwargs):
            for stream, data in super().stream_logs(container_id, **kwargs):
                yield stream, data.split(b" ", 1)[1]

    engine = Unstamped({"c": burst(3)})
    assert [line.text for line in read(engine)] == [text for _, text in expected(3)]
    assert len(engine.calls) == 1
    assert read(engine)[0].timestamp == ""


def test_an_engine_error_ends_that_log_and_the_others_go_on():
    class Gone(LaggingEngine):
        def stream_logs(self, container_id, **kwargs):
            if container_id == "gone":
                raise NotFound("No such container: gone")
            yield from super().stream_logs(container_id, **kwargs)

    ended: list[str] = []
    got: list[LogLine] = []
    multiplex(Gone({"c": burst(3)}), [LogTarget("gone", "old-1", "old"), LogTarget("c", "web-1", "web")],
              LogOptions(follow=True), got.append, on_end=lambda target: ended.append(target.name))
    assert [line.text for line in got] == [text for _, text in expected(3)]
    assert sorted(ended) == ["old-1", "web-1"]


def test_a_bug_in_a_reader_is_raised_in_the_callers_thread():
    class Broken(LaggingEngine):
        def stream_logs(self, container_id, **kwargs):
            yield 1, b"2024-01-01T00:00:00.000000000Z fine\n"
            raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        read(Broken({}))


def test_stop_ends_the_readers_too():
    release = threading.Event()
    calls: list[str] = []

    class Endless(LaggingEngine):
        def stream_logs(self, container_id, **kwargs):
            try:
                while not release.wait(0.01):
                    yield 1, stamp(T0) + b" again\n"
            finally:
                calls.append("closed")

    stop = threading.Event()
    got: list[LogLine] = []

    def emit(line: LogLine) -> None:
        got.append(line)
        if len(got) == 3:
            stop.set()

    multiplex(Endless({}), [LogTarget("c", "web-1", "web")], LogOptions(follow=True), emit, stop=stop)
    deadline = time.monotonic() + 5
    while not calls and time.monotonic() < deadline:
        time.sleep(0.05)
    release.set()
    assert calls == ["closed"]  # the reader closed its stream rather than block on a queue nobody reads


def test_exit_status_counts_a_removed_container_as_exited_0_and_lets_other_errors_through():
    class Removed:
        def inspect_container(self, container_id):
            raise NotFound("No such container: c")

    class Refusing:
        def inspect_container(self, container_id):
            raise EngineError("the engine is busy")

    assert exit_status(Removed(), "c") == (0, False)
    with pytest.raises(EngineError):
        exit_status(Refusing(), "c")
