"""`pycompose stats`: the services' containers' resource usage, a live table on a terminal."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options

DEFAULT_FORMAT = ("table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}"
                  "\t{{.PIDs}}")
HEADERS = {"Container": "CONTAINER", "ID": "CONTAINER ID", "Name": "NAME", "CPUPerc": "CPU %",
           "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O",
           "PIDs": "PIDS"}


def register(app: typer.Typer) -> None:
    app.command("stats", help="Display a live stream of container(s) resource usage statistics")(stats)


def stats(
    ctx: typer.Context,
    service: Annotated[str | None, typer.Argument(metavar="[SERVICE]")] = None,
    all_: Annotated[bool, typer.Option("--all", "-a",
                                       help="Show all containers (default shows just running)")] = False,
    format_: Annotated[str | None, typer.Option(
        "--format", metavar="string",
        help="Format output using a custom template:\n'table':            Print output in table format with column "
             "headers (default)\n'table TEMPLATE':   Print output in table format using the given Go template\n"
             "'json':             Print in JSON format\n'TEMPLATE':         Print output using the given Go "
             "template.\nRefer to https://docs.docker.com/engine/cli/formatting/ for more information about "
             "formatting output with templates")] = None,
    no_stream: Annotated[bool, typer.Option("--no-stream",
                                            help="Disable streaming stats and only pull the first result")] = False,
    no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Do not truncate output")] = False,
) -> None:
    import sys

    from pycompose import api

    selected = (service,) if service else ()
    source = global_options(ctx).project_options()  # v2 filters by the service label, checks no name
    template = format_ or DEFAULT_FORMAT
    if template == "table":
        template = DEFAULT_FORMAT
    live = not no_stream and sys.stdout.isatty()
    while True:
        found = api.stats(source, selected, all_containers=all_)
        text = render(template, found, no_trunc)
        if live:
            sys.stdout.write("\x1b[2J\x1b[H")  # the table redrawn in place, as the docker CLI does
        sys.stdout.write(text)
        sys.stdout.flush()
        if no_stream:
            return


def render(template: str, found, no_trunc: bool = False) -> str:
    from pycompose.presentation.go_format import header_context, json_object
    from pycompose.presentation.go_format import render as render_rows
    from pycompose.presentation.go_template import GoStruct

    rows = []
    for item in found:
        fields = row_fields(item, no_trunc)
        rows.append(GoStruct("formatter.statsContext", fields, json=json_object(fields)))
    return render_rows(template, rows, header_context(HEADERS))


def row_fields(item, no_trunc: bool = False) -> dict[str, str]:
    """The docker CLI's stats context of one container (cli/command/container/formatter_stats.go)."""
    usage = item.usage
    return {
        "Container": item.container_id, "Name": item.name,
        "ID": item.container_id if no_trunc else item.container_id[:12],
        "CPUPerc": f"{usage.cpu_percent:.2f}%",
        "MemUsage": f"{binary_size(usage.memory_usage)} / {binary_size(usage.memory_limit)}",
        "MemPerc": f"{usage.memory_percent:.2f}%",
        "NetIO": f"{decimal_size(usage.net_rx)} / {decimal_size(usage.net_tx)}",
        "BlockIO": f"{decimal_size(usage.block_read)} / {decimal_size(usage.block_write)}",
        "PIDs": str(usage.pids),
    }


def binary_size(size: float) -> str:
    """go-units BytesSize: `%.4g` and binary units (440KiB, 23.54GiB)."""
    units = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")
    index = 0
    while size >= 1024 and index < len(units) - 1:
        size /= 1024.0
        index += 1
    return f"{size:.4g}{units[index]}"


def decimal_size(size: float) -> str:
    """go-units HumanSizeWithPrecision(size, 3): decimal units (1.57kB, 0B)."""
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    index = 0
    while size >= 1000 and index < len(units) - 1:
        size /= 1000.0
        index += 1
    return f"{size:.3g}{units[index]}"
