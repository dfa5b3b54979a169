"""`pycompose up`: create and start containers (v2 flags; attached mode waits for Ctrl-C, then stops; `--watch`
also syncs/rebuilds as `develop.watch` says while attached)."""

from typing import Annotated

import typer

from pycompose.cli.options import global_options, pflag_bool, pflag_command


def register(app: typer.Typer) -> None:
    app.command("up", help="Create and start containers",
                cls=pflag_command({"--menu": "--menu-value"}))(up)


def up(
    ctx: typer.Context,
    services: Annotated[list[str] | None, typer.Argument(metavar="[SERVICE...]")] = None,
    detach: Annotated[
        bool, typer.Option("--detach", "-d", help="Detached mode: Run containers in the background")
    ] = False,
    build: Annotated[bool, typer.Option("--build", help="Build images before starting containers")] = False,
    no_build: Annotated[bool, typer.Option("--no-build", help="Don't build an image, even if it's policy")] = False,
    force_recreate: Annotated[
        bool,
        typer.Option(
            "--force-recreate", help="Recreate containers even if their configuration and image haven't changed"
        ),
    ] = False,
    no_recreate: Annotated[
        bool,
        typer.Option(
            "--no-recreate",
            help="If containers already exist, don't recreate them. Incompatible with --force-recreate.",
        ),
    ] = False,
    always_recreate_deps: Annotated[
        bool,
        typer.Option("--always-recreate-deps", help="Recreate dependent containers. Incompatible with --no-recreate."),
    ] = False,
    no_deps: Annotated[bool, typer.Option("--no-deps", help="Don't start linked services")] = False,
    no_start: Annotated[bool, typer.Option("--no-start", help="Don't start the services after creating them")] = False,
    remove_orphans: Annotated[
        bool, typer.Option("--remove-orphans", help="Remove containers for services not defined in the Compose file")
    ] = False,
    wait: Annotated[
        bool, typer.Option("--wait", help="Wait for services to be running|healthy. Implies detached mode.")
    ] = False,
    wait_timeout: Annotated[
        int | None,
        typer.Option(
            "--wait-timeout",
            metavar="int",
            help="Maximum duration in seconds to wait for the project to be running|healthy",
        ),
    ] = None,
    timeout: Annotated[
        int | None,
        typer.Option(
            "--timeout",
            "-t",
            metavar="int",
            help=(
                "Use this timeout in seconds for container shutdown "
                "when attached or when containers are already running"
            ),
        ),
    ] = None,
    scale: Annotated[
        list[str] | None,
        typer.Option(
            "--scale",
            metavar="scale",
            help="Scale SERVICE to NUM instances. Overrides the scale setting in the Compose file if present.",
        ),
    ] = None,
    abort_on_container_exit: Annotated[
        bool,
        typer.Option(
            "--abort-on-container-exit", help="Stops all containers if any container was stopped. Incompatible with -d"
        ),
    ] = False,
    abort_on_container_failure: Annotated[
        bool,
        typer.Option(
            "--abort-on-container-failure",
            help="Stops all containers if any container exited with failure. Incompatible with -d",
        ),
    ] = False,
    exit_code_from: Annotated[
        str | None,
        typer.Option(
            "--exit-code-from",
            metavar="string",
            help="Return the exit code of the selected service container. Implies --abort-on-container-exit",
        ),
    ] = None,
    attach: Annotated[
        list[str] | None,
        typer.Option(
            "--attach",
            metavar="stringArray",
            help="Restrict attaching to the specified services. Incompatible with --attach-dependencies.",
        ),
    ] = None,
    attach_dependencies: Annotated[
        bool, typer.Option("--attach-dependencies", help="Automatically attach to log output of dependent services")
    ] = False,
    no_attach: Annotated[
        list[str] | None,
        typer.Option(
            "--no-attach", metavar="stringArray", help="Do not attach (stream logs) to the specified services"
        ),
    ] = None,
    no_color: Annotated[bool, typer.Option("--no-color", help="Produce monochrome output")] = False,
    no_log_prefix: Annotated[bool, typer.Option("--no-log-prefix", help="Don't print prefix in logs")] = False,
    pull: Annotated[
        str, typer.Option("--pull", metavar="string", help='Pull image before running ("always"|"missing"|"never")')
    ] = "policy",
    quiet_pull: Annotated[
        bool, typer.Option("--quiet-pull", help="Pull without printing progress information")
    ] = False,
    quiet_build: Annotated[bool, typer.Option("--quiet-build", help="Suppress the build output")] = False,
    timestamps: Annotated[bool, typer.Option("--timestamps", help="Show timestamps")] = False,
    renew_anon_volumes: Annotated[
        bool,
        typer.Option(
            "--renew-anon-volumes",
            "-V",
            help="Recreate anonymous volumes instead of retrieving data from the previous containers",
        ),
    ] = False,
    watch: Annotated[
        bool,
        typer.Option(
            "--watch", "-w", help="Watch source code and rebuild/refresh containers when files are updated."
        ),
    ] = False,
    menu: Annotated[
        bool,
        typer.Option(
            "--menu",
            help=("Enable interactive shortcuts when running attached. Incompatible with --detach. Can also be "
                  "enable/disable by setting COMPOSE_MENU environment var."),
        ),
    ] = False,
    menu_value: Annotated[str | None, typer.Option("--menu-value", hidden=True)] = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help='Assume "yes" as answer to all prompts and run '
                                      "non-interactively")] = False,
) -> None:
    import time

    from pycompose import api
    from pycompose.cli.output import check_remote_stack, confirm
    from pycompose.errors import UsageError

    # v2 `validateFlags`, in its order and words
    cascade_stop = abort_on_container_exit or (bool(exit_code_from) and not abort_on_container_failure)
    if cascade_stop and abort_on_container_failure:
        raise UsageError("--abort-on-container-failure cannot be combined with --abort-on-container-exit")
    if wait and (attach_dependencies or cascade_stop or attach):
        raise UsageError("--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies")
    if build and no_build:
        raise UsageError("--build and --no-build are incompatible")
    if (detach or wait) and (attach_dependencies or cascade_stop or abort_on_container_failure or attach or watch):
        raise UsageError(f"--{'wait' if wait else 'detach'} cannot be combined with --abort-on-container-exit, "
                         "--abort-on-container-failure, --attach, --attach-dependencies or --watch")
    if no_recreate and renew_anon_volumes:
        raise UsageError("--no-recreate and --renew-anon-volumes are incompatible")
    if force_recreate and no_recreate:
        raise UsageError("--force-recreate and --no-recreate are incompatible")
    if always_recreate_deps and no_recreate:
        raise UsageError("--always-recreate-deps and --no-recreate are incompatible")
    if no_build and watch:
        raise UsageError("--no-build and --watch are incompatible")
    if attach and attach_dependencies:
        raise UsageError("cannot combine --attach and --attach-dependencies")
    if pull not in ("policy", "always", "missing", "never", "build", "if_not_present"):
        raise UsageError(f'invalid --pull option "{pull}"')
    options = api.UpOptions(
        services=tuple(services or ()), no_deps=no_deps, force_recreate=force_recreate, no_recreate=no_recreate,
        always_recreate_deps=always_recreate_deps, no_start=no_start, remove_orphans=remove_orphans,
        renew_anon_volumes=renew_anon_volumes, timeout=timeout, wait=wait,
        wait_timeout=float(wait_timeout) if wait_timeout else None, scale=_scale(scale or []), pull=pull,
        build=build, no_build=no_build, quiet_pull=quiet_pull or quiet_build, yes=yes, confirm=confirm,
    )
    flags = global_options(ctx)
    source = flags.project_options(services=tuple(services or ()))
    check_remote_stack(source, assume_yes=yes, quiet=flags.progress_mode() in ("quiet", "json"))
    attached = not (detach or wait or no_start)
    view = _attached_output(flags.ansi, no_color, no_log_prefix, timestamps) if attached else None
    menu_flag = pflag_bool(menu_value, "--menu", True) if menu_value is not None else (True if menu else None)
    began = time.time()
    interrupted = False
    try:
        with flags.sink("Running") as sink:
            api.up(source, options, run=flags.run_options(), sink=sink)
    except KeyboardInterrupt:
        if not attached or flags.dry_run:
            raise
        interrupted = True
    if interrupted:  # v2: Ctrl-C before the logs began still stops what `up` started, and exits 130
        from pycompose.api.attached import stop_interrupted

        with flags.line_sink() as sink:
            code = stop_interrupted(source, timeout, sink=sink)
        raise typer.Exit(code)
    if not attached:
        return
    assert view is not None  # attached
    switch = _watch_switch(source, tuple(services or ()), flags, view)
    if watch:  # a project without `develop.watch` is refused here, after `up` (as v2)
        switch.start()
    try:
        with _menu(menu_flag, flags, source, tuple(services or ()), switch, view) as shown:
            with flags.line_sink() as sink:
                code = api.attach(source, services=tuple(attach or services or ()), exclude=tuple(no_attach or ()),
                                  timeout=timeout, abort_on_exit=abort_on_container_exit or bool(exit_code_from),
                                  abort_on_failure=abort_on_container_failure, exit_code_from=exit_code_from,
                                  attach_dependencies=attach_dependencies, view=shown, since=began, sink=sink)
    finally:
        switch.stop(quiet=True)
    raise typer.Exit(code)


