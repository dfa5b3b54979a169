"""`pycompose stop`: stop running containers, dependents first."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("stop", help="Stop services")(stop)


def stop(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    timeout: Annotated[
        int | None, typer.Option("--timeout", "-t", metavar="int", help="Specify a shutdown timeout in seconds")
    ] = None,
) -> None:
    from pycompose import api

    options = global_options(ctx)
    with options.sink("Stopping") as sink:
        api.stop(options.project_options(services=tuple(services or ())), tuple(services or ()), timeout,
                 run=options.run_options(), sink=sink)
