"""Go values as the templates see them: the types standing for Go's, how `%v` prints them, truth, and JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pycompose.errors import ComposeError
from pycompose.gofmt import go_quote, go_scalar_type, go_value


class TemplateError(ComposeError):
    """A template that does not parse or fails while it runs; the message is Go's."""


class _NoValue:
    def __repr__(self) -> str:
        return "<no value>"


NO_VALUE: Any = _NoValue()


@dataclass(frozen=True)
class GoMethod:
    """A method taking arguments (`{{.Label "a"}}`): `params` are the Go kinds of its arguments."""

    function: Callable[..., Any]
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoStruct:
    """A Go struct (or pointer to one) as a template sees it.

    `fields` maps each exported field or method name to its value (a `GoMethod` for a method with arguments), in
    declaration order (the order `%v` prints them). `json` is what `{{json .}}` writes for it when the Go type has its
    own MarshalJSON (None: the fields, in order, as encoding/json writes a struct).
    """

    go_type: str
    fields: Mapping[str, Any]
    json: str | None = None
    printed: str | None = None


class GoMap(dict[str, Any]):
    """A Go map type with methods (the docker CLI's SubHeaderContext: `{{.Label "x"}}` in a table header).

    Methods win over keys, as in Go; a missing key prints `<no value>`."""

    def __init__(self, items: Mapping[str, Any], methods: Mapping[str, GoMethod] | None = None) -> None:
        super().__init__(items)
        self.methods = dict(methods or {})




def _is_alnum(char: str) -> bool:
    return char == "_" or char.isalnum()


def _go_char_literal(char: str) -> str:
    if char == "'":
        return "'\\''"
    inner = go_quote(char)[1:-1]
    return f"'{inner}'"




def go_type(value: Any) -> str:
    """The Go type name a value stands for, as Go's error messages print it."""
    scalar = go_scalar_type(value)
    if scalar is not None:
        return scalar
    if isinstance(value, GoStruct):
        return value.go_type
    if isinstance(value, (list, tuple)):
        return "[]string" if value and all(isinstance(v, str) for v in value) else "[]interface {}"
    if isinstance(value, Mapping):
        return "map[string]string" if all(isinstance(v, str) for v in value.values()) else \
            "map[string]interface {}"
    return "interface {}"


def format_value(value: Any, *, top: bool = True) -> str:
    """How a template prints a value (Go's fmt `%v`): a missing one `<no value>`, a struct `{field …}`."""
    return go_value(value, _template_value)


def _template_value(value: Any) -> str | None:
    if value is NO_VALUE:
        return "<no value>"
    if isinstance(value, GoStruct):
        if value.printed is not None:
            return value.printed
        shown = [format_value(v, top=False) for v in value.fields.values() if not isinstance(v, GoMethod)]
        return "{" + " ".join(shown) + "}"
    return None


def truth(value: Any) -> bool:
    """Go template truth: false, 0, "", nil and empty slices/maps are false; structs are true."""
    if value is None or value is NO_VALUE:
        return False
    if isinstance(value, GoStruct):
        return True
    return bool(value)


def to_json(value: Any) -> str:
    """The docker CLI's `json` function: encoding/json with HTML escaping off (a type's own MarshalJSON output is
    kept as it is: the docker CLI's contexts escape HTML in theirs)."""
    from pycompose.render import gojson

    if isinstance(value, GoStruct) and value.json is not None:
        return value.json
    return gojson.dumps(_jsonable(value), escape_html=False)


def _jsonable(value: Any) -> Any:
    if value is NO_VALUE:
        return None
    if isinstance(value, GoStruct):
        return {k: _jsonable(v) for k, v in value.fields.items() if not isinstance(v, GoMethod)}
    if isinstance(value, Mapping):
        return {str(k): _jsonable(value[k]) for k in sorted(value)}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
