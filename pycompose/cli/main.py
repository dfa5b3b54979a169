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
    sys.exit(run(args))


def run(args: list[str]) -> int:
    """Run one command line and return its exit code."""
    from pycompose.cli.app import build_command
    from pycompose.errors import ComposeError

    command = build_command()
    try:
        # standalone mode: click reports its own usage errors (exit 2) and Ctrl-C (exit 1)
        command.main(args=args, prog_name="pycompose", standalone_mode=True)
    except SystemExit as done:
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ComposeError as error:
        _print_error(str(error), as_json=_json_progress(args))
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as bug:
        return _report_bug(bug, verbose=_verbose(args))
    return 0


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
