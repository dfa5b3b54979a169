"""The engine going away in the middle of `up`, `down` and `logs -f`: one line naming the engine's address, no
traceback, a non-zero exit; once the engine is back, the next `up` converges.

These tests never touch the shared engine: they start a PRIVATE dockerd of their own, in a network namespace of
its own (its data, exec root and socket under a temporary directory, no iptables), load busybox into it, point
pycompose at it with DOCKER_HOST and kill or restart that one. The daemon, its containerd and whatever they mounted
are removed afterwards, also when a test fails. Marked `outage` and `serial` (they run alone, after the parallel run).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.serial, pytest.mark.outage]

PYCOMPOSE = [sys.executable, "-m", "pycompose"]

BECOMES_HEALTHY = """\
services:
  db:
    image: busybox:latest
    init: true
    network_mode: none
    command: ["sh", "-c", "sleep 4; touch /tmp/ready; exec sleep 300"]
    healthcheck:
      test: ["CMD", "test", "-f", "/tmp/ready"]
      interval: 1s
      retries: 100
  web:
    image: busybox:latest
    init: true
    network_mode: none
    command: sleep 300
    depends_on:
      db:
        condition: service_healthy
"""

SLOW_TO_STOP = """\
services:
  slow:
    image: busybox:latest
    network_mode: none
    command: ["sh", "-c", "trap 'sleep 6; exit 3' TERM; echo hello; while true; do echo tick; sleep 0.2; done"]
"""


class PrivateEngine:
    """A dockerd of this test module's own; `kill`, `stop` and `start` it at will."""

    def __init__(self, root: Path, pool: str = "base=10.213.0.0/16,size=24") -> None:
        self.root = root
        self.pool = pool
        """`--default-address-pool`: addresses of its own, not the shared engine's."""

        self.socket = root / "d.sock"
        self.host = f"unix://{self.socket}"
        self.process: subprocess.Popen | None = None
        (root / "daemon.json").write_text("{}")

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None
        log = open(self.root / "dockerd.log", "ab")  # handed to the daemon; closed here once it has it
        self.process = subprocess.Popen(
            # a network namespace of its own: dockerd deletes, creates and renames host interfaces (with
            # `--bridge=none` it deletes `docker0`, the shared engine's bridge; restarted after a crash it did so
            # with a bridge of its own too), and none of that may reach the host's
            ["unshare", "--net", "dockerd", "--config-file", str(self.root / "daemon.json"),
             "--data-root", str(self.root / "data"),
             "--exec-root", str(self.root / "exec"), "--pidfile", str(self.root / "dockerd.pid"), "-H", self.host,
             "--iptables=false", "--ip-masq=false",
             "--default-address-pool", self.pool],
            stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.docker("version", check=False).returncode == 0:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.25)
        raise RuntimeError("the private dockerd did not start: " + (self.root / "dockerd.log").read_text()[-2000:])

    def kill(self) -> None:
        """Gone at once, as a crash of the daemon and its containerd: the containers are left to their shims.
        (Its containerd would otherwise go on holding its socket, and the next start could time out on it.)"""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)
        for pid in _processes_mentioning(str(self.root / "exec" / "containerd" / "containerd.toml")):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        # its containerd died with it, but may linger as a zombie nobody reaps (PID 1 of a container): the next
        # dockerd would take it for alive from its pid file and time out waiting for it
        (self.root / "exec" / "containerd" / "containerd.pid").unlink(missing_ok=True)

    def stop(self) -> None:
        """A clean stop (containers stopped first), as `systemctl stop docker` does."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)

    def docker(self, *args: str, check: bool = True, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run(["docker", "-H", self.host, *args], capture_output=True, timeout=120, check=check,
                              **kwargs)

    def env(self) -> dict[str, str]:
        environ = {k: v for k, v in os.environ.items() if k not in ("DOCKER_CONTEXT", "COMPOSE_PROGRESS", "NO_COLOR")}
        return {**environ, "DOCKER_HOST": self.host}

    def containers(self, project: str) -> list[str]:
        """`name state` of the project's containers."""
        out = self.docker("ps", "-a", "--filter", f"label=com.docker.compose.project={project}",
                          "--format", "{{.Names}} {{.State}}").stdout.decode()
        return sorted(out.split("\n")[:-1])

    def tear_down(self) -> None:
        """Remove everything it ran, stop it, end what it left (its own processes only) and unmount its mounts."""
        with contextlib.suppress(Exception):
            if self.process is None or self.process.poll() is not None:
                self.start()
            ids = self.docker("ps", "-aq").stdout.decode().split()
            if ids:
                self.docker("rm", "-f", *ids, check=False)
            own = self.docker("network", "ls", "-q", "--filter", "type=custom").stdout.decode().split()
            if own:  # their bridges are host interfaces: they would outlive the daemon
                self.docker("network", "rm", *own, check=False)
        self.stop()
        for pid in _processes_mentioning(str(self.root)):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for mount in reversed(_mounts_under(str(self.root))):
            subprocess.run(["umount", "-l", mount], capture_output=True)
        shutil.rmtree(self.root, ignore_errors=True)


