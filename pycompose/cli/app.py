"""The Typer application: global options (placed before the command, as in v2) and command discovery.

Every module in `pycompose.cli.commands` defines `register(app: typer.Typer) -> None` for the command named after
the module; modules are found with pkgutil, so adding a command means adding one file. Command modules import
heavy packages (docker, networkx, jsonschema, rich) only inside their functions.

The root group builds a command only when it is looked up (`_LazyGroup`): running `up` imports and converts the
`up` module alone, not all nineteen (about 35 ms of start-up); listing the commands (help, a typo's suggestions)
builds them all, so what is printed is unchanged.

Typer converts each parameter's value through a pydantic TypeAdapter, and importing pydantic and building the
adapters costs about 80 ms, more than a no-op `up` spends on the engine. Our parameters are only `str`, `int`,
`float`, `bool` and `list[str]`; `_PlainParam` converts well-formed values of those in plain Python and hands anything
else to Typer's own adapter, so results and error messages stay Typer's (tests/unit/cli/test_plain_params.py
compares both on every parameter). It relies on Typer's `_TyperParameter._runtime_param` slot; if a Typer release
drops it, `_install_plain_params` does nothing and Typer converts as before.
"""

import dataclasses
import importlib
import os
import re
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Annotated, Any

import typer
import typer.core
import typer.main

from pycompose.cli.options import GlobalOptions

HELP = "Define and run multi-container applications with Docker."


def _print_version(value: bool) -> None:
    """`pycompose --version` / `-v`, alone too (as the standalone `docker-compose --version`)."""
    if value:
        from pycompose import __version__

        typer.echo(f"pycompose version v{__version__}")
        raise typer.Exit(0)


