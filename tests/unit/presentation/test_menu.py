"""v2's navigation menu of attached `up`: when it is shown, and the bytes it draws (taken from v2 2.40.3 run under a
24x80 pseudo-terminal)."""

from __future__ import annotations

import io
import os
import termios
import threading

import pytest

from pycompose.presentation.menu import (
    ERROR_SECONDS,
    WATCH_NOT_CONFIGURED,
    MenuStream,
    NavigationMenu,
    _Session,
    menu_text,
    menu_wanted,
    visible_length,
)

CLEAR = "\x1b[0G\x1b7" + "\x1b[1B\x1b[2K" * 24 + "\x1b8"
ENABLE = "\x1b[1;38;2;0;0;0;48;2;255;255;255mw\x1b[0m\x1b[2m Enable Watch\x1b[0m"
DISABLE = "\x1b[1;38;2;0;0;0;48;2;255;255;255mw\x1b[0m\x1b[2m Disable Watch\x1b[0m"
# what v2 writes after a log line: cleared, two lines of room, the menu on row 24, the cursor back
DRAW = CLEAR + "\x1b[2K\n\x1b[0G" * 2 + "\x1b[2A\x1b[0G\x1b7\x1b[24;0H\x1b[2K" + ENABLE + "\x1b[0G\x1b8"
ERROR = ("\x1b[1;36mWatch \u2192\x1b[0m  watch is not yet configured. Learn more: "
         "\x1b[36mhttps://docs.docker.com/compose/file-watch/\x1b[0m")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _menu(clock=lambda: 0.0) -> tuple[NavigationMenu, io.StringIO]:
    out = io.StringIO()
    return NavigationMenu(out, size=lambda: (24, 80), clock=clock), out


def test_the_menu_line_is_v2s():
    assert menu_text(False) == ENABLE
    assert menu_text(True) == DISABLE
    assert visible_length(ENABLE) == len("w Enable Watch")
    assert visible_length(ERROR) == len("Watch ->  ") + 1 + len("watch is not yet configured. Learn more: ") + 43


def test_a_line_is_printed_between_the_clearing_and_the_drawing():
    menu, out = _menu()
    menu.around(lambda: out.write("app-1  | tick 0\n"))
    assert out.getvalue() == CLEAR + "app-1  | tick 0\n" + DRAW


def test_watching_shows_disable_watch():
    menu, out = _menu()
    menu.watching = True
    menu.draw()
    assert out.getvalue().endswith("\x1b[24;0H\x1b[2K" + DISABLE + "\x1b[0G\x1b8")


def test_enter_prints_a_newline_then_the_menu():
    menu, out = _menu()
    menu.newline()
    assert out.getvalue() == "\n" + DRAW


def test_a_keyboard_error_stands_above_the_menu_for_ten_seconds():
    now = [100.0]
    menu, out = _menu(clock=lambda: now[0])
    menu.error("Watch", WATCH_NOT_CONFIGURED)
    # v2: four lines of room (the error takes two rows of 80 columns), the error on row 22, the menu on 24
    assert out.getvalue() == (CLEAR + "\x1b[2K\n\x1b[0G" * 4 + "\x1b[4A\x1b[0G\x1b7\x1b[22;0H\x1b[2K" + ERROR
                              + "\x1b[24;0H\x1b[2K" + ENABLE + "\x1b[0G\x1b8")
    now[0] += ERROR_SECONDS
    out.truncate(0)
    out.seek(0)
    menu.draw()
    assert out.getvalue() == DRAW


def test_after_ctrl_c_lines_still_clear_but_the_menu_is_not_drawn_and_the_cursor_is_shown_once():
    menu, out = _menu()
    menu.interrupt()
    assert out.getvalue() == ""  # a signal handler writes nothing
    menu.around(lambda: out.write("Gracefully Stopping... press Ctrl+C again to force\n"))
    menu.around(lambda: out.write("x\n"))
    assert out.getvalue() == (CLEAR + "\x1b[?25hGracefully Stopping... press Ctrl+C again to force\n"
                              + CLEAR + "x\n")


