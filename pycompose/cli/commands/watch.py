"""`pycompose watch`: bring the project up, then sync/restart/rebuild as `develop.watch` says until Ctrl-C."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options


def register(app: typer.Typer) -> None:
    app.command("watch", help="Watch build context for service and rebuild/refresh containers when files are "
                "updated")(watch)


def watch(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    no_up: Annotated[bool, typer.Option("--no-up", help="Do not build & start services before watching")] = False,
    prune: Annotated[bool, typer.Option("--prune", help="Prune dangling images on rebuild (default true)")] = True,
    quiet: Annotated[bool, typer.Option("--quiet", help="hide build output")] = False,
) -> None:
    from pycompose.api.watch import Watch, WatchOptions

    flags = global_options(ctx)
    options = WatchOptions(services=tuple(services or ()), no_up=no_up, prune=prune, quiet=quiet)
    source = flags.project_options(services=tuple(services or ()))
    lines = WatchLines()
    running = None
    watching = False
    try:
        with flags.sink("Running") as sink:
            running = Watch(source, options, run=flags.run_options(), sink=sink, log=lines.write,
                            output=lines.binary(), errors=lines.binary_errors(), warn=lines.warn)
            running.start()
        lines.flush()  # what came while the progress view was drawing, after it
        watching = True
        while not running.wait(0.5):
            pass
    except KeyboardInterrupt:  # v2 stops watching at once (the containers keep running) and exits 130
        if running is not None:
            running.stop(join=False)
        if not watching:
            raise typer.Exit(130) from None  # the interrupted `up`: the CLI says what it left half-done
    else:
        return  # the watch ended by itself
    # outside the handler, so that no interrupt is behind the exit: v2 prints nothing when watching ends
    raise typer.Exit(130)


class WatchLines:
    """v2's `#watch` lines on stdout, warnings on stderr; held back until `flush()` while progress is drawn."""

    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self._held: list[tuple[str, str]] | None = []

    def write(self, line: str) -> None:
        self._out("out", self.prefix + line)

    def warn(self, message: str) -> None:
        self._out("warn", message)

    def binary(self):
        import sys

        return sys.stdout.buffer

    def binary_errors(self):
        import sys

        return sys.stderr.buffer

    def flush(self) -> None:
        held, self._held = self._held or [], None
        for kind, text in held:
            self._print(kind, text)

    def _out(self, kind: str, text: str) -> None:
        if self._held is not None:
            self._held.append((kind, text))
        else:
            self._print(kind, text)

    @staticmethod
    def _print(kind: str, text: str) -> None:
        import sys

        if kind == "warn":
            from pycompose.presentation.warnings import write_warnings

            write_warnings([text])
            return
        sys.stdout.write(text + "\n")
        sys.stdout.flush()
