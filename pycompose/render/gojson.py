"""Go `encoding/json` output for plain Python values.

Compose v2 prints `config --format json` with `json.MarshalIndent(v, "", "  ")` and hashes services with
the compact `json.Marshal`. Both escape `<`, `>`, `&`, U+2028 and U+2029, print other non-ASCII text
verbatim, and format float64 with Go's shortest-repr rules; Python's `json` module differs on all of
these, so the bytes are produced here. Dict order is kept as given: the canonical model already
carries v2's key order (struct field order; sorted keys for maps).
"""

from __future__ import annotations

import math
from typing import Any

from pycompose.errors import ComposeError

_SHORT_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\b": "\\b",
    "\f": "\\f",
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def _escape_char(char: str) -> str:
    short = _SHORT_ESCAPES.get(char)
    if short is not None:
        return short
    code = ord(char)
    if code < 0x20:
        return f"\\u{code:04x}"
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate is invalid UTF-8: Go writes U+FFFD
        return "\ufffd"
    return char


_ESCAPE_TABLE = {code: _escape_char(chr(code)) for code in range(0x20)}
_ESCAPE_TABLE.update({ord(char): text for char, text in _SHORT_ESCAPES.items()})


_NO_HTML_TABLE = {code: text for code, text in _ESCAPE_TABLE.items() if chr(code) not in "<>&"}


def quote(text: str, *, escape_html: bool = True) -> str:
    """A JSON string literal exactly as Go's encoder writes it (`SetEscapeHTML(false)`: `<>&` verbatim)."""
    return _quote(text, _ESCAPE_TABLE if escape_html else _NO_HTML_TABLE)


def _quote(text: str, table: dict[int, str]) -> str:
    escaped = text.translate(table)
    if any(0xD800 <= ord(char) <= 0xDFFF for char in escaped):
        escaped = "".join(_escape_char(char) if 0xD800 <= ord(char) <= 0xDFFF else char for char in escaped)
    return f'"{escaped}"'


def format_float(value: float, *, bits: int = 64) -> str:
    """A float the way Go's encoding/json writes a float64 (`'f'` form, `'e'` outside [1e-6, 1e21))."""
    if math.isinf(value) or math.isnan(value):
        raise ComposeError(f"json: unsupported value: {_go_g(value)}")
    if value == int(value) and abs(value) < 1e21:
        text = str(int(value))
        return "-0" if text == "0" and math.copysign(1.0, value) < 0 else text
    digits, exponent, negative = shortest_digits(value)
    magnitude = abs(value)
    sign = "-" if negative else ""
    if magnitude < 1e-6 or magnitude >= 1e21:
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        exp = exponent - 1
        exp_text = f"{'-' if exp < 0 else '+'}{abs(exp):02d}"
        if exp_text.startswith("-0") and len(exp_text) == 3:  # Go trims e-07 to e-7
            exp_text = "-" + exp_text[2]
        return f"{sign}{mantissa}e{exp_text}"
    return sign + _fixed(digits, exponent)


def shortest_digits(value: float) -> tuple[str, int, bool]:
    """Shortest round-trip digits, decimal point position and sign (|value| = 0.DIGITS × 10^point).

    Python's repr is the shortest round-trip form, as Go's strconv with precision -1.
    """
    text = repr(abs(value))
    negative = math.copysign(1.0, value) < 0
    if "e" in text:
        mantissa, exp_text = text.split("e")
        exp = int(exp_text)
    else:
        mantissa, exp = text, 0
    if "." in mantissa:
        whole, frac = mantissa.split(".")
    else:
        whole, frac = mantissa, ""
    all_digits = whole + frac
    digits = all_digits.lstrip("0")
    point = len(whole) + exp - (len(all_digits) - len(digits))  # leading zeros move the point left
    digits = digits.rstrip("0") or "0"
    return digits, point, negative


def _fixed(digits: str, point: int) -> str:
    if point <= 0:
        return "0." + "0" * (-point) + digits
    if point >= len(digits):
        return digits + "0" * (point - len(digits))
    return digits[:point] + "." + digits[point:]


def _go_g(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    return "+Inf" if value > 0 else "-Inf"


def dumps(obj: Any, *, indent: int | None = None, escape_html: bool = True) -> str:
    """Serialise like Go: `json.Marshal` (indent None) or `json.MarshalIndent(obj, "", " " * indent)`.

    No trailing newline (v2 prints the bytes as they are). `escape_html=False` is an Encoder with
    SetEscapeHTML(false). Raises ComposeError on values JSON cannot hold.
    """
    parts: list[str] = []
    table = _ESCAPE_TABLE if escape_html else _NO_HTML_TABLE
    try:
        if indent is None:
            _compact(obj, parts, table)
        else:
            _indented(obj, parts, table, " " * indent, "\n")
    except RecursionError:
        raise ComposeError("json: value nested too deeply") from None
    text = "".join(parts)
    return text


def _scalar(obj: Any, table: dict[int, str]) -> str | None:
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, str):
        return _quote(obj, table)
    if isinstance(obj, int):
        return str(obj)
    if isinstance(obj, float):
        return format_float(obj)
    return None


def _compact(obj: Any, parts: list[str], table: dict[int, str]) -> None:
    text = _scalar(obj, table)
    if text is not None:
        parts.append(text)
    elif isinstance(obj, dict):
        parts.append("{")
        first = True
        for key, value in obj.items():
            if not first:
                parts.append(",")
            first = False
            parts.append(_key(key, table))
            parts.append(":")
            _compact(value, parts, table)
        parts.append("}")
    elif isinstance(obj, (list, tuple)):
        parts.append("[")
        for index, value in enumerate(obj):
            if index:
                parts.append(",")
            _compact(value, parts, table)
        parts.append("]")
    else:
        raise ComposeError(f"json: unsupported type: {type(obj).__name__}")


def _indented(obj: Any, parts: list[str], table: dict[int, str], unit: str, newline: str) -> None:
    text = _scalar(obj, table)
    if text is not None:
        parts.append(text)
    elif isinstance(obj, dict):
        if not obj:
            parts.append("{}")
            return
        inner = newline + unit
        parts.append("{")
        first = True
        for key, value in obj.items():
            parts.append(inner if first else "," + inner)
            first = False
            parts.append(_key(key, table))
            parts.append(": ")
            _indented(value, parts, table, unit, inner)
        parts.append(newline + "}")
    elif isinstance(obj, (list, tuple)):
        if not obj:
            parts.append("[]")
            return
        inner = newline + unit
        parts.append("[")
        for index, value in enumerate(obj):
            parts.append(inner if index == 0 else "," + inner)
            _indented(value, parts, table, unit, inner)
        parts.append(newline + "]")
    else:
        raise ComposeError(f"json: unsupported type: {type(obj).__name__}")


def _key(key: Any, table: dict[int, str]) -> str:
    if isinstance(key, str):
        return _quote(key, table)
    if isinstance(key, bool) or key is None:
        raise ComposeError(f"json: unsupported map key: {key!r}")
    if isinstance(key, int):
        return _quote(str(key), table)
    raise ComposeError(f"json: unsupported map key: {key!r}")
