"""`pycompose restart`: restart containers (and `restart: true` dependents of named services)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("restart", help="Restart service containers")(restart)


def restart(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    no_deps: Annotated[bool, typer.Option("--no-deps", help="Don't restart dependent services")] = False,
    timeout: Annotated[
        int | None, typer.Option("--timeout", "-t", metavar="int", help="Specify a shutdown timeout in seconds")
    ] = None,
) -> None:
    from pycompose import api

    options = global_options(ctx)
    with options.sink("Restarting") as sink:
        api.restart(options.project_options(services=tuple(services or ())), tuple(services or ()), timeout, no_deps,
                    run=options.run_options(), sink=sink)
