"""`pycompose unpause`: unpause the services' running containers."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("unpause", help="Unpause services")(unpause)


def unpause(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
) -> None:
    from pycompose import api

    flags = global_options(ctx)
    selected = tuple(services or ())
    with flags.sink("Unpausing") as sink:
        api.unpause(flags.project_options(services=selected), selected, sink=sink, run=flags.run_options())
