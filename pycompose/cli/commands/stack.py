"""`pycompose stack`: deploy the compose file to a Docker Swarm, like `docker stack` (docker CLI 28)."""

from typing import Annotated, Any

import typer

HELP = "Manage Swarm stacks"


def _go_bool_args(args: list[str], shorts: str) -> list[str]:
    """docker's `-d/--detach` is a pflag bool: `-d`, `--detach`, `--detach=false`, `-d=false`, and grouped with the
    command's other short bool flags (`shorts`, e.g. `-dq`); it never takes the next word. Rewritten to the
    `--detach=VALUE` the option below reads."""
    out: list[str] = []
    for index, arg in enumerate(args):
        if arg == "--":
            return out + args[index:]
        if arg in ("-d", "--detach"):
            out.append("--detach=true")
        elif arg.startswith("-d="):
            out.append("--detach=" + arg[3:])
        elif (arg.startswith("-") and not arg.startswith("--") and len(arg) > 2 and "d" in arg[1:]
              and set(arg[1:]) <= set(shorts)):
            out += ["--detach=true" if letter == "d" else f"-{letter}" for letter in arg[1:]]
        else:
            out.append(arg)
    return out


def _command_class(shorts: str) -> type:
    from typer.core import TyperCommand

    class GoBoolCommand(TyperCommand):
        def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
            return list(super().parse_args(ctx, _go_bool_args(list(args), shorts)))

    return GoBoolCommand


def register(app: typer.Typer) -> None:
    stack = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode=None, pretty_exceptions_enable=False)
    stack.command("deploy", help="Deploy a new stack or update an existing stack", cls=_command_class("dq"))(deploy)
    stack.command("ls", help="List stacks")(ls)
    stack.command("ps", help="List the tasks in the stack")(ps)
    stack.command("services", help="List the services in the stack")(services)
    stack.command("rm", help="Remove one or more stacks", cls=_command_class("d"))(rm)
    stack.command("config", help="Outputs the final config file, after doing merges and interpolations")(config)
    app.add_typer(stack, name="stack")


def _source(ctx: typer.Context, stack: str | None, compose_files: list[str] | None):
    """The loader options: `-c` files (comma lists allowed, as docker's string slice), else the global `-f`, with the
    global `--profile` / `--env-file`; the stack name is the project name (it names everything)."""
    from pycompose.cli.options import global_options

    opts = global_options(ctx)
    files = tuple(part for item in compose_files or () for part in item.split(",") if part)
    overrides: dict = {"project_name": stack} if stack else {}
    if files:
        overrides["files"] = files
    return opts, opts.project_options(**overrides)


def _err(line: str) -> None:
    import sys

    sys.stderr.write(line if line.endswith("\n") else line + "\n")


def _out(line: str) -> None:
    import sys

    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def _detach(value: str | None) -> bool:
    """`-d/--detach[=bool]` as docker's bool flag (default true)."""
    from pycompose.errors import UsageError

    if value is None:
        return True
    known = {"true": True, "1": True, "t": True, "false": False, "0": False, "f": False}
    if value.lower() not in known:
        raise UsageError(f'invalid argument "{value}" for "-d, --detach" flag: strconv.ParseBool: parsing '
                         f'"{value}": invalid syntax')
    return known[value.lower()]


def deploy(
    ctx: typer.Context,
    stack: Annotated[str, typer.Argument(metavar="STACK")],
    compose_file: Annotated[list[str] | None, typer.Option(
        "--compose-file", "-c", metavar="strings", help='Path to a Compose file, or "-" to read from stdin')] = None,
    detach: Annotated[str | None, typer.Option(
        "--detach", "-d", metavar="",
        help="Exit immediately instead of waiting for the stack services to converge (default true)")] = None,
    prune: Annotated[bool, typer.Option("--prune", help="Prune services that are no longer referenced")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Suppress progress output")] = False,
    resolve_image: Annotated[str, typer.Option(
        "--resolve-image", metavar="string",
        help='Query the registry to resolve image digest and supported platforms ("always", "changed", "never")')
    ] = "always",
    with_registry_auth: Annotated[bool, typer.Option(
        "--with-registry-auth", help="Send registry authentication details to Swarm agents")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan (each change and why); change nothing")] = (
        False),
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="seconds", help="With --detach=false: how long to wait for convergence")] = 300.0,
) -> None:
    from pycompose.errors import ComposeError, UsageError
    from pycompose.stack.operations import DeployOptions, deploy_stack

    if resolve_image not in ("always", "changed", "never"):
        raise UsageError(f"invalid option {resolve_image} for flag --resolve-image")
    detached = _detach(detach)
    opts, source = _source(ctx, stack, compose_file)
    dry = dry_run or opts.dry_run
    if detach is None and not dry:
        _err("Since --detach=false was not specified, tasks will be created in the background.\n"
             "In a future release, --detach=false will become the default.")
    options = DeployOptions(prune=prune, resolve_image=resolve_image, registry_auth=with_registry_auth,
                            detach=detached, dry_run=dry, timeout=timeout)
    # -q, as docker's: the convergence progress is not shown; the changes made still are
    result = deploy_stack(stack, source, options, report=_out, warn=_err,
                          progress=(lambda _: None) if quiet else _out)
    if dry:
        _out(result.plan.render().rstrip("\n"))
    if result.converged is False:
        raise ComposeError(f"stack {stack} did not converge", exit_code=1)


