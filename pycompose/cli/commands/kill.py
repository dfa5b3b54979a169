"""`pycompose kill`: send a signal (SIGKILL by default) to running containers."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("kill", help="Force stop service containers")(kill)


def kill(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    signal: Annotated[
        str, typer.Option("--signal", "-s", metavar="string", help='SIGNAL to send to the container')
    ] = "SIGKILL",
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers for services not defined in the Compose file")
    ] = False,
) -> None:
    from pycompose import api

    options = global_options(ctx)
    with options.sink("Killing") as sink:
        api.kill(options.project_options(services=tuple(services or ())), tuple(services or ()), signal,
                 remove_orphans=remove_orphans, run=options.run_options(), sink=sink)
