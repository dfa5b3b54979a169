"""`pycompose attach`: this terminal's streams to a service's running container."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("attach", help="Attach local standard input, output, and error streams to a service's running "
                "container")(attach)


def attach(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    detach_keys: Annotated[str | None, typer.Option(
        "--detach-keys", metavar="string", help="Override the key sequence for detaching from a container.")] = None,
    index: Annotated[int | None, typer.Option(
        "--index", metavar="int", help="index of the container if service has multiple replicas.")] = None,
    no_stdin: Annotated[bool, typer.Option("--no-stdin", help="Do not attach STDIN")] = False,
    sig_proxy: Annotated[bool, typer.Option(
        "--sig-proxy", help="Proxy all received signals to the process (default true)")] = True,
) -> None:
    import sys

    from pycompose import api
    from pycompose.cli.terminal import Terminal

    stdin = None if no_stdin else sys.stdin.buffer
    code = api.attach_service(
        global_options(ctx).project_options(), service, index=index or None, stdin=stdin,
        stdout=sys.stdout.buffer, stderr=sys.stderr.buffer, detach_keys=detach_keys, proxy_signals=sig_proxy,
        terminal=Terminal(stdin, sys.stdout.buffer),
    )
    raise typer.Exit(code or 0)
