"""v2's navigation menu of attached `up` on a terminal: `w Enable Watch` on the last row, under the logs.

What v2 (cmd/formatter/shortcut.go) draws, reproduced here byte for byte: before each line of output the menu is
cleared (`ESC[0G ESC 7`, then `ESC[1B ESC[2K` once per row of the terminal, `ESC 8`); after it the menu is drawn
again: cleared, room made at the bottom (`ESC[2K` newline `ESC[0G` per line needed, `ESC[nA`), then at column 0
the cursor saved, `ESC[<rows>;0H ESC[2K` and the menu (the key in bold black on white, the words faint), `ESC[0G`,
the cursor restored. A keyboard error (`w` on a project without `develop.watch`) stands on the row above the menu
for 10 seconds. Enter prints a newline and draws the menu again; Ctrl-C clears it, shows the cursor and stops
redrawing (the usual Ctrl-C follows); Ctrl-Z suspends.

The keys are read with the terminal in cbreak mode (no echo, no line buffering, signals kept): Ctrl-C and Ctrl-Z
still reach the process as SIGINT and SIGTSTP, so interrupting behaves as without the menu. The terminal mode, the
signal handlers and `sys.stdout`/`sys.stderr` are put back on every way out of `navigation_menu`.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from pycompose.api.attached import AttachView
    from pycompose.logs import LogLine, LogTarget

RESET = "\033[0m"
SHOW_CURSOR = "\033[?25h"
ERROR_SECONDS = 10
"""How long v2 shows a keyboard error above the menu (it redraws the menu a second after)."""
WATCH_DOCS = "https://docs.docker.com/compose/file-watch/"
WATCH_NOT_CONFIGURED = f"watch is not yet configured. Learn more: \033[36m{WATCH_DOCS}{RESET}"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]")
_GO_TRUE = ("1", "t", "true", "y")


def menu_wanted(flag: bool | None, *, stdout: TextIO, stdin: TextIO, progress: str | None = None,
                ansi: str | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """Whether attached `up` shows the menu, as v2 decides (`validateNavigationMenu`, `up.go`): only when stdout
    and stdin are terminals; `--menu`/`--menu=false` (`flag`), else `COMPOSE_MENU` (Go's StringToBool: `1`, `t`,
    `true`, `y`…), else on; never with plain progress (`--progress plain`, or `--ansi never` with auto progress).
    Unlike v2, never with `--ansi never` at all (v2 would draw the menu's colours without its cursor moves)."""
    environ = os.environ if environ is None else environ
    if not _isatty(stdout):
        return False
    if flag is None:
        flag = environ["COMPOSE_MENU"].strip().lower() in _GO_TRUE if "COMPOSE_MENU" in environ else True
    mode = progress or environ.get("COMPOSE_PROGRESS") or "auto"
    colours = ansi or environ.get("COMPOSE_ANSI") or "auto"
    if mode == "plain" or colours == "never":
        return False
    return flag and _isatty(stdin) and _foreground(stdin)


def shortcut(key: str) -> str:
    """A key as v2's menu shows it: bold, black on white (24-bit colours)."""
    return f"\033[1;38;2;0;0;0;48;2;255;255;255m{key}{RESET}"


def faint(text: str) -> str:
    return f"\033[2m{text}{RESET}"


def menu_text(watching: bool) -> str:
    """The menu without Docker Desktop: `w Enable Watch`, `w Disable Watch` while watching."""
    return shortcut("w") + faint(" Disable Watch" if watching else " Enable Watch")


def keyboard_error(prefix: str, message: str) -> str:
    """A keyboard error as v2 shows it: `Watch →` in bold cyan, two spaces, the message."""
    return f"\033[1;36m{prefix} \u2192{RESET}  {message}"


def visible_length(text: str) -> int:
    """What Go's `len(stripansi.Strip(s))` counts: the bytes of the text without its escape sequences."""
    return len(_ANSI.sub("", text).encode("utf-8"))


class NavigationMenu:
    """The drawing: what v2 writes to the terminal, on `out` (flushed each time), under one lock.

    `size` gives (rows, columns) of the terminal; `active` is v2's log level INFO: once off (Ctrl-C) the menu
    is still cleared before each line but no longer drawn."""

    def __init__(self, out: TextIO, size: Callable[[], tuple[int, int]] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.out = out
        self.size = size or (lambda: _terminal_size(out))
        self.clock = clock
        self.lock = threading.RLock()
        self.watching = False
        self.active = True
        self._error: tuple[str, float] | None = None
        self._show_cursor = False

    def error_shown(self) -> str | None:
        if self._error is None or self.clock() - self._error[1] >= ERROR_SECONDS:
            return None
        return self._error[0]

    def clearing(self) -> str:
        """v2's `clearNavigationMenu`: every row under the cursor's, the cursor left where it was."""
        rows, _ = self.size()
        return "\033[0G\0337" + "\033[1B\033[2K" * rows + "\0338"

    def drawing(self) -> str:
        """v2's `printNavigationMenu`: cleared, room made at the bottom, the error (if any) and the menu."""
        rows, columns = self.size()
        menu = menu_text(self.watching)
        error = self.error_shown()
        lines = 1 + visible_length(menu) // columns + 1
        if error is not None:
            lines += visible_length(error) // columns + 1
        text = self.clearing() + ("\033[2K\n\033[0G" * lines) + f"\033[{lines}A" + "\033[0G\0337"
        if error is not None:
            row = rows - 1 - visible_length(menu) // columns - visible_length(error) // columns
            text += f"\033[{row};0H\033[2K{error}"
        return text + f"\033[{rows - visible_length(menu) // columns};0H\033[2K{menu}\033[0G\0338"

    def draw(self) -> None:
        with self.lock:
            if self.active:
                self._write(self.drawing())

    def around(self, write: Callable[[], None]) -> None:
        """One line of output between the menu's clearing and its drawing (v2's `logDecorator`)."""
        with self.lock:
            self._write(self.clearing() + self._cursor())
            write()
            if self.active:
                self._write(self.drawing())

    def newline(self) -> None:
        """Enter: a newline, and the menu again."""
        with self.lock:
            self._write("\n")
            self.draw()

    def error(self, prefix: str, message: str) -> None:
        """Show a keyboard error above the menu for ERROR_SECONDS, then the menu alone again."""
        with self.lock:
            self._error = (keyboard_error(prefix, message), self.clock())
            self.draw()
        timer = threading.Timer(ERROR_SECONDS + 1, self.draw)
        timer.daemon = True
        timer.start()

    def interrupt(self) -> None:
        """Ctrl-C: no more drawing; the next line (or `close`) clears the menu and shows the cursor, as v2 does.
        Writes nothing: called from a signal handler, which must not re-enter a stream being written."""
        self.active = False
        self._show_cursor = True

    def close(self) -> None:
        """No more drawing: the menu cleared (the cursor shown after Ctrl-C)."""
        with self.lock:
            self.active = False
            self._write(self.clearing() + self._cursor())

    def _cursor(self) -> str:
        shown, self._show_cursor = self._show_cursor, False
        return SHOW_CURSOR if shown else ""

    def _write(self, text: str) -> None:
        self.out.write(text)
        self.out.flush()


class Feature(Protocol):
    """What a menu key turns on and off (v2's `formatter.Feature`): the watch."""

    @property
    def watching(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class MenuView:
    """An `api.AttachView` whose lines are printed above the menu; `Attaching to …` is not (as in v2)."""

    def __init__(self, view: AttachView, menu: NavigationMenu) -> None:
        self.view = view
        self.menu = menu

    def attached(self, targets: Sequence[LogTarget]) -> None:
        self.view.attached(targets)

    def joined(self, target: LogTarget) -> None:
        self.view.joined(target)

    def line(self, line: LogLine) -> None:
        self.menu.around(lambda: self.view.line(line))

    def recreated(self, target: LogTarget) -> None:
        self.menu.around(lambda: self.view.recreated(target))

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        self.menu.around(lambda: self.view.exited(target, code, restarting))


class MenuStream:
    """`sys.stdout`/`sys.stderr` while the menu is shown: each whole line is printed above the menu (progress
    lines, warnings, `#watch` lines); a partial line waits for its end (or `close`)."""

    def __init__(self, stream: TextIO, menu: NavigationMenu) -> None:
        self.stream = stream
        self.menu = menu
        self._pending = ""

    def write(self, text: str) -> int:
        with self.menu.lock:
            self._pending += text
            if "\n" not in self._pending:
                return len(text)
            whole, _, self._pending = self._pending.rpartition("\n")
            for line in whole.split("\n"):
                self.menu.around(lambda line=line: self._put(line + "\n"))
        return len(text)

    def writelines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def close(self) -> None:
        """Print what is left of a partial line (nothing of the stream itself is closed)."""
        with self.menu.lock:
            pending, self._pending = self._pending, ""
            if pending:
                self._put(pending)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def __getattr__(self, name: str) -> Any:  # encoding, buffer, errors…: the stream's
        return getattr(self.stream, name)

    def _put(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


class _Keyboard:
    """The keys of a terminal stdin, read on a daemon thread in cbreak mode until `close` (idempotent)."""

    def __init__(self, fd: int, on_key: Callable[[bytes], None], on_idle: Callable[[], None]) -> None:
        import termios

        self.fd = fd
        self.on_key = on_key
        self.on_idle = on_idle
        self.saved = termios.tcgetattr(fd)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="menu-keyboard")

    def open(self) -> None:
        self.cbreak()
        self._thread.start()

    def cbreak(self) -> None:
        import termios

        mode = termios.tcgetattr(self.fd)
        mode[3] &= ~(termios.ECHO | termios.ICANON)  # ISIG stays: Ctrl-C and Ctrl-Z are signals, as without menu
        mode[6] = list(mode[6])
        mode[6][termios.VMIN] = 1
        mode[6][termios.VTIME] = 0
        termios.tcsetattr(self.fd, termios.TCSANOW, mode)

    def restore(self) -> None:
        import termios

        with contextlib.suppress(OSError, termios.error):
            termios.tcsetattr(self.fd, termios.TCSANOW, self.saved)

    def close(self) -> None:
        self._stop.set()
        self.restore()

    def _run(self) -> None:
        import select

        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self.fd], [], [], 0.1)
                data = os.read(self.fd, 64) if ready else b""
            except (OSError, ValueError):  # the terminal went away
                return
            if ready and not data:
                return
            if self._stop.is_set():
                return
            for index in range(len(data)):
                self.on_key(data[index:index + 1])
            self.on_idle()


class _Session:
    """The menu while attached `up` runs: keys, signals, streams; `close` puts everything back."""

    def __init__(self, menu: NavigationMenu, stdin_fd: int, watch: Feature | None,
                 on_watch_error: Callable[[str], None]) -> None:
        self.menu = menu
        self.watch = watch
        self.on_watch_error = on_watch_error
        self.keyboard = _Keyboard(stdin_fd, self.key, self.idle)
        self.interrupted = False
        self._redraw = threading.Event()
        self._streams: list[tuple[str, TextIO, MenuStream]] = []
        self._handlers: dict[int, Any] = {}

    def open(self) -> None:
        for name in ("stdout", "stderr"):
            raw = getattr(sys, name)
            wrapped = MenuStream(raw, self.menu)
            self._streams.append((name, raw, wrapped))
            setattr(sys, name, wrapped)
        self._handlers[signal.SIGINT] = signal.signal(signal.SIGINT, self._sigint)
        self._handlers[signal.SIGTSTP] = signal.signal(signal.SIGTSTP, self._sigtstp)
        self.keyboard.open()

    def close(self) -> None:
        self.keyboard.close()
        for signum, handler in self._handlers.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, handler)
        self._handlers.clear()
        for name, raw, wrapped in self._streams:
            wrapped.close()
            if getattr(sys, name) is wrapped:
                setattr(sys, name, raw)
        self._streams.clear()
        self.menu.close()

    def key(self, key: bytes) -> None:
        if key == b"w":
            self.toggle_watch()
        elif key in (b"\r", b"\n"):
            self.menu.newline()

    def idle(self) -> None:
        if self._redraw.is_set():
            self._redraw.clear()
            self.menu.draw()

    def toggle_watch(self) -> None:
        """v2's `w`: the error line without `develop.watch`; else stop watching, or start on a thread."""
        watch = self.watch
        if watch is None:
            self.menu.error("Watch", WATCH_NOT_CONFIGURED)
            return
        if watch.watching:
            watch.stop()
            self.menu.watching = watch.watching
            return

        def start() -> None:
            from pycompose.errors import ComposeError

            try:
                watch.start()
            except ComposeError as error:  # v2 prints why on the watch's line and goes on; a bug stays a bug
                self.on_watch_error(str(error))
            self.menu.watching = watch.watching

        threading.Thread(target=start, daemon=True, name="menu-watch").start()

    def _sigint(self, signum: int, frame: Any) -> None:
        """Ctrl-C: v2 closes the keyboard and stops drawing the menu (cleared before the next line, the cursor
        shown), then stops as on any Ctrl-C. Nothing is written here: a signal handler must not re-enter the
        stream the main thread may be writing."""
        previous = self._handlers.pop(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGINT, previous)
        self.interrupted = True
        self.menu.interrupt()
        self.keyboard.close()
        if callable(previous):
            previous(signum, frame)
        elif previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    def _sigtstp(self, signum: int, frame: Any) -> None:
        """Ctrl-Z: the terminal as it was while suspended; cbreak again and the menu redrawn once continued."""
        self.keyboard.restore()
        os.kill(os.getpid(), signal.SIGSTOP)
        if not self.interrupted and self._handlers:
            with contextlib.suppress(OSError):
                self.keyboard.cbreak()
            self._redraw.set()


@contextlib.contextmanager
def navigation_menu(view: AttachView, *, watch: Feature | None, on_watch_error: Callable[[str], None],
                    stdin: TextIO | None = None, stdout: TextIO | None = None) -> Iterator[AttachView]:
    """The menu for the block: yields `view` printing above it. `watch` is what `w` toggles (None: the project
    has no `develop.watch`, `w` shows v2's error); `on_watch_error` prints why starting it failed."""
    stdin = stdin or sys.stdin
    menu = NavigationMenu(stdout or sys.stdout)
    menu.watching = watch is not None and watch.watching
    session = _Session(menu, stdin.fileno(), watch, on_watch_error)
    try:
        session.open()
        yield MenuView(view, menu)
    finally:
        session.close()


def _isatty(stream: Any) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def _foreground(stream: Any) -> bool:
    """Whether this process owns the terminal (reading it in the background would stop the process)."""
    try:
        return os.tcgetpgrp(stream.fileno()) == os.getpgrp()
    except (OSError, ValueError, AttributeError):
        return False


def _terminal_size(stream: Any) -> tuple[int, int]:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return 24, 80
    return max(size.lines, 1), max(size.columns, 1)
