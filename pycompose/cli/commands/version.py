"""`pycompose version`: like `docker compose version` (`--short`, `-f/--format pretty|json`)."""

import json
from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("version", help="Show the pycompose version information")(version)


def version(
    format_: Annotated[
        str | None, typer.Option("--format", "-f", help="Format the output. Values: [pretty | json]")
    ] = None,
    short: Annotated[bool, typer.Option("--short", help="Shows only pycompose's version number")] = False,
) -> None:
    from pycompose import COMPOSE_COMPAT_VERSION, __version__

    if short:
        typer.echo(__version__)
    elif format_ == "json":
        typer.echo(json.dumps({"version": f"v{__version__}", "compose_compatible": f"v{COMPOSE_COMPAT_VERSION}"},
                              separators=(",", ":")))
    else:  # like v2, an unknown format prints the pretty form
        typer.echo(f"pycompose version v{__version__} (Docker Compose v{COMPOSE_COMPAT_VERSION} compatible)")
