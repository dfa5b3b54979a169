"""Dataclass methods compiled when first called, not when the class is created: the CLI's start-up.

On Python 3.11 and 3.12 `@dataclass` writes each generated method (`__init__`, `__repr__`, `__eq__`, `__hash__`,
and `__setattr__`/`__delattr__` for frozen classes) as source text and compiles it with its own `exec`. The CLI
creates about a hundred dataclasses at import (ours, Typer's) and a command calls few of their methods, on few of
the classes: compiling them all was 50-60 ms of a no-op `up -d` (bench/bench_startup.py). Here every method is
generated as a small stand-in that compiles the real method on its first call and puts it on the class in its
place; what the class does is unchanged (tests/unit/cli/test_deferred_methods.py compares both). Until a class has
its first instance, `inspect.signature` of it shows `(*args, **kwargs)` (nothing in pycompose or Typer asks).

Python 3.13 compiles all of a class's methods in one `exec` and has no `_create_fn`: there this does nothing.
Only the CLI process installs it (`cli/main.py`); the in-process API leaves the caller's dataclasses alone.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable
from typing import Any


def install() -> bool:
    """Defer the compilation of generated dataclass methods in this process; False where it cannot (3.13+ or a
    dataclasses module without the expected private function)."""
    create = getattr(dataclasses, "_create_fn", None)
    if create is None or sys.version_info >= (3, 13) or getattr(create, "deferring", False):
        return False
    dataclasses._create_fn = _deferring(create)  # type: ignore[attr-defined]
    return True


def _deferring(create: Callable[..., Any]) -> Callable[..., Any]:
    def create_fn(name: str, args: Any, body: Any, **options: Any) -> Any:
        return _stand_in(lambda: create(name, args, body, **options), name)

    create_fn.deferring = True  # type: ignore[attr-defined]
    return create_fn


def _stand_in(compile_method: Callable[[], Callable[..., Any]], name: str) -> Callable[..., Any]:
    real: Callable[..., Any] | None = None

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        nonlocal real
        if real is None:
            real = compile_method()
            real.__qualname__ = method.__qualname__  # dataclasses sets the stand-in's to `Class.name`
            owner = next((cls for cls in type(self).__mro__ if cls.__dict__.get(name) is method), None)
            if owner is not None:  # later calls go straight to the real method (a wrapped __repr__ keeps us)
                type.__setattr__(owner, name, real)
        return real(self, *args, **kwargs)

    method.__name__ = name
    return method
