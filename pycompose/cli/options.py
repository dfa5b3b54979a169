"""Options shared by every command (the global flags), and how they become loader options."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pycompose.api import RunOptions
    from pycompose.events import EventSink


@dataclass(frozen=True)
class GlobalOptions:
    """The flags placed before the command (`pycompose -f a.yaml -p x up`)."""

    files: tuple[str, ...] = ()
    project_name: str | None = None
    project_directory: str | None = None
    profiles: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    progress: str | None = None
    ansi: str | None = None
    parallel: int | None = None
    dry_run: bool = False
    compatibility: bool = False
    all_resources: bool = False

    def project_options(self, **overrides):  # -> pycompose.loader.options.ProjectOptions
        """The loader options these flags (and the process environment) ask for."""
        from pycompose.loader.options import ProjectOptions

        values = dict(
            files=self.files,
            project_name=self.project_name,
            project_directory=self.project_directory,
            profiles=self.profiles,
            env_files=self.env_files,
            environ=dict(os.environ),
            working_directory=os.getcwd(),
        )
        values.update(overrides)
        return ProjectOptions(**values)

    def run_options(self) -> RunOptions:
        """`--parallel` and `--dry-run` as the API takes them."""
        from pycompose.api import RunOptions

        return RunOptions(parallel=self.parallel, dry_run=self.dry_run)

    def progress_mode(self) -> str:
        """tty, plain, json or quiet: `--progress` (else COMPOSE_PROGRESS, else auto) with `--ansi`, as v2 decides.

        Raises:
            UsageError: an unknown mode, or a mode that contradicts `--ansi`.
        """
        from pycompose.presentation.progress import resolve_mode

        return resolve_mode(self.progress, self.ansi, sys.stderr)

    @contextmanager
    def sink(self, title: str = "Running") -> Iterator[EventSink]:
        """The progress sink of one command on stderr; `title` heads the live view (v2: Running, Stopping…)."""
        from pycompose.presentation.progress import open_sink

        with open_sink(self.progress_mode(), title=title, dry_run=self.dry_run) as sink:
            yield sink

    @contextmanager
    def line_sink(self) -> Iterator[EventSink]:
        """Progress printed between other output (attached `up`'s logs): plain lines instead of a live view;
        `json` and `quiet` as asked."""
        from pycompose.presentation.progress import open_sink

        mode = self.progress_mode()
        with open_sink("plain" if mode == "tty" else mode, dry_run=self.dry_run) as sink:
            yield sink


def global_options(ctx: typer.Context) -> GlobalOptions:
    """The GlobalOptions of the running command line."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions()


def environment_flags(values: list[str]) -> dict[str, str]:
    """`-e KEY=VALUE`, or `-e KEY` to pass the variable from this environment (dropped when unset), as v2's
    `run` and `exec` read them."""
    import os

    env: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if sep:
            env[key] = rest
        elif key in os.environ:
            env[key] = os.environ[key]
    return env
