"""`pycompose push`: push service images."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("push", help="Push service images")(push)


def push(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    ignore_push_failures: Annotated[
        bool, typer.Option("--ignore-push-failures", help="Push what it can and ignores images with push failures")
    ] = False,
    include_deps: Annotated[
        bool, typer.Option("--include-deps", help="Also push images of services declared as dependencies")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Push without printing progress information")] = False,
) -> None:
    from pycompose import api

    options = api.PushOptions(services=tuple(services or ()), include_deps=include_deps,
                              ignore_push_failures=ignore_push_failures, quiet=quiet)
    flags = global_options(ctx)
    if quiet:  # v2 runs a quiet push without any progress writer: warnings and the error only
        from pycompose.presentation.progress import QuietSink

        api.push(flags.project_options(services=tuple(services or ())), options, run=flags.run_options(),
                 sink=QuietSink())
        return
    with flags.sink("Pushing") as sink:
        api.push(flags.project_options(services=tuple(services or ())), options, run=flags.run_options(), sink=sink)
