"""`pycompose scale`: set services' replica counts (`up` with the new scale)."""

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

    if not replicas:
        raise UsageError("requires at least 1 arg(s), only received 0")
    counts: dict[str, int] = {}
    for value in replicas:  # v2 parseServicesReplicasArgs' messages
        service, sep, count = value.partition("=")
        if not sep or not service:
            raise UsageError(f"invalid scale specifier: {value}")
        if not count.isdigit():
            raise UsageError(f"invalid scale specifier: can't parse replica value as int: {value}")
        counts[service] = int(count)
    flags = global_options(ctx)
    with flags.sink("Running") as sink:
        api.scale(flags.project_options(services=tuple(counts)), counts, no_deps=no_deps, run=flags.run_options(),
                  sink=sink)
