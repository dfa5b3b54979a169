"""`Watch` on the fake engine: up, a change synced and an exec run, a bind-mounted path left unwatched (not for
sync+exec), a rebuilt container failing to start (logged, the batch goes on),
the refusal when nothing is configured for watch."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pycompose.api.watch import NOT_CONFIGURED, Watch, WatchOptions
from pycompose.engine.fake import FakeEngine
from pycompose.errors import UsageError
from pycompose.events import CollectingSink
from pycompose.loader.options import ProjectOptions

COMPOSE = """
services:
  app:
    image: busybox:latest
    volumes: ["./mounted:/mounted"]
    develop:
      watch:
        - {path: ./src, target: /app, action: sync+exec, exec: {command: ["true"], user: nobody}}
        - {path: ./mounted, target: /mounted, action: sync}
"""


def _options(folder: Path, compose: str) -> ProjectOptions:
    (folder / "compose.yaml").write_text(textwrap.dedent(compose))
    (folder / "src").mkdir(exist_ok=True)
    (folder / "mounted").mkdir(exist_ok=True)
    return ProjectOptions(files=(str(folder / "compose.yaml"),), project_name="wafake")


def test_a_change_is_synced_then_the_exec_runs(tmp_path: Path) -> None:
    engine, sink, lines = FakeEngine(), CollectingSink(), []
    with Watch(_options(tmp_path, COMPOSE), engine=engine, sink=sink, log=lines.append) as running:
        assert "Container wafake-app-1 Started" in sink.lines()
        (tmp_path / "src" / "main.py").write_text("print(1)")
        assert running.wait_batches(1, timeout=5)
    assert engine.files["wafake-app-1"]["/app/main.py"] == b"print(1)"
    (name, spec), = engine.execs
    assert name == "wafake-app-1" and spec.command == ("true",) and spec.user == "nobody"
    assert lines == ["Watch enabled", 'Syncing service "app" after 1 changes were detected']
    assert sink.warnings == [f"path '{tmp_path / 'mounted'}' also declared by a bind mount volume, "
                             "this path won't be monitored!"]
    assert [t.path for t in running.triggers] == [str(tmp_path / "src"), str(tmp_path / "mounted")]


def test_nothing_to_watch_is_refused_after_up(tmp_path: Path) -> None:
    engine = FakeEngine()
    compose = "services:\n  app:\n    image: busybox:latest\n"
    with pytest.raises(UsageError, match=NOT_CONFIGURED):
        Watch(_options(tmp_path, compose), engine=engine).start()
    assert [c.name for c in engine.containers.values()] == ["wafake-app-1"]  # v2 brings it up first
    with pytest.raises(UsageError, match="no such service: nope"):
        Watch(_options(tmp_path, compose), WatchOptions(services=("nope",)), engine=engine).start()


def test_sync_exec_is_watched_under_a_bind_mount_and_not_synced_at_start(tmp_path: Path) -> None:
    compose = """
    services:
      app:
        image: busybox:latest
        volumes: ["./mounted:/mounted"]
        develop:
          watch:
            - {path: ./mounted, target: /mounted, action: sync+exec, initial_sync: true, exec: {command: ["true"]}}
    """
    options = _options(tmp_path, compose)
    (tmp_path / "mounted" / "before.txt").write_text("v2 syncs only sync and sync+restart at start")
    engine, sink, lines = FakeEngine(), CollectingSink(), []
    with Watch(options, engine=engine, sink=sink, log=lines.append) as running:
        assert engine.files.get("wafake-app-1", {}) == {}
        (tmp_path / "mounted" / "after.txt").write_text("watched")
        assert running.wait_batches(1, timeout=5)
    assert engine.files["wafake-app-1"] == {"/mounted/after.txt": b"watched"}
    assert sink.warnings == []
    assert lines == ["Watch enabled", 'Syncing service "app" after 1 changes were detected']


def test_a_rebuilt_container_that_fails_to_start_is_logged_and_the_batch_goes_on(tmp_path: Path) -> None:
    compose = """
    services:
      app:
        build: .
        develop:
          watch:
            - {path: ./Dockerfile, action: rebuild}
            - {path: ./src, target: /app, action: sync}
    """
    options = _options(tmp_path, compose)
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\n")
    engine, lines, warnings = FakeEngine(), [], []
    with Watch(options, engine=engine, log=lines.append, warn=warnings.append) as running:
        engine.fail[("start", "wafake-app-1")] = "port is already allocated"
        (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nRUN true\n")
        (tmp_path / "src" / "main.py").write_text("print(1)")
        assert running.wait_batches(1, timeout=5)
    assert lines[1:] == ['Rebuilding service(s) ["app"] after changes were detected...',
                         "Step 1/1 : FROM wafake-app-base", 'service(s) ["app"] successfully built',
                         'Application failed to start after update. Error: service "app": port is already allocated',
                         'Syncing service "app" after 1 changes were detected']
    assert warnings == []
    assert engine.files["wafake-app-1"]["/app/main.py"] == b"print(1)"


def test_a_hooks_stderr_goes_to_errors_as_v2_writes_it_to_its_stderr(tmp_path: Path) -> None:
    import io

    engine, out, err = FakeEngine(), io.BytesIO(), io.BytesIO()
    engine.exec_handler = lambda container, spec, stdin: (0, b"to-stdout\n", b"to-stderr\n")
    with Watch(_options(tmp_path, COMPOSE), engine=engine, output=out, errors=err) as running:
        (tmp_path / "src" / "main.py").write_text("print(1)")
        assert running.wait_batches(1, timeout=5)
    assert (out.getvalue(), err.getvalue()) == (b"to-stdout\n", b"to-stderr\n")
