"""`pycompose run`: a one-off command on a service; the one-off's exit code is ours."""

from typing import Annotated

import typer

from pycompose.cli.options import environment_flags, global_options, pflag_bool, pflag_command

_Strings = Annotated[list[str] | None, typer.Option(metavar="stringArray")]


def register(app: typer.Typer) -> None:
    app.command(
        "run", help="Run a one-off command on a service",
        cls=pflag_command({"-i": "--interactive-value", "--interactive": "--interactive-value"}),
        # everything after SERVICE belongs to the command (`run web ls -la`)
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(run)


def run(
    ctx: typer.Context,
    service: Annotated[str, typer.Argument(metavar="SERVICE")],
    command: Annotated[list[str] | None, typer.Argument(metavar="[COMMAND] [ARGS...]")] = None,
    build: Annotated[bool, typer.Option("--build", help="Build image before starting container")] = False,
    cap_add: Annotated[list[str] | None, typer.Option("--cap-add", metavar="list",
                                                      help="Add Linux capabilities")] = None,
    cap_drop: Annotated[list[str] | None, typer.Option("--cap-drop", metavar="list",
                                                       help="Drop Linux capabilities")] = None,
    detach: Annotated[bool, typer.Option("--detach", "-d",
                                         help="Run container in background and print container ID")] = False,
    entrypoint: Annotated[str | None, typer.Option("--entrypoint", metavar="string",
                                                   help="Override the entrypoint of the image")] = None,
    env: Annotated[list[str] | None, typer.Option("--env", "-e", metavar="stringArray",
                                                  help="Set environment variables")] = None,
    env_from_file: Annotated[list[str] | None, typer.Option("--env-from-file", metavar="stringArray",
                                                            help="Set environment variables from file")] = None,
    interactive: Annotated[bool, typer.Option("--interactive", "-i",
                                              help="Keep STDIN open even if not attached (default true)")] = True,
    interactive_value: Annotated[str | None, typer.Option("--interactive-value", hidden=True)] = None,
    label: Annotated[list[str] | None, typer.Option("--label", "-l", metavar="stringArray",
                                                    help="Add or override a label")] = None,
    name: Annotated[str | None, typer.Option("--name", metavar="string",
                                             help="Assign a name to the container")] = None,
    no_tty: Annotated[bool, typer.Option("--no-TTY", "-T", help="Disable pseudo-TTY allocation (default: "
                                         "auto-detected) (default true)")] = False,
    no_deps: Annotated[bool, typer.Option("--no-deps", help="Don't start linked services")] = False,
    publish: Annotated[list[str] | None, typer.Option("--publish", "-p", metavar="stringArray",
                                                      help="Publish a container's port(s) to the host")] = None,
    pull: Annotated[str, typer.Option("--pull", metavar="string", help='Pull image before running '
                                      '("always"|"missing"|"never") (default "policy")')] = "policy",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Don't print anything to STDOUT")] = False,
    quiet_build: Annotated[bool, typer.Option("--quiet-build",
                                              help="Suppress progress output from the build process")] = False,
    quiet_pull: Annotated[bool, typer.Option("--quiet-pull",
                                             help="Pull without printing progress information")] = False,
    remove_orphans: Annotated[bool, typer.Option(
        "--remove-orphans", help="Remove containers for services not defined in the Compose file")] = False,
    rm: Annotated[bool, typer.Option("--rm", help="Automatically remove the container when it exits")] = False,
    service_ports: Annotated[bool, typer.Option(
        "--service-ports", "-P", help="Run command with all service's ports enabled and mapped to the host")] = False,
    use_aliases: Annotated[bool, typer.Option(
        "--use-aliases",
        help="Use the service's network useAliases in the network(s) the container connects to")] = False,
    user: Annotated[str | None, typer.Option("--user", "-u", metavar="string",
                                             help="Run as specified username or uid")] = None,
    volume: Annotated[list[str] | None, typer.Option("--volume", "-v", metavar="stringArray",
                                                     help="Bind mount a volume")] = None,
    workdir: Annotated[str | None, typer.Option("--workdir", "-w", metavar="string",
                                                help="Working directory inside the container")] = None,
) -> None:
    import shlex
    import sys

    from pycompose import api
    from pycompose.cli.output import check_remote_stack
    from pycompose.cli.terminal import Terminal
    from pycompose.errors import UsageError

    if service.startswith("-") and service != "-":  # an unknown flag before the service, taken as its name
        from pycompose.cli.app import unknown_flag_message

        raise UsageError(unknown_flag_message(service))
    interactive = pflag_bool(interactive_value, "-i, --interactive", interactive)
    if pull not in ("policy", "always", "missing", "never", "build"):
        raise UsageError(f'invalid --pull option "{pull}"')
    tty = not no_tty and not detach and sys.stdin.isatty()
    environment = _env_files(env_from_file or [])
    environment.update(environment_flags(env or []))
    options = api.OneOffOptions(
        command=tuple(command) if command else None,
        entrypoint=tuple(shlex.split(entrypoint)) if entrypoint is not None else None,
        env=environment, labels=_labels(label or []), name=name, user=user, workdir=workdir,
        volumes=tuple(volume or ()), publish=tuple(publish or ()), service_ports=service_ports,
        use_aliases=use_aliases, cap_add=tuple(cap_add or ()), cap_drop=tuple(cap_drop or ()), no_deps=no_deps,
        remove=rm, detach=detach, tty=tty, interactive=interactive, build=build, pull=pull,
        quiet_pull=quiet_pull or quiet_build or quiet, remove_orphans=remove_orphans,
    )
    opts = global_options(ctx)
    stdin = sys.stdin.buffer if interactive and not detach else None
    source = opts.project_options()
    check_remote_stack(source, assume_yes=False, quiet=quiet or opts.progress_mode() in ("quiet", "json"))
    with opts.line_sink() as sink:
        result = api.run_oneoff(
            source, service, options, stdin=stdin, stdout=sys.stdout.buffer,
            stderr=sys.stderr.buffer, terminal=Terminal(stdin, sys.stdout.buffer), run=opts.run_options(),
            engine=None, sink=sink,
        )
    if detach and result.container_id and not quiet:
        print(result.container_id)
    raise typer.Exit(result.exit_code or 0)



def _env_files(paths: list[str]) -> dict[str, str]:
    """`--env-from-file`: `KEY=VALUE` lines (comments and blank lines skipped), later files winning."""
    from pycompose.errors import UsageError

    env: dict[str, str] = {}
    for path in paths:
        try:
            with open(path, encoding="utf-8") as handle:
                lines = handle.read().splitlines()
        except OSError as error:
            raise UsageError(f"open {path}: {(error.strerror or str(error)).lower()}") from None  # Go's words
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            env.update(environment_flags([line.removeprefix("export ").strip()]))
    return env


def _labels(values: list[str]) -> dict[str, str]:
    labels: dict[str, str] = {}
    for value in values:
        key, _, rest = value.partition("=")
        labels[key] = rest
    return labels
