"""Running a parsed template: dot, variables, pipelines, function calls, and Go's execution errors."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pycompose.presentation.go_template.functions import (
    _ANY,
    BUILTIN_FUNCTIONS,
    DOCKER_FUNCTIONS,
    _CallError,
    _Function,
)
from pycompose.presentation.go_template.lexer import _Lexer
from pycompose.presentation.go_template.nodes import (
    _Action,
    _Branch,
    _Chain,
    _Command,
    _Constant,
    _Dot,
    _Field,
    _Identifier,
    _Include,
    _Loop,
    _Nil,
    _Node,
    _Pipe,
    _Text,
    _Variable,
)
from pycompose.presentation.go_template.parser import _Parser
from pycompose.presentation.go_template.values import (
    NO_VALUE,
    GoMap,
    GoMethod,
    GoStruct,
    TemplateError,
    format_value,
    go_type,
    truth,
)


class _ExecError(Exception):
    def __init__(self, node: _Node, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_KIND_NAMES = {"string": "string", "int": "int", "strings": "[]string"}


@dataclass
class _State:
    template: Template
    functions: Mapping[str, _Function]
    variables: list[tuple[str, Any]] = field(default_factory=list)
    out: list[str] = field(default_factory=list)
    depth: int = 0

    def fail(self, node: _Node, message: str) -> _ExecError:
        return _ExecError(node, message)

    # variables

    def lookup(self, node: _Node, name: str) -> Any:
        for key, value in reversed(self.variables):
            if key == name:
                return value
        raise self.fail(node, f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for index in range(len(self.variables) - 1, -1, -1):
            if self.variables[index][0] == name:
                self.variables[index] = (name, value)
                return

    # walking

    def walk(self, dot: Any, nodes: Sequence[_Node]) -> None:
        for node in nodes:
            self.walk_node(dot, node)

    def walk_node(self, dot: Any, node: _Node) -> None:
        if isinstance(node, _Text):
            self.out.append(node.value)
        elif isinstance(node, _Action):
            value = self.eval_pipe(dot, node.pipe)
            if not node.pipe.declare:
                self.out.append(self.printable(node.pipe, value))
        elif isinstance(node, _Branch):
            self.walk_branch(dot, node)
        elif isinstance(node, _Loop):
            raise _Break() if node.kind == "break" else _Continue()
        elif isinstance(node, _Include):
            self.walk_include(dot, node)

    def printable(self, node: _Node, value: Any) -> str:
        if isinstance(value, GoMethod):
            raise self.fail(node, "can't print method value")
        return format_value(value)

    def walk_branch(self, dot: Any, node: _Branch) -> None:
        mark = len(self.variables)
        try:
            if node.kind == "range":
                self.walk_range(dot, node)
                return
            value = self.eval_pipe(dot, node.pipe)
            if truth(value):
                self.walk(value if node.kind == "with" else dot, node.body)
            elif node.orelse is not None:
                del self.variables[mark:]
                self.walk(dot, node.orelse)
        finally:
            del self.variables[mark:]

    def walk_range(self, dot: Any, node: _Branch) -> None:
        pipe = node.pipe
        value = self.eval_pipe(dot, _Pipe(pipe.pos, [], False, pipe.commands))
        if isinstance(value, GoStruct) or isinstance(value, (str, float, bool)):
            raise self.fail(node, f"range can't iterate over {format_value(value)}")
        if isinstance(value, Mapping):
            items: list[tuple[Any, Any]] = [(k, value[k]) for k in sorted(value)]
        elif isinstance(value, int):
            items = [(i, i) for i in range(value)]
        elif value is None or value is NO_VALUE:
            items = []
        else:
            items = list(enumerate(value))
        if not items:
            if node.orelse is not None:
                self.walk(dot, node.orelse)
            return
        mark = len(self.variables)
        for key, element in items:
            del self.variables[mark:]
            if len(pipe.declare) == 1:
                self.variables.append((pipe.declare[0], key if isinstance(value, int) else element))
            elif len(pipe.declare) == 2:
                self.variables.append((pipe.declare[0], key))
                self.variables.append((pipe.declare[1], element))
            try:
                self.walk(element, node.body)
            except _Break:
                break
            except _Continue:
                continue

    def walk_include(self, dot: Any, node: _Include) -> None:
        body = self.template.templates.get(node.name)
        if body is None:
            raise self.fail(node, f'template "{node.name}" not defined')
        value = self.eval_pipe(dot, node.pipe) if node.pipe is not None else None
        self.depth += 1
        if self.depth > 1000:
            raise self.fail(node, "exceeded maximum template depth (100000)")
        saved, self.variables = self.variables, [("$", value)]
        try:
            self.walk(value, body)
        finally:
            self.variables = saved
            self.depth -= 1

    # pipelines

    def eval_pipe(self, dot: Any, pipe: _Pipe) -> Any:
        value: Any = _MISSING
        for command in pipe.commands:
            value = self.eval_command(dot, command, value)
        if pipe.declare:
            if pipe.assign:
                self.set_var(pipe.declare[0], value)
            else:
                self.variables.append((pipe.declare[0], value))
        return value

    def eval_command(self, dot: Any, command: _Command, final: Any) -> Any:
        first = command.args[0]
        if isinstance(first, _Field):
            return self.eval_field_chain(dot, first, dot, first.names, command.args, final)
        if isinstance(first, _Chain):
            base = self.eval_arg_value(dot, first.base)
            return self.eval_field_chain(dot, first, base, first.names, command.args, final)
        if isinstance(first, _Identifier):
            return self.eval_function(dot, first, command, final)
        if isinstance(first, _Variable):
            base = self.lookup(first, first.names[0])
            if len(first.names) == 1:
                self.no_args(command, final)
                return base
            return self.eval_field_chain(dot, first, base, first.names[1:], command.args, final)
        if isinstance(first, _Pipe):
            self.no_args(command, final)
            return self.eval_pipe(dot, first)
        self.no_args(command, final)
        if isinstance(first, _Dot):
            return dot
        if isinstance(first, _Nil):
            raise self.fail(first, "nil is not a command")
        if isinstance(first, _Constant):
            return first.value
        raise self.fail(first, f"can't evaluate command {first.text()!r}")

    def no_args(self, command: _Command, final: Any) -> None:
        if len(command.args) > 1 or final is not _MISSING:
            raise self.fail(command.args[0], f"can't give argument to non-function {command.args[0].text()}")

    def eval_field_chain(self, dot: Any, node: _Node, receiver: Any, names: Sequence[str], args: Sequence[_Node],
                         final: Any) -> Any:
        for name in names[:-1]:
            receiver = self.eval_field(dot, node, receiver, name, (), _MISSING)
        return self.eval_field(dot, node, receiver, names[-1], args[1:], final)

    def eval_field(self, dot: Any, node: _Node, receiver: Any, name: str, args: Sequence[_Node], final: Any) -> Any:
        if receiver is None or receiver is NO_VALUE:
            raise self.fail(node, f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, GoStruct):
            if name not in receiver.fields:
                raise self.fail(node, f"can't evaluate field {name} in type {receiver.go_type}")
            value = receiver.fields[name]
            if isinstance(value, GoMethod):
                values = self.eval_args(dot, node, name, value.params, None, args, final)
                try:
                    return value.function(*values)
                except _CallError as error:
                    raise self.fail(node, f"error calling {name}: {error}") from None
            if args or final is not _MISSING:
                raise self.fail(node, f"{name} has arguments but cannot be invoked as function")
            return value
        if isinstance(receiver, GoMap) and name in receiver.methods:
            method = receiver.methods[name]
            values = self.eval_args(dot, node, name, method.params, None, args, final)
            return method.function(*values)
        if isinstance(receiver, Mapping):
            if args or final is not _MISSING:
                raise self.fail(node, f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            return NO_VALUE
        raise self.fail(node, f"can't evaluate field {name} in type {go_type(receiver)}")

    def eval_function(self, dot: Any, node: _Identifier, command: _Command, final: Any) -> Any:
        name = node.name
        if name in ("and", "or"):
            return self.eval_and_or(dot, node, command, final)
        function = self.functions.get(name) or BUILTIN_FUNCTIONS.get(name)
        if function is None:
            raise self.fail(node, f'"{name}" is not a defined function')
        values = self.eval_args(dot, node, name, function.params, function.variadic, command.args[1:], final)
        try:
            return function.function(*values)
        except _CallError as error:
            raise self.fail(command, f"error calling {name}: {error}") from None

    def eval_and_or(self, dot: Any, node: _Identifier, command: _Command, final: Any) -> Any:
        args: list[Any] = [lambda a=a: self.eval_arg_value(dot, a) for a in command.args[1:]]
        if final is not _MISSING:
            args.append(lambda: final)
        if not args:
            raise self.fail(node, f"wrong number of args for {node.name}: want at least 1 got 0")
        value = None
        for thunk in args:
            value = thunk()
            if truth(value) != (node.name == "and"):
                return value
        return value

    def eval_args(self, dot: Any, node: _Node, name: str, params: Sequence[str], variadic: str | None,
                  args: Sequence[_Node], final: Any) -> list[Any]:
        count = len(args) + (final is not _MISSING)
        if variadic is None and count != len(params):
            raise self.fail(node, f"wrong number of args for {name}: want {len(params)} got {count}")
        if variadic is not None and count < len(params):
            raise self.fail(node, f"wrong number of args for {name}: want at least {len(params)} got {count}")
        values = []
        for position, arg in enumerate(args):
            kind = params[position] if position < len(params) else variadic or _ANY
            values.append(self.eval_arg(dot, arg, kind))
        if final is not _MISSING:
            kind = params[len(args)] if len(args) < len(params) else variadic or _ANY
            values.append(self.check_value(node, final, kind))
        return values

    def eval_arg(self, dot: Any, node: _Node, kind: str) -> Any:
        if isinstance(node, _Constant):
            value = node.value
            if kind == "string" and node.kind != "string":
                raise self.fail(node, f"expected string; found {node.source}")
            if kind == "int" and (node.kind != "number" or isinstance(value, float)):
                raise self.fail(node, f"expected integer; found {node.source}")
            if kind == "strings":
                raise self.fail(node, f"can't handle {node.source} for arg of type []string")
            return value
        if isinstance(node, _Nil):
            if kind in ("string", "int"):
                raise self.fail(node, f"cannot assign nil to {kind}")
            return None
        return self.check_value(node, self.eval_arg_value(dot, node), kind)

    def eval_arg_value(self, dot: Any, node: _Node) -> Any:
        if isinstance(node, _Dot):
            return dot
        if isinstance(node, _Nil):
            return None
        if isinstance(node, _Constant):
            return node.value
        if isinstance(node, _Field):
            return self.eval_field_chain(dot, node, dot, node.names, [node], _MISSING)
        if isinstance(node, _Variable):
            value = self.lookup(node, node.names[0])
            if len(node.names) > 1:
                value = self.eval_field_chain(dot, node, value, node.names[1:], [node], _MISSING)
            return value
        if isinstance(node, _Pipe):
            return self.eval_pipe(dot, node)
        if isinstance(node, _Chain):
            base = self.eval_arg_value(dot, node.base)
            return self.eval_field_chain(dot, node, base, node.names, [node], _MISSING)
        if isinstance(node, _Identifier):
            return self.eval_function(dot, node, _Command(node.pos, [node]), _MISSING)
        raise self.fail(node, f"can't handle {node.text()} for arg")

    def check_value(self, node: _Node, value: Any, kind: str) -> Any:
        if kind == _ANY:
            return value
        if value is None or value is NO_VALUE:
            raise self.fail(node, f"invalid value; expected {_KIND_NAMES[kind]}")
        ok = {"string": isinstance(value, str),
              "int": isinstance(value, int) and not isinstance(value, bool),
              "strings": isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)}[kind]
        if not ok:
            raise self.fail(node, f"wrong type for value; expected {_KIND_NAMES[kind]}; got {go_type(value)}")
        return value


_MISSING: Any = object()


class Template:
    """A parsed template: `execute(data)` renders it; `execute_partial` keeps what was written before an error."""

    def __init__(self, source: str, nodes: list[_Node], templates: dict[str, list[_Node]],
                 functions: Mapping[str, _Function], name: str = "") -> None:
        self.source = source
        self.nodes = nodes
        self.templates = templates
        self.functions = functions
        self.name = name

    def execute(self, data: Any, *, functions: Mapping[str, _Function] | None = None) -> str:
        """Render with `data` as dot; `functions` replace the ones the template was parsed with (same names).

        Raises:
            TemplateError: Go's message, `template: :LINE:COL: executing "" at <NODE>: …`.
        """
        state = _State(self, {**self.functions, **(functions or {})}, [("$", data)])
        try:
            state.walk(data, self.nodes)
        except _ExecError as error:
            raise TemplateError(self._exec_message(error)) from None
        except (_Break, _Continue):  # the parser allows them only inside range
            raise TemplateError("template: break or continue outside range") from None
        except RecursionError:
            raise TemplateError("template: exceeded maximum template depth") from None
        return "".join(state.out)

    def execute_partial(self, data: Any, *, functions: Mapping[str, _Function] | None = None) -> str:
        """What `execute` writes, up to an error if there is one (Go's Execute into a buffer, error ignored)."""
        state = _State(self, {**self.functions, **(functions or {})}, [("$", data)])
        try:
            state.walk(data, self.nodes)
        except (_ExecError, _Break, _Continue, RecursionError):
            pass
        return "".join(state.out)

    def _exec_message(self, error: _ExecError) -> str:
        pos = error.node.pos
        line = self.source.count("\n", 0, pos) + 1
        column = pos - (self.source.rfind("\n", 0, pos) + 1)
        node = error.node
        text = node.kind if isinstance(node, _Branch) else "template" if isinstance(node, _Include) else node.text()
        return f'template: {self.name}:{line}:{column}: executing "{self.name}" at <{text}>: {error.message}'


def parse(text: str, *, functions: Mapping[str, _Function] | None = None) -> Template:
    """Parse a template with Go's builtins and the docker CLI's functions (plus `functions`).

    Raises:
        TemplateError: Go's message, `template: :LINE: …`.
    """
    all_functions = {**DOCKER_FUNCTIONS, **(functions or {})}
    tokens = _Lexer(text).run()
    parser = _Parser(text, tokens, all_functions)
    nodes = parser.parse()
    return Template(text, nodes, parser.templates, all_functions)
