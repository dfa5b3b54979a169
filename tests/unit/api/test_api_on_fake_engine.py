"""The API's logs, exec and attached-`up` paths above the Engine port, on the fake engine."""

from __future__ import annotations

import io
import threading
import time
from contextlib import contextmanager

import pytest

from pycompose import api
from pycompose.engine.fake import FakeEngine
from pycompose.errors import EngineError, OperationFailed
from pycompose.events import CollectingSink
from pycompose.loader.options import LoadedProject


def _loaded() -> LoadedProject:
    service = {"command": None, "entrypoint": None, "image": "busybox:latest", "networks": {"default": None}}
    config = {"name": "p", "services": {"app": dict(service), "job": dict(service)},
              "networks": {"default": {"name": "p_default", "ipam": {}}}}
    return LoadedProject(name="p", working_dir="/tmp", config_files=("/tmp/compose.yaml",), env_files=(),
                         environment={}, config=config)


@pytest.fixture
def engine() -> FakeEngine:
    """The project `p` up: p-app-1 and p-job-1 running."""
    fake = FakeEngine()
    api.up(_loaded(), engine=fake, sink=CollectingSink())
    assert {c.name for c in fake.containers.values() if c.running} == {"p-app-1", "p-job-1"}
    return fake


# logs


def test_logs_are_prefixed_padded_and_keep_each_container_whole(engine):
    engine.write_log("p-app-1", "hello\nsecond ")
    engine.write_log("p-app-1", "half\n")
    engine.write_log("p-app-1", "oops\n", stream=2)
    engine.write_log("p-job-1", "done\n")
    assert api.logs(_loaded(), engine=engine) == (
        "app-1  | hello\napp-1  | second half\napp-1  | oops\njob-1  | done\n")
    assert api.logs(_loaded(), ["job"], prefix=False, engine=engine) == "done\n"
    assert api.logs(_loaded(), ["app"], tail=1, prefix=False, engine=engine) == "oops\n"


def test_following_logs_ends_when_the_project_stops(engine, monkeypatch):
    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(logs, "IDLE_GRACE_SECONDS", 0.2)
    engine.write_log("p-app-1", "before\n")
    stack = api.Project(_loaded(), engine=engine, sink=CollectingSink())

    def later() -> None:
        time.sleep(0.2)
        engine.write_log("p-app-1", "after\n")
        engine.exit("p-app-1", 0)
        engine.exit("p-job-1", 0)

    threading.Thread(target=later, daemon=True).start()
    assert list(stack.logs("app", follow=True)) == ["before", "after"]


class LaggingFake(FakeEngine):
    """A follow stream sends only its first `sent` chunks, then ends when the container stops: what Docker 20.10
    does when its follower lags behind a burst the container writes as it exits."""

    sent = 50

    def stream_logs(self, container_id, **kwargs):
        chunks = super().stream_logs(container_id, **kwargs)
        for number, chunk in enumerate(chunks):
            if not kwargs.get("follow") or number < self.sent:
                yield chunk
        # the rest was consumed above, unsent, until the container stopped


@pytest.fixture
def lagging() -> LaggingFake:
    fake = LaggingFake()
    api.up(_loaded(), engine=fake, sink=CollectingSink())
    return fake


def test_following_logs_loses_no_line_when_the_engine_ends_the_stream_early(lagging, monkeypatch):
    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(logs, "IDLE_GRACE_SECONDS", 0.2)
    stack = api.Project(_loaded(), engine=lagging, sink=CollectingSink())

    def burst() -> None:
        time.sleep(0.2)
        for i in range(500):
            lagging.write_log("p-app-1", f"line-{i}\n")
            lagging.write_log("p-job-1", f"job-{i}\n", stream=2)
        lagging.exit("p-app-1", 0)
        lagging.exit("p-job-1", 0)

    threading.Thread(target=burst, daemon=True).start()
    lines = list(stack.logs(follow=True))
    assert [line for line in lines if line.startswith("app-1")] == [f"app-1  | line-{i}" for i in range(500)]
    assert [line for line in lines if line.startswith("job-1")] == [f"job-1  | job-{i}" for i in range(500)]


