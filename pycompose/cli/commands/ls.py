"""`pycompose ls`: the Compose projects on the engine, found by their containers' labels (v2's table and JSON)."""

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    app.command("ls", help="List running compose projects")(ls)


def ls(
    all_: Annotated[bool, typer.Option("--all", "-a", help="Show all stopped Compose projects")] = False,
    filter_: Annotated[
        list[str] | None, typer.Option("--filter", metavar="filter", help="Filter output based on conditions provided")
    ] = None,
    format_: Annotated[
        str, typer.Option("--format", metavar="string", help="Format the output. Values: [table | json]")
    ] = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display project names")] = False,
) -> None:
    import sys

    from pycompose import api
    from pycompose.errors import UsageError
    from pycompose.presentation.tables import table

    name_filter = None
    for item in filter_ or ():
        key, _, value = item.partition("=")
        if key != "name":
            raise UsageError(f"invalid filter '{key}'")
        name_filter = value
    if format_ not in ("table", "json"):
        from pycompose.presentation.go_template import go_quote

        raise UsageError(f"format value {go_quote(format_)} could not be parsed: parsing failed")
    projects = api.list_projects(all_projects=all_, name_filter=name_filter)
    out = sys.stdout
    if quiet:
        out.writelines(f"{p.name}\n" for p in projects)
    elif format_ == "json":
        from pycompose.render import gojson

        out.write(gojson.dumps([{"Name": p.name, "Status": p.status, "ConfigFiles": p.config_files}
                                for p in projects]) + "\n")
    else:
        out.write(table(("NAME", "STATUS", "CONFIG FILES"), [(p.name, p.status, p.config_files) for p in projects]))
