"""`pycompose config`: like `docker compose config` (v2.40.3, cmd/compose/config.go).

Flags choose one output (`pycompose.render.config_output`: the first list flag set, in v2's order, else the model);
the loader reads the project as v2 does for it and the renderer gives the text printed here.
"""

from collections.abc import Iterable
from typing import Annotated

import typer

HELP = "Parse, resolve and render compose file in canonical format"


def register(app: typer.Typer) -> None:
    app.command("config", help=HELP)(config)


def _option(*names_and_help: str, text: bool = False) -> typer.models.OptionInfo:
    """`typer.Option(*names, help=…)`; a `text` option shows `string` as its metavar, as v2's help does."""
    *names, help_ = names_and_help
    return typer.Option(*names, help=help_, **({"metavar": "string"} if text else {}))


def config(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="SERVICE", show_default=False)] = None,
    format_: Annotated[str | None, _option("--format", "Format the output. Values: [yaml | json]", text=True)] = (
        None
    ),
    quiet: Annotated[bool, _option("--quiet", "-q", "Only validate the configuration, don't print anything")] = False,
    no_interpolate: Annotated[bool, _option("--no-interpolate", "Don't interpolate environment variables")] = False,
    no_normalize: Annotated[bool, _option("--no-normalize", "Don't normalize compose model")] = False,
    no_path_resolution: Annotated[bool, _option("--no-path-resolution", "Don't resolve file paths")] = False,
    no_consistency: Annotated[bool, _option(
        "--no-consistency", "Don't check model consistency - warning: may produce invalid Compose output")] = False,
    no_env_resolution: Annotated[bool, _option("--no-env-resolution", "Don't resolve service env files")] = False,
    list_services: Annotated[bool, _option("--services", "Print the service names, one per line.")] = False,
    list_volumes: Annotated[bool, _option("--volumes", "Print the volume names, one per line.")] = False,
    list_networks: Annotated[bool, _option("--networks", "Print the network names, one per line.")] = False,
    list_models: Annotated[bool, _option("--models", "Print the model names, one per line.")] = False,
    list_profiles: Annotated[bool, _option("--profiles", "Print the profile names, one per line.")] = False,
    list_images: Annotated[bool, _option("--images", "Print the image names, one per line.")] = False,
    hash_: Annotated[str | None, _option("--hash", "Print the service config hash, one per line.", text=True)] = (
        None
    ),
    variables: Annotated[bool, _option("--variables", "Print model variables and default values.")] = False,
    environment: Annotated[bool, _option("--environment", "Print environment used for interpolation.")] = False,
    output: Annotated[str | None, _option("--output", "-o", "Save to file (default to stdout)", text=True)] = None,
    resolve_image_digests: Annotated[bool, _option("--resolve-image-digests", "Pin image tags to digests")] = False,
    lock_image_digests: Annotated[bool, _option(
        "--lock-image-digests", "Produces an override file with image digests")] = False,
) -> None:
    from pycompose.cli.options import global_options
    from pycompose.loader.options import ConfigOutput, config_load_options
    from pycompose.loader.project import load_project

    chosen = (
        (list_services, ConfigOutput.SERVICES),
        (list_volumes, ConfigOutput.VOLUMES),
        (list_networks, ConfigOutput.NETWORKS),
        (list_models, ConfigOutput.MODELS),
        (bool(hash_), ConfigOutput.HASH),
        (list_profiles, ConfigOutput.PROFILES),
        (list_images, ConfigOutput.IMAGES),
        (variables, ConfigOutput.VARIABLES),
        (environment, ConfigOutput.ENVIRONMENT),
    )
    opts = global_options(ctx)
    what = next((output for wanted, output in chosen if wanted), ConfigOutput.MODEL)
    if what is ConfigOutput.MODEL and (format_ or "yaml") not in ("yaml", "json"):
        from pycompose.errors import UsageError

        raise UsageError(f'unsupported format "{format_}"')
    options = opts.project_options(
        services=tuple(services or ()),
        interpolate=not no_interpolate,
        normalize=not (no_normalize or opts.compatibility),
        resolve_paths=not no_path_resolution,
        resolve_env_files=not no_env_resolution,
        consistency=not no_consistency,
        all_resources=opts.all_resources,
    )
    loaded = load_project(config_load_options(what, options))  # its warnings printed as it loads
    if what is ConfigOutput.MODEL and (resolve_image_digests or lock_image_digests):
        import dataclasses

        from pycompose.api.digests import pinned_images, with_pinned_images

        pinned = pinned_images(loaded.config.get("services") or {})
        loaded = dataclasses.replace(loaded, config=with_pinned_images(
            loaded.config, pinned, lock=lock_image_digests, typed=not no_interpolate))
    if what is ConfigOutput.MODEL and quiet:  # loaded and checked is all -q asks
        return
    from pycompose.hashing import service_hash
    from pycompose.render.config_output import render_output

    chunks = render_output(
        what,
        loaded,
        fmt=format_,
        hash_selection=hash_ or "*",
        service_hash=service_hash,
        interpolated=not no_interpolate,
    )
    if what is ConfigOutput.MODEL and output:
        _write_file(output, "".join(chunks))
    else:
        _write_stdout(chunks)


def _write_stdout(chunks: Iterable[str]) -> None:
    import sys

    try:
        for chunk in chunks:
            sys.stdout.write(chunk)
    finally:
        sys.stdout.flush()


def _write_file(path: str, content: str) -> None:
    from pycompose.errors import ComposeError

    if not content:
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as error:
        raise ComposeError(f"open {path}: {(error.strerror or str(error)).lower()}") from None