# exec


def test_exec_passes_input_and_returns_the_code_and_both_streams(engine):
    out, err = io.BytesIO(), io.BytesIO()
    code = api.exec_command(_loaded(), "app", ["cat"], stdin=io.BytesIO(b"piped"), stdout=out, stderr=err,
                            engine=engine)
    assert (code, out.getvalue(), err.getvalue()) == (0, b"piped", b"")
    code = api.exec_command(_loaded(), "app", ["nosuch"], stdout=out, stderr=err, engine=engine)
    assert code == 127 and b"executable file not found" in err.getvalue()
    assert [name for name, _ in engine.execs] == ["p-app-1", "p-app-1"]


def test_a_tty_exec_runs_in_the_terminal_handed_in(engine):
    class Terminal:
        def __init__(self) -> None:
            self.raw_mode: list[str] = []

        def size(self) -> tuple[int, int]:
            return 40, 120

        @contextmanager
        def raw(self):
            self.raw_mode.append("on")
            yield
            self.raw_mode.append("off")

    terminal, out = Terminal(), io.BytesIO()
    code = api.exec_command(_loaded(), "app", ["echo", "hi"], api.ExecOptions(tty=True, env={"A": "1"}),
                            stdout=out, terminal=terminal, engine=engine)
    assert (code, out.getvalue(), terminal.raw_mode) == (0, b"hi\n", ["on", "off"])
    spec = engine.execs[-1][1]
    assert (spec.tty, spec.terminal_size, dict(spec.env)) == (True, (40, 120), {"A": "1"})
    api.exec_command(_loaded(), "app", ["true"], api.ExecOptions(tty=False), terminal=terminal, engine=engine)
    assert terminal.raw_mode == ["on", "off"] and engine.execs[-1][1].terminal_size is None  # no TTY: untouched


def test_exec_in_a_stopped_or_missing_container_fails(engine):
    with pytest.raises(OperationFailed, match='service "app" is not running container #2'):
        api.exec_command(_loaded(), "app", ["true"], api.ExecOptions(index=2), engine=engine)
    engine.exit("p-app-1", 1)
    with pytest.raises(OperationFailed, match='service "app" is not running'):
        api.exec_command(_loaded(), "app", ["true"], engine=engine)
    container_id = engine.containers["p-job-1"].id
    engine.exit("p-job-1", 0)
    from pycompose.engine.base import ExecSpec

    with pytest.raises(EngineError, match="is not running"):
        engine.exec_container(container_id, ExecSpec(command=("true",)))


def test_project_exec_splits_a_command_and_decodes_the_output(engine):
    stack = api.Project(_loaded(), engine=engine, sink=CollectingSink())
    assert stack.exec("app", "echo hello world") == (0, "hello world\n")
    assert stack.exec("app", ["cat"], input=b"x") == (0, "x")


# attached up


class RecordingView:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def attached(self, targets):
        self.seen.append("attached " + ", ".join(t.name for t in targets))

    def joined(self, target):
        self.seen.append(f"joined {target.name}")

    def line(self, line):
        self.seen.append(f"{line.name} {line.stream} {line.text}")

    def recreated(self, target):
        self.seen.append(f"recreated {target.name}")

    def exited(self, target, code, restarting):
        self.seen.append(f"exited {target.name} {code}")


@pytest.fixture
def quick_logs(monkeypatch):
    import pycompose.logs as logs

    monkeypatch.setattr(logs, "POLL_SECONDS", 0.05)
    monkeypatch.setattr(logs, "IDLE_GRACE_SECONDS", 0.2)


