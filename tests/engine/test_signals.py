"""Ctrl-C and SIGTERM, sent for real to the installed CLI (and to a Python process using the API) while it waits.

Each wait ends within half a second with 130 (SIGINT) or 143 (SIGTERM), starts nothing new and says on one line
what it left half-done. Attached `up` stops the project on the first Ctrl-C (v2's words) and kills it on the second.
Timed: run alone (`serial`), so that a loaded machine does not stretch the half second.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.serial]

PYCOMPOSE = [sys.executable, "-m", "pycompose"]
PROMPT_SECONDS = 0.5
EXIT_CODES = {signal.SIGINT: 130, signal.SIGTERM: 143}

NEVER_HEALTHY = """\
services:
  db:
    image: busybox:latest
    init: true
    command: sleep 300
    healthcheck:
      test: ["CMD", "false"]
      interval: 1s
      retries: 1000
  web:
    image: busybox:latest
    init: true
    command: sleep 300
    depends_on:
      db:
        condition: service_healthy
"""

SLOW_TO_STOP = """\
services:
  slow:
    image: busybox:latest
    command: ["sh", "-c", "trap 'echo got term; sleep 5; exit 3' TERM; echo hello; while true; do sleep 0.1; done"]
"""


class Running:
    """A command started in its own process; its output read as it comes, so a test can wait for a line."""

    def __init__(self, args: list[str], cwd: Path, *, sigint_ignored: bool = False) -> None:
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COMPOSE_ANSI", "COMPOSE_PROGRESS")}
        ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if sigint_ignored else None
        self.process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environ,
                                        preexec_fn=ignore)
        self.out: list[str] = []
        self.err: list[str] = []
        self._changed = threading.Condition()
        self._readers = [threading.Thread(target=self._read, args=(stream, lines), daemon=True)
                         for stream, lines in ((self.process.stdout, self.out), (self.process.stderr, self.err))]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, lines: list[str]) -> None:
        for raw in iter(stream.readline, b""):
            with self._changed:
                lines.append(raw.decode(errors="replace").rstrip("\n"))
                self._changed.notify_all()

    def wait_for(self, text: str, timeout: float = 60) -> None:
        """Until a line of stdout or stderr contains `text`."""
        with self._changed:
            found = self._changed.wait_for(lambda: any(text in line for line in self.out + self.err)
                                           or self.process.poll() is not None, timeout)
        assert found and any(text in line for line in self.out + self.err), (text, self.out, self.err)

    def signal(self, signum: int) -> float:
        """Send `signum`; the time it was sent."""
        sent = time.monotonic()
        self.process.send_signal(signum)
        return sent

    def exit_after(self, sent: float, timeout: float = 30) -> tuple[int, float]:
        """The exit code and the seconds from `sent` until the process ended."""
        try:
            code = self.process.wait(timeout)
        finally:
            if self.process.poll() is None:
                self.process.kill()
        ended = time.monotonic() - sent
        for reader in self._readers:
            reader.join(5)
        return code, ended

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


@pytest.fixture
def project(tmp_path):
    """(name, directory) of a fresh `sg-` project; everything labelled with it is removed afterwards."""
    name = f"sg-{uuid.uuid4().hex[:10]}"
    started: list[Running] = []
    yield name, tmp_path, started
    for run in started:
        run.stop()
    remove_project_resources(name)


def start(project, compose: str, *args: str, sigint_ignored: bool = False) -> Running:
    name, directory, started = project
    (directory / "compose.yaml").write_text(compose)
    run = Running([*PYCOMPOSE, "-p", name, *args], directory, sigint_ignored=sigint_ignored)
    started.append(run)
    return run


def states(name: str) -> dict[str, str]:
    """Service → container state of the project."""
    import docker

    client = docker.APIClient(version="auto")
    found = client.containers(all=True, filters={"label": f"com.docker.compose.project={name}"})
    return {c["Labels"]["com.docker.compose.service"]: c["State"] for c in found}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("args", [("up", "-d"), ("up", "--wait")], ids=["up-d", "up-wait"])
def test_a_health_wait_ends_at_once_and_names_what_it_left(project, signum, args):
    run = start(project, NEVER_HEALTHY, *args)
    run.wait_for("Waiting")
    code, seconds = run.exit_after(run.signal(signum))
    assert code == EXIT_CODES[signum], run.err
    assert seconds < PROMPT_SECONDS
    summary = [line for line in run.err if line.startswith("Interrupted by ")]
    assert len(summary) == 1, run.err
    name = "Ctrl-C" if signum == signal.SIGINT else "SIGTERM"
    assert summary[0].startswith(f"Interrupted by {name}: left unfinished: wait:{project[0]}-db-1:service_healthy; "
                                 f"not started: start:{project[0]}-web-1")  # (--wait: and its own wait on web)
    assert not any("Traceback" in line for line in run.err)
    time.sleep(1)  # nothing is started after the interrupt
    assert states(project[0]) == {"db": "running", "web": "created"}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
@pytest.mark.parametrize("command", [("logs", "-f"), ("wait", "slow")], ids=["logs-f", "wait"])
def test_following_and_waiting_for_containers_end_at_once(project, signum, command):
    up = start(project, SLOW_TO_STOP, "up", "-d")
    assert up.exit_after(time.monotonic(), 60)[0] == 0, up.err
    run = start(project, SLOW_TO_STOP, *command)
    if command[0] == "logs":
        run.wait_for("hello")
    else:
        time.sleep(1.5)
    code, seconds = run.exit_after(run.signal(signum))
    assert code == EXIT_CODES[signum], run.err
    assert seconds < PROMPT_SECONDS
    assert not any("Traceback" in line for line in run.err)
    assert states(project[0]) == {"slow": "running"}


def test_sigint_is_obeyed_when_started_with_it_ignored(project):
    """`pycompose logs -f &` in a script starts with SIGINT ignored; `kill -INT` still stops it, as it stops v2 (Go's
    signal.Notify takes the signal back)."""
    up = start(project, SLOW_TO_STOP, "up", "-d")
    assert up.exit_after(time.monotonic(), 60)[0] == 0, up.err
    run = start(project, SLOW_TO_STOP, "logs", "-f", sigint_ignored=True)
    run.wait_for("hello")
    code, seconds = run.exit_after(run.signal(signal.SIGINT))
    assert code == 130, run.err
    assert seconds < PROMPT_SECONDS
    assert not any("Traceback" in line for line in run.err)


def test_attached_up_interrupted_in_a_dependency_wait_stops_the_project(project, reference_compose):
    run = start(project, NEVER_HEALTHY, "up")
    run.wait_for("Waiting")
    code, seconds = run.exit_after(run.signal(signal.SIGINT))
    assert code == 130, run.err  # v2 too: see test_v2_exit_codes_on_interrupt
    assert "Gracefully Stopping... press Ctrl+C again to force" in run.out + run.err
    assert states(project[0]) == {"db": "exited", "web": "created"}  # as v2 leaves them
    assert seconds < 5


def test_attached_up_stops_gracefully_on_the_first_ctrl_c_and_kills_on_the_second(project):
    run = start(project, SLOW_TO_STOP, "up")
    run.wait_for("hello")
    sent = run.signal(signal.SIGINT)
    run.wait_for("got term")  # the graceful stop reached the container, which takes 5 s to go
    run.signal(signal.SIGINT)
    code, seconds = run.exit_after(sent)
    assert code == 130, run.err
    assert seconds < 4, "the second Ctrl-C did not kill the container"
    assert "Gracefully Stopping... press Ctrl+C again to force" in run.out + run.err
    assert states(project[0]) == {"slow": "exited"}
    assert not any("Traceback" in line for line in run.err)


def test_attached_up_stops_gracefully_on_sigterm(project):
    run = start(project, SLOW_TO_STOP, "up")
    run.wait_for("hello")
    code, seconds = run.exit_after(run.signal(signal.SIGTERM))
    assert code == 130, run.err  # v2's code for attached `up`, whatever the signal
    assert 4 < seconds < 15, "the container was not given its stop grace period"
    assert states(project[0]) == {"slow": "exited"}


def test_a_build_in_progress_is_abandoned_at_once(project):
    compose = textwrap.dedent(f"""\
        services:
          b:
            image: {project[0]}-b:latest
            build:
              context: .
              dockerfile_inline: |
                FROM busybox:latest
                RUN echo {uuid.uuid4().hex} && sleep 30
        """)
    run = start(project, compose, "build", "--no-cache")
    run.wait_for("sleep 30")
    time.sleep(0.5)
    code, seconds = run.exit_after(run.signal(signal.SIGINT))
    assert code == 130, run.err
    assert seconds < PROMPT_SECONDS
    assert any(line.startswith("Interrupted by Ctrl-C: left unfinished:") for line in run.err), run.err


@pytest.fixture
def black_hole():
    """`127.0.0.1:PORT` of a listener that accepts connections and never answers: a pull from it hangs."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for connection in accepted:
        connection.close()
    listener.close()


