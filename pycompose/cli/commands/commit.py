"""`pycompose commit`: a new image from a service container's changes."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options, pflag_bool, pflag_command


def register(app: typer.Typer) -> None:
    app.command("commit", help="Create a new image from a service container's changes",
                cls=pflag_command({"-p": "--pause-value", "--pause": "--pause-value"}))(commit)


def commit(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    reference: Annotated[str | None, typer.Argument(metavar="[REPOSITORY[:TAG]]")] = None,
    author: Annotated[str | None, typer.Option(
        "--author", "-a", metavar="string", help='Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')] = None,
    change: Annotated[list[str] | None, typer.Option(
        "--change", "-c", metavar="list", help="Apply Dockerfile instruction to the created image")] = None,
    index: Annotated[int | None, typer.Option(
        "--index", metavar="int", help="index of the container if service has multiple replicas.")] = None,
    message: Annotated[str | None, typer.Option("--message", "-m", metavar="string", help="Commit message")] = None,
    pause: Annotated[bool, typer.Option("--pause", "-p", help="Pause container during commit (default true)")] = True,
    pause_value: Annotated[str | None, typer.Option("--pause-value", hidden=True)] = None,
) -> None:
    from pycompose import api

    pause = pflag_bool(pause_value, "-p, --pause", pause)
    api.commit(global_options(ctx).project_options(), service, reference, index=index or None,
               message=message, author=author, changes=tuple(change or ()), pause_container=pause)