def _processes_mentioning(text: str) -> list[int]:
    """Processes whose command line names `text` (the private daemon's directory: its containerd and shims)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if text.encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def _mounts_under(root: str) -> list[str]:
    with open("/proc/mounts") as mounts:
        return [line.split()[1] for line in mounts if line.split()[1].startswith(root)]


@pytest.fixture(scope="module")
def engine():
    if shutil.which("dockerd") is None or shutil.which("unshare") is None or os.geteuid() != 0:
        pytest.skip("needs dockerd, unshare and root to start a private engine")
    root = Path(tempfile.mkdtemp(prefix="sg-dd-", dir="/tmp"))
    private = PrivateEngine(root)
    try:
        private.start()
        saved = subprocess.run(["docker", "save", "busybox:latest"], capture_output=True, timeout=120, check=True)
        private.docker("load", input=saved.stdout)
        yield private
    finally:
        private.tear_down()


@pytest.fixture
def running(engine):
    """The private engine, started again if a test left it down."""
    if engine.process is None or engine.process.poll() is not None:
        engine.start()
    return engine


@pytest.fixture
def project(tmp_path):
    return f"sg-{uuid.uuid4().hex[:10]}", tmp_path


def pycompose(engine: PrivateEngine, project, compose: str, *args: str, timeout: float = 120
              ) -> subprocess.CompletedProcess:
    name, directory = project
    (directory / "compose.yaml").write_text(compose)
    return subprocess.run([*PYCOMPOSE, "-p", name, *args], cwd=directory, capture_output=True, text=True,
                          timeout=timeout, env=engine.env())


def started(engine: PrivateEngine, project, compose: str, *args: str) -> subprocess.Popen:
    name, directory = project
    (directory / "compose.yaml").write_text(compose)
    return subprocess.Popen([*PYCOMPOSE, "-p", name, *args], cwd=directory, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=engine.env())


def wait_until(condition, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def assert_one_line_naming(engine: PrivateEngine, stderr: str) -> None:
    """The last line says the engine does not answer, and where; no traceback anywhere."""
    assert "Traceback" not in stderr, stderr
    last = stderr.rstrip("\n").split("\n")[-1]
    assert engine.host in last, stderr
    assert "Cannot connect to the Docker daemon" in last, stderr


def test_no_engine_at_the_address_is_one_line_naming_it(tmp_path):
    host = f"unix://{tmp_path}/nothing.sock"
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    image: busybox:latest\n")
    for args in (("up", "-d"), ("down",), ("logs", "-f"), ("ps",)):
        result = subprocess.run([*PYCOMPOSE, "-p", "sg-nothing", *args], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60, env={**os.environ, "DOCKER_HOST": host})
        assert result.returncode == 1, (args, result.stderr)
        assert "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert host in result.stderr, result.stderr


def test_engine_killed_during_a_health_wait_of_up_then_the_next_up_converges(running, project):
    up = started(running, project, BECOMES_HEALTHY, "up", "-d")
    wait_until(lambda: f"{project[0]}-db-1 running" in running.containers(project[0]))
    time.sleep(1)  # in the wait for db's health
    running.kill()
    _, stderr = up.communicate(timeout=60)
    assert up.returncode == 1, stderr
    assert_one_line_naming(running, stderr)
    running.start()
    again = pycompose(running, project, BECOMES_HEALTHY, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert running.containers(project[0]) == [f"{project[0]}-db-1 running", f"{project[0]}-web-1 running"]


def test_engine_restarted_during_up_then_the_next_up_converges(running, project):
    """A clean stop stops the containers first: `up` sees db exit or the engine gone, and says so on one line."""
    up = started(running, project, BECOMES_HEALTHY, "up", "-d")
    wait_until(lambda: f"{project[0]}-db-1 running" in running.containers(project[0]))
    running.stop()
    _, stderr = up.communicate(timeout=60)
    running.start()
    assert up.returncode == 1, stderr
    assert "Traceback" not in stderr
    last = stderr.rstrip("\n").split("\n")[-1]
    assert running.host in last or f"container {project[0]}-db-1 exited" in last, stderr
    again = pycompose(running, project, BECOMES_HEALTHY, "up", "-d")
    assert again.returncode == 0, again.stderr
    assert running.containers(project[0]) == [f"{project[0]}-db-1 running", f"{project[0]}-web-1 running"]


def test_engine_killed_during_down_then_down_and_up_converge(running, project):
    assert pycompose(running, project, SLOW_TO_STOP, "up", "-d").returncode == 0
    down = started(running, project, SLOW_TO_STOP, "down")
    time.sleep(2)  # `slow` takes 6 s to stop
    running.kill()
    _, stderr = down.communicate(timeout=60)
    assert down.returncode == 1, stderr
    assert_one_line_naming(running, stderr)
    running.start()
    again = pycompose(running, project, SLOW_TO_STOP, "down", "-t", "1")
    assert again.returncode == 0, again.stderr
    assert running.containers(project[0]) == []
    up = pycompose(running, project, SLOW_TO_STOP, "up", "-d")
    assert up.returncode == 0, up.stderr
    assert running.containers(project[0]) == [f"{project[0]}-slow-1 running"]


def test_logs_follow_ends_with_one_line_when_the_engine_goes_away(running, project):
    """v2 prints `unexpected EOF` and exits 1; pycompose names the engine it lost."""
    assert pycompose(running, project, SLOW_TO_STOP, "up", "-d").returncode == 0
    logs = started(running, project, SLOW_TO_STOP, "logs", "-f")
    time.sleep(5)  # a loaded machine can take seconds to import docker-py in the reader
    running.kill()
    began = time.monotonic()
    stdout, stderr = logs.communicate(timeout=60)
    assert time.monotonic() - began < 10
    assert logs.returncode == 1, stderr
    assert "slow-1  | hello" in stdout
    assert_one_line_naming(running, stderr)
