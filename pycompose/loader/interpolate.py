"""Variable interpolation in compose values, with Compose v2's grammar, messages and type casts.

Grammar (compose-go `template`, measured against v2.40.3): `$$` is a literal `$`; `$NAME` and `${NAME}` (names
`[_a-zA-Z][_a-zA-Z0-9]*`, looked up case-sensitively); `${NAME:-default}` (unset or empty), `${NAME-default}` (unset);
`${NAME:?message}` / `${NAME?message}` fail when unset-or-empty / unset; `${NAME:+replacement}` /
`${NAME+replacement}`; defaults, messages and replacements are themselves interpolated (so `${A:-${B}}` nests, and
an unset `B` is warned about even when `A` is set). A `$` followed by anything else (`$1`, `$ `, a final `$`) stays
literal; `${` not followed by a valid expression up to a `}` on the same line is an error. Only values are
interpolated, never keys.

Matching follows v2 exactly, quirks included: an expression with an operator extends (greedily, like v2's regular
expression) to the last `}` of the line, is then cut at the `}` closing the first `${`, and the remainder is
interpolated on its own (`${A:-x}}` gives `x}`).

Representation of `$`: after interpolation a string holds what the container will get, so `$$` becomes a single
`$` and a variable's value is inserted as is. v2 prints every `$` of an interpolated model doubled in
`config` (json and yaml: `"$$HOME"`, a value `a$b` from the environment prints as `a$$b`) while the container sees
one `$` (`A: "x$$y"` → `A=x$y` inside it); the `config` renderer does that doubling, not this module.

Warnings: `The "X" variable is not set. Defaulting to a blank string.` is passed to `warn` once per occurrence of an
unset variable (v2 logs it every time, e.g. three times for `$X ${X}` plus another `${X}`); de-duplicating is the
caller's choice.

Errors: InterpolationError whose message is v2's text, with v2's path spelling (list items as `[]`) inside it, and
whose `path` is our key tuple (with list indexes) so the loader can add file, line and column:
    invalid interpolation format for services.s.environment.a.\nYou may need to escape any $ with another $.\n${
    error while interpolating services.s.environment.[]: required variable X is missing a value: message
    error while interpolating services.s.init: failed to cast to expected type: invalid boolean: maybe
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from pycompose.errors import InterpolationError
from pycompose.loader.tags import Override, Reset

KeyPath = tuple[Any, ...]
Lookup = Callable[[str], "str | None"]
Warn = Callable[[str], None]

_PATTERN = re.compile(
    r"\$(?i:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)"
    r"|\{(?:(?P<braced>[_a-z][_a-z0-9]*(?::?[-+?](?:.*))?)\}|(?P<invalid>)))"
)
# v2 picks the operator that occurs first in the matched text; when none does, the first of this list
_OPERATORS = (":?", "?", ":-", "-", ":+", "+")


class TemplateInvalid(Exception):
    """A `${…}` that is not a valid expression; `template` is the (innermost) text being interpolated."""

    def __init__(self, template: str | None = None) -> None:
        super().__init__(template)
        self.template = template


class RequiredMissing(Exception):
    """`${NAME:?reason}` / `${NAME?reason}` with NAME missing."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name)
        self.name = name
        self.reason = reason

    def describe(self) -> str:
        """v2's wording of this error."""
        if self.reason:
            return f"required variable {self.name} is missing a value: {self.reason}"
        return f"required variable {self.name} is missing a value"


def unset_warning(name: str) -> str:
    """The warning v2 logs when `name` is referenced but unset."""
    return f'The "{name}" variable is not set. Defaulting to a blank string.'


def interpolate(data: Any, env: Mapping[str, str], *, warn: Warn, path: KeyPath = ()) -> Any:
    """Return `data` with every string value (not key) interpolated against `env`, as v2 does per document.

    `!reset` / `!override` wrappers are kept, their content interpolated.

    Raises:
        InterpolationError: a malformed `${…}` or a missing required variable; message as v2's, `path` the key tuple.
    """
    try:
        return _interpolate(data, env, warn, path)
    except RecursionError:
        raise InterpolationError("the document is nested too deeply to interpolate", path=path) from None