def ls(
    format_: Annotated[str | None, typer.Option("--format", metavar="string",
                                                help="Format output using a custom template: 'table' or 'json'")]
    = None,
) -> None:
    from pycompose.presentation.tables import table
    from pycompose.stack.operations import list_stacks

    rows = list_stacks()
    if format_ == "json":
        import json

        for name, count in rows:
            _out(json.dumps({"Name": name, "Services": str(count)}))
        return
    import sys

    sys.stdout.write(table(("NAME", "SERVICES"), [(name, str(count)) for name, count in rows]))


def ps(
    stack: Annotated[str, typer.Argument(metavar="STACK")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display task IDs")] = False,
    no_trunc: Annotated[bool, typer.Option("--no-trunc", help="Do not truncate output")] = False,
) -> None:
    from pycompose.errors import ComposeError
    from pycompose.presentation.tables import table
    from pycompose.stack.operations import task_rows

    rows = task_rows(stack, no_trunc=no_trunc)
    if not rows:
        raise ComposeError(f"nothing found in stack: {stack}", exit_code=1)
    if quiet:
        for row in rows:
            _out(row["ID"])
        return
    import sys

    heads = ("ID", "NAME", "IMAGE", "NODE", "DESIRED STATE", "CURRENT STATE", "ERROR", "PORTS")
    sys.stdout.write(table(heads, [tuple(row[h] for h in heads) for row in rows]))


def services(
    stack: Annotated[str, typer.Argument(metavar="STACK")],
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only display IDs")] = False,
) -> None:
    import sys

    from pycompose.presentation.tables import table
    from pycompose.stack.operations import service_rows

    rows = service_rows(stack)
    if not rows:
        _err(f"Nothing found in stack: {stack}")
        return
    if quiet:
        for row in rows:
            _out(row["ID"])
        return
    heads = ("ID", "NAME", "MODE", "REPLICAS", "IMAGE", "PORTS")
    sys.stdout.write(table(heads, [tuple(row[h] for h in heads) for row in rows]))


def rm(
    ctx: typer.Context,
    stacks: Annotated[list[str], typer.Argument(metavar="STACK")],
    detach: Annotated[str | None, typer.Option(
        "--detach", "-d", metavar="",
        help="Do not wait for stack removal (default true)")] = None,
    timeout: Annotated[float, typer.Option(
        "--timeout", metavar="seconds", help="With --detach=false: how long to wait for the removal")] = 120.0,
) -> None:
    from pycompose.cli.options import global_options
    from pycompose.errors import ComposeError
    from pycompose.stack.operations import remove_stack

    detached = _detach(detach)
    dry = global_options(ctx).dry_run
    errors = []
    for stack in stacks:
        errors += remove_stack(stack, report=_out, warn=_err, dry_run=dry, detach=detached, timeout=timeout)
    if errors:
        raise ComposeError("; ".join(errors), exit_code=1)


def config(
    ctx: typer.Context,
    compose_file: Annotated[list[str] | None, typer.Option(
        "--compose-file", "-c", metavar="strings", help="Path to a Compose file, or \"-\" to read from stdin")] = None,
    skip_interpolation: Annotated[bool, typer.Option(
        "--skip-interpolation", help="Skip interpolation and output only merged config")] = False,
) -> None:
    import sys

    from pycompose.loader.project import load_project
    from pycompose.render.config_output import render_model
    from pycompose.stack.convert import check_properties

    _, source = _source(ctx, None, compose_file)
    if skip_interpolation:
        import dataclasses

        source = dataclasses.replace(source, interpolate=False)
    project = load_project(source)
    for line in check_properties(project.config):
        _err(line)
    sys.stdout.write(render_model(project.config, "yaml"))
