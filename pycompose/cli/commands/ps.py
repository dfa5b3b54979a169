"""`pycompose ps`: list the project's containers as a table, IDs, service names or NDJSON (v2's fields)."""

import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pycompose.cli.options import global_options

if TYPE_CHECKING:
    from pycompose.observed import ObservedContainer

STATUSES = ("paused", "restarting", "removing", "running", "dead", "created", "exited")
FORMAT_HELP = (
    "Format output using a custom template:\n'table':            Print output in table format with column headers "
    "(default)\n'table TEMPLATE':   Print output in table format using the given Go template\n'json':             "
    "Print in JSON format\n'TEMPLATE':         Print output using the given Go template.\nRefer to "
    "https://docs.docker.com/go/formatting/ for more information about formatting output with templates"
)


def register(app: typer.Typer) -> None:
    app.command("ps", help="List containers")(ps)


def ps(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    all_: Annotated[
        bool,
        typer.Option("--all", "-a", help="Show all stopped containers (including those created by the run command)"),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display IDs")] = False,
    show_services: Annotated[bool, typer.Option("--services", help="Display services")] = False,
    status: Annotated[
        list[str] | None,
        typer.Option(
            "--status",
            metavar="stringArray",
            help=(
                "Filter services by status. "
                "Values: [paused | restarting | removing | running | dead | created | exited]"
            ),
        ),
    ] = None,
    format_: Annotated[str, typer.Option("--format", metavar="string", help=FORMAT_HELP)] = "table",
    no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Don't truncate output")] = False,
    filter_: Annotated[
        str | None,
        typer.Option("--filter", metavar="string", help="Filter services by a property (supported filters: status)."),
    ] = None,
    orphans: Annotated[
        # v2 has only `--orphans` (default true, pflag's `--orphans=false` to turn it off): no `--no-orphans`.
        bool, typer.Option("--orphans", help="Include orphaned services (not declared by project)")
    ] = True,
) -> None:
    from pycompose import api
    from pycompose.errors import UsageError

    status = list(status or ())
    if filter_:
        key, _, value = filter_.partition("=")
        if key != "status":
            raise UsageError(f"invalid filter '{key}'")
        status.append(value)
    for value in status:
        if value not in STATUSES:
            raise UsageError(f"invalid value for --status: {value}")
    selected = tuple(services or ())
    project_options = global_options(ctx).project_options(services=selected)
    containers = api.ps(project_options, selected, all_containers=all_ or bool(status), oneoff=all_)
    if status:
        containers = [c for c in containers if c.state in status]
    if not orphans:
        known = set(api.service_names(global_options(ctx).project_options()))
        containers = [c for c in containers if c.service in known]
    out = sys.stdout
    if quiet:
        out.writelines(f"{c.id}\n" for c in containers)
    elif show_services:
        out.writelines(f"{name}\n" for name in dict.fromkeys(c.service for c in containers))
    else:
        from pycompose.presentation.go_format import header_context, render

        rows = [container_context(c, no_trunc) for c in containers]
        out.write(render(_format_text(format_), rows, header_context(HEADERS)))


TABLE_FORMAT = "table {{.Name}}\\t{{.Image}}\\t{{.Command}}\\t{{.Service}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}"
RAW_FORMAT = """container_id: {{.ID}}
image: {{.Image}}
command: {{.Command}}
created_at: {{.CreatedAt}}
state: {{- pad .State 1 0}}
status: {{- pad .Status 1 0}}
names: {{.Names}}
labels: {{- pad .Labels 1 0}}
ports: {{- pad .Ports 1 0}}
"""
HEADERS = {
    "ID": "CONTAINER ID", "Name": "NAME", "Project": "PROJECT", "Service": "SERVICE", "Image": "IMAGE",
    "Command": "COMMAND", "CreatedAt": "CREATED AT", "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE",
    "Status": "STATUS", "Size": "SIZE", "Labels": "LABELS",
}


def _format_text(format_: str) -> str:
    """v2's NewContainerFormat: `table` (or nothing) is the default table, `raw` a block per container."""
    if format_ in ("table", ""):
        return TABLE_FORMAT
    if format_ == "raw":
        return RAW_FORMAT
    return format_


def container_context(c: "ObservedContainer", no_trunc: bool) -> Any:
    """The docker CLI's ContainerContext as v2's `ps` fills it: the fields a template sees and `{{json .}}`."""
    from pycompose.presentation.go_format import json_object
    from pycompose.presentation.go_template import GoMethod, GoStruct

    fields = _fields(c, no_trunc)
    all_fields = {**fields, "Label": GoMethod(lambda name: c.labels.get(name, ""), ("string",))}
    return GoStruct("*formatter.ContainerContext", all_fields, json=json_object(fields))


def _command(c: "ObservedContainer", no_trunc: bool) -> str:
    from pycompose.presentation.go_template import go_quote

    return go_quote(c.command if no_trunc else ellipsis(c.command, 20))


def ellipsis(text: str, width: int) -> str:
    """The docker CLI's formatter.Ellipsis: cut to `width` display columns, the last one an ellipsis."""
    import unicodedata

    if width <= 0:
        return ""
    widths = [0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
              for ch in text]
    if sum(widths) <= width:
        return text
    total = 0
    for index, char_width in enumerate(widths):
        if total + char_width > width - 1:
            return text[:index] + "…"
        total += char_width
    return text


def _running_for(c: "ObservedContainer") -> str:
    return human_duration(time.time() - c.created) + " ago"


def human_duration(seconds: float) -> str:
    """go-units HumanDuration, which the docker CLI uses for CREATED (minutes cut, hours rounded)."""
    whole = int(seconds)
    if whole < 1:
        return "Less than a second"
    if whole == 1:
        return "1 second"
    if whole < 60:
        return f"{whole} seconds"
    minutes = int(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = int(seconds / 3600 + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(seconds / 3600) // 24 // 365} years"


def _ports(c: "ObservedContainer") -> str:
    """The PORTS column as docker's CLI prints it (`DisplayablePorts`): ports sorted by private port, address,
    public port and protocol; unpublished ones and those published on the same port number grouped into ranges
    per protocol (and address), in the order the groups began; other host mappings after them."""
    groups: dict[tuple[str, str], list[int]] = {}
    result: list[str] = []
    host_mappings: list[str] = []

    def host(ip: str) -> str:
        return f"[{ip}]" if ":" in ip else ip

    def group_text(key: tuple[str, str], first: int, last: int) -> str:
        ip, protocol = key
        span = str(first) if first == last else f"{first}-{last}"
        return f"{host(ip)}:{span}->{span}/{protocol}" if ip else f"{span}/{protocol}"

    for port in sorted(c.ports, key=lambda p: (p.private_port, p.ip, p.public_port, p.protocol)):
        if port.ip and port.public_port != port.private_port:
            host_mappings.append(f"{host(port.ip)}:{port.public_port}->{port.private_port}/{port.protocol}")
            continue
        key = (port.ip, port.protocol)
        span = groups.get(key)
        if span is None:
            groups[key] = [port.private_port, port.private_port]
        elif port.private_port == span[1] + 1:
            span[1] = port.private_port
        else:
            result.append(group_text(key, *span))
            groups[key] = [port.private_port, port.private_port]
    result += [group_text(key, *span) for key, span in groups.items()]
    return ", ".join(dict.fromkeys(result + host_mappings))


def _fields(c: "ObservedContainer", no_trunc: bool) -> dict[str, Any]:
    from pycompose import labels
    from pycompose.presentation.go_template import GoStruct

    volumes = [m for m in c.mounts if m.type == "volume"]
    mounts = ",".join(m.name if no_trunc else ellipsis(m.name, 15) for m in c.mounts)
    publishers = [
        GoStruct("api.PortPublisher", {"URL": p.ip, "TargetPort": p.private_port, "PublishedPort": p.public_port,
                                       "Protocol": p.protocol})
        for p in c.ports
    ]
    return {
        "Command": _command(c, no_trunc),
        "CreatedAt": _created_at(c.created),
        "ExitCode": c.exit_code,
        "Health": c.health or "",
        "ID": c.id if no_trunc else c.id[:12],
        "Image": c.image,
        "Labels": ",".join(f"{k}={v}" for k, v in c.labels.items()),
        "LocalVolumes": str(len(volumes)),
        "Mounts": mounts,
        "Name": c.name,
        "Names": c.name,
        "Networks": ",".join(c.network_names),
        "Ports": _ports(c),
        "Project": c.labels.get(labels.PROJECT, ""),
        "Publishers": publishers,
        "RunningFor": _running_for(c),
        "Service": c.service,
        "Size": "0B",
        "State": c.state,
        "Status": c.status,
    }


def _created_at(created: int) -> str:
    """Go's time.Time.String() of a Unix time, in the local zone: `2026-12-02 14:20:52 +0000 UTC`."""
    local = time.localtime(created)
    return time.strftime("%Y-%m-%d %H:%M:%S %z ", local) + (local.tm_zone or "")