def _menu(flag: bool | None, flags, source, services: tuple[str, ...], switch, view):
    """v2's navigation menu under the logs when stdout and stdin are terminals (`--menu`, `COMPOSE_MENU`);
    otherwise the view as it is."""
    import contextlib
    import sys

    from pycompose.presentation.menu import menu_wanted, navigation_menu

    if flags.dry_run or not menu_wanted(flag, stdout=sys.stdout, stdin=sys.stdin, progress=flags.progress,
                                        ansi=flags.ansi):
        return contextlib.nullcontext(view)
    from pycompose.api.watch_switch import watch_configured

    lines = _AttachedWatchLines(view.formatter)
    return navigation_menu(view, watch=switch if watch_configured(source, services) else None,
                           on_watch_error=lines.error)


def _watch_switch(source, services: tuple[str, ...], flags, view):
    """Watching while attached (`up --watch`, the menu's `w`); v2's lines go between the logs, prefixed `⦿` in
    the logs' width."""
    import sys

    from pycompose.api.watch import Watch, WatchOptions
    from pycompose.api.watch_switch import WatchSwitch

    lines = _AttachedWatchLines(view.formatter)

    def make() -> Watch:
        lines.flush()
        return Watch(source, WatchOptions(services=services, attached=True), run=flags.run_options(),
                     log=lines.write, warn=lines.warn, output=sys.stdout.buffer, errors=sys.stderr.buffer)

    return WatchSwitch(make, log=lines.write)


