"""Attached `up` under a real pseudo-terminal: v2's navigation menu (`w Enable Watch` on the last row), its keys,
Ctrl-C through it, and no menu when it is turned off or stdout is not a terminal."""

from __future__ import annotations

import fcntl
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

PYCOMPOSE = [sys.executable, "-m", "pycompose"]
ROWS, COLUMNS = 24, 80
CLEAR = "\x1b[0G\x1b7" + "\x1b[1B\x1b[2K" * ROWS + "\x1b8"
ENABLE = "\x1b[1;38;2;0;0;0;48;2;255;255;255mw\x1b[0m\x1b[2m Enable Watch\x1b[0m"
DISABLE = "\x1b[1;38;2;0;0;0;48;2;255;255;255mw\x1b[0m\x1b[2m Disable Watch\x1b[0m"
# v2 2.40.3 after each line: cleared, two lines of room, the menu on the last row, the cursor back
DRAW = CLEAR + "\x1b[2K\r\n\x1b[0G" * 2 + f"\x1b[2A\x1b[0G\x1b7\x1b[{ROWS};0H\x1b[2K" + ENABLE + "\x1b[0G\x1b8"
ERROR_DRAW = (CLEAR + "\x1b[2K\r\n\x1b[0G" * 4 + f"\x1b[4A\x1b[0G\x1b7\x1b[{ROWS - 2};0H\x1b[2K"
              "\x1b[1;36mWatch \u2192\x1b[0m  watch is not yet configured. Learn more: "
              f"\x1b[36mhttps://docs.docker.com/compose/file-watch/\x1b[0m\x1b[{ROWS};0H\x1b[2K" + ENABLE
              + "\x1b[0G\x1b8")

TICKING = "sh -c 'i=0; while true; do echo tick $$i; i=$$((i+1)); sleep 1; done'"


def _compose(folder: Path, watch: bool) -> Path:
    (folder / "src").mkdir(parents=True, exist_ok=True)
    develop = ("    develop:\n      watch:\n        - action: sync\n          path: ./src\n          target: /src\n"
               if watch else "")
    (folder / "compose.yaml").write_text(
        f"services:\n  app:\n    image: busybox:latest\n    init: true\n    command: {TICKING}\n" + develop)
    return folder


@pytest.fixture
def project(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    name = f"menu{uuid.uuid4().hex[:10]}"
    yield name, tmp_path
    remove_project_resources(name)


class Terminal:
    """A command on a pseudo-terminal of ROWS x COLUMNS that is its controlling terminal (so Ctrl-C written to it
    is a SIGINT, as from a keyboard); what it writes is collected. The test keeps the terminal open, to read
    its mode after the command ended."""

    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str], *, stdout_pipe: bool = False) -> None:
        self.master, self.slave = os.openpty()
        fcntl.ioctl(self.slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLUMNS, 0, 0))
        self.mode = termios.tcgetattr(self.slave)
        self._data = bytearray()
        self._lock = threading.Lock()
        self._done = threading.Event()

        def controlling() -> None:
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.process = subprocess.Popen(
            argv, cwd=cwd, env=env, stdin=self.slave, stdout=subprocess.PIPE if stdout_pipe else self.slave,
            stderr=self.slave, preexec_fn=controlling)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._done.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    return
                with self._lock:
                    self._data += chunk

    @property
    def text(self) -> str:
        with self._lock:
            return self._data.decode("utf-8", "replace")

    def wait_for(self, check: Callable[[str], bool], timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if check(self.text):
                return
            time.sleep(0.1)
        raise AssertionError(f"not seen in time; the terminal shows:\n{self.text[-3000:]!r}")

    def send(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def wait(self, timeout: float = 60.0) -> int:
        code = self.process.wait(timeout)
        time.sleep(0.2)  # the last bytes
        return code

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._done.set()
        self._reader.join(2)
        os.close(self.master)
        os.close(self.slave)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPOSE_MENU", "COMPOSE_PROGRESS", "COMPOSE_ANSI",
                                                             "NO_COLOR")}
    env.update(TERM="xterm", **extra)
    return env


def _running(container: str) -> str:
    return subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", container], capture_output=True,
                          text=True).stdout.strip()