def _root(
    ctx: typer.Context,
    file: Annotated[
        list[str] | None, typer.Option("--file", "-f", metavar="stringArray", help="Compose configuration files")
    ] = None,
    project_name: Annotated[
        str | None, typer.Option("--project-name", "-p", metavar="string", help="Project name")
    ] = None,
    project_directory: Annotated[
        str | None,
        typer.Option(
            "--project-directory",
            "--workdir",
            metavar="string",
            help="Specify an alternate working directory (default: the path of the, first specified, Compose file)",
        ),
    ] = None,
    profile: Annotated[
        list[str] | None, typer.Option("--profile", metavar="stringArray", help="Specify a profile to enable")
    ] = None,
    env_file: Annotated[
        list[str] | None,
        typer.Option("--env-file", metavar="stringArray", help="Specify an alternate environment file"),
    ] = None,
    progress: Annotated[
        str | None,
        typer.Option(
            "--progress", metavar="string", help='Set type of progress output ("auto", "tty", "plain", "json", "quiet")'
        ),
    ] = None,
    ansi: Annotated[
        str | None,
        typer.Option(
            "--ansi", metavar="string", help='Control when to print ANSI control characters ("never"|"always"|"auto")'
        ),
    ] = None,
    parallel: Annotated[
        int | None, typer.Option("--parallel", metavar="int", help="Control max parallelism, -1 for unlimited")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Execute command in dry run mode")] = False,
    compatibility: Annotated[
        bool, typer.Option("--compatibility", help="Run compose in backward compatibility mode")
    ] = False,
    all_resources: Annotated[
        bool, typer.Option("--all-resources", help="Include all resources, even those not used by services")
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", "-v", hidden=True, is_eager=True, callback=_print_version)
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", hidden=True, help="Show more output")] = False,
) -> None:
    ctx.obj = GlobalOptions(
        files=tuple(file or ()),
        project_name=project_name,
        project_directory=project_directory,
        profiles=tuple(profile or ()),
        env_files=tuple(env_file or ()),
        progress=progress,
        ansi=ansi,
        parallel=parallel,
        dry_run=dry_run,
        compatibility=compatibility,
        all_resources=all_resources,
    )


def _command_modules() -> tuple[str, ...]:
    """The command names, which are the modules of `pycompose.cli.commands`, sorted (a listing of the package
    folder: pkgutil and importlib.util cost 5-10 ms to import, more than the listing itself)."""
    from pycompose.cli import commands

    names = set()
    for folder in commands.__path__:
        for entry in os.listdir(folder):
            stem, dot, suffix = entry.partition(".")
            if dot and suffix in _MODULE_SUFFIXES and stem.isidentifier() and not stem.startswith("_"):
                names.add(stem)
    return tuple(sorted(names))


_MODULE_SUFFIXES = ("py", "pyc")


def _build_one(name: str):  # -> click.Command
    """The click command of one command module, converted by Typer with the root app's settings."""
    sub = typer.Typer(pretty_exceptions_enable=False, rich_markup_mode=None)
    sub.callback()(_noop)  # a callback keeps Typer from collapsing a one-command app into that command
    importlib.import_module(f"pycompose.cli.commands.{name}").register(sub)
    command = typer.main.get_command(sub).commands[name]  # type: ignore[attr-defined]
    _install_plain_params(command)
    for each in (command, *getattr(command, "commands", {}).values()):
        _help_as_v2(each)
    if not hasattr(command, "commands"):  # a compose command (not `stack`'s group): v2's one persistent flag
        parse = command.parse_args
        command.parse_args = lambda ctx, args: parse(ctx, _take_dry_run(command, ctx, list(args)))
    return command


_V2_USAGE = {  # where v2's usage line is not `[OPTIONS]` and the arguments (its cobra `Use:` strings)
    "cp": ("[OPTIONS] SERVICE:SRC_PATH DEST_PATH|-", "[OPTIONS] SRC_PATH|- SERVICE:DEST_PATH"),
    "pause": ("[SERVICE...]",), "unpause": ("[SERVICE...]",), "start": ("[SERVICE...]",),
    "watch": ("[SERVICE...]",), "top": ("[SERVICES...]",), "scale": ("[SERVICE=REPLICAS...]",),
    "wait": ("SERVICE [SERVICE...] [OPTIONS]",), "config": ("[OPTIONS] [SERVICE...]",),
}


def _help_as_v2(command: Any) -> None:
    """`--help` laid out as v2's: its usage line (`[OPTIONS] SERVICE COMMAND [ARGS...]`, where click would print
    `{SERVICE} {COMMAND [ARGS...]}...`), no `Arguments` section, and `--dry-run` among the options (v2's one
    persistent flag, which every command takes, see `_take_dry_run`)."""
    if hasattr(command, "commands"):
        return
    arguments = [param for param in command.params if param.param_type_name == "argument"]
    usage = _V2_USAGE.get(command.name) or (
        " ".join(["[OPTIONS]", *(param.metavar or str(param.name).upper() for param in arguments)]),)

    def format_usage(ctx: Any, formatter: Any) -> None:
        formatter.write(f"Usage: {ctx.command_path} {usage[0]}\n")
        for more in usage[1:]:
            formatter.write(f"\t{ctx.command_path} {more}\n")

    def format_options(ctx: Any, formatter: Any) -> None:
        records = [param.get_help_record(ctx) for param in command.get_params(ctx)
                   if param.param_type_name == "option"]
        records = [record for record in records if record is not None]
        records.insert(max(len(records) - 1, 0), ("--dry-run", "Execute command in dry run mode"))
        if records:
            with formatter.section("Options"):
                formatter.write_dl(records)

    command.format_usage = format_usage
    command.format_options = format_options


def _take_dry_run(command: Any, ctx: Any, args: list[str]) -> list[str]:
    """`pycompose pause --dry-run`: `--dry-run` is the one global flag v2 also takes after the command (a cobra
    persistent flag). Taken out of the command's options (up to `--`, or up to the first argument of a command
    whose arguments are a command line of their own, `run` and `exec`) and set on the global options."""
    takes_value = {name for param in command.params
                   if param.param_type_name == "option" and not getattr(param, "is_flag", False)
                   and not getattr(param, "count", False) for name in param.opts}
    interspersed = (command.context_settings or {}).get("allow_interspersed_args", command.allow_interspersed_args)
    out: list[str] = []
    found = False
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--" or (not interspersed and not arg.startswith("-")):
            out += args[index:]
            break
        if arg == "--dry-run":
            found = True
        else:
            out.append(arg)
            if arg in takes_value and index + 1 < len(args):
                index += 1
                out.append(args[index])
        index += 1
    if found:
        root = ctx.find_root()
        root.obj = dataclasses.replace(root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions(),
                                       dry_run=True)
    return out


def _noop() -> None:
    pass


class _LazyGroup(typer.core.TyperGroup):
    """The root group; its commands are built on first lookup, all of them when they are listed."""

    def list_commands(self, ctx) -> list[str]:
        self._load_all()
        return super().list_commands(ctx)

    def get_command(self, ctx, cmd_name: str):
        if cmd_name not in self.commands:
            if cmd_name in _command_modules():
                self.add_command(_build_one(cmd_name), cmd_name)
            else:  # unknown: load everything so that Typer's "Did you mean" sees every name
                self._load_all()
        return super().get_command(ctx, cmd_name)

    def _load_all(self) -> None:
        loaded = dict(self.commands)
        self.commands.clear()
        for name in _command_modules():  # in discovery order, as the eager app registered them
            self.commands[name] = loaded.get(name) or _build_one(name)


def build_app() -> typer.Typer:
    """The whole Typer app, every command registered (what `build_command` builds lazily)."""
    app = _root_app(typer.core.TyperGroup)
    for name in _command_modules():
        importlib.import_module(f"pycompose.cli.commands.{name}").register(app)
    return app


def _root_app(cls) -> typer.Typer:
    app = typer.Typer(
        name="pycompose",
        help=HELP,
        no_args_is_help=True,
        add_completion=True,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        cls=cls,
    )
    app.callback()(_root)
    return app


def build_command():  # -> click.Command
    """The root click group; a command module is imported when its command is looked up."""
    group = typer.main.get_command(_root_app(_LazyGroup))
    _install_plain_params(group)
    _skip_final_collection()
    _flag_errors_as_v2()
    return group


def _flag_errors_as_v2() -> None:
    """Click's errors about flags in v2's (cobra's) words, one line each, as v2 prints them (the exit code is 1
    either way, see cli/main.py): `unknown flag: --x`, `unknown shorthand flag: 'x' in -x`, `flag needs an
    argument: --x` / `'x' in -x`. Other usage errors keep click's usage and hint."""
    import sys

    from typer._click.exceptions import BadOptionUsage, NoSuchOption, UsageError  # Typer's copy of click raises

    def unknown(self, file=None) -> None:
        (file or sys.stderr).write(unknown_flag_message(self.option_name) + "\n")

    def misused(self, file=None) -> None:
        if not self.message.endswith("requires an argument."):
            UsageError.show(self, file)
            return
        (file or sys.stderr).write(f"flag needs an argument: {_flag_named(self.option_name)}\n")

    NoSuchOption.show = unknown  # type: ignore[method-assign]
    BadOptionUsage.show = misused  # type: ignore[method-assign]


def unknown_flag_message(argument: str) -> str:
    """cobra's words for a flag it does not know: `unknown flag: --x`, `unknown shorthand flag: 'x' in -xy`."""
    if argument.startswith("--"):
        return f"unknown flag: {argument.partition('=')[0]}"
    return f"unknown shorthand flag: {_flag_named(argument)}"


def _flag_named(argument: str) -> str:
    """A flag as cobra names it in an error: `--x`, or `'x' in -xy` (the first letter of a group of short ones)."""
    return argument if argument.startswith("--") else f"'{argument[1:2]}' in {argument}"


_FREEZE_REGISTERED = False


def _skip_final_collection() -> None:
    """At interpreter exit, move every object out of the garbage collector's reach (`gc.freeze`) first.

    The collection CPython runs while tearing the modules down walks every object that networkx, docker-py and
    Typer created at import: 50-90 ms after the command is done, on every command. Objects are still released by
    reference counting (module dicts are cleared, open files closed); only reference cycles are left to the OS,
    as they would be with `os._exit`. Registered once; it does nothing until the process ends.
    """
    global _FREEZE_REGISTERED
    if not _FREEZE_REGISTERED:
        import atexit
        import gc

        atexit.register(gc.freeze)
        _FREEZE_REGISTERED = True


_HELP_NAMES = SimpleNamespace(help_option_names=["-h", "--help"])  # the root's context_settings, inherited
_INTEGER = re.compile(r"-?[0-9]{1,18}")
_DECIMAL = re.compile(r"-?[0-9]{1,15}(\.[0-9]{1,15})?")
_UNCONVERTED = object()
_PLAIN_TYPES = (str, int, float, bool, list[str])

try:
    from typer._coercion import RuntimeParam as _RuntimeParam
    from typer._coercion import build_runtime_param as _typer_runtime_param
except (ImportError, AttributeError):  # a Typer without this layer: nothing to speed up
    _RuntimeParam = None  # type: ignore[assignment,misc]


def _plain_value(annotation: Any, value: Any) -> Any:
    """`value` converted to `annotation` when that is unambiguous, else _UNCONVERTED (Typer decides)."""
    if annotation is str:
        return value if isinstance(value, str) else _UNCONVERTED
    if annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        return int(value) if isinstance(value, str) and _INTEGER.fullmatch(value) else _UNCONVERTED
    if annotation is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        return float(value) if isinstance(value, str) and _DECIMAL.fullmatch(value) else _UNCONVERTED
    if annotation == list[str] and isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value):
        return list(value)
    return _UNCONVERTED


if _RuntimeParam is not None:

    @dataclass(frozen=True)
    class _PlainParam(_RuntimeParam):  # type: ignore[misc,valid-type]
        """Typer's runtime conversion of a str/int/bool/list[str] parameter, without pydantic when it can."""

        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            converted = _plain_value(self.annotation, value)
            if converted is not _UNCONVERTED:
                return converted
            return _typer_runtime_param(self.descriptor)._coerce_value(value, param=param, ctx=ctx)


def _install_plain_params(command: Any) -> None:
    """Give each plain parameter of `command` a `_PlainParam` (see the module docstring).

    Typer's internals this reaches into are private: pyproject pins Typer's release series, and should a release
    change their shape anyway (a missing attribute, another constructor), Typer keeps converting as it does."""
    if _RuntimeParam is None:
        return
    try:
        _install_plain_params_unguarded(command)
    except (AttributeError, TypeError):
        return


def _install_plain_params_unguarded(command: Any) -> None:
    for sub in getattr(command, "commands", {}).values():  # a command group's own commands (`stack deploy`, …)
        _install_plain_params_unguarded(sub)
    help_option = command.get_help_option(_HELP_NAMES)  # built once, cached; Typer converts its value too
    for param in [*command.params, *([help_option] if help_option is not None else [])]:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", _UNCONVERTED) is not None:
            continue
        info = descriptor.parameter_info
        if descriptor.annotation not in _PLAIN_TYPES or getattr(info, "parser", None) is not None \
                or descriptor.file_annotation is not None or descriptor.is_choice or descriptor.is_path \
                or getattr(info, "min", None) is not None or getattr(info, "max", None) is not None:
            continue
        param._runtime_param = _PlainParam(parameter_info=info, annotation=descriptor.annotation,
                                           descriptor=descriptor)
