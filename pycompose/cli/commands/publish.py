"""`pycompose publish`: publish the compose application to a registry as an OCI artifact."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options
from pycompose.cli.output import confirm


def register(app: typer.Typer) -> None:
    app.command("publish", help="Publish compose application")(publish)


def publish(
    ctx: typer.Context,
    repository: Annotated[str, typer.Argument(metavar="REPOSITORY[:TAG]")],
    app: Annotated[
        bool, typer.Option("--app", help="Published compose application (includes referenced images)")
    ] = False,
    oci_version: Annotated[
        str, typer.Option("--oci-version", metavar="string",
                          help="OCI image/artifact specification version (automatically determined by default)")
    ] = "",
    resolve_image_digests: Annotated[
        bool, typer.Option("--resolve-image-digests", help="Pin image tags to digests")
    ] = False,
    with_env: Annotated[
        bool, typer.Option("--with-env", help="Include environment variables in the published OCI artifact")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help='Assume "yes" as answer to all prompts')] = False,
    yes_deprecated: Annotated[bool, typer.Option("--y", hidden=True)] = False,
) -> None:
    from pycompose.api.publish import PublishOptions
    from pycompose.api.publish import publish as run_publish

    options = PublishOptions(resolve_image_digests=resolve_image_digests or app, oci_version=oci_version,
                             with_env=with_env, assume_yes=yes or yes_deprecated, app=app)
    flags = global_options(ctx)
    with flags.sink("Publishing") as sink:
        if yes_deprecated:  # v2 took `--y` by mistake once; it still does, with a warning
            sink.warn("--y is deprecated, please use --yes instead")
        run_publish(flags.project_options(), repository, options, run=flags.run_options(), sink=sink,
                    confirm=confirm)
