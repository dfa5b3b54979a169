"""`pycompose build`: build or rebuild service images (classic builder through the engine API)."""

from __future__ import annotations

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("build", help="Build or rebuild services")(build)


def build(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", metavar="stringArray", help="Set build-time variables for services"),
    ] = None,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            "-m",
            metavar="bytes",
            help="Set memory limit for the build container. Not supported by BuildKit.",
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use cache when building the image")] = False,
    pull: Annotated[bool, typer.Option("--pull", help="Always attempt to pull a newer version of the image")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Suppress the build output")] = False,
) -> None:
    from pycompose import api
    from pycompose.images.spec import parse_build_args
    from pycompose.loader.units import parse_bytes

    options = api.BuildOptions(services=tuple(services or ()), no_cache=no_cache, pull=pull, quiet=quiet,
                               build_args=parse_build_args(tuple(build_arg or ())),
                               memory=parse_bytes(memory) if memory else None)
    flags = global_options(ctx)
    with flags.sink("Building") as sink:
        api.build(flags.project_options(services=tuple(services or ())), options, run=flags.run_options(), sink=sink)
