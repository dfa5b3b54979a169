"""The parser: tokens → the parse tree, with Go's error messages (`template: :LINE: …`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose.presentation.go_template.lexer import _err_parse, _Token
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
from pycompose.presentation.go_template.values import TemplateError, go_quote

_BUILTINS = {"and", "or", "not", "len", "index", "slice", "print", "printf", "println", "eq", "ne", "lt", "le",
             "gt", "ge", "html", "js", "urlquery", "call"}


def _token_text(token: _Token) -> str:
    if token.kind == "eof":
        return "EOF"
    if token.kind == "keyword":
        return f"<{token.value}>"
    if token.kind == "space":
        return "space"
    if len(token.value) > 10:
        return go_quote(token.value[:10]) + "..."
    return go_quote(token.value)


class _Parser:
    def __init__(self, text: str, tokens: list[_Token], functions: Mapping[str, Any]) -> None:
        self.source = text
        self.tokens = tokens
        self.index = 0
        self.functions = functions
        self.variables: list[str] = ["$"]
        self.templates: dict[str, list[_Node]] = {}
        self.range_depth = 0

    # helpers

    def fail(self, message: str, token: _Token | None = None) -> TemplateError:
        token = token or self.tokens[self.index]
        return _err_parse(message, self.source.count("\n", 0, token.pos) + 1)

    def next(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def next_non_space(self) -> _Token:
        token = self.next()
        while token.kind == "space":
            token = self.next()
        return token

    def peek_non_space(self) -> _Token:
        index = self.index
        while self.tokens[index].kind == "space":
            index += 1
        return self.tokens[index]

    def expect(self, kind: str, context: str) -> _Token:
        token = self.next_non_space()
        if token.kind != kind:
            raise self.fail(f"unexpected {_token_text(token)} in {context}", token)
        return token

    # structure

    def parse(self) -> list[_Node]:
        nodes: list[_Node] = []
        while self.peek().kind != "eof":
            node, stop = self.item(top=True)
            if node is not None:
                nodes.append(node)
        return nodes

    def item_list(self, context: str) -> tuple[list[_Node], str]:
        nodes: list[_Node] = []
        while True:
            if self.peek().kind == "eof":
                raise self.fail("unexpected EOF")
            node, stop = self.item(top=False)
            if stop:
                return nodes, stop
            if node is not None:
                nodes.append(node)

    def item(self, *, top: bool) -> tuple[_Node | None, str]:
        token = self.next()
        if token.kind == "text":
            return _Text(token.pos, token.value), ""
        # token is "left"
        word = self.peek_non_space()
        if word.kind == "keyword":
            value = word.value
            if value in ("end", "else"):
                if top:
                    raise self.fail(f"unexpected {{{{{value}}}}}", word)
                self.next_non_space()
                if value == "end":
                    self.expect("right", "end")
                return None, value
            if value in ("if", "range", "with"):
                self.next_non_space()
                return self.branch(value, word), ""
            if value in ("break", "continue"):
                self.next_non_space()
                if self.range_depth == 0:
                    raise self.fail(f"{{{{{value}}}}} outside {{{{range}}}}", word)
                self.expect("right", value)
                return _Loop(word.pos, value), ""
            if value == "define":
                self.next_non_space()
                self.define(word)
                return None, ""
            if value in ("template", "block"):
                self.next_non_space()
                return self.include(value, word), ""
        pipe = self.pipeline("command", end="right")
        return _Action(token.pos, pipe), ""

    def branch(self, kind: str, word: _Token) -> _Branch:
        mark = len(self.variables)
        pipe = self.pipeline(kind, end="right")
        if kind == "range":
            self.range_depth += 1
        body, stop = self.item_list(kind)
        if kind == "range":
            self.range_depth -= 1
        orelse: list[_Node] | None = None
        if stop == "else":
            follow = self.peek_non_space()
            if kind in ("if", "with") and follow.kind == "keyword" and follow.value == kind:
                self.next_non_space()
                del self.variables[mark:]
                orelse = [self.branch(kind, follow)]
            else:
                self.expect("right", "else")
                del self.variables[mark:]
                orelse, stop = self.item_list(kind)
                if stop != "end":
                    raise self.fail("expected end; found {{else}}")
        del self.variables[mark:]
        return _Branch(word.pos, kind, pipe, body, orelse)

    def define(self, word: _Token) -> None:
        name_token = self.next_non_space()
        if name_token.kind not in ("string", "raw"):
            raise self.fail(f"unexpected {_token_text(name_token)} in define clause", name_token)
        self.expect("right", "define clause")
        saved, self.variables = self.variables, ["$"]
        body, stop = self.item_list("define")
        if stop != "end":
            raise self.fail("unexpected {{else}}")
        self.variables = saved
        self.templates[_unquote(name_token.value)] = body

    def include(self, kind: str, word: _Token) -> _Include:
        name_token = self.next_non_space()
        if name_token.kind not in ("string", "raw"):
            raise self.fail(f"unexpected {_token_text(name_token)} in {kind} clause", name_token)
        name = _unquote(name_token.value)
        pipe = None
        if self.peek_non_space().kind != "right":
            pipe = self.pipeline(kind, end="right")
        else:
            self.expect("right", f"{kind} clause")
        if kind == "block":
            saved, self.variables = self.variables, ["$"]
            body, stop = self.item_list("block")
            self.variables = saved
            self.templates[name] = body
        return _Include(word.pos, name, pipe)

    def pipeline(self, context: str, *, end: str) -> _Pipe:
        start = self.peek_non_space()
        declare: list[str] = []
        assign = False
        if start.kind == "var":
            save = self.index
            names = [self.next_non_space().value]
            follow = self.next_non_space()
            if follow.kind == "comma" and context == "range":
                names.append(self.expect("var", "range").value)
                follow = self.next_non_space()
            if follow.kind in ("declare", "assign"):
                assign = follow.kind == "assign"
                declare = names
                for name in names:
                    if assign:
                        if name not in self.variables:
                            raise self.fail(f'undefined variable "{name}"', start)
                    else:
                        self.variables.append(name)
            else:
                self.index = save
        commands: list[_Command] = []
        while True:
            token = self.peek_non_space()
            if token.kind == end:
                self.next_non_space()
                if not commands:
                    raise self.fail(f"missing value for {context}", token)
                return _Pipe(start.pos, declare, assign, commands)
            if token.kind in ("right", "rparen", "eof") and token.kind != end:
                self.next_non_space()
                raise self.fail(f"unexpected {_token_text(token)} in {context}", token)
            commands.append(self.command())

    def command(self) -> _Command:
        args: list[_Node] = []
        first = self.peek_non_space()
        while True:
            token = self.peek_non_space()
            if token.kind in ("right", "rparen"):
                break
            if token.kind == "pipe":
                self.next_non_space()
                if not args:
                    raise self.fail("missing value for command", token)
                break
            if token.kind == "eof":
                raise self.fail("unclosed action", token)
            operand = self.operand()
            args.append(operand)
            follow = self.peek()
            if follow.kind not in ("space", "right", "rparen", "pipe"):
                raise self.fail(f"unexpected {_token_text(follow)} in operand", follow)
        if not args:
            raise self.fail("empty command", first)
        return _Command(first.pos, args)

    def operand(self) -> _Node:
        node = self.term()
        if self.peek().kind == "field":
            fields: list[str] = []
            chain_pos = self.peek().pos
            while self.peek().kind == "field":
                fields.append(self.next().value[1:])
            if isinstance(node, _Field):
                return _Field(chain_pos, node.names + tuple(fields))
            if isinstance(node, _Variable):
                return _Variable(chain_pos, node.names + tuple(fields))
            if isinstance(node, (_Constant, _Nil, _Dot)):
                raise self.fail(f"unexpected . after term {go_quote(node.text())}")
            return _Chain(chain_pos, node, tuple(fields))
        return node

    def term(self) -> _Node:
        token = self.next_non_space()
        kind, value = token.kind, token.value
        if kind == "ident":
            if value not in self.functions and value not in _BUILTINS:
                raise self.fail(f'function "{value}" not defined', token)
            return _Identifier(token.pos, value)
        if kind == "dot":
            return _Dot(token.pos)
        if kind == "keyword" and value == "nil":
            return _Nil(token.pos)
        if kind == "keyword" and value in ("true", "false"):
            return _Constant(token.pos, value == "true", value, "bool")
        if kind == "var":
            if value not in self.variables:
                raise self.fail(f'undefined variable "{value}"', token)
            return _Variable(token.pos, (value,))
        if kind == "field":
            return _Field(token.pos, (value[1:],))
        if kind in ("string", "raw"):
            return _Constant(token.pos, _unquote(value), value, "string")
        if kind == "char":
            return _Constant(token.pos, ord(_unquote(value)), value, "number")
        if kind == "number":
            return _Constant(token.pos, _number(value, self, token), value, "number")
        if kind == "lparen":
            return self.pipeline("parenthesized pipeline", end="rparen")
        raise self.fail(f"unexpected {_token_text(token)} in operand", token)


def _number(text: str, parser: _Parser, token: _Token) -> int | float:
    clean = text.replace("_", "")
    try:
        if clean.lower().lstrip("+-").startswith(("0x", "0o", "0b")):
            return int(clean, 0)
        if any(c in clean for c in ".eE"):
            value = float(clean)
            return value
        return int(clean, 10) if not (len(clean.lstrip("+-")) > 1 and clean.lstrip("+-")[0] == "0") \
            else int(clean.lstrip("+-"), 8) * (-1 if clean.startswith("-") else 1)
    except ValueError:
        raise parser.fail(f"illegal number syntax: {go_quote(text)}", token) from None


_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", "'": "'",
            '"': '"'}


def _unquote(literal: str) -> str:
    if literal[0] == "`":
        return literal[1:-1].replace("\r", "")
    body, out, index = literal[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = body[index + 1]
        if code in _ESCAPES:
            out.append(_ESCAPES[code])
            index += 2
        elif code == "x":
            out.append(chr(int(body[index + 2:index + 4], 16)))
            index += 4
        elif code == "u":
            out.append(chr(int(body[index + 2:index + 6], 16)))
            index += 6
        elif code == "U":
            out.append(chr(int(body[index + 2:index + 10], 16)))
            index += 10
        elif code in "01234567":
            out.append(chr(int(body[index + 1:index + 4], 8)))
            index += 4
        else:
            raise TemplateError(f"template: :1: invalid syntax: {literal}")
    return "".join(out)
