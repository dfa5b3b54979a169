"""The parse tree: each node knows its position and prints itself as Go's `node.String()` does (error messages)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class _Node:
    pos: int

    def text(self) -> str:
        raise NotImplementedError


@dataclass
class _Text(_Node):
    value: str


@dataclass
class _Field(_Node):
    names: tuple[str, ...]

    def text(self) -> str:
        return "".join("." + name for name in self.names)


@dataclass
class _Dot(_Node):
    def text(self) -> str:
        return "."


@dataclass
class _Nil(_Node):
    def text(self) -> str:
        return "nil"


@dataclass
class _Variable(_Node):
    names: tuple[str, ...]  # "$x", then fields

    def text(self) -> str:
        return self.names[0] + "".join("." + name for name in self.names[1:])


@dataclass
class _Identifier(_Node):
    name: str

    def text(self) -> str:
        return self.name


@dataclass
class _Constant(_Node):
    value: Any
    source: str
    kind: str  # string, bool, number

    def text(self) -> str:
        return self.source


@dataclass
class _Chain(_Node):
    base: _Node
    names: tuple[str, ...]

    def text(self) -> str:
        base = self.base.text()
        if isinstance(self.base, _Pipe):
            base = f"({base})"
        return base + "".join("." + name for name in self.names)


@dataclass
class _Command(_Node):
    args: list[_Node]

    def text(self) -> str:
        return " ".join(f"({a.text()})" if isinstance(a, _Pipe) else a.text() for a in self.args)


@dataclass
class _Pipe(_Node):
    declare: list[str]
    assign: bool
    commands: list[_Command]

    def text(self) -> str:
        head = ""
        if self.declare:
            head = ", ".join(self.declare) + (" = " if self.assign else " := ")
        return head + " | ".join(c.text() for c in self.commands)


@dataclass
class _Action(_Node):
    pipe: _Pipe


@dataclass
class _Branch(_Node):
    kind: str  # if, range, with
    pipe: _Pipe
    body: list[_Node]
    orelse: list[_Node] | None


@dataclass
class _Loop(_Node):
    kind: str  # break, continue


@dataclass
class _Include(_Node):
    name: str
    pipe: _Pipe | None
