"""The CLI lists its command modules without pkgutil (start-up); the listing must equal pkgutil's."""

import pkgutil

from pycompose.cli import commands
from pycompose.cli.app import _command_modules


def test_command_listing_equals_pkgutil() -> None:
    expected = tuple(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))
    assert _command_modules() == expected
    assert "up" in expected and "ps" in expected


def test_command_functions_carry_evaluated_annotations() -> None:
    """Typer reads each parameter's `Annotated[…, typer.Option(…)]`; with postponed annotations (`from __future__
    import annotations`) it would compile and evaluate every one of those strings on every run (~10 ms of a no-op
    `up -d`). Command modules and the root callback keep their annotations evaluated."""
    import importlib

    import typer

    from pycompose.cli import app as app_module

    functions = [app_module._root]
    for name in _command_modules():
        sub = typer.Typer()
        importlib.import_module(f"pycompose.cli.commands.{name}").register(sub)
        functions += [info.callback for info in sub.registered_commands]
        for group in sub.registered_groups:
            functions += [info.callback for info in group.typer_instance.registered_commands]
    assert len(functions) > 35
    postponed = [f"{function.__module__}.{function.__qualname__}" for function in functions
                 if any(isinstance(hint, str) for hint in function.__annotations__.values())]
    assert not postponed