def _interpolate(data: Any, env: Mapping[str, str], warn: Warn, path: KeyPath) -> Any:
    if isinstance(data, str):
        if "$" not in data:
            return data
        try:
            return substitute(data, env.get, warn)
        except TemplateInvalid as error:
            raise InterpolationError(
                f"invalid interpolation format for {v2_path(path)}.\n"
                f"You may need to escape any $ with another $.\n{error.template}",
                path=path,
            ) from None
        except RequiredMissing as error:
            raise InterpolationError(
                f"error while interpolating {v2_path(path)}: {error.describe()}", path=path
            ) from None
    if isinstance(data, dict):
        return {key: _interpolate(value, env, warn, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [_interpolate(value, env, warn, (*path, index)) for index, value in enumerate(data)]
    if isinstance(data, Override):
        return Override(_interpolate(data.value, env, warn, path))
    if isinstance(data, Reset):
        return Reset(_interpolate(data.value, env, warn, path))
    return data


def v2_path(path: KeyPath) -> str:
    """A key path as v2 prints it in interpolation errors: dotted, every list index shown as `[]`."""
    return ".".join("[]" if isinstance(part, int) and not isinstance(part, bool) else _key_text(part) for part in path)


def _key_text(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)


def substitute(template: str, lookup: Lookup, warn: Warn) -> str:
    """Interpolate one string with compose-go's template semantics.

    Every expression is replaced even after an error (so every unset variable is warned about, as in v2); the
    first error is then raised.

    Raises:
        TemplateInvalid: a malformed expression (its `template` is the innermost text that held it).
        RequiredMissing: a `?` / `:?` expression whose variable is missing.
    """
    first_error: Exception | None = None

    def replace(match: re.Match[str]) -> str:
        nonlocal first_error
        try:
            return _replacement(match.group(0), lookup, warn)
        except TemplateInvalid as error:
            if error.template is None:
                error.template = template
            first_error = first_error or error
        except RequiredMissing as error:
            first_error = first_error or error
        return ""

    result = _PATTERN.sub(replace, template)
    if first_error is not None:
        raise first_error
    return result


def _replacement(matched: str, lookup: Lookup, warn: Warn) -> str:
    operator = _first_operator(matched)
    close = _first_closing_brace(matched)
    rest = ""
    if close > -1:
        matched, rest = matched[: close + 1], matched[close + 1 :]
    match = _PATTERN.search(matched)
    if match is None:  # cannot happen: the cut text still starts with `${`
        raise TemplateInvalid()
    if match.group("escaped"):
        return "$"
    expression = match.group("named") or ""
    braced = False
    if not expression:
        expression = match.group("braced") or ""
        braced = True
    if not expression:
        raise TemplateInvalid()
    if braced and operator in expression:
        value = _apply(operator, expression, lookup, warn)
        return value + substitute(rest, lookup, warn)
    value = lookup(expression)
    if value is None:
        warn(unset_warning(expression))
        return ""
    return value


def _first_operator(text: str) -> str:
    found = [(text.find(operator), order, operator) for order, operator in enumerate(_OPERATORS)]
    present = [entry for entry in found if entry[0] >= 0]
    return min(present)[2] if present else _OPERATORS[0]


def _first_closing_brace(text: str) -> int:
    """Index of the `}` closing the first `{` (a character right after a `{` is skipped, as in v2), or -1."""
    depth = 0
    index = 0
    while index < len(text):
        char = text[index]
        if char == "}":
            depth -= 1
            if depth == 0:
                return index
        if char == "{":
            depth += 1
            index += 1
        index += 1
    return -1


def _apply(operator: str, expression: str, lookup: Lookup, warn: Warn) -> str:
    name, argument = expression.split(operator, 1)
    argument = substitute(argument, lookup, warn)
    value = lookup(name)
    when_empty_too = operator.startswith(":")
    usable = value is not None and (value != "" or not when_empty_too)
    kind = operator[-1]
    if kind == "-":
        return value if usable else argument  # type: ignore[return-value]  # usable implies str
    if kind == "+":
        return argument if usable else (value or "")
    if not usable:
        raise RequiredMissing(name, argument)
    return value  # type: ignore[return-value]  # usable implies str


# --- type casts after interpolation (compose-go v2.9.1 `loader/interpolate.go`) ----------------------------------

_ANY = "*"
_LIST = "[]"
_INT64 = (-(2**63), 2**63 - 1)
_FLOAT32_MAX = 3.4028234663852886e38


class _CastFailed(Exception):
    """A string that does not convert; the message is Go's."""


_DECIMAL = re.compile(r"[+-]?[0-9]+")
_DIGITS = r"[0-9](?:_?[0-9])*"
_GO_FLOAT = re.compile(rf"[+-]?(?:{_DIGITS}\.?(?:{_DIGITS})?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?")
_GO_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?[0-9]+")
_GO_SPECIAL_FLOAT = {"inf": math.inf, "+inf": math.inf, "-inf": -math.inf, "infinity": math.inf,
                     "+infinity": math.inf, "-infinity": -math.inf, "nan": math.nan}


def _parse_int(value: str, function: str) -> int:
    if not _DECIMAL.fullmatch(value):
        raise _CastFailed(f'strconv.{function}: parsing "{value}": invalid syntax')
    number = int(value, 10)
    if not _INT64[0] <= number <= _INT64[1]:
        raise _CastFailed(f'strconv.{function}: parsing "{value}": value out of range')
    return number


def _to_int(value: str) -> int:
    return _parse_int(value, "Atoi")


def _to_int64(value: str) -> int:
    return _parse_int(value, "ParseInt")


def _parse_float(value: str, limit: float) -> float:
    special = _GO_SPECIAL_FLOAT.get(value.lower())
    if special is not None:
        return special
    try:
        if _GO_FLOAT.fullmatch(value):
            number = float(value.replace("_", ""))
        elif _GO_HEX_FLOAT.fullmatch(value):
            number = float.fromhex(value)
        else:
            raise ValueError(value)
    except (ValueError, OverflowError):
        raise _CastFailed(f'strconv.ParseFloat: parsing "{value}": invalid syntax') from None
    if math.isinf(number) or abs(number) > limit:
        raise _CastFailed(f'strconv.ParseFloat: parsing "{value}": value out of range')
    return number


def _to_float(value: str) -> float:
    return _parse_float(value, 1.7976931348623157e308)


def _to_float32(value: str) -> float:
    """v2 keeps a float32; its shortest decimal is what was written, so the float64 of the text prints the same."""
    return _parse_float(value, _FLOAT32_MAX)


_BOOL_WORDS = {"true": True, "false": False}
_YAML11_BOOL_WORDS = {"y": True, "yes": True, "on": True, "n": False, "no": False, "off": False}


def _to_boolean(value: str, warn: Warn | None) -> bool:
    lowered = value.lower()
    if lowered in _BOOL_WORDS:
        return _BOOL_WORDS[lowered]
    if lowered in _YAML11_BOOL_WORDS:
        truth = _YAML11_BOOL_WORDS[lowered]
        if warn is not None:
            warn(f'"{value}" for boolean is not supported by YAML 1.2, please use `{"true" if truth else "false"}`')
        return truth
    raise _CastFailed(f"invalid boolean: {value}")


_SERVICE_CASTS: dict[tuple[str, ...], str] = {
    ("cpu_count",): "int64",
    ("cpu_percent",): "float",
    ("cpu_period",): "int64",
    ("cpu_quota",): "int64",
    ("cpu_rt_period",): "int64",
    ("cpu_rt_runtime",): "int64",
    ("cpus",): "float32",
    ("cpu_shares",): "int64",
    ("init",): "bool",
    ("deploy", "replicas"): "int",
    ("deploy", "update_config", "parallelism"): "int",
    ("deploy", "update_config", "max_failure_ratio"): "float",
    ("deploy", "rollback_config", "parallelism"): "int",
    ("deploy", "rollback_config", "max_failure_ratio"): "float",
    ("deploy", "restart_policy", "max_attempts"): "int",
    ("deploy", "placement", "max_replicas_per_node"): "int",
    ("healthcheck", "retries"): "int",
    ("healthcheck", "disable"): "bool",
    ("oom_kill_disable",): "bool",
    ("oom_score_adj",): "int64",
    ("pids_limit",): "int64",
    ("ports", _LIST, "target"): "int",
    ("privileged",): "bool",
    ("read_only",): "bool",
    ("scale",): "int",
    ("stdin_open",): "bool",
    ("tty",): "bool",
    ("ulimits", _ANY): "int",
    ("ulimits", _ANY, "hard"): "int",
    ("ulimits", _ANY, "soft"): "int",
    ("volumes", _LIST, "read_only"): "bool",
    ("volumes", _LIST, "volume", "nocopy"): "bool",
}
_RESOURCE_CASTS: dict[tuple[str, ...], str] = {
    ("networks", _ANY, "external"): "bool",
    ("networks", _ANY, "internal"): "bool",
    ("networks", _ANY, "attachable"): "bool",
    ("networks", _ANY, "enable_ipv4"): "bool",
    ("networks", _ANY, "enable_ipv6"): "bool",
    ("volumes", _ANY, "external"): "bool",
    ("secrets", _ANY, "external"): "bool",
    ("configs", _ANY, "external"): "bool",
}
#: every path pattern compose-go casts after interpolation (`*` any key or item, `[]` any list item) → cast kind
CAST_PATHS: dict[tuple[str, ...], str] = {
    **{("services", _ANY, *pattern): kind for pattern, kind in _SERVICE_CASTS.items()},
    **_RESOURCE_CASTS,
}
_CASTS_BY_LENGTH: dict[int, list[tuple[tuple[str, ...], str]]] = {}
for _pattern, _kind in CAST_PATHS.items():
    _CASTS_BY_LENGTH.setdefault(len(_pattern), []).append((_pattern, _kind))


def cast_types(data: Any, *, warn: Warn | None = None) -> Any:
    """Convert strings at the paths compose-go casts after interpolation (e.g. `ports[].target` → int).

    Only strings are converted (an int written in YAML is left alone), with Go's parsers: `" 2"` is not an int,
    `"yes"` is a boolean with a warning (passed to `warn`), `"0x1p-2"` is a float.

    Raises:
        InterpolationError: a value that does not convert, with v2's message
            (`error while interpolating services.s.init: failed to cast to expected type: invalid boolean: maybe`).
    """
    try:
        return _cast(data, (), (), warn)
    except RecursionError:
        raise InterpolationError("the document is nested too deeply to cast") from None


def _cast(data: Any, path: KeyPath, parts: tuple[str, ...], warn: Warn | None) -> Any:
    if isinstance(data, str):
        kind = _cast_kind(parts)
        if kind is None:
            return data
        try:
            return _convert(kind, data, warn)
        except _CastFailed as error:
            raise InterpolationError(
                f"error while interpolating {v2_path(path)}: failed to cast to expected type: {error}", path=path
            ) from None
    if isinstance(data, dict):
        return {key: _cast(value, (*path, key), (*parts, _key_text(key)), warn) for key, value in data.items()}
    if isinstance(data, list):
        return [_cast(value, (*path, index), (*parts, _LIST), warn) for index, value in enumerate(data)]
    if isinstance(data, Override):
        return Override(_cast(data.value, path, parts, warn))
    if isinstance(data, Reset):
        return Reset(_cast(data.value, path, parts, warn))
    return data


def _cast_kind(parts: tuple[str, ...]) -> str | None:
    for pattern, kind in _CASTS_BY_LENGTH.get(len(parts), ()):
        if all(expected in (_ANY, part) for expected, part in zip(pattern, parts)):
            return kind
    return None


def _convert(kind: str, value: str, warn: Warn | None) -> Any:
    if kind == "int":
        return _to_int(value)
    if kind == "int64":
        return _to_int64(value)
    if kind == "float":
        return _to_float(value)
    if kind == "float32":
        return _to_float32(value)
    return _to_boolean(value, warn)
