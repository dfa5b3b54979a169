"""`pycompose rm`: remove stopped service containers (asks first unless -f)."""

import sys
from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("rm", help="Removes stopped service containers")(rm)


def rm(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    force: Annotated[bool, typer.Option("--force", "-f", help="Don't ask to confirm removal")] = False,
    stop: Annotated[
        bool, typer.Option("--stop", "-s", help="Stop the containers, if required, before removing")
    ] = False,
    volumes: Annotated[
        bool, typer.Option("--volumes", "-v", help="Remove any anonymous volumes attached to containers")
    ] = False,
    all_: Annotated[bool, typer.Option("--all", "-a", hidden=True, help="Deprecated - no effect")] = False,
) -> None:
    from pycompose import api

    options = global_options(ctx)
    with options.sink("Removing") as sink:
        api.rm(options.project_options(services=tuple(services or ())), tuple(services or ()), stop_first=stop,
               volumes=volumes, confirm=None if force else _ask, run=options.run_options(), sink=sink)


def _ask(names: list[str]) -> bool:
    sys.stderr.write(f"Going to remove {', '.join(names)}\n")
    answer = typer.prompt("Are you sure? [yN]", default="N", show_default=False, err=True)
    return answer.strip().lower() in ("y", "yes")
