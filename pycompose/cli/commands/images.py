"""`pycompose images`: the images the project's containers run (v2's columns, sizes and JSON)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options

COLUMNS = ("CONTAINER", "REPOSITORY", "TAG", "PLATFORM", "IMAGE ID", "SIZE", "CREATED")


def register(app: typer.Typer) -> None:
    app.command("images", help="List images used by the created containers")(images)


def images(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    format_: Annotated[
        str, typer.Option("--format", metavar="string", help="Format the output. Values: [table | json]")
    ] = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display IDs")] = False,
) -> None:
    import sys

    from pycompose import api
    from pycompose.errors import UsageError

    if format_ not in ("table", "json"):
        from pycompose.presentation.go_template import go_quote

        raise UsageError(f"format value {go_quote(format_)} could not be parsed: parsing failed")
    wanted = tuple(services or ())
    rows = api.images(global_options(ctx).project_options(), wanted)  # v2 does not check the names here
    out = sys.stdout
    if quiet:
        out.writelines(f"{image_id}\n" for image_id in dict.fromkeys(r.id.removeprefix("sha256:") for r in rows))
    elif format_ == "json":
        from pycompose.render import gojson

        listed = [
            {"ID": r.id, "ContainerName": r.container, "Repository": r.repository, "Tag": r.tag,
             "Platform": r.platform, "Size": r.size, "LastTagTime": r.last_tag_time}
            for r in rows
        ]
        # v2 prints the JSON and a blank line; no image is Go's nil slice, `null`
        out.write((gojson.dumps(listed) if listed else "null") + "\n\n")
    else:
        from pycompose.presentation.tables import human_size, table

        out.write(table(COLUMNS, [
            (r.container, r.repository, r.tag, r.platform, r.id.removeprefix("sha256:")[:12], human_size(r.size),
             _created(r)) for r in rows
        ]))


def _created(row) -> str:
    import time
    from datetime import datetime

    from pycompose.cli.commands.ps import human_duration

    stamp = row.last_tag_time if not row.last_tag_time.startswith("0001-") else row.created
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00")[:26] + "+00:00" if "." in stamp else
                                      stamp.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return ""
    return human_duration(time.time() - when) + " ago"
