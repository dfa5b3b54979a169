"""`pycompose events`: the project's container events as they happen, as text or one JSON object a line."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("events", help="Receive real time events from containers")(events)


def events(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    json_: Annotated[bool, typer.Option("--json", help="Output events as a stream of json objects")] = False,
    since: Annotated[str | None, typer.Option("--since", metavar="string",
                                              help="Show all events created since timestamp")] = None,
    until: Annotated[str | None, typer.Option("--until", metavar="string",
                                              help="Stream events until this timestamp")] = None,
) -> None:
    import sys

    from pycompose import api

    selected = tuple(services or ())
    render = json_line if json_ else text_line
    for event in api.events(global_options(ctx).project_options(), selected, since=since,
                            until=until):
        sys.stdout.write(render(event))
        sys.stdout.flush()


def json_line(event) -> str:
    """v2's `--json` object (encoding/json of a map: keys sorted), one a line."""
    from pycompose.render import gojson

    return gojson.dumps({
        "action": event.action, "attributes": dict(sorted(event.attributes.items())), "id": event.container_id,
        "service": event.service, "time": rfc3339_nano(event.time_nano), "type": "container",
    }) + "\n"


def text_line(event) -> str:
    """v2's `api.Event.String()` printed with Println: the string ends in a newline already (a blank line)."""
    from datetime import datetime

    seconds, nanos = divmod(event.time_nano, 1_000_000_000)
    stamp = datetime.fromtimestamp(seconds).strftime("%Y-%m-%d %H:%M:%S") + f".{nanos // 1000:06d}"
    attributes = ", ".join(f"{key}={value}" for key, value in sorted(event.attributes.items()))
    return f"{stamp} container {event.action} {event.container_id} ({attributes})\n\n"


def rfc3339_nano(time_nano: int) -> str:
    """Go's time.RFC3339Nano in the local zone: fraction without trailing zeros, `Z` for UTC."""
    from datetime import datetime

    seconds, nanos = divmod(time_nano, 1_000_000_000)
    moment = datetime.fromtimestamp(seconds).astimezone()
    fraction = f".{nanos:09d}".rstrip("0").rstrip(".")
    offset = moment.strftime("%z")
    zone = "Z" if offset in ("+0000", "") else f"{offset[:3]}:{offset[3:]}"
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + zone
