"""The functions a template calls: Go's builtins and the docker CLI's, with the argument kinds they take."""

from __future__ import annotations

import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pycompose.gofmt import go_float
from pycompose.presentation.go_template.values import (
    NO_VALUE,
    GoMethod,
    GoStruct,
    _go_char_literal,
    _is_alnum,
    format_value,
    go_quote,
    go_type,
    to_json,
    truth,
)


class _CallError(Exception):
    """An error inside a function call: Go writes `error calling NAME: MESSAGE`."""


@dataclass(frozen=True)
class _Function:
    function: Callable[..., Any]
    params: tuple[str, ...]  # string, int, strings, any
    variadic: str | None = None  # the kind of the trailing variadic arguments


def _pad(source: str, prefix: int, suffix: int) -> str:
    return source if source == "" else " " * prefix + source + " " * suffix


def _truncate(source: str, length: int) -> str:
    raw = source.encode()
    if len(raw) < length:
        return source
    return raw[:max(length, 0)].decode(errors="replace")


def _title(text: str) -> str:
    out, previous = [], " "
    for char in text:
        out.append(char.upper() if not _is_alnum(previous) and previous not in "'" else char)
        previous = char
    return "".join(out)


def _split(text: str, sep: str) -> list[str]:
    if sep == "":
        return list(text)
    return text.split(sep)


DOCKER_FUNCTIONS: dict[str, _Function] = {
    "json": _Function(to_json, ("any",)),
    "split": _Function(_split, ("string", "string")),
    "join": _Function(lambda items, sep: sep.join(items), ("strings", "string")),
    "title": _Function(_title, ("string",)),
    "lower": _Function(str.lower, ("string",)),
    "upper": _Function(str.upper, ("string",)),
    "pad": _Function(_pad, ("string", "int", "int")),
    "truncate": _Function(_truncate, ("string", "int")),
}

HEADER_FUNCTIONS: dict[str, _Function] = {
    "json": _Function(lambda v: v, ("string",)),
    "split": _Function(lambda v, _s: v, ("string", "string")),
    "join": _Function(lambda v, _s: v, ("string", "string")),
    "title": _Function(lambda v: v, ("string",)),
    "lower": _Function(lambda v: v, ("string",)),
    "upper": _Function(lambda v: v, ("string",)),
    "truncate": _Function(lambda v, _n: v, ("string", "int")),
}
"""The docker CLI runs a table's header with these in place of the basic functions: column names stay intact."""


