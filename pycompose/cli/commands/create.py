"""`pycompose create`: create the services' containers without starting them (`up --no-start`)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("create", help="Creates containers for a service")(create)


def create(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    build: Annotated[bool, typer.Option("--build", help="Build images before starting containers")] = False,
    force_recreate: Annotated[bool, typer.Option(
        "--force-recreate", help="Recreate containers even if their configuration and image haven't changed")] = False,
    no_build: Annotated[bool, typer.Option("--no-build", help="Don't build an image, even if it's policy")] = False,
    no_recreate: Annotated[bool, typer.Option(
        "--no-recreate",
        help="If containers already exist, don't recreate them. Incompatible with --force-recreate.")] = False,
    pull: Annotated[str, typer.Option("--pull", metavar="string", help='Pull image before running '
                                      '("always"|"missing"|"never"|"build")')] = "policy",
    quiet_pull: Annotated[bool, typer.Option("--quiet-pull",
                                             help="Pull without printing progress information")] = False,
    remove_orphans: Annotated[bool, typer.Option(
        "--remove-orphans", help="Remove containers for services not defined in the Compose file")] = False,
    scale: Annotated[list[str] | None, typer.Option(
        "--scale", metavar="scale",
        help="Scale SERVICE to NUM instances. Overrides the scale setting in the Compose file if present.")] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help='Assume "yes" as answer to all prompts and run '
                                      "non-interactively")] = False,
) -> None:
    from pycompose import api
    from pycompose.cli.output import confirm
    from pycompose.errors import UsageError

    if pull not in ("policy", "always", "missing", "never", "build"):
        raise UsageError(f'invalid --pull option "{pull}"')
    if build and no_build:
        raise UsageError("--build and --no-build are incompatible")
    if force_recreate and no_recreate:
        raise UsageError("--force-recreate and --no-recreate are incompatible")
    selected = tuple(services or ())
    options = api.UpOptions(
        services=selected, force_recreate=force_recreate, no_recreate=no_recreate, no_start=True,
        remove_orphans=remove_orphans, scale=_scale(scale or []), pull=pull, build=build, no_build=no_build,
        quiet_pull=quiet_pull, yes=yes, confirm=confirm,
    )
    flags = global_options(ctx)
    with flags.sink("Running") as sink:
        api.up(flags.project_options(services=selected), options, run=flags.run_options(), sink=sink)


def _scale(values: list[str]) -> dict[str, int]:
    from pycompose.errors import UsageError

    scale: dict[str, int] = {}
    for value in values:
        service, sep, count = value.partition("=")
        if not sep or not count.isdigit():
            raise UsageError(f'invalid --scale value: expected "SERVICE=NUM", got "{value}"')
        scale[service] = int(count)
    return scale
