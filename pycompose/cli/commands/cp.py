"""`pycompose cp`: copy files and folders between a service container and the local filesystem (v2's rules)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("cp", help="Copy files/folders between a service container and the local filesystem")(cp)


def cp(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="SERVICE:SRC_PATH|SRC_PATH|-")],
    destination: Annotated[str, typer.Argument(metavar="DEST_PATH|-|SERVICE:DEST_PATH")],
    all_: Annotated[bool, typer.Option("--all", help="Include containers created by the run command")] = False,
    archive: Annotated[
        bool, typer.Option("--archive", "-a", help="Archive mode (copy all uid/gid information)")
    ] = False,
    follow_link: Annotated[
        bool, typer.Option("--follow-link", "-L", help="Always follow symbol link in SRC_PATH")
    ] = False,
    index: Annotated[
        int, typer.Option("--index", metavar="int", help="Index of the container if service has multiple replicas")
    ] = 0,
) -> None:
    import sys

    from pycompose.api.transfer import CopyOptions, copy

    options = CopyOptions(source=source, destination=destination, index=index, all_containers=all_,
                          follow_link=follow_link, copy_uid_gid=archive)
    opts = global_options(ctx)
    with opts.sink("Copying") as sink:
        copy(opts.project_options(), options, sink=sink, stdin=sys.stdin.buffer, stdout=sys.stdout.buffer)
