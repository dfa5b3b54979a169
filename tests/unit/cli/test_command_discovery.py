"""The CLI lists its command modules without pkgutil (start-up); the listing must equal pkgutil's."""

import pkgutil

from pycompose.cli import commands
from pycompose.cli.app import _command_modules


def test_command_listing_equals_pkgutil() -> None:
    expected = tuple(m.name for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_"))
    assert _command_modules() == expected
    assert "up" in expected and "ps" in expected
