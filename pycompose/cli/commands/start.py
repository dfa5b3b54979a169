"""`pycompose start`: start existing containers in dependency order."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("start", help="Start services")(start)


def start(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
) -> None:
    from pycompose import api

    options = global_options(ctx)
    with options.sink("Running") as sink:
        api.start(options.project_options(services=tuple(services or ())), tuple(services or ()),
                  run=options.run_options(), sink=sink)
