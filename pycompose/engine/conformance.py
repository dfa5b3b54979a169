"""Static proof that the fake and the adapter implement the Engine port: mypy checks these assignments (the
`[tool.mypy]` files list names this module), so a method missing from either, or with another signature, fails
the type check. Never imported at run time (`TYPE_CHECKING` only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.engine.dockerpy import DockerEngine
    from pycompose.engine.fake import FakeEngine

    _fake: Engine = FakeEngine()
    _adapter: Engine = DockerEngine()
