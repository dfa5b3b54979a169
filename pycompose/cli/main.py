"""Entry point of the `pycompose` command: argument pre-processing and the one error boundary.

A `ComposeError` is something the user can act on: one line, its exit code, no traceback. Any other exception is a
bug in pycompose: one line saying so, the traceback in a file (and on stderr with `--verbose` or
`PYCOMPOSE_DEBUG=1`), exit code 70 (EX_SOFTWARE), so that it is never mistaken for an engine's refusal.
"""

from __future__ import annotations

import gc
import sys

GC_GEN0_THRESHOLD = 50_000
"""Allocations between young-generation collections in the CLI process (CPython's default: 700).

Start-up allocates a few hundred thousand long-lived objects (Typer, the YAML loader, dataclass methods) and none
of them is garbage; at the default threshold the collector walks them about forty times before the command does
anything: 30-40 ms of a no-op `up -d` (bench/bench_startup.py). Collection stays on, so a long `logs -f` or
attached `up` still frees reference cycles. The in-process API leaves the caller's collector alone."""


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; never lets a ComposeError escape as a traceback."""
    gc.set_threshold(GC_GEN0_THRESHOLD, *gc.get_threshold()[1:])
    args = list(sys.argv[1:] if argv is None else argv)
    # Tools that run `<binary> compose …` (testcontainers, python-on-whales) can point at pycompose.
    if args[:1] == ["compose"]:
        args = args[1:]
    if args in ([], ["--help"], ["-h"]):
        # The top-level help is printed from a snapshot so that `pycompose --help` needs no Typer import;
        # tests/unit/cli/test_help_snapshot.py keeps the snapshot equal to what Typer renders.
        from pycompose.cli.help_snapshot import HELP

        sys.stdout.write(HELP)
        sys.exit(0)
    if argv is None:  # the `pycompose` process itself, not a test or a caller running main() in theirs
        from pycompose.cli import deferred_methods

        deferred_methods.install()
    _terminate_as_interrupt()
    code = run(args)
    _exit_at_signals()
    if _SIGNALS:
        _exit_promptly(code, wait_for_all=bool(_FINISHING))
    sys.exit(code)


def run(args: list[str]) -> int:
    """Run one command line and return its exit code."""
    from pycompose.cli.app import build_command
    from pycompose.errors import ComposeError

    try:
        command = build_command()
        # standalone mode: click reports its own usage errors (exit 2); Typer turns Ctrl-C into exit 130
        command.main(args=args, prog_name="pycompose", standalone_mode=True)
    except SystemExit as done:
        interrupt = _interrupt_behind(done)
        if interrupt is not None:
            return _report_interrupt(interrupt)
        if _is_usage_error(done):
            return USAGE_EXIT_CODE
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ComposeError as error:
        _print_error(str(error), as_json=_json_progress(args))
        return error.exit_code
    except KeyboardInterrupt as interrupt:
        return _report_interrupt(interrupt)
    except Exception as bug:
        return _report_bug(bug, verbose=_verbose(args))
    return 0


_SIGNALS: list[int] = []
"""The signals received (SIGINT, SIGTERM), in order: the exit code of an interrupted command is 128 + the first."""


def _terminate_as_interrupt() -> None:
    """SIGTERM stops a command as Ctrl-C does (waits end, nothing new starts, attached `up` stops the project),
    where Python's default would end the process at once, mid-way through whatever it was doing."""
    import signal

    def interrupt(signum: int, frame: object) -> None:
        _SIGNALS.append(signum)
        raise KeyboardInterrupt

    try:
        signal.signal(signal.SIGTERM, interrupt)
        if signal.getsignal(signal.SIGINT) in (signal.default_int_handler, signal.SIG_IGN):
            # also when started with SIGINT ignored (`pycompose watch &` in a script), as v2: Go's signal.Notify
            # takes the signal back, so `kill -INT` stops it; a handler of the embedding program is left alone
            signal.signal(signal.SIGINT, interrupt)
    except ValueError:  # not the main thread (run() called from a thread): leave the signals alone
        pass


INTERRUPT_GRACE_SECONDS = 0.3
"""After Ctrl-C/SIGTERM, how long the engine calls still running on worker threads get to finish (a create, a
rename, a start take milliseconds) before the process ends. A long call (a build, a pull) is not waited for: the
engine cancels it when its connection closes, as it does when v2 is interrupted."""


FINISH_LIMIT_SECONDS = 120.0
"""The longest wait for jobs left to finish (a recreate stops the old container: its stop timeout and more);
another Ctrl-C/SIGTERM ends the process at once."""


def _exit_at_signals() -> None:
    """The command is over: a signal now ends the process with its code, not with a KeyboardInterrupt traceback
    from wherever the interpreter is in its shutdown."""
    import signal

    def leave(signum: int, frame: object) -> None:
        _SIGNALS.append(signum)
        _flush_and_exit(128 + signum)

    try:
        signal.signal(signal.SIGTERM, leave)
        signal.signal(signal.SIGINT, leave)
    except ValueError:
        pass


