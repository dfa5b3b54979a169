"""The CLI's deferred dataclass methods (pycompose/cli/deferred_methods.py) behave as the methods dataclasses
compiles at once: the same classes, defined with and without the deferral, are compared on every generated
method. The deferral is installed with monkeypatch here, so the test process gets its dataclasses back."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from typing import Any

import pytest

from pycompose.cli import deferred_methods

needs_create_fn = pytest.mark.skipif(
    not hasattr(dataclasses, "_create_fn") or sys.version_info >= (3, 13),
    reason="this Python compiles a dataclass's methods in one exec; the deferral does nothing",
)


def define_classes() -> dict[str, Any]:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    @dataclasses.dataclass(frozen=True)
    class Labelled(Point):
        label: str = "a"

    @dataclasses.dataclass(order=True)
    class Version:
        major: int
        minor: int = 0

    @dataclasses.dataclass(frozen=True, slots=True)
    class Slotted:
        name: str

    @dataclasses.dataclass
    class Node:
        value: int
        children: list[Any] = dataclasses.field(default_factory=list)

    return {"Point": Point, "Labelled": Labelled, "Version": Version, "Slotted": Slotted, "Node": Node}


def behaviour(classes: dict[str, Any]) -> list[Any]:
    point, labelled, version, slotted, node = (classes[name] for name in ("Point", "Labelled", "Version",
                                                                          "Slotted", "Node"))
    seen: list[Any] = []
    a, b = point(1, 2, ("t",)), point(1, 2, ("t",))
    seen += [repr(a), a == b, a != point(2), hash(a) == hash(b), a == (1, 2), {a: 1}[b]]
    for _ in range(2):  # the first call compiles, the second goes to the real method
        seen += [repr(labelled(1)), labelled(1) == labelled(1), labelled(1) == point(1), hash(labelled(1))]
    for attempt in ("set", "del"):
        try:
            if attempt == "set":
                a.x = 5  # type: ignore[misc]
            else:
                del a.x  # type: ignore[misc]
        except dataclasses.FrozenInstanceError as error:
            seen.append(f"{attempt}: {error}")
    seen += [version(1, 2) < version(1, 3), version(2) >= version(1, 9)]
    seen += [repr(v) for v in sorted([version(3), version(1, 1)])]
    seen += [repr(slotted("s")), slotted("s") == slotted("s"), hash(slotted("s")) == hash(slotted("s"))]
    loop = node(1)
    loop.children.append(loop)
    seen += [repr(loop), node(1) == node(1), node(1) != node(2)]
    seen += [point.__eq__.__qualname__.split(".")[-2:], point.__init__.__qualname__.split(".")[-2:]]
    return seen


@needs_create_fn
def test_deferred_methods_behave_as_compiled_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = behaviour(define_classes())
    monkeypatch.setattr(dataclasses, "_create_fn", deferred_methods._deferring(dataclasses._create_fn))
    deferred_classes = define_classes()
    for name in ("__init__", "__eq__"):  # really deferred
        assert deferred_classes["Point"].__dict__[name].__code__.co_name == "method"
    assert behaviour(deferred_classes) == plain
    assert deferred_classes["Point"].__dict__["__eq__"].__code__.co_name == "__eq__"  # replaced once called


@needs_create_fn
def test_install_is_idempotent_and_the_cli_process_uses_it() -> None:
    script = (
        "import dataclasses\n"
        "from pycompose.cli import deferred_methods\n"
        "print(deferred_methods.install(), deferred_methods.install(), "
        "getattr(dataclasses._create_fn, 'deferring', False))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["True", "False", "True"]


def test_install_does_nothing_without_the_private_function(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(dataclasses, "_create_fn", raising=False)
    assert deferred_methods.install() is False
    assert not hasattr(dataclasses, "_create_fn")
