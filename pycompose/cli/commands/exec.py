"""`pycompose exec`: run a command in a running service container; its exit code is ours."""

from typing import Annotated

import typer

from pycompose.cli.options import environment_flags, global_options


def register(app: typer.Typer) -> None:
    app.command(
        "exec", help="Execute a command in a running container",
        # everything after SERVICE belongs to the command (`exec web ls -la`)
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(exec_)


def exec_(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    command: Annotated[list[str], typer.Argument(metavar="COMMAND [ARGS...]")],
    detach: Annotated[
        bool, typer.Option("--detach", "-d", help="Detached mode: Run command in the background")
    ] = False,
    env: Annotated[
        list[str] | None, typer.Option("--env", "-e", metavar="stringArray", help="Set environment variables")
    ] = None,
    index: Annotated[
        int | None,
        typer.Option("--index", metavar="int", help="Index of the container if service has multiple replicas"),
    ] = None,
    interactive: Annotated[
        bool, typer.Option("--interactive", "-i", hidden=True, help="Keep STDIN open even if not attached")
    ] = True,
    no_tty: Annotated[
        bool,
        typer.Option(
            "--no-tty", "-T", help="Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY."
        ),
    ] = False,
    privileged: Annotated[bool, typer.Option("--privileged", help="Give extended privileges to the process")] = False,
    user: Annotated[
        str | None, typer.Option("--user", "-u", metavar="string", help="Run the command as this user")
    ] = None,
    workdir: Annotated[
        str | None, typer.Option("--workdir", "-w", metavar="string", help="Path to workdir directory for this command")
    ] = None,
) -> None:
    import sys

    from pycompose import api
    from pycompose.cli.terminal import Terminal

    tty = not no_tty and not detach and sys.stdin.isatty()
    flags = global_options(ctx)
    options = api.ExecOptions(env=environment_flags(env or []), workdir=workdir, user=user, privileged=privileged,
                              index=index or None, tty=tty, detach=detach, dry_run=flags.dry_run)
    stdin = sys.stdin.buffer if interactive and not detach else None
    code = api.exec_command(
        flags.project_options(), service, command, options,
        stdin=stdin, stdout=sys.stdout.buffer, stderr=sys.stderr.buffer, terminal=Terminal(stdin, sys.stdout.buffer),
    )
    raise typer.Exit(code)

