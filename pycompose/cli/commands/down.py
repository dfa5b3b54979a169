"""`pycompose down`: stop and remove containers, networks (and volumes with -v, images with --rmi)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("down", help="Stop and remove containers, networks")(down)


def down(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICES]")] = None,
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers for services not defined in the Compose file")
    ] = False,
    rmi: Annotated[
        str | None,
        typer.Option(
            "--rmi",
            metavar="string",
            help=(
                'Remove images used by services. '
                '"local" remove only images that don\'t have a custom tag ("local"|"all")'
            ),
        ),
    ] = None,
    timeout: Annotated[
        int | None, typer.Option("--timeout", "-t", metavar="int", help="Specify a shutdown timeout in seconds")
    ] = None,
    volumes: Annotated[
        bool,
        typer.Option(
            "--volumes",
            "-v",
            help=(
                'Remove named volumes declared in the "volumes" section of the Compose file '
                'and anonymous volumes attached to containers'
            ),
        ),
    ] = False,
) -> None:
    from pycompose import api
    from pycompose.errors import UsageError

    if rmi not in (None, "local", "all"):
        raise UsageError(f'invalid --rmi value: expected "local" or "all", got "{rmi}"')
    options = api.DownOptions(services=tuple(services or ()), remove_orphans=remove_orphans, volumes=volumes,
                              timeout=timeout, rmi=rmi)
    flags = global_options(ctx)
    with flags.sink("Running") as sink:
        api.down(flags.project_options(services=tuple(services or ())), options, run=flags.run_options(), sink=sink)
