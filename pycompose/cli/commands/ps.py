"""`pycompose ps`: list the project's containers as a table, IDs, service names or NDJSON (v2's fields)."""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from pycompose.cli.options import global_options

if TYPE_CHECKING:
    from pycompose.observed import ObservedContainer

STATUSES = ("paused", "restarting", "removing", "running", "dead", "created", "exited")
COLUMNS = ("NAME", "IMAGE", "COMMAND", "SERVICE", "CREATED", "STATUS", "PORTS")


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
    format_: Annotated[str, typer.Option("--format", metavar="string", help="Format output: table or json")] = "table",
    no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Don't truncate output")] = False,
    filter_: Annotated[
        str | None,
        typer.Option("--filter", metavar="string", help="Filter services by a property (supported filters: status)."),
    ] = None,
    orphans: Annotated[
        bool, typer.Option("--orphans/--no-orphans", help="Include orphaned services (not declared by project)")
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
    containers = api.ps(project_options, selected, all_containers=all_ or bool(status))
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
    elif format_ == "json":
        from pycompose.render import gojson

        out.writelines(gojson.dumps(_json_row(c, no_trunc)) + "\n" for c in containers)
    elif format_ == "table":
        out.write(_table([_table_row(c, no_trunc) for c in containers]))
    else:
        raise UsageError(f'invalid --format value: expected "table" or "json", got "{format_}"')


def _table(rows: list[tuple[str, ...]]) -> str:
    """Columns padded like Go's tabwriter in the docker CLI (min width 0, padding 3)."""
    table = [COLUMNS, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(len(COLUMNS))]
    lines = []
    for row in table:
        cells = [cell.ljust(widths[i] + 3) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("".join(cells))
    return "\n".join(lines) + "\n"


def _table_row(c: ObservedContainer, no_trunc: bool) -> tuple[str, ...]:
    return (c.name, c.image, _command(c, no_trunc), c.service, _running_for(c), c.status, _ports(c))


def _command(c: ObservedContainer, no_trunc: bool) -> str:
    command = c.command
    if not no_trunc and len(command) > 20:
        command = command[:19] + "…"
    return f'"{command}"'


def _running_for(c: ObservedContainer) -> str:
    return human_duration(time.time() - c.created) + " ago"


def human_duration(seconds: float) -> str:
    """go-units HumanDuration, which the docker CLI uses for CREATED."""
    seconds = int(seconds)
    if seconds < 1:
        return "Less than a second"
    if seconds == 1:
        return "1 second"
    if seconds < 60:
        return f"{seconds} seconds"
    minutes = round(seconds / 60)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    hours = round(seconds / 3600)
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
    return f"{hours // 24 // 365} years"


def _ports(c: ObservedContainer) -> str:
    shown = []
    for port in sorted(c.ports, key=lambda p: (p.private_port, p.ip)):
        private = f"{port.private_port}/{port.protocol}"
        if port.published:
            ip = port.ip or "0.0.0.0"
            host = f"[{ip}]" if ":" in ip else ip
            shown.append(f"{host}:{port.public_port}->{private}")
        else:
            shown.append(private)
    return ", ".join(dict.fromkeys(shown))


def _json_row(c: ObservedContainer, no_trunc: bool) -> dict[str, Any]:
    from pycompose import labels

    created = time.strftime("%Y-%m-%d %H:%M:%S +0000 UTC", time.gmtime(c.created))
    volumes = [m for m in c.mounts if m.type == "volume"]
    mounts = ",".join(m.name if len(m.name) <= 15 or no_trunc else m.name[:14] + "…" for m in c.mounts)
    publishers = [
        {"URL": p.ip, "TargetPort": p.private_port, "PublishedPort": p.public_port, "Protocol": p.protocol}
        for p in c.ports
    ]
    return {
        "Command": _command(c, no_trunc),
        "CreatedAt": created,
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