def _flush_and_exit(code: int) -> None:
    import os

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


_FINISHING: list[str] = []
"""Jobs an interrupted run left to finish (`Interrupted.finishing`): the process waits for them before it ends."""


def _exit_promptly(code: int, *, wait_for_all: bool = False) -> None:
    """End an interrupted command within half a second, whatever its worker threads are still doing: no new job
    starts once `run_jobs` saw the interrupt, and waits stop at their next poll, but an engine call already sent
    can take as long as the engine likes; Python would wait for its thread at exit."""
    import threading
    import time

    deadline = time.monotonic() + (FINISH_LIMIT_SECONDS if wait_for_all else INTERRUPT_GRACE_SECONDS)
    for thread in threading.enumerate():
        if thread is not threading.current_thread() and not thread.daemon:
            thread.join(max(0.0, deadline - time.monotonic()))
    _flush_and_exit(code)


USAGE_EXIT_CODE = 1
"""A command line that does not parse (unknown flag or command, missing or bad argument): v2 (cobra) exits 1 where
click exits 2."""


def _is_usage_error(done: SystemExit) -> bool:
    """This exit is click's for a usage error it has just printed (`sys.exit(2)` while handling the error)."""
    error = done.__context__
    return done.code == 2 and error is not None and any(
        cls.__name__ == "UsageError" for cls in type(error).__mro__
    )


def _interrupt_behind(done: SystemExit) -> KeyboardInterrupt | None:
    """The KeyboardInterrupt Typer turned into this exit (code 130), if it was one: Typer raises `Exit(130)` from
    it, and `sys.exit` is called while handling that. A command's own `Exit(130)` (attached `up`) has none."""
    if done.code != 130:
        return None
    seen: set[int] = set()
    cause: BaseException | None = done
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, KeyboardInterrupt):
            return cause
        cause = cause.__cause__ or cause.__context__
    return None


def _report_interrupt(interrupt: KeyboardInterrupt) -> int:
    """One line saying what the interrupted command left half-done; 128 + the signal (130 Ctrl-C, 143 SIGTERM)."""
    import signal

    from pycompose.errors import Interrupted

    signum = _SIGNALS[0] if _SIGNALS else signal.SIGINT
    name = "SIGTERM" if signum == signal.SIGTERM else "Ctrl-C"
    detail = interrupt.summary() if isinstance(interrupt, Interrupted) else ""
    if isinstance(interrupt, Interrupted) and interrupt.finishing:
        _FINISHING.extend(interrupt.finishing)
        detail += f"; letting {', '.join(interrupt.finishing)} finish (press Ctrl+C again to leave it half-done)"
    sys.stderr.write(f"Interrupted by {name}" + (f": {detail}" if detail else "") + "\n")
    sys.stderr.flush()
    return 128 + signum


BUG_EXIT_CODE = 70
"""EX_SOFTWARE: pycompose itself failed (a bug), as opposed to 1 for an error the user or the engine caused."""


def _verbose(args: list[str]) -> bool:
    import os

    return "--verbose" in args or os.environ.get("PYCOMPOSE_DEBUG", "") not in ("", "0", "false")


def _report_bug(bug: BaseException, *, verbose: bool) -> int:
    import tempfile
    import traceback

    text = "".join(traceback.format_exception(bug))
    where = ""
    try:
        with tempfile.NamedTemporaryFile("w", prefix="pycompose-bug-", suffix=".txt", delete=False) as handle:
            handle.write(text)
            where = f"; traceback in {handle.name}"
    except OSError:
        pass
    if verbose:
        sys.stderr.write(text)
    summary = f"{type(bug).__name__}: {bug}".splitlines()[0]
    hint = "" if verbose else " (run with --verbose or PYCOMPOSE_DEBUG=1 to see it here)"
    sys.stderr.write(f"pycompose: internal error, this is a bug in pycompose: {summary}{where}{hint}\n")
    sys.stderr.flush()
    return BUG_EXIT_CODE


def _json_progress(args: list[str]) -> bool:
    """`--progress json` (or COMPOSE_PROGRESS=json): errors are printed as JSON too. No command has a
    `--progress` flag of its own, so the whole line can be scanned."""
    import os

    mode = os.environ.get("COMPOSE_PROGRESS")
    for index, arg in enumerate(args):
        if arg == "--progress" and index + 1 < len(args):
            mode = args[index + 1]
        elif arg.startswith("--progress="):
            mode = arg.partition("=")[2]
    return mode == "json"


def _print_error(message: str, *, as_json: bool = False) -> None:
    text = message.rstrip("\n")
    if as_json:  # v2: {"error":true,"message":"…"} on stderr, so a script reading JSON lines sees the failure
        from pycompose.render import gojson

        text = gojson.dumps({"error": True, "message": text})
    sys.stderr.write(text + "\n")
    sys.stderr.flush()
