"""`pycompose volumes`: the project's volumes as v2 lists them (table, JSON, Go templates, names)."""

from typing import TYPE_CHECKING, Annotated, Any

import typer

from pycompose.cli.commands.ps import FORMAT_HELP
from pycompose.cli.options import global_options

if TYPE_CHECKING:
    from pycompose.api.transfer import VolumeSummary

TABLE_FORMAT = "table {{.Driver}}\\t{{.Name}}"
HEADERS = {
    "Name": "VOLUME NAME", "Driver": "DRIVER", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT", "Labels": "LABELS",
    "Links": "LINKS", "Size": "SIZE", "Group": "GROUP", "Availability": "AVAILABILITY", "Status": "STATUS",
}


def register(app: typer.Typer) -> None:
    app.command("volumes", help="List volumes")(volumes)


def volumes(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    format_: Annotated[str, typer.Option("--format", metavar="string", help=FORMAT_HELP)] = "table",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display volume names")] = False,
) -> None:
    import sys

    from pycompose.api.transfer import volumes as list_volumes

    wanted = tuple(services or ())
    found = list_volumes(global_options(ctx).project_options(), wanted)
    if quiet:
        sys.stdout.writelines(f"{v.name}\n" for v in found)
        return
    from pycompose.presentation.go_format import header_context, render

    text = TABLE_FORMAT if format_ in ("table", "") else format_
    sys.stdout.write(render(text, [volume_context(v) for v in found], header_context(HEADERS)))


def volume_context(volume: "VolumeSummary") -> Any:
    """The docker CLI's VolumeContext: what a template sees of a volume, and `{{json .}}`."""
    from pycompose.presentation.go_format import json_object
    from pycompose.presentation.go_template import GoMethod, GoStruct

    fields = {
        "Availability": "N/A",
        "Driver": volume.driver,
        "Group": "N/A",
        "Labels": ",".join(f"{k}={v}" for k, v in volume.labels.items()),
        "Links": "N/A",
        "Mountpoint": volume.mountpoint,
        "Name": volume.name,
        "Scope": volume.scope,
        "Size": "N/A",
        "Status": "N/A",
    }
    methods = {"Label": GoMethod(lambda name: volume.labels.get(name, ""), ("string",))}
    return GoStruct("*formatter.volumeContext", {**fields, **methods}, json=json_object(fields))
