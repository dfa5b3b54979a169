"""The archive a sync sends, the order of a batch's actions (exec hooks at once), and the file watcher on a real
directory."""

from __future__ import annotations

import io
import os
import tarfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from pycompose.errors import EngineError
from pycompose.watch.loop import FileWatcher, WatchLoop, handle_batch, run_together, watch_roots
from pycompose.watch.rules import Action, BatchPlan, ExecHook, PathMapping, Trigger
from pycompose.watch.sync import archive, split


def test_gone_paths_are_deleted_and_the_others_archived_under_their_target(tmp_path: Path) -> None:
    (tmp_path / "d" / "sub").mkdir(parents=True)
    (tmp_path / "d" / "sub" / "f").write_text("data")
    (tmp_path / "one").write_text("1")
    mappings = [PathMapping(str(tmp_path / "one"), "/app/one"), PathMapping(str(tmp_path / "d"), "/app/d"),
                PathMapping(str(tmp_path / "gone"), "/app/gone")]
    copy, delete = split(mappings)
    assert delete == ["/app/gone"]
    with tarfile.open(fileobj=io.BytesIO(archive(copy))) as tar:
        names = tar.getnames()
        assert names == ["app/one", "app/d", "app/d/sub", "app/d/sub/f"]
        member = tar.extractfile("app/d/sub/f")
        assert member is not None and member.read() == b"data"


class Recorder:
    def __init__(self, fail: str = "") -> None:
        self.calls: list[tuple] = []
        self.fail = fail

    def rebuild(self, services: tuple[str, ...], log) -> None:
        self.calls.append(("rebuild", services))

    def sync(self, service: str, mappings: Sequence[PathMapping]) -> None:
        self.calls.append(("sync", service, len(mappings)))
        if self.fail == "sync":
            raise EngineError("copying files to abc: boom")

    def restart(self, services: tuple[str, ...]) -> None:
        self.calls.append(("restart", services))

    def exec(self, service: str, hook: ExecHook) -> None:
        self.calls.append(("exec", service, hook.command))


def test_a_batch_runs_rebuild_sync_restart_exec_and_prints_v2s_lines() -> None:
    plan = BatchPlan(rebuild=("b",), sync={"a": (PathMapping("/x", "/y"),)}, restart=("a",),
                     exec={"a": (ExecHook(("true",)),)})
    actions, lines, warnings = Recorder(), [], []
    handle_batch(plan, actions, lines.append, warnings.append)
    assert actions.calls == [("rebuild", ("b",)), ("sync", "a", 1), ("restart", ("a",)), ("exec", "a", ("true",))]
    assert lines == ['Syncing service "a" after 1 changes were detected', 'service(s) ["a"] restarted']
    assert warnings == []


def test_a_failing_action_ends_the_batch_with_v2s_warning() -> None:
    plan = BatchPlan(sync={"a": (PathMapping("/x", "/y"),)}, restart=("a",))
    actions, lines, warnings = Recorder(fail="sync"), [], []
    handle_batch(plan, actions, lines.append, warnings.append)
    assert actions.calls == [("sync", "a", 1)]
    assert warnings == ["Error handling changed files: copying files to abc: boom"]


def test_watch_roots_cover_files_through_their_parent_and_nest_once(tmp_path: Path) -> None:
    (tmp_path / "src" / "deep").mkdir(parents=True)
    (tmp_path / "f.txt").write_text("")
    roots = watch_roots([str(tmp_path / "src"), str(tmp_path / "src" / "deep"), str(tmp_path / "f.txt"),
                         str(tmp_path / "missing" / "x")])
    assert roots == [(str(tmp_path), False), (str(tmp_path / "src"), True)]


def test_the_file_watcher_reports_a_write_at_once(tmp_path: Path) -> None:
    seen: list[str] = []
    watcher = FileWatcher([str(tmp_path)], seen.append)
    watcher.start()
    try:
        (tmp_path / "sub").mkdir()
        time.sleep(0.1)
        target = tmp_path / "sub" / "new.txt"
        target.write_text("x")
        deadline = time.monotonic() + 3
        while str(target) not in seen and time.monotonic() < deadline:
            time.sleep(0.01)
        assert str(target) in seen
    finally:
        watcher.stop()


def test_the_loop_hands_one_debounced_batch_to_the_actions(tmp_path: Path) -> None:
    trigger = Trigger(service="app", path=str(tmp_path), action=Action.SYNC, target="/app")
    actions, lines = Recorder(), []
    loop = WatchLoop([trigger], actions, lines.append, lines.append, quiet=0.1)
    loop.start()
    try:
        time.sleep(0.1)
        for name in ("a", "b", "c"):
            (tmp_path / name).write_text(name)
        os.remove(tmp_path / "a")
        assert loop.wait_batches(1, timeout=5)
        assert actions.calls == [("sync", "app", 3)]
        assert lines == ['Syncing service "app" after 3 changes were detected']
    finally:
        loop.stop()
    assert loop.stopped


class Overlapping(Recorder):
    """Each exec waits at a barrier for the others: run one after the other, they would break it."""

    def __init__(self, parties: int, fail: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=5)
        self.failing = fail

    def exec(self, service: str, hook: ExecHook) -> None:
        self.barrier.wait()
        super().exec(service, hook)
        if service in self.failing:
            raise EngineError(f"exit code {len(service)}")


def test_the_exec_hooks_of_all_services_run_at_once_as_v2s_errgroup() -> None:
    plan = BatchPlan(sync={"a": (PathMapping("/x", "/y"),), "b": (PathMapping("/x", "/y"),)},
                     exec={"a": (ExecHook(("one",)), ExecHook(("two",))), "b": (ExecHook(("three",)),)})
    actions, lines, warnings = Overlapping(3), [], []
    handle_batch(plan, actions, lines.append, warnings.append)
    assert sorted(call[2] for call in actions.calls if call[0] == "exec") == [("one",), ("three",), ("two",)]
    assert warnings == []


def test_a_failing_hook_is_reported_once_all_hooks_have_ended() -> None:
    plan = BatchPlan(exec={"a": (ExecHook(("one",)),), "bbb": (ExecHook(("two",)),)})
    actions, warnings = Overlapping(2, fail=("bbb",)), []
    handle_batch(plan, actions, [].append, warnings.append)
    assert len([call for call in actions.calls if call[0] == "exec"]) == 2
    assert warnings == ["Error handling changed files: exit code 3"]


def test_run_together_raises_the_first_error_after_every_call_ended() -> None:
    ended: list[str] = []

    def fails() -> None:
        ended.append("fails")
        raise EngineError("boom")

    def slow() -> None:
        time.sleep(0.2)
        ended.append("slow")

    with pytest.raises(EngineError, match="boom"):
        run_together([slow, fails])
    assert ended == ["fails", "slow"]
