"""v2's quiet period: a batch goes out once no new path came for 500 ms, each path once."""

from __future__ import annotations

import threading
import time

from pycompose.watch.debounce import QUIET_PERIOD, Debouncer


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_paths_wait_for_the_quiet_period_and_come_out_once_in_order() -> None:
    clock = Clock()
    debouncer = Debouncer(QUIET_PERIOD, clock)
    assert debouncer.due_in() is None and debouncer.take() == []
    debouncer.add("/a")
    clock.now += 0.3
    debouncer.add("/b")
    debouncer.add("/a")
    clock.now += 0.4  # 0.7 s after /a but 0.4 s after the last event: not yet
    assert debouncer.take() == []
    assert abs((debouncer.due_in() or 0) - 0.1) < 1e-9
    clock.now += 0.1
    assert debouncer.take() == ["/a", "/b"]
    assert debouncer.take() == [] and debouncer.due_in() is None


def test_next_batch_blocks_until_due_and_returns_empty_once_stopped() -> None:
    debouncer = Debouncer(0.05)
    stopped = threading.Event()
    threading.Timer(0.02, debouncer.add, ("/x",)).start()
    began = time.monotonic()
    assert debouncer.next_batch(stopped.is_set) == ["/x"]
    assert 0.05 <= time.monotonic() - began < 1.0
    threading.Timer(0.05, stopped.set).start()
    assert debouncer.next_batch(stopped.is_set) == []
