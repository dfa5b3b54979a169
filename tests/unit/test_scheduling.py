"""run_jobs on plain callables: order along dependencies, the limit, skipped dependents, bugs and Ctrl-C."""

from __future__ import annotations

import threading
import time
import traceback

import pytest

from pycompose import scheduling
from pycompose.errors import EngineError, OperationFailed
from pycompose.scheduling import Cancelled, Job, run_jobs, workers


def recorder():
    started: list[str] = []
    lock = threading.Lock()

    def job(key: str, after=(), error: BaseException | None = None, result: object = None) -> Job[str]:
        def run():
            with lock:
                started.append(key)
            if error is not None:
                raise error
            return result if result is not None else key
        return Job(key, run, after)

    return started, job


def test_jobs_start_after_what_they_wait_for_in_the_order_given():
    started, job = recorder()
    outcome = run_jobs([job("web", ("db", "cache")), job("db"), job("cache", ("db",)), job("lone", ("gone",))],
                       limit=1)
    assert started == ["db", "lone", "cache", "web"]  # `gone` is not among the jobs: counts as done
    assert outcome.results == {"db": "db", "lone": "lone", "cache": "cache", "web": "web"}
    assert (outcome.errors, outcome.skipped, outcome.blocked) == ([], [], [])


def test_a_failure_skips_its_dependents_transitively_and_independent_jobs_carry_on():
    started, job = recorder()
    failure = OperationFailed("db exited")
    # given in an order where the skip of `web` is only known after `api` is skipped
    outcome = run_jobs([job("web", ("api",)), job("api", ("db",)), job("db", error=failure), job("other")])
    assert sorted(started) == ["db", "other"]
    assert outcome.errors == [("db", failure)]
    assert sorted(outcome.skipped) == ["api", "web"]
    with pytest.raises(OperationFailed, match="db exited"):
        outcome.raise_first()


def test_stop_on_failure_starts_nothing_after_the_first_failure():
    started, job = recorder()
    outcome = run_jobs([job("a", error=EngineError("no")), job("b", ("a",)), job("c", ("x",))], limit=1,
                       stop_on_failure=True)
    assert started == ["a", "c"]  # `c` was ready with `a`: it was submitted before `a` failed
    assert outcome.skipped == ["b"]


def test_a_cycle_is_reported_as_blocked():
    started, job = recorder()
    outcome = run_jobs([job("a", ("b",)), job("b", ("a",)), job("c")])
    assert started == ["c"]
    assert outcome.blocked == ["a", "b"]


@pytest.mark.parametrize("limit, expected", [(1, 1), (3, 3), (None, 8), (-1, 8), (0, 8)])
def test_the_limit_bounds_jobs_at_once(limit, expected):
    active, peak, lock = [0], [0], threading.Lock()

    def run():
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1

    run_jobs([Job(i, run) for i in range(8)], limit=limit)
    assert peak[0] == expected
    assert workers(None, 1000) == scheduling.UNBOUNDED_WORKERS


def test_duplicate_keys_are_refused():
    with pytest.raises(ValueError, match="duplicate"):
        run_jobs([Job("a", lambda: None), Job("a", lambda: None)])


def _broken_step():
    raise RuntimeError("a bug in pycompose")


def test_a_bug_propagates_unchanged_with_its_traceback_after_running_jobs_finish():
    finished = threading.Event()
    cancelled = threading.Event()

    def slow():
        time.sleep(0.2)
        finished.set()

    started, job = recorder()
    with pytest.raises(RuntimeError, match="a bug in pycompose") as raised:
        run_jobs([Job("slow", slow), Job("bug", _broken_step), job("after", ("slow",)), job("dependent", ("bug",))],
                 cancelled=cancelled)
    assert type(raised.value) is RuntimeError
    frames = [frame.name for frame in traceback.extract_tb(raised.value.__traceback__)]
    assert "_broken_step" in frames
    assert finished.is_set()  # the running job finished before the bug propagated
    assert cancelled.is_set()
    assert started == []  # nothing new started after the bug


def test_a_cancelled_job_counts_as_skipped():
    def run():
        raise Cancelled("stopped")

    outcome = run_jobs([Job("w", run), Job("x", lambda: 1, ("w",))])
    assert outcome.skipped == ["w", "x"]
    assert outcome.errors == []


def test_ctrl_c_while_waiting_propagates_at_once_and_cancels(monkeypatch):
    release = threading.Event()
    cancelled = threading.Event()
    started, job = recorder()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    def waiting_job():
        cancelled.wait(5)  # a cooperative wait (the executor's health poll)
        release.set()

    monkeypatch.setattr("concurrent.futures.wait", interrupted)  # run_jobs imports it when it runs
    began = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_jobs([Job("health", waiting_job), job("next", ("health",))], cancelled=cancelled)
    assert time.monotonic() - began < 1
    assert cancelled.is_set()
    assert release.wait(1)  # the running job saw `cancelled` and ended
    assert started == []


def test_ctrl_c_names_the_jobs_under_way_and_those_never_started(monkeypatch):
    from pycompose.errors import Interrupted

    cancelled = threading.Event()
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        raise KeyboardInterrupt

    monkeypatch.setattr("concurrent.futures.wait", interrupted)
    with pytest.raises(Interrupted) as raised:
        run_jobs([Job("wait:db", lambda: cancelled.wait(5)), Job("start:web", lambda: 1, ("wait:db",)),
                  Job(7, lambda: 1, ("wait:db",))], cancelled=cancelled)
    assert isinstance(raised.value, KeyboardInterrupt)
    assert raised.value.unfinished == ("wait:db",)
    assert raised.value.not_started == ("start:web", "1 job")
    assert raised.value.summary() == "left unfinished: wait:db; not started: start:web, 1 job"
    assert isinstance(raised.value.__cause__, KeyboardInterrupt)


def test_ctrl_c_names_the_jobs_left_to_finish(monkeypatch):
    from pycompose.errors import Interrupted

    cancelled = threading.Event()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("concurrent.futures.wait", interrupted)
    with pytest.raises(Interrupted) as raised:
        run_jobs([Job("recreate:web", lambda: cancelled.wait(5), finish_when_interrupted=True),
                  Job("wait:db", lambda: cancelled.wait(5)),
                  Job("create:app", lambda: 1, ("wait:db",), finish_when_interrupted=True)], cancelled=cancelled)
    assert raised.value.unfinished == ("recreate:web", "wait:db")
    assert raised.value.finishing == ("recreate:web",)
