"""`pycompose wait`: block until the services' containers stop; exit with the code of the last one."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("wait", help="Block until containers of all (or specified) services stop.")(wait)


def wait(
    ctx: typer.Context,
    services: Annotated[list[str], typer.Argument(metavar="SERVICE [SERVICE...]")],
    down_project: Annotated[
        bool, typer.Option("--down-project", help="Drops project when the first container stops")
    ] = False,
) -> None:
    import sys

    from pycompose import api

    def report(container, code: int) -> None:
        sys.stdout.write(f'container "{container.id}" exited with status code {code}\n')
        sys.stdout.flush()

    flags = global_options(ctx)
    source = flags.project_options(services=tuple(services))
    with flags.line_sink() as sink:  # `--down-project` reports taking the project down
        code = api.wait(source, tuple(services), down_project=down_project, on_exit=report, sink=sink)
    raise typer.Exit(code)
