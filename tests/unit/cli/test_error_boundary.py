"""The one error boundary (cli/main.py): a user's error is one line; a bug says it is one and keeps its traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pycompose.cli import app, main
from pycompose.errors import ConfigError


class _Command:
    def __init__(self, error: BaseException) -> None:
        self.error = error

    def main(self, **_: object) -> None:
        raise self.error


def _broken():
    try:
        {}["missing"]
    except KeyError as error:
        raise RuntimeError("planner lost its way") from error


@pytest.fixture
def command(monkeypatch):
    def install(error: BaseException) -> None:
        monkeypatch.setattr(app, "build_command", lambda: _Command(error))

    monkeypatch.delenv("PYCOMPOSE_DEBUG", raising=False)
    return install


def _raised() -> RuntimeError:
    try:
        _broken()
    except RuntimeError as error:
        return error
    raise AssertionError("unreachable")


def test_a_user_error_is_one_line_with_its_exit_code(command, capsys):
    command(ConfigError("bad value", file="compose.yaml", line=3, path=("services", "web", "image")))
    assert main.run(["up"]) == 1
    assert capsys.readouterr().err == "compose.yaml:3: services.web.image: bad value\n"


def test_a_bug_says_it_is_one_and_keeps_its_traceback_in_a_file(command, capsys):
    command(_raised())
    assert main.run(["up", "-d"]) == main.BUG_EXIT_CODE != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "internal error, this is a bug in pycompose: RuntimeError: planner lost its way" in err
    assert "--verbose" in err
    saved = Path(re.search(r"traceback in (\S+)", err).group(1))
    try:
        text = saved.read_text()
        assert "Traceback (most recent call last)" in text and "_broken" in text and "KeyError" in text
    finally:
        saved.unlink()


@pytest.mark.parametrize("verbose", [["--verbose"], "env"])
def test_verbose_prints_the_traceback(command, capsys, monkeypatch, verbose):
    command(_raised())
    args = ["up"]
    if verbose == "env":
        monkeypatch.setenv("PYCOMPOSE_DEBUG", "1")
    else:
        args = [*verbose, *args]
    assert main.run(args) == main.BUG_EXIT_CODE
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "in _broken" in err
    assert err.rstrip().splitlines()[-1].startswith("pycompose: internal error")
    Path(re.search(r"traceback in (\S+)", err).group(1)).unlink()


def test_ctrl_c_is_130(command):
    command(KeyboardInterrupt())
    assert main.run(["up"]) == 130


def test_verbose_is_accepted_as_a_global_flag_as_in_v2(capsys):
    assert main.run(["--verbose", "version", "--short"]) == 0
    assert capsys.readouterr().out.strip()


def test_an_interrupted_run_of_jobs_says_what_it_left_half_done(command, capsys, monkeypatch):
    from pycompose.errors import Interrupted

    monkeypatch.setattr(main, "_SIGNALS", [])
    command(Interrupted(("wait:p-db-1:service_healthy",), ("start:p-web-1", "start:p-app-1", "x", "y")))
    assert main.run(["up", "-d"]) == 130
    assert capsys.readouterr().err == (
        "Interrupted by Ctrl-C: left unfinished: wait:p-db-1:service_healthy; "
        "not started: start:p-web-1, start:p-app-1, x and 1 more\n")


def test_sigterm_is_143_and_said_so(command, capsys, monkeypatch):
    import signal

    monkeypatch.setattr(main, "_SIGNALS", [signal.SIGTERM])
    command(KeyboardInterrupt())
    assert main.run(["logs", "-f"]) == 143
    assert capsys.readouterr().err == "Interrupted by SIGTERM\n"


def test_typers_exit_130_for_an_interrupt_is_reported_as_one(command, capsys, monkeypatch):
    """Typer turns a KeyboardInterrupt into Exit(130); the boundary still finds it (and the signal's code)."""
    import signal

    def typer_like() -> SystemExit:
        try:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as interrupt:
                raise RuntimeError("Exit(130)") from interrupt
        except RuntimeError:
            try:
                sys.exit(130)
            except SystemExit as done:
                return done

    import sys

    monkeypatch.setattr(main, "_SIGNALS", [signal.SIGTERM])
    command(typer_like())
    assert main.run(["wait", "web"]) == 143
    assert capsys.readouterr().err == "Interrupted by SIGTERM\n"


def test_a_commands_own_exit_130_is_left_alone(command, capsys, monkeypatch):
    """Attached `up` returns v2's 130 itself after stopping the project: no second report, whatever the signal."""
    import signal

    monkeypatch.setattr(main, "_SIGNALS", [signal.SIGTERM])
    command(SystemExit(130))
    assert main.run(["up"]) == 130
    assert capsys.readouterr().err == ""


def test_a_refusal_named_after_its_service_keeps_its_type_and_code():
    from pycompose.errors import EngineError, NotFound

    error = NotFound("no such image", exit_code=3)
    named = error.about('service "web"')
    assert type(named) is NotFound and named.exit_code == 3
    assert str(named) == 'service "web": no such image'
    assert named.about('service "web"') is named
    assert str(error) == "no such image"
    assert isinstance(EngineError("x").about("y"), EngineError)


def test_jobs_left_to_finish_are_named_and_waited_for(command, capsys, monkeypatch):
    from pycompose.errors import Interrupted

    monkeypatch.setattr(main, "_SIGNALS", [])
    monkeypatch.setattr(main, "_FINISHING", [])
    command(Interrupted(("recreate:p-web-1",), (), finishing=("recreate:p-web-1",)))
    assert main.run(["up", "-d"]) == 130
    assert capsys.readouterr().err == (
        "Interrupted by Ctrl-C: left unfinished: recreate:p-web-1; letting recreate:p-web-1 finish "
        "(press Ctrl+C again to leave it half-done)\n")
    assert main._FINISHING == ["recreate:p-web-1"]
