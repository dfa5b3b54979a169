"""`pycompose build`: build or rebuild service images (classic builder through the engine API)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("build", help="Build or rebuild services")(build)


def build(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    build_arg: Annotated[
        list[str] | None,
        typer.Option("--build-arg", metavar="stringArray", help="Set build-time variables for services"),
    ] = None,
    builder: Annotated[str, typer.Option("--builder", metavar="string", help="Set builder to use")] = "",
    check: Annotated[bool, typer.Option("--check", help="Check build configuration")] = False,
    memory: Annotated[
        str | None,
        typer.Option(
            "--memory",
            "-m",
            metavar="bytes",
            help="Set memory limit for the build container. Not supported by BuildKit.",
        ),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Do not use cache when building the image")] = False,
    print_bake: Annotated[bool, typer.Option("--print", help="Print equivalent bake file")] = False,
    provenance: Annotated[
        str, typer.Option("--provenance", metavar="string", help="Add a provenance attestation")
    ] = "",
    pull: Annotated[bool, typer.Option("--pull", help="Always attempt to pull a newer version of the image")] = False,
    push: Annotated[bool, typer.Option("--push", help="Push service images")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Suppress the build output")] = False,
    sbom: Annotated[str, typer.Option("--sbom", metavar="string", help="Add a SBOM attestation")] = "",
    ssh: Annotated[
        str | None,
        typer.Option("--ssh", metavar="string", help="Set SSH authentications used when building service images. "
                     "(use 'default' for using your default SSH Agent)"),
    ] = None,
    with_dependencies: Annotated[
        bool, typer.Option("--with-dependencies", help="Also build dependencies (transitively)")
    ] = False,
) -> None:
    import os
    import sys

    from pycompose import api
    from pycompose.images.buildkit import parse_ssh
    from pycompose.images.operations import bake_file
    from pycompose.images.spec import parse_build_args
    from pycompose.loader.units import parse_bytes

    options = api.BuildOptions(services=tuple(services or ()), no_cache=no_cache, pull=pull, quiet=quiet,
                               build_args=parse_build_args(tuple(build_arg or ())),
                               memory=parse_bytes(memory) if memory else None, push=push,
                               with_dependencies=with_dependencies, check=check,
                               builder=builder or os.environ.get("BUILDX_BUILDER", ""),
                               ssh=(parse_ssh(ssh or "default"),) if ssh is not None else (),
                               provenance=provenance, sbom=sbom)
    flags = global_options(ctx)
    source = flags.project_options(services=tuple(services or ()))
    with flags.sink("Building") as sink:
        if print_bake:
            text = bake_file(source, options, sink=sink)
            if text is not None:
                sys.stdout.write(text)
                sys.stdout.flush()
            return
        api.build(source, options, run=flags.run_options(), sink=sink)
