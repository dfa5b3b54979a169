"""Go's ways of printing a string and a number, which v2 and the docker CLI show verbatim in errors and output:
`strconv.Quote` (`%q`) and the `%v` of a float64. Below every layer: the loader, the renderers and the template
engine all print them."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

_ESCAPES = {"\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\v": "\\v"}


def go_quote(text: str) -> str:
    """Go's strconv.Quote: a double-quoted literal, non-printable characters escaped."""
    out = ['"']
    for char in text:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif char.isprintable() or char == " ":
            out.append(char)
        elif ord(char) < 0x80:
            out.append(f"\\x{ord(char):02x}")
        elif ord(char) <= 0xFFFF:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(f"\\U{ord(char):08x}")
    out.append('"')
    return "".join(out)


def go_scalar_type(value: Any) -> str | None:
    """The Go type name of a scalar as a decoded document holds it (`bool`, `int`, `float64`, `string`); None
    for anything else (each caller names its own collections)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return None


def go_float(value: float) -> str:
    """Go's `%v` of a float64: the shortest digits that read back the same, in `%e` form when the exponent is
    below -4 or from 6 up (`1e+06`, `1.5e-05`, `0.0001`, `123456`)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if math.copysign(1, value) < 0 else "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    exp10 = int(exponent or 0) + len(whole) - 1
    digits = whole + fraction
    leading = len(digits) - len(digits.lstrip("0"))
    digits = digits[leading:].rstrip("0") or "0"
    exp10 -= leading
    if exp10 < -4 or exp10 >= 6:
        head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{head}e{'-' if exp10 < 0 else '+'}{abs(exp10):02d}"
    point = exp10 + 1
    if point <= 0:
        return f"{sign}0.{'0' * -point}{digits}"
    if point >= len(digits):
        return f"{sign}{digits}{'0' * (point - len(digits))}"
    return f"{sign}{digits[:point]}.{digits[point:]}"


def go_value(value: Any, special: Callable[[Any], str | None] | None = None) -> str:
    """Go's `%v` of a decoded value: `<nil>`, `true`, numbers, strings as they are, `[a b]`, `map[k:v]` with the
    keys sorted. `special` prints the values a caller has types of its own for (None: not one of them); it is
    asked first, also for every element."""
    if special is not None:
        text = special(value)
        if text is not None:
            return text
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        try:
            keys = sorted(value)
        except TypeError:  # keys of mixed types: by their text
            keys = sorted(value, key=str)
        return "map[" + " ".join(f"{go_value(k, special)}:{go_value(value[k], special)}" for k in keys) + "]"
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_value(v, special) for v in value) + "]"
    return str(value)
