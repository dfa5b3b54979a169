"""The Typer application: global options (placed before the command, as in v2) and command discovery.

Every module in `pycompose.cli.commands` defines `register(app: typer.Typer) -> None`; modules are
found with pkgutil, so adding a command means adding one file. Command modules import heavy
packages (docker, networkx, jsonschema, rich) only inside their functions.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Annotated, Optional

import typer

from pycompose.cli.options import GlobalOptions

HELP = "Define and run multi-container applications with Docker."


def _root(
    ctx: typer.Context,
    file: Annotated[
        Optional[list[str]], typer.Option("--file", "-f", metavar="stringArray", help="Compose configuration files")
    ] = None,
    project_name: Annotated[Optional[str], typer.Option("--project-name", "-p", metavar="string", help="Project name")] = None,
    project_directory: Annotated[
        Optional[str],
        typer.Option(
            "--project-directory",
            "--workdir",
            metavar="string",
            help="Specify an alternate working directory (default: the path of the, first specified, Compose file)",
        ),
    ] = None,
    profile: Annotated[Optional[list[str]], typer.Option("--profile", metavar="stringArray", help="Specify a profile to enable")] = None,
    env_file: Annotated[
        Optional[list[str]], typer.Option("--env-file", metavar="stringArray", help="Specify an alternate environment file")
    ] = None,
    progress: Annotated[
        Optional[str],
        typer.Option("--progress", metavar="string", help='Set type of progress output ("auto", "tty", "plain", "json", "quiet")'),
    ] = None,
    ansi: Annotated[
        Optional[str], typer.Option("--ansi", metavar="string", help='Control when to print ANSI control characters ("never"|"always"|"auto")')
    ] = None,
    parallel: Annotated[
        Optional[int], typer.Option("--parallel", metavar="int", help="Control max parallelism, -1 for unlimited")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Execute command in dry run mode")] = False,
    compatibility: Annotated[
        bool, typer.Option("--compatibility", help="Run compose in backward compatibility mode")
    ] = False,
    all_resources: Annotated[
        bool, typer.Option("--all-resources", help="Include all resources, even those not used by services")
    ] = False,
    version: Annotated[bool, typer.Option("--version", "-v", hidden=True)] = False,
) -> None:
    if version:
        from pycompose import __version__

        typer.echo(f"pycompose version v{__version__}")
        raise typer.Exit(0)
    ctx.obj = GlobalOptions(
        files=tuple(file or ()),
        project_name=project_name,
        project_directory=project_directory,
        profiles=tuple(profile or ()),
        env_files=tuple(env_file or ()),
        progress=progress,
        ansi=ansi,
        parallel=parallel,
        dry_run=dry_run,
        compatibility=compatibility,
        all_resources=all_resources,
    )


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="pycompose",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback()(_root)
    from pycompose.cli import commands

    for module in pkgutil.iter_modules(commands.__path__):
        if module.name.startswith("_"):  # shared helpers of the command modules, not commands
            continue
        importlib.import_module(f"pycompose.cli.commands.{module.name}").register(app)
    return app


def build_command():  # -> click.Command
    return typer.main.get_command(build_app())
