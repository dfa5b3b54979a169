"""The Python API (`pycompose.api.Project`) and the `port`, `exec`, `wait` commands on the real engine."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from pycompose import api
from pycompose.errors import ComposeError, OperationFailed, UsageError
from pycompose.events import CollectingSink

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  app:
    image: busybox:latest
    init: true
    command:
      - sh
      - -c
      - echo hello from app; echo oops >&2; mkdir -p /www; echo page > /www/index.html; exec httpd -f -p 8000 -h /www
    ports: ["8000"]
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8000/"]
      interval: 1s
      retries: 20
  once:
    image: busybox:latest
    command: ["sh", "-c", "exit 3"]
    profiles: [jobs]
"""


@pytest.fixture
def compose_dir(loader, tmp_path):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    return tmp_path


@pytest.fixture
def stack(compose_dir, project_name):
    """`app` only (up --wait fails on a container that exits non-zero, as in v2)."""
    return api.Project.load(compose_dir / "compose.yaml", project_name=project_name, sink=CollectingSink())


@pytest.fixture
def jobs(compose_dir, project_name):
    """`app` and the one-shot `once` (profile `jobs`), which exits 3."""
    return api.Project.load(compose_dir / "compose.yaml", project_name=project_name, profiles=["jobs"],
                            sink=CollectingSink())


def _get(host: str, port: int) -> str:
    with urllib.request.urlopen(f"http://{host}:{port}/", timeout=5) as response:
        return response.read().decode()


# the Python API ---------------------------------------------------------------------------------------------------


def test_the_context_manager_brings_the_stack_up_healthy_and_takes_it_down(stack, project_name):
    with stack as running:
        app = running.ps(["app"])[0]
        assert (app.name, app.state, app.health) == (f"{project_name}-app-1", "running", "healthy")
        assert running.port("app", 8000)[0] == "0.0.0.0"
        assert _get(*running.endpoint("app", 8000)) == "page\n"
        assert any(p.target_port == 8000 and p.published_port for p in app.publishers)
    assert stack.ps(all=True) == []


def test_the_stack_is_taken_down_when_the_body_raises_or_is_interrupted(stack):
    for interruption in (RuntimeError("boom"), KeyboardInterrupt()):
        with pytest.raises(type(interruption)):
            with stack:
                assert stack.ps(["app"])
                raise interruption
        assert stack.ps(all=True) == []


def test_exec_returns_the_exit_code_and_the_output(jobs):
    stack = jobs
    stack.up(wait=False)
    stack.wait_healthy(30, services=["app"])
    code, output = stack.exec("app", ["sh", "-c", "echo out; echo err >&2; exit 7"])
    assert (code, sorted(output.splitlines())) == (7, ["err", "out"])  # two streams: no order between them
    assert stack.exec("app", "cat", input=b"fed through stdin\n") == (0, "fed through stdin\n")
    assert stack.exec("app", "sh -c 'echo $GREETING; pwd; id -u'", env={"GREETING": "hi"}, workdir="/tmp",
                      user="65534") == (0, "hi\n/tmp\n65534\n")
    with pytest.raises(OperationFailed, match='service "once" is not running'):
        stack.exec("once", "true")
    with pytest.raises(OperationFailed, match='service "nope" is not running'):  # v2's words, not `no such service`
        stack.exec("nope", "true")


def test_logs_wait_and_the_lifecycle(jobs, project_name):
    stack = jobs
    stack.up(wait=False)
    assert stack.wait(["once"]) == 3
    stack.wait_healthy(30, services=["app"])
    assert sorted(stack.logs("app").splitlines()) == ["hello from app", "oops"]
    assert "app-1   | hello from app\n" in stack.logs()
    stack.stop(["app"], timeout=1)
    assert {c.service: c.state for c in stack.ps(all=True)} == {"app": "exited", "once": "exited"}
    stack.start(["app"])
    stack.restart(["app"], timeout=1)
    assert stack.wait_healthy(30, services=["app"])[0].health == "healthy"
    stack.kill(["app"])
    assert stack.rm(["app"]) == [f"{project_name}-app-1"]
    stack.down()
    assert stack.ps(all=True) == []