def test_the_stream_prints_whole_lines_above_the_menu():
    menu, out = _menu()
    stream = MenuStream(out, menu)  # type: ignore[arg-type]
    stream.write("WARN[0000] one")
    assert out.getvalue() == ""
    stream.write(" two\nthree\npart")
    assert out.getvalue() == CLEAR + "WARN[0000] one two\n" + DRAW + CLEAR + "three\n" + DRAW
    stream.close()
    assert out.getvalue().endswith(DRAW + "part")


@pytest.mark.parametrize(("flag", "env", "progress", "ansi", "wanted"), [
    (None, {}, None, None, True),
    (False, {}, None, None, False),
    (None, {"COMPOSE_MENU": "0"}, None, None, False),
    (None, {"COMPOSE_MENU": "false"}, None, None, False),
    (None, {"COMPOSE_MENU": "yes"}, None, None, False),  # Go's StringToBool: `y`, not `yes`
    (None, {"COMPOSE_MENU": " Y "}, None, None, True),
    (True, {"COMPOSE_MENU": "0"}, None, None, True),
    (None, {}, "plain", None, False),
    (None, {"COMPOSE_PROGRESS": "plain"}, None, None, False),
    (None, {}, "json", None, True),
    (None, {}, None, "never", False),
])
def test_when_the_menu_is_shown(flag, env, progress, ansi, wanted):
    master, slave = os.openpty()
    try:
        with open(slave, "w", closefd=False) as tty:
            # a terminal this test process does not own: only the foreground check is told to pass
            assert menu_wanted(flag, stdout=tty, stdin=tty, progress=progress, ansi=ansi, environ=env) is False
            import pycompose.presentation.menu as module

            saved = module._foreground
            module._foreground = lambda stream: True
            try:
                assert menu_wanted(flag, stdout=tty, stdin=tty, progress=progress, ansi=ansi,
                                   environ=env) is wanted
                assert menu_wanted(flag, stdout=io.StringIO(), stdin=tty, progress=progress, ansi=ansi,
                                   environ=env) is False
                assert menu_wanted(flag, stdout=tty, stdin=io.StringIO(), progress=progress, ansi=ansi,
                                   environ=env) is False
            finally:
                module._foreground = saved
    finally:
        os.close(master)
        os.close(slave)


class _Switch:
    def __init__(self) -> None:
        self.watching = False
        self.started = threading.Event()

    def start(self) -> None:
        self.watching = True
        self.started.set()

    def stop(self) -> None:
        self.watching = False


def test_keys_toggle_watch_and_the_terminal_mode_is_restored(monkeypatch):
    master, slave = os.openpty()
    try:
        before = termios.tcgetattr(slave)
        menu, out = _menu()
        switch = _Switch()
        session = _Session(menu, slave, switch, lambda message: None)
        monkeypatch.setattr("sys.stdout", _Terminal())
        monkeypatch.setattr("sys.stderr", _Terminal())
        session.open()
        try:
            mode = termios.tcgetattr(slave)
            assert not mode[3] & (termios.ECHO | termios.ICANON)
            assert mode[3] & termios.ISIG  # Ctrl-C stays a signal
            os.write(master, b"w")
            assert switch.started.wait(5)
            for _ in range(50):
                if menu.watching:
                    break
                threading.Event().wait(0.05)
            assert menu.watching
            os.write(master, b"\r")
            for _ in range(50):
                if "\n" + CLEAR in out.getvalue():
                    break
                threading.Event().wait(0.05)
            assert out.getvalue().endswith(DISABLE + "\x1b[0G\x1b8")
            os.write(master, b"w")
            for _ in range(50):
                if not switch.watching:
                    break
                threading.Event().wait(0.05)
            assert not switch.watching
        finally:
            session.close()
        assert termios.tcgetattr(slave) == before
    finally:
        os.close(master)
        os.close(slave)


def test_w_without_develop_watch_shows_v2s_error():
    master, slave = os.openpty()
    try:
        menu, out = _menu()
        session = _Session(menu, slave, None, lambda message: None)
        session.key(b"w")
        assert ERROR in out.getvalue()
    finally:
        os.close(master)
        os.close(slave)