@pytest.mark.parametrize("command", [("pull",), ("up", "-d")], ids=["pull", "up-d"])
def test_a_hanging_pull_is_abandoned_at_once(project, black_hole, command):
    run = start(project, f"services:\n  p:\n    image: {black_hole}/sg/nothing:1\n", *command)
    run.wait_for("Pulling")
    time.sleep(0.5)
    code, seconds = run.exit_after(run.signal(signal.SIGTERM))
    assert code == 143, run.err
    assert seconds < PROMPT_SECONDS
    assert any(line.startswith("Interrupted by SIGTERM: left unfinished:") for line in run.err), run.err


API_SCRIPT = """\
import sys, time
from pycompose.api import Project
stack = Project.load(sys.argv[1], project_name=sys.argv[2], wait_timeout=None)
try:
    with stack:
        print("never reached", flush=True)
except KeyboardInterrupt:
    print("KeyboardInterrupt after %.3f" % (time.monotonic() - float(open(sys.argv[3]).read())), flush=True)
"""


def test_the_api_raises_keyboard_interrupt_at_once_and_the_context_manager_takes_the_stack_down(project):
    name, directory, started = project
    (directory / "compose.yaml").write_text(NEVER_HEALTHY)
    (directory / "api.py").write_text(API_SCRIPT)
    stamp = directory / "sent"
    run = Running([sys.executable, "api.py", str(directory / "compose.yaml"), name, str(stamp)], directory)
    started.append(run)
    deadline = time.monotonic() + 60
    while states(name).get("db") != "running" and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1)
    stamp.write_text(repr(time.monotonic()))
    run.process.send_signal(signal.SIGINT)
    run.wait_for("KeyboardInterrupt after")
    after = float(next(line for line in run.out if "KeyboardInterrupt" in line).split()[-1])
    assert after < 5, "neither the wait nor `down` ended promptly"  # db (init: true) stops at once
    assert run.exit_after(time.monotonic())[0] == 0, run.err
    assert states(name) == {}
    assert "never reached" not in run.out


@pytest.mark.reference
@pytest.mark.parametrize("args", [("up", "-d"), ("up",)], ids=["up-d", "attached"])
def test_v2_exit_codes_on_interrupt(project, reference_compose, args):
    """The reference: 130 for a Ctrl-C in a health wait, detached or attached; pycompose's tests above match."""
    name, directory, started = project
    (directory / "compose.yaml").write_text(NEVER_HEALTHY)
    run = Running([reference_compose, "-p", name, *args], directory)
    started.append(run)
    run.wait_for("Attaching to" if args == ("up",) else "Waiting")  # attached, v2 shows no `Waiting`
    time.sleep(1)
    code, seconds = run.exit_after(run.signal(signal.SIGINT))
    assert code == 130
    assert seconds < 5