def _meanwhile(*steps) -> None:
    def run() -> None:
        for step in steps:
            time.sleep(0.1)
            step()

    threading.Thread(target=run, daemon=True).start()


def test_attach_shows_every_line_and_exit_and_returns_0_when_all_ended(engine, quick_logs):
    view = RecordingView()
    _meanwhile(lambda: engine.write_log("p-app-1", "hi\n"), lambda: engine.write_log("p-app-1", "warn\n", 2),
               lambda: engine.exit("p-app-1", 3), lambda: engine.exit("p-job-1", 0))
    code = api.attach(_loaded(), view=view, engine=engine, sink=CollectingSink())
    assert code == 0
    assert view.seen == ["attached app-1, job-1", "app-1 1 hi", "app-1 2 warn", "exited app-1 3", "exited job-1 0"]


def test_attach_with_exit_code_from_stops_the_project_and_returns_that_code(engine, quick_logs):
    view, sink = RecordingView(), CollectingSink()
    _meanwhile(lambda: engine.exit("p-job-1", 5))
    code = api.attach(_loaded(), view=view, exit_code_from="job", abort_on_exit=True, engine=engine, sink=sink)
    assert code == 5
    assert ("stop", "p-app-1") in engine.calls  # the rest of the project was stopped
    assert view.seen[0] == "attached app-1, job-1" and "exited job-1 5" in view.seen and "exited app-1 0" in view.seen
    assert "Aborting on container exit..." in [e.name for e in sink.events if not e.resource]  # a line, as v2's


def test_attach_loses_no_line_when_the_engine_ends_a_stream_early(lagging, quick_logs):
    view = RecordingView()
    _meanwhile(lambda: [lagging.write_log("p-app-1", f"{i}\n") for i in range(300)], lambda: lagging.exit("p-app-1", 0),
               lambda: lagging.exit("p-job-1", 0))
    assert api.attach(_loaded(), view=view, engine=lagging, sink=CollectingSink()) == 0
    app = [seen for seen in view.seen if seen.startswith(("app-1", "exited app-1"))]
    assert app == [f"app-1 1 {i}" for i in range(300)] + ["exited app-1 0"]


def test_attach_follows_only_the_services_asked_for(engine, quick_logs):
    view = RecordingView()
    _meanwhile(lambda: engine.write_log("p-job-1", "not shown\n"), lambda: engine.exit("p-job-1", 0),
               lambda: engine.exit("p-app-1", 0))
    assert api.attach(_loaded(), exclude=("job",), view=view, engine=engine, sink=CollectingSink()) == 0
    assert view.seen == ["attached app-1", "exited app-1 0"]


def test_up_no_deps_writes_an_empty_depends_on_label_and_the_same_hash():
    """v2 `up --no-deps web`: dependencies ignored altogether, `depends_on` label empty, config hash unchanged."""
    import tempfile
    from pathlib import Path

    from pycompose import api, labels
    from pycompose.engine.fake import FakeEngine
    from pycompose.loader.options import ProjectOptions

    folder = Path(tempfile.mkdtemp())
    (folder / "compose.yaml").write_text(
        "services:\n  db:\n    image: busybox:latest\n  web:\n    image: busybox:latest\n    depends_on: [db]\n")
    options = ProjectOptions(files=(str(folder / "compose.yaml"),), project_name="nd")
    alone, full = FakeEngine(), FakeEngine()
    api.up(options, api.UpOptions(services=("web",), no_deps=True), engine=alone)
    api.up(options, api.UpOptions(services=("web",)), engine=full)
    lone_web, web = alone.containers["nd-web-1"], full.containers["nd-web-1"]
    assert "nd-db-1" not in alone.containers and "nd-db-1" in full.containers
    assert lone_web.labels[labels.DEPENDS_ON] == ""
    assert web.labels[labels.DEPENDS_ON] == "db:service_started:false"
    assert lone_web.labels[labels.CONFIG_HASH] == web.labels[labels.CONFIG_HASH]
