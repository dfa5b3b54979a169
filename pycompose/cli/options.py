"""Options shared by every command (the global flags), and how they become loader options."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

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
    command: str | None = None
    """The command these flags are read for (`global_options` sets it)."""

    def project_options(self, **overrides):  # -> pycompose.loader.options.ProjectOptions
        """The loader options these flags (and the process environment) ask for."""
        from pycompose.loader.options import ProjectOptions

        values = dict(
            files=self.files,
            project_name=self.project_name,
            project_directory=self.project_directory,
            profiles=self.profiles,
            env_files=self.env_files,
            all_resources=self.all_resources,
            environ=dict(os.environ),
            working_directory=os.getcwd(),
            fetch_remote=_fetch_remote,
            warn=None if self._named_only() else _print_load_warning,
        )
        values.update(overrides)
        return ProjectOptions(**values)

    def _named_only(self) -> bool:
        """Whether v2 would take the project by its name alone, without reading the files (and so without their
        warnings): the commands that act on existing containers, given `-p` and no `-f` (v2 `projectOrName`);
        those that only need the name, given `-p` or COMPOSE_PROJECT_NAME (v2 `toProjectName`)."""
        if self.command in _NAME_FIRST_COMMANDS:
            return bool(self.project_name or os.environ.get("COMPOSE_PROJECT_NAME"))
        return self.command in _BY_NAME_COMMANDS and bool(self.project_name) and not self.files

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


_BY_NAME_COMMANDS = frozenset({
    "down", "kill", "logs", "pause", "ps", "rm", "restart", "start", "stop", "unpause", "volumes", "wait",
})
"""The commands v2 runs on the project's name alone when `-p` is given without `-f` (`projectOrName`)."""

_NAME_FIRST_COMMANDS = frozenset({
    "attach", "commit", "cp", "events", "exec", "export", "images", "port", "stats", "top",
})
"""The commands that need only the project's name: v2 reads no file when `-p` or COMPOSE_PROJECT_NAME gives it
(`toProjectName`), and reads them without selecting the services named (no `no such service`)."""

_printed_warnings: set[str] = set()


def _print_load_warning(message: str) -> None:
    """A warning of loading the project, printed once (a command that loads the files twice says it once)."""
    if message not in _printed_warnings:
        _printed_warnings.add(message)
        from pycompose.presentation.warnings import write_warnings

        write_warnings([message])


def global_options(ctx: typer.Context) -> GlobalOptions:
    """The GlobalOptions of the running command line."""
    from dataclasses import replace

    root = ctx.find_root()
    found = root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions()
    return replace(found, command=ctx.info_name)


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


_GO_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_GO_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def pflag_command(values: Mapping[str, str]) -> type:
    """A command class that also reads docker's pflag bools with a value: `-i=false`, `--interactive=false`.

    `values` maps each spelling of such a flag to the hidden option that receives the value (`-i` and
    `--interactive` → `--interactive-value`); the command reads it with `pflag_bool`. Only the options before the
    first argument are rewritten: what follows SERVICE belongs to the command (`run web grep -i=x`).
    """
    from typer.core import TyperCommand

    class PflagCommand(TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            return list(super().parse_args(ctx, _pflag_args(self, list(args), values)))

    return PflagCommand


def _pflag_args(command: Any, args: list[str], values: Mapping[str, str]) -> list[str]:
    # typer carries its own click: options are told apart by their kind, not by a click class
    takes_value = {name for param in command.params
                   if param.param_type_name == "option" and not getattr(param, "is_flag", False)
                   and not getattr(param, "count", False) for name in param.opts}
    out: list[str] = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--" or arg == "-" or not arg.startswith("-"):
            return out + args[index:]
        name, equals, value = arg.partition("=")
        if equals and name in values:
            out += [values[name], value]
        else:
            out.append(arg)
            if not equals and name in takes_value and index + 1 < len(args):
                index += 1
                out.append(args[index])
        index += 1
    return out


def pflag_bool(value: str | None, flag: str, default: bool) -> bool:
    """The value of a pflag bool given as `flag=value` (strconv.ParseBool), else `default`."""
    from pycompose.errors import UsageError

    if value is None:
        return default
    if value in _GO_TRUE:
        return True
    if value in _GO_FALSE:
        return False
    raise UsageError(f'invalid argument "{value}" for "{flag}" flag: strconv.ParseBool: parsing "{value}": '
                     "invalid syntax")


def _fetch_remote(url: str) -> str:
    """`-f oci://…`: fetched by the API's remote loader, imported only when a command names such a file."""
    from pycompose.api.publish import remote_file_fetcher

    return remote_file_fetcher(os.environ)(url)
