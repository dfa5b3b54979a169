"""`pycompose port`: print the public address a service container publishes a port on (`0.0.0.0:32768`)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("port", help="Print the public port for a port binding")(port)


def port(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    private_port: Annotated[int, typer.Argument(metavar="PRIVATE_PORT")],
    protocol: Annotated[str, typer.Option("--protocol", metavar="string", help="tcp or udp")] = "tcp",
    index: Annotated[
        int | None,
        typer.Option("--index", metavar="int", help="Index of the container if service has multiple replicas"),
    ] = None,
) -> None:
    import sys

    from pycompose import api
    from pycompose.errors import UsageError

    if protocol not in ("tcp", "udp", "sctp"):
        raise UsageError(f"invalid protocol: {protocol}")
    source = global_options(ctx).project_options()
    host, number = api.port(source, service, private_port, protocol=protocol, index=index or None)
    sys.stdout.write(f"{host}:{number}\n")