def test_logs_follow_yields_lines_as_written_and_stops_when_closed(stack):
    import threading
    import time

    with stack:
        lines = stack.logs("app", follow=True)
        assert sorted([next(lines), next(lines)]) == ["hello from app", "oops"]  # what it wrote at start
        later = threading.Timer(1.0, lambda: stack.exec("app", ["sh", "-c", "echo later > /proc/1/fd/1"]))
        later.start()
        started = time.monotonic()
        assert next(lines) == "later"  # a line written after following began arrives as it is written
        assert time.monotonic() - started < 10
        lines.close()  # ends the reader
        threading.Timer(1.0, lambda: stack.stop(timeout=1)).start()
        everything = list(stack.logs(follow=True, tail=1))  # all services, prefixed; ends once the project stops
    assert everything == ["app-1  | later"]
    with pytest.raises(UsageError):
        next(stack.logs("nosuch", follow=True))


def test_wait_healthy_fails_on_a_container_that_exited_non_zero(jobs):
    stack = jobs
    stack.up(wait=False, services=["once"])
    stack.wait(["once"])
    with pytest.raises(OperationFailed, match=r"exited \(3\)"):
        stack.wait_healthy(10, services=["once"])


def test_port_reports_a_missing_binding(stack, project_name):
    stack.up(wait=False, services=["app"])
    with pytest.raises(OperationFailed, match=f"no port 81/tcp for container {project_name}-app-1"):
        stack.port("app", 81)
    with pytest.raises(OperationFailed, match='service "app" is not running container #2'):
        stack.port("app", 8000, index=2)


def test_load_errors_are_config_errors(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  app:\n    image: [1\n")
    with pytest.raises(ComposeError):
        api.Project.load(tmp_path)


# the commands -----------------------------------------------------------------------------------------------------


@pytest.fixture
def cli(compose_dir, project_name):
    def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=compose_dir,
                              input=stdin if stdin is not None else "", capture_output=True, text=True,
                              timeout=120, env={**os.environ})

    return run


def test_port_prints_the_binding_like_v2(cli, project_name):
    assert cli("up", "-d", "app").returncode == 0
    out = cli("port", "app", "8000")
    assert out.returncode == 0, out.stderr
    host, number = out.stdout.strip().split(":")
    assert host == "0.0.0.0" and int(number) > 0
    assert cli("port", "--index", "1", "app", "8000").stdout == out.stdout
    missing = cli("port", "--protocol", "udp", "app", "8000")
    assert missing.returncode == 1
    assert missing.stderr.startswith(f"no port 8000/udp for container {project_name}-app-1")
    assert missing.stdout == ""


def test_exec_passes_the_exit_code_streams_and_options_through(cli):
    assert cli("up", "-d", "app").returncode == 0
    out = cli("exec", "-T", "app", "sh", "-c", "echo out; echo err >&2; exit 5")
    assert (out.returncode, out.stdout, out.stderr) == (5, "out\n", "err\n")
    out = cli("exec", "-T", "-e", "A=1", "-w", "/tmp", "-u", "65534", "app", "sh", "-c", "cat; echo $A; pwd; id -u",
              stdin="piped\n")
    assert (out.returncode, out.stdout) == (0, "piped\n1\n/tmp\n65534\n")
    assert cli("exec", "app", "ls", "-la", "/").returncode == 0  # options after the command belong to it
    assert cli("exec", "--index", "1", "-d", "app", "sh", "-c", "sleep 1; exit 9").returncode == 0
    out = cli("exec", "-T", "--index", "2", "app", "true")
    assert out.returncode == 1 and 'service "app" is not running container #2' in out.stderr


def test_exec_allocates_a_tty_when_stdin_is_a_terminal(compose_dir, project_name, cli):
    import pty

    assert cli("up", "-d", "app").returncode == 0
    args = [sys.executable, "-m", "pycompose", "-p", project_name, "exec", "app", "sh", "-c", "tty; exit 4"]
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(args, cwd=compose_dir, stdin=follower, stdout=follower, stderr=follower)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 1024)
            except OSError:  # the follower side is closed once the process exits
                break
            if not chunk:
                break
            output += chunk
        assert process.wait(60) == 4
    finally:
        os.close(leader)
    assert b"/dev/pts/" in output
    # and with -T, no TTY even from a terminal
    out = cli("exec", "-T", "app", "sh", "-c", "tty || true")
    assert "not a tty" in out.stdout


