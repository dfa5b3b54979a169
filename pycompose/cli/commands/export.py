"""`pycompose export`: a service container's filesystem as a tar archive."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("export", help="Export a service container's filesystem as a tar archive")(export)


def export(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    index: Annotated[int | None, typer.Option(
        "--index", metavar="int", help="index of the container if service has multiple replicas.")] = None,
    output: Annotated[str | None, typer.Option("--output", "-o", metavar="string",
                                               help="Write to a file, instead of STDOUT")] = None,
) -> None:
    import sys

    from pycompose import api
    from pycompose.errors import UsageError

    if output is None and sys.stdout.isatty():
        raise UsageError("output option is required when exporting to terminal")
    chunks = api.export(global_options(ctx).project_options(), service, index=index or None)
    if output is not None:
        import os

        folder = os.path.dirname(os.path.normpath(output))
        if folder and not os.path.exists(folder):  # docker CLI `ValidateOutputPath`
            raise UsageError(f'failed to export container: invalid output path: directory "{folder}" does not exist')
    if output is None:
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    import os

    partial = output + ".pycompose-partial"
    try:
        with open(partial, "wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        os.replace(partial, output)
    except OSError as error:
        raise UsageError(f"failed to export container: {error.strerror}: {output}") from None
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
