"""Go-compatible units: durations (time.ParseDuration / Duration.String), byte sizes (go-units RAMInBytes)
and float formatting (strconv.FormatFloat(f, 'g', -1, 64)), so printed values match Compose v2 byte for byte."""

from __future__ import annotations

import re

from pycompose.errors import ConfigError

_UNIT_NS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)")


def parse_duration(value: object, path: tuple[str | int, ...] = ()) -> int:
    """Parse a Go duration (`1m30s`, `500ms`, `-1.5h`) into nanoseconds; an int counts nanoseconds as in v2."""
    if isinstance(value, bool):
        raise ConfigError(f"invalid duration {value!r}", path=path)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value)
    original = text
    sign = 1
    if text[:1] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return 0
    if not text:
        raise ConfigError(f'time: invalid duration "{original}"', path=path)
    total = 0.0
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if not match or match.group(1) in ("", "."):
            if match is None and re.match(r"\d*\.?\d*$", text[pos:]):
                raise ConfigError(f'time: missing unit in duration "{original}"', path=path)
            raise ConfigError(f'time: invalid duration "{original}"', path=path)
        total += float(match.group(1)) * _UNIT_NS[match.group(2)]
        pos = match.end()
    return sign * int(round(total))


def _format_fraction(value: int, digits: int) -> tuple[str, int]:
    """Split `value` (in units of 10**-digits) into `int[.frac]` with trailing zeros removed."""
    whole, frac = divmod(value, 10**digits)
    frac_text = str(frac).rjust(digits, "0").rstrip("0")
    return (f"{whole}.{frac_text}" if frac_text else str(whole)), whole


def format_duration(ns: int) -> str:
    """Print nanoseconds as Go's time.Duration.String does (`1m30s`, `1h0m0s`, `500ms`, `0s`)."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)
    if u < 1_000_000_000:
        if u < 1_000:
            return f"{sign}{u}ns"
        if u < 1_000_000:
            return sign + _format_fraction(u, 3)[0] + "µs"
        return sign + _format_fraction(u, 6)[0] + "ms"
    seconds_text, whole_seconds = _format_fraction(u, 9)
    out = f"{whole_seconds % 60}" + seconds_text[len(str(whole_seconds)):] + "s"
    minutes = whole_seconds // 60
    if minutes:
        out = f"{minutes % 60}m" + out
        hours = minutes // 60
        if hours:
            out = f"{hours}h" + out
    return sign + out


def normalize_duration(value: object, path: tuple[str | int, ...] = ()) -> str:
    """Re-print a duration the way v2 does (`90s` → `1m30s`)."""
    return format_duration(parse_duration(value, path))


_BYTES = re.compile(r"^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$")
_BYTE_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}


def parse_bytes(value: object, path: tuple[str | int, ...] = ()) -> int:
    """Parse a size (`1g`, `512m`, `64M`, 1024) into bytes with binary multipliers, as go-units RAMInBytes."""
    if isinstance(value, bool):
        raise ConfigError(f"invalid size: '{value}'", path=path)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value)
    match = _BYTES.match(text)
    if not match:
        raise ConfigError(f"invalid size: '{text}'", path=path)
    try:
        number = float(match.group(1))
    except ValueError:
        raise ConfigError(f"invalid size: '{text}'", path=path) from None
    return int(number * _BYTE_UNITS[(match.group(2) or "").lower()])


def format_go_float(value: float) -> str:
    """Format a float as Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form from 1e+06 and below 1e-04."""
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "+Inf" if value > 0 else "-Inf"
    if value == 0:
        return "-0" if str(value).startswith("-") else "0"
    sign = "-" if value < 0 else ""
    # shortest round-trip digits come from repr
    digits_repr = repr(abs(value))
    if "e" in digits_repr:
        base, exp_text = digits_repr.split("e")
        digits = base.replace(".", "").lstrip("0")
        exp = int(exp_text) + (len(base.split(".")[0]) - 1)
    else:
        whole, _, frac = digits_repr.partition(".")
        frac = frac.rstrip("0")
        all_digits = (whole + frac).lstrip("0")
        digits = all_digits.rstrip("0") or "0"
        if whole.strip("0"):
            exp = len(whole.lstrip("0")) - 1
        else:
            exp = -(len(frac) - len(frac.lstrip("0"))) - 1
    if exp < -4 or exp >= 6:
        body = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{body}e{'+' if exp >= 0 else '-'}{abs(exp):02d}"
    if exp >= len(digits) - 1:
        return sign + digits + "0" * (exp - len(digits) + 1)
    if exp >= 0:
        return sign + digits[: exp + 1] + "." + digits[exp + 1 :]
    return sign + "0." + "0" * (-exp - 1) + digits


def go_string(value: object) -> str:
    """Render a YAML scalar as the string v2 stores in a string-valued map (`1.10` → `1.1`, `true` → `true`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format_go_float(value)
    return str(value)
