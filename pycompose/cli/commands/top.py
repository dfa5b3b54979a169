"""`pycompose top`: the processes running in the services' containers, one table."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("top", help="Display the running processes")(top)


def top(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICES...]")] = None,
) -> None:
    import sys

    from pycompose import api

    selected = tuple(services or ())
    # v2 only filters the containers by service: the names are not checked against the file
    found = api.top(global_options(ctx).project_options(), selected)
    if found:
        sys.stdout.write(render_top(found))


def render_top(found) -> str:
    """v2's table: SERVICE and # before the engine's columns (tabwriter: min width 4, padding 2)."""
    titles = ("SERVICE", "#", *found[0].titles)
    rows = [titles]
    for container in found:
        for process in container.processes:
            rows.append((container.service, str(container.number), *process))
    count = max(len(row) for row in rows)
    widths = [max(4, max(len(row[i]) for row in rows if i < len(row)) + 2) for i in range(count)]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[i]) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("".join(cells))
    return "\n".join(lines) + "\n"