def _len(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    if isinstance(value, (list, tuple, Mapping)):
        return len(value)
    raise _CallError(f"len of type {go_type(value)}")


def _index(item: Any, *indexes: Any) -> Any:
    for key in indexes:
        if isinstance(item, Mapping):
            item = item.get(key, "" if all(isinstance(v, str) for v in item.values()) else None)
        elif isinstance(item, (list, tuple, str)):
            if isinstance(key, bool) or not isinstance(key, int):
                raise _CallError(f"cannot index slice/array with type {go_type(key)}")
            length = len(item.encode()) if isinstance(item, str) else len(item)
            if key < 0 or key >= length:
                raise _CallError(f"index out of range: {key}")
            item = item.encode()[key] if isinstance(item, str) else item[key]
        elif item is None or item is NO_VALUE:
            raise _CallError("index of untyped nil")
        else:
            raise _CallError(f"can't index item of type {go_type(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    if not isinstance(item, (str, list, tuple)):
        raise _CallError(f"can't slice item of type {go_type(item)}")
    if len(indexes) > 3 or (isinstance(item, str) and len(indexes) > 2):
        raise _CallError(f"too many slice indexes: {len(indexes)}")
    length = len(item.encode()) if isinstance(item, str) else len(item)
    bounds = [0, length]
    for position, key in enumerate(indexes[:2]):
        if key < 0 or key > length:
            raise _CallError(f"index out of range: {key}")
        bounds[position] = key
    if bounds[0] > bounds[1]:
        raise _CallError(f"invalid slice index: {bounds[0]} > {bounds[1]}")
    if isinstance(item, str):
        return item.encode()[bounds[0]:bounds[1]].decode(errors="replace")
    return list(item[bounds[0]:bounds[1]])


def _basic_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    if value is None or value is NO_VALUE:
        return "nil"
    return "other"


def _eq(first: Any, *others: Any) -> bool:
    if not others:
        raise _CallError("missing argument for comparison")
    kind = _basic_kind(first)
    if kind == "other" and not isinstance(first, GoStruct):
        raise _CallError("non-comparable type")
    for other in others:
        other_kind = _basic_kind(other)
        if other_kind == "other" and not isinstance(other, GoStruct):
            raise _CallError("non-comparable type")
        if kind != other_kind:
            if "nil" in (kind, other_kind):
                if first is other:
                    return True
                continue
            raise _CallError("incompatible types for comparison")
        if first == other:
            return True
    return False


def _lt(first: Any, second: Any) -> bool:
    kind, other_kind = _basic_kind(first), _basic_kind(second)
    if kind in ("bool", "nil", "other") or other_kind in ("bool", "nil", "other"):
        if kind == other_kind or kind in ("bool", "nil", "other"):
            raise _CallError("invalid type for comparison")
    if kind != other_kind:
        raise _CallError("incompatible types for comparison")
    return bool(first < second)


def _html(*args: Any) -> str:
    text = _sprint(args)
    return (text.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&#34;").replace("\0", "\ufffd"))


def _js(*args: Any) -> str:
    text, out = _sprint(args), []
    for char in text:
        if char in "\\'\"":
            out.append("\\" + char)
        elif char in "<>&=":
            out.append(f"\\u{ord(char):04X}")
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(_sprint(args), safe="")


def _sprint(args: Sequence[Any]) -> str:
    """fmt.Sprint: a space between operands when neither is a string."""
    out: list[str] = []
    for index, arg in enumerate(args):
        if index > 0 and not isinstance(arg, str) and not isinstance(args[index - 1], str):
            out.append(" ")
        out.append(format_value(arg))
    return "".join(out)


def _sprintln(*args: Any) -> str:
    return " ".join(format_value(a) for a in args) + "\n"


def _sprintf(template: str, *args: Any) -> str:
    """fmt.Sprintf for the verbs templates use: v s d q x X f e g t c o b %, flags `-+ 0#`, width, precision."""
    out: list[str] = []
    index, used, length = 0, 0, len(template)
    while index < length:
        char = template[index]
        if char != "%":
            out.append(char)
            index += 1
            continue
        index += 1
        flags = ""
        while index < length and template[index] in "-+# 0":
            flags += template[index]
            index += 1
        width = ""
        while index < length and template[index].isdigit():
            width += template[index]
            index += 1
        precision: int | None = None
        if index < length and template[index] == ".":
            index += 1
            digits = ""
            while index < length and template[index].isdigit():
                digits += template[index]
                index += 1
            precision = int(digits or "0")
        if index >= length:
            out.append("%!(NOVERB)")
            break
        verb = template[index]
        index += 1
        if verb == "%":
            out.append("%")
            continue
        if used >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[used]
        used += 1
        text = _format_verb(verb, arg, flags, precision)
        if width and len(text) < int(width):
            pad = int(width) - len(text)
            if "-" in flags:
                text = text + " " * pad
            elif "0" in flags and verb in "dxXfeEgGob" and not isinstance(arg, str):
                sign = text[0] if text[:1] in "+-" else ""
                text = sign + "0" * pad + text[len(sign):]
            else:
                text = " " * pad + text
        out.append(text)
    if used < len(args):
        extra = ", ".join(f"{go_type(a)}={format_value(a)}" for a in args[used:])
        out.append(f"%!(EXTRA {extra})")
    return "".join(out)


def _format_verb(verb: str, arg: Any, flags: str, precision: int | None) -> str:
    bad = f"%!{verb}({go_type(arg)}={format_value(arg)})"
    if arg is None:
        return "<nil>" if verb in "vs" else f"%!{verb}(<nil>)"
    if verb == "v":
        return format_value(arg)
    if verb == "t":
        return ("true" if arg else "false") if isinstance(arg, bool) else bad
    if isinstance(arg, bool):
        return bad
    if verb == "s":
        if isinstance(arg, str):
            return arg[:precision] if precision is not None else arg
        if isinstance(arg, (list, tuple)) and all(isinstance(v, str) for v in arg):
            return format_value(arg)
        return bad
    if verb == "q":
        if isinstance(arg, str):
            return go_quote(arg)
        if isinstance(arg, int):
            return _go_char_literal(chr(arg))
        return bad
    if verb in "xX":
        if isinstance(arg, str):
            text = arg.encode().hex()
        elif isinstance(arg, int):
            text = format(arg, "x")
        else:
            return bad
        return text.upper() if verb == "X" else text
    if verb in "dobc":
        if not isinstance(arg, int):
            return bad
        if verb == "c":
            return chr(arg)
        text = format(arg, {"d": "d", "o": "o", "b": "b"}[verb])
        return ("+" + text) if "+" in flags and arg >= 0 else text
    if verb in "feEgG":
        if not isinstance(arg, (int, float)) or isinstance(arg, int):
            return bad
        if verb == "f":
            return f"{arg:.{6 if precision is None else precision}f}"
        if verb in "eE":
            text = f"{arg:.{6 if precision is None else precision}e}"
            return text.upper() if verb == "E" else text
        return go_float(arg) if precision is None else f"{arg:.{precision}g}"
    return f"%!{verb}({go_type(arg)}={format_value(arg)})"


def _call(function: Any, *args: Any) -> Any:
    if isinstance(function, GoMethod):
        return function.function(*args)
    if not callable(function):
        raise _CallError(f"non-function of type {go_type(function)}")
    return function(*args)


_ANY = "any"

BUILTIN_FUNCTIONS: dict[str, _Function] = {
    "len": _Function(_len, (_ANY,)),
    "index": _Function(_index, (_ANY,), _ANY),
    "slice": _Function(_slice, (_ANY,), "int"),
    "print": _Function(lambda *a: _sprint(a), (), _ANY),
    "printf": _Function(_sprintf, ("string",), _ANY),
    "println": _Function(_sprintln, (), _ANY),
    "eq": _Function(_eq, (_ANY,), _ANY),
    "ne": _Function(lambda a, b: not _eq(a, b), (_ANY, _ANY)),
    "lt": _Function(_lt, (_ANY, _ANY)),
    "le": _Function(lambda a, b: _lt(a, b) or _eq(a, b), (_ANY, _ANY)),
    "gt": _Function(lambda a, b: not (_lt(a, b) or _eq(a, b)), (_ANY, _ANY)),
    "ge": _Function(lambda a, b: not _lt(a, b), (_ANY, _ANY)),
    "html": _Function(_html, (), _ANY),
    "js": _Function(_js, (), _ANY),
    "urlquery": _Function(_urlquery, (), _ANY),
    "call": _Function(_call, (_ANY,), _ANY),
    "not": _Function(lambda a: not truth(a), (_ANY,)),
}
