"""`pycompose logs`: the services' logs, interleaved as they arrive (`web-1  | line`), optionally followed."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("logs", help="View output from containers")(logs)


def logs(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    follow: Annotated[bool, typer.Option("--follow", "-f", help="Follow log output")] = False,
    index: Annotated[int | None, typer.Option(
        "--index", metavar="int", help="index of the container if service has multiple replicas")] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Produce monochrome output")] = False,
    no_log_prefix: Annotated[bool, typer.Option("--no-log-prefix", help="Don't print prefix in logs")] = False,
    since: Annotated[str | None, typer.Option(
        "--since", metavar="string",
        help="Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)")] = None,
    tail: Annotated[str, typer.Option(
        "--tail", "-n", metavar="string", show_default=False,
        help='Number of lines to show from the end of the logs for each container (default "all")')] = "all",
    timestamps: Annotated[bool, typer.Option("--timestamps", "-t", help="Show timestamps")] = False,
    until: Annotated[str | None, typer.Option(
        "--until", metavar="string",
        help="Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)")] = None,
) -> None:
    import sys

    from pycompose.errors import UsageError
    from pycompose.logs import LogOptions, engine_timestamp, project_logs
    from pycompose.presentation.colors import use_ansi
    from pycompose.presentation.logview import LogFormatter, exit_message

    if tail != "all" and not tail.lstrip("-").isdigit():
        raise UsageError(f'invalid --tail value "{tail}": expected a number or "all"')
    options = LogOptions(
        follow=follow, tail="all" if tail.startswith("-") else tail, timestamps=timestamps, index=index,
        since=engine_timestamp(since) if since else None, until=engine_timestamp(until) if until else None,
    )
    gopts = global_options(ctx)
    out = sys.stdout
    formatter = LogFormatter(prefix=not no_log_prefix, color=not no_color and use_ansi(gopts.ansi, out),
                             timestamps=timestamps)

    def ready(targets) -> None:
        for target in targets:
            formatter.add(target)

    def emit(line) -> None:
        out.write(formatter.format(line) + "\n")
        if follow:
            out.flush()

    def exited(target, code: int, restarting: bool) -> None:  # v2: `web-1 exited with code 0` while following
        out.write(formatter.status(target.name, target.service, exit_message(code, restarting)))
        out.flush()

    source = gopts.project_options(services=tuple(services or ()))
    try:
        project_logs(source, tuple(services or ()), options, emit, ready=ready, on_new=formatter.add, on_exit=exited,
                     warn=_warn)
    except KeyboardInterrupt:
        out.flush()
        raise typer.Exit(130) from None
    out.flush()


def _warn(message: str) -> None:
    import sys

    from pycompose.presentation.warnings import write_warnings

    sys.stdout.flush()  # the lines before it first, as v2 writes both unbuffered
    write_warnings([message])