def _exec(container: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", "exec", container, *command], capture_output=True, text=True)


def _until(check: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.2)
    raise AssertionError("condition not met in time")


def test_w_starts_watch_a_change_is_synced_and_ctrl_c_stops_with_130(project: tuple[str, Path]) -> None:
    name, folder = project
    _compose(folder, watch=True)
    terminal = Terminal([*PYCOMPOSE, "-p", name, "up"], folder, _env())
    try:
        terminal.wait_for(lambda text: DRAW in text)  # after the first log line, as v2
        assert "Attaching to app-1\r\n\x1b[0G\x1b7" in terminal.text  # `Attaching to` is not decorated
        terminal.send(b"w")
        terminal.wait_for(lambda text: "Watch enabled" in text)
        terminal.wait_for(lambda text: DISABLE in text)
        (folder / "src" / "hello.txt").write_text("from the menu")
        _until(lambda: _exec(f"{name}-app-1", "cat", "/src/hello.txt").stdout == "from the menu")
        terminal.wait_for(lambda text: 'Syncing service "app" after 1 changes were detected' in text)
        terminal.send(b"\r")
        terminal.wait_for(lambda text: "\x1b8\r\n" + CLEAR in text)  # Enter: a newline, then the menu again
        terminal.send(b"w")  # off again
        terminal.wait_for(lambda text: "Watch disabled" in text)
        terminal.wait_for(lambda text: text.rfind(ENABLE) > text.rfind(DISABLE))
        terminal.send(b"\x03")
        assert terminal.wait() == 130
        text = terminal.text
        after = text[text.index("Gracefully Stopping...") - len(CLEAR) - 6:]
        assert after.startswith(CLEAR + "\x1b[?25hGracefully Stopping...")  # v2: cleared, cursor shown
        assert ENABLE not in after and DISABLE not in after  # no menu once Ctrl-C was pressed
        assert "exited with code" in after
        assert _running(f"{name}-app-1") == "false"
        assert termios.tcgetattr(terminal.slave) == terminal.mode  # echo and line mode back
    finally:
        terminal.close()


def test_w_without_develop_watch_shows_v2s_error_line(project: tuple[str, Path]) -> None:
    name, folder = project
    _compose(folder, watch=False)
    terminal = Terminal([*PYCOMPOSE, "-p", name, "up", "--menu"], folder, _env(COMPOSE_MENU="0"))
    try:
        terminal.wait_for(lambda text: DRAW in text)
        terminal.send(b"w")
        terminal.wait_for(lambda text: ERROR_DRAW in text)
        terminal.process.send_signal(signal.SIGINT)  # as a `kill -INT`: the same way out
        assert terminal.wait() == 130
        assert termios.tcgetattr(terminal.slave) == terminal.mode
    finally:
        terminal.close()


@pytest.mark.parametrize("how", ["--menu=false", "COMPOSE_MENU=0", "--progress=plain", "stdout-pipe"])
def test_no_menu(project: tuple[str, Path], how: str) -> None:
    name, folder = project
    _compose(folder, watch=True)
    argv = [*PYCOMPOSE, "-p", name, "up"]
    env = _env()
    if how.startswith("--menu"):
        argv.append(how)
    elif how.startswith("--progress"):
        argv[-1:-1] = [how]
    elif how.startswith("COMPOSE_MENU"):
        env["COMPOSE_MENU"] = "0"
    terminal = Terminal(argv, folder, env, stdout_pipe=how == "stdout-pipe")
    try:
        if how == "stdout-pipe":
            out = terminal.process.stdout
            assert out is not None
            first = (out.readline() + out.readline()).decode()
            assert "tick 0" in first, first
        else:
            terminal.wait_for(lambda text: "tick 1" in text)
        terminal.send(b"w")  # not a key to anyone: no watch starts
        time.sleep(1.5)
        terminal.send(b"\x03")
        assert terminal.wait() == 130
        text = terminal.text + (terminal.process.stdout.read().decode() if terminal.process.stdout else "")
        assert "Enable Watch" not in text and "\x1b7" not in text and "Watch enabled" not in text
        assert termios.tcgetattr(terminal.slave) == terminal.mode
    finally:
        terminal.close()


@pytest.mark.reference
def test_the_menu_is_drawn_as_v2_draws_it(project: tuple[str, Path], reference_compose: str) -> None:
    """The same bytes for the menu after a log line and for `w` without `develop.watch` (v2 2.40.3 ends with 0
    after a Ctrl-C read by its menu; pycompose keeps Ctrl-C a signal and exits 130, as without the menu)."""
    name, folder = project
    _compose(folder, watch=False)
    for argv in ([reference_compose, "-p", name, "up"], [*PYCOMPOSE, "-p", name, "up"]):
        terminal = Terminal(argv, folder, _env())
        try:
            terminal.wait_for(lambda text: DRAW in text)
            terminal.send(b"w")
            terminal.wait_for(lambda text: ERROR_DRAW in text)
            terminal.send(b"\x03")
            terminal.wait()
            text = terminal.text
            assert CLEAR + "\x1b[?25hGracefully Stopping... press Ctrl+C again to force" in text
            assert _running(f"{name}-app-1") == "false"
            assert termios.tcgetattr(terminal.slave) == terminal.mode
        finally:
            terminal.close()
