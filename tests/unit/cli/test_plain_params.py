"""The lazy root group and the plain parameter conversion of cli/app.py give what the eager Typer app gives."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from typer._coercion import build_runtime_param

from pycompose.cli import app as app_module

SAMPLES = {
    str: ["web", "", "-", "ünïcode"],
    int: ["0", "7", "-1", "007", "+4", " 5", "1_0", "1.0", "abc", "", "99999999999999999999999"],
    float: ["0", "2.5", "-1", "10.", ".5", "1e3", "inf", "1_0", " 3", "abc", "", "7"],
    bool: ["true", "false", "1", "0", "yes", "maybe"],
    list[str]: [["a", "b"], ("a",), [], "single"],
}


def _typer(descriptor, value):
    try:
        return ("ok", build_runtime_param(descriptor)._coerce_value(value, param=None, ctx=None))
    except Exception as error:
        return ("error", type(error).__name__, str(error))


def _ours(runtime, value):
    try:
        return ("ok", runtime._coerce_value(value, param=None, ctx=None))
    except Exception as error:
        return ("error", type(error).__name__, str(error))


def _all_params():
    group = app_module.build_command()
    yield from (("(root)", p) for p in group.params)
    for name in group.list_commands(None):
        command = group.get_command(None, name)
        yield from ((name, p) for p in command.params)
        for sub_name, sub in getattr(command, "commands", {}).items():  # `stack deploy`, …
            yield from ((f"{name} {sub_name}", p) for p in sub.params)


def test_every_parameter_converts_as_typer_does():
    checked = 0
    for command, param in _all_params():
        runtime = getattr(param, "_runtime_param", None)
        if not isinstance(runtime, app_module._PlainParam):
            continue
        for value in SAMPLES[param.type_descriptor.annotation]:
            assert _ours(runtime, value) == _typer(param.type_descriptor, value), (command, param.name, value)
            checked += 1
    assert checked > 100


def test_lazy_group_lists_the_commands_of_the_eager_app():
    eager = typer.main.get_command(app_module.build_app())
    lazy = app_module.build_command()
    # the same commands; the lazy group lists them in name order, as v2's help does (Typer's eager app puts
    # sub-apps such as `stack` after the plain commands)
    assert lazy.list_commands(None) == sorted(eager.list_commands(None))
    for name in eager.list_commands(None):
        assert lazy.get_command(None, name).name == name  # each module registers the command named after it


@pytest.mark.parametrize("argv", [["up", "--help"], ["down", "-h"], ["-p", "x", "ps", "--help"]])
def test_parsing_a_command_imports_neither_pydantic_nor_other_commands(argv):
    code = (
        "import sys; from pycompose.cli.main import run\n"
        f"code = run({argv!r})\n"
        "others = [m for m in sys.modules if m.startswith('pycompose.cli.commands.')]\n"
        "print(code, 'pydantic' in sys.modules, len(others))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[-1] == "0 False 1"
