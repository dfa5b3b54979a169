"""`pycompose scale`: set services' replica counts (`up` with the new scale)."""

from __future__ import annotations

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("scale", help="Scale services ")(scale)


def scale(
    ctx: typer.Context,
    replicas: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE=REPLICAS...]")] = None,
    no_deps: Annotated[bool, typer.Option("--no-deps", help="Don't start linked services")] = False,
) -> None:
    from pycompose import api
    from pycompose.errors import UsageError

    counts: dict[str, int] = {}
    for value in replicas or ():
        service, sep, count = value.partition("=")
        if not sep or not count.isdigit():
            raise UsageError(f"Invalid scale specifier: {value}")
        counts[service] = int(count)
    flags = global_options(ctx)
    with flags.sink("Running") as sink:
        api.scale(flags.project_options(services=tuple(counts)), counts, no_deps=no_deps, run=flags.run_options(),
                  sink=sink)