def test_wait_returns_the_exit_code_of_a_one_shot_even_once_exited(cli, project_name):
    assert cli("up", "-d", "app", "once").returncode == 0
    first = cli("wait", "once")
    assert first.returncode == 3
    assert first.stdout.startswith('container "') and first.stdout.endswith('" exited with status code 3\n')
    assert cli("wait", "once").returncode == 3  # already exited: at once, same code
    assert cli("wait", "nope").returncode == 1


def test_wait_down_project_takes_the_project_down_when_the_first_container_stops(cli):
    assert cli("up", "-d", "app").returncode == 0
    assert cli("up", "-d", "once").returncode == 0
    out = cli("wait", "--down-project", "app", "once")  # app keeps running: once's exit ends the wait
    assert out.returncode == 3, out.stderr
    assert out.stdout.count("exited with status code") == 1
    assert cli("ps", "-a", "-q").stdout == ""


def test_run_pause_unpause_and_events_through_the_project(compose_dir, tmp_path):
    """A one-off for a migration step, its exit code and output; pause/unpause seen as events."""
    import threading
    import time
    import uuid

    from engine_cleanup import remove_project_resources

    name = f"cr-api-{uuid.uuid4().hex[:8]}"
    stack = api.Project.load(compose_dir / "compose.yaml", project_name=name, sink=CollectingSink(), stop_timeout=1)
    try:
        stack.up(wait=True)
        assert stack.run("app", ["sh", "-c", "echo migrated; exit 2"]) == (2, "migrated\n")
        assert stack.run("app", "cat", input=b"fed in") == (0, "fed in")
        seen: list[str] = []
        events = stack.events(until=str(int(time.time()) + 60))  # the engine ends the stream a minute from now

        def collect() -> None:
            for event in events:
                seen.append(event.action)
                if event.action == "unpause":
                    return

        reader = threading.Thread(target=collect, daemon=True)
        reader.start()
        for _ in range(20):  # until the subscription is in place
            stack.pause(["app"])
            assert stack.ps()[0].state == "paused"
            stack.unpause(["app"])
            reader.join(timeout=1)
            if not reader.is_alive():
                break
        assert "pause" in seen and "unpause" in seen
        assert [c.name for c in stack.ps()] == [f"{name}-app-1"]  # the one-offs went (run removes them)
    finally:
        stack.down(volumes=True)
        remove_project_resources(name)


def test_cp_copies_into_a_service_and_back_out(stack, tmp_path, monkeypatch):
    (tmp_path / "in.txt").write_text("from the host\n")
    monkeypatch.chdir(tmp_path)
    with stack:
        stack.cp("in.txt", "app:/www/copied.txt")
        host, port = stack.port("app", 8000)
        assert _get(host, port) == "page\n"
        assert stack.exec("app", ["cat", "/www/copied.txt"]) == (0, "from the host\n")
        stack.cp("app:/www/index.html", "out.html")
        assert (tmp_path / "out.html").read_text() == "page\n"
        with pytest.raises(ComposeError, match="Could not find the file /nope"):
            stack.cp("app:/nope", "x")
