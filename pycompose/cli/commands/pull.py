"""`pycompose pull`: pull service images."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("pull", help="Pull service images")(pull)


def pull(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    ignore_buildable: Annotated[
        bool, typer.Option("--ignore-buildable", help="Ignore images that can be built")
    ] = False,
    ignore_pull_failures: Annotated[
        bool, typer.Option("--ignore-pull-failures", help="Pull what it can and ignores images with pull failures")
    ] = False,
    include_deps: Annotated[
        bool, typer.Option("--include-deps", help="Also pull services declared as dependencies")
    ] = False,
    policy: Annotated[
        str | None, typer.Option("--policy", metavar="string", help='Apply pull policy ("missing"|"always")')
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Pull without printing progress information")] = False,
) -> None:
    from pycompose import api
    from pycompose.errors import UsageError

    if policy not in (None, "missing", "always"):
        raise UsageError(f'invalid pull policy "{policy}": expected "missing" or "always"')
    options = api.PullOptions(services=tuple(services or ()), include_deps=include_deps,
                              ignore_pull_failures=ignore_pull_failures, ignore_buildable=ignore_buildable,
                              quiet=quiet, policy=policy)
    flags = global_options(ctx)
    with flags.sink("Pulling") as sink:
        api.pull(flags.project_options(services=tuple(services or ())), options, run=flags.run_options(), sink=sink)