class _AttachedWatchLines:
    """The `#watch` lines of attached `up`: v2's green `⦿` in the width of the container prefixes."""

    def __init__(self, formatter) -> None:
        from pycompose.cli.commands.watch import WatchLines

        self._formatter = formatter
        self._lines = WatchLines()
        self.warn = self._lines.warn
        self.flush = self._lines.flush

    def write(self, line: str) -> None:
        self._lines.write(self._prefix() + line)

    def error(self, message: str) -> None:
        """An error of the watch on its line, on stderr (v2: the log consumer's `Err`)."""
        import sys

        sys.stderr.write(self._prefix() + message + "\n")
        sys.stderr.flush()

    def _prefix(self) -> str:
        formatter = self._formatter
        if formatter is None or not formatter.prefix:
            return ""
        prefix = " " * formatter.width + " \u29bf "
        if formatter.color:
            prefix = f"\033[92m{prefix}\033[0m"
        return prefix


def _attached_output(ansi: str | None, no_color: bool, no_log_prefix: bool, timestamps: bool):
    """The lines of attached `up`, formatted as `logs` formats them (colours per service on a terminal)."""
    import sys

    from pycompose.presentation.colors import use_ansi
    from pycompose.presentation.logview import AttachedOutput, LogFormatter

    formatter = LogFormatter(prefix=not no_log_prefix, color=not no_color and use_ansi(ansi, sys.stdout),
                             timestamps=timestamps)
    return AttachedOutput(formatter, sys.stdout, sys.stderr)


def _scale(values: list[str]) -> dict[str, int]:
    from pycompose.errors import UsageError

    scale: dict[str, int] = {}
    for value in values:
        service, _, count = value.partition("=")
        if not service or not count.isdigit():
            raise UsageError(f'invalid --scale value: expected "SERVICE=NUM", got "{value}"')
        scale[service] = int(count)
    return scale
