"""`pycompose --help` prints a snapshot (no Typer import); it must equal what Typer renders."""

from __future__ import annotations

import subprocess
import sys

from pycompose.cli import help_snapshot, render_help


def test_snapshot_matches_the_typer_app():
    assert help_snapshot.HELP == render_help.render(), (
        "the top-level help changed: run `python -m pycompose.cli.render_help` to refresh the snapshot"
    )


def test_help_is_printed_without_importing_typer():
    code = (
        "import sys; from pycompose.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    assert e.code == 0\n"
        "assert 'typer' not in sys.modules, 'typer was imported'\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: pycompose [OPTIONS] COMMAND [ARGS]...")
