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
_UNIT_NS_WITH_DAYS = {**_UNIT_NS, "d": 24 * _UNIT_NS["h"], "w": 7 * 24 * _UNIT_NS["h"]}
_NUMBER = re.compile(r"(\d*)(\.\d*)?")
_UNIT = re.compile(r"[^\d.]*")


def parse_duration(value: object, path: tuple[str | int, ...] = (), *, days: bool = False) -> int:
    """Parse a Go duration (`1m30s`, `500ms`, `-1.5h`) into nanoseconds, with time.ParseDuration's messages.

    The one duration parser of pycompose (the others wrap it for seconds or None). Numbers are nanoseconds already.
    `days`: also accept `d` and `w`, as xhit/go-str2duration does (compose-go parses `pull_policy: every_2d` with it).

    Raises:
        ConfigError: not a duration, at `path`.
    """
    if isinstance(value, bool):
        raise ConfigError(f'time: invalid duration "{value}"', path=path)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    units = _UNIT_NS_WITH_DAYS if days else _UNIT_NS
    original = str(value)
    text = original
    sign = 1
    if text[:1] in ("+", "-"):
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return 0
    if not text:
        raise ConfigError(f'time: invalid duration "{original}"', path=path)
    total = 0
    pos = 0
    while pos < len(text):
        number = _NUMBER.match(text, pos)
        whole, frac = number.group(1), number.group(2) or ""
        if not whole and len(frac) <= 1:
            raise ConfigError(f'time: invalid duration "{original}"', path=path)
        pos = number.end()
        unit = _UNIT.match(text, pos).group(0)
        pos += len(unit)
        if not unit:
            raise ConfigError(f'time: missing unit in duration "{original}"', path=path)
        if unit not in units:
            raise ConfigError(f'time: unknown unit "{unit}" in duration "{original}"', path=path)
        scale = units[unit]
        total += int(whole or "0") * scale
        if len(frac) > 1:
            digits = frac[1:]
            total += int(digits) * scale // (10 ** len(digits))
    return sign * total


def duration_seconds(text: str, *, days: bool = False) -> float | None:
    """Seconds of a Go duration string (`90s`, `1h30m`, `-5m`, with `days` also `2d`, `1w`); None when it is not one."""
    try:
        return parse_duration(str(text), days=days) / 1_000_000_000
    except ConfigError:
        return None


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


_SIZE_MULTIPLIERS = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40, "p": 1 << 50}
_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def parse_bytes(value: object, path: tuple[str | int, ...] = ()) -> int:
    """Parse a size (`1g`, `512m`, `64 MiB`, 1024) into bytes with binary multipliers, as go-units RAMInBytes."""
    if isinstance(value, bool):
        raise ConfigError(f"invalid size: '{value}'", path=path)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    text = str(value)
    sep = max(text.rfind(ch) for ch in "0123456789. ")
    if sep == -1:
        raise ConfigError(f"invalid size: '{text}'", path=path)
    number, suffix = (text[: sep + 1], text[sep + 1 :]) if text[sep] != " " else (text[:sep], text[sep + 1 :])
    if not _FLOAT.match(number):
        raise ConfigError(f'strconv.ParseFloat: parsing "{number}": invalid syntax', path=path)
    size = float(number)
    if size < 0:
        raise ConfigError(f"invalid size: '{text}'", path=path)
    if not suffix:
        return int(size)
    if len(suffix) > 3:
        raise ConfigError(f"invalid suffix: '{suffix}'", path=path)
    suffix = suffix.lower()
    if suffix[0] == "b":
        if len(suffix) > 1:
            raise ConfigError(f"invalid suffix: '{suffix}'", path=path)
        return int(size)
    multiplier = _SIZE_MULTIPLIERS.get(suffix[0])
    if multiplier is None or (len(suffix) == 2 and suffix[1] != "b") or (len(suffix) == 3 and suffix[1:] != "ib"):
        raise ConfigError(f"invalid suffix: '{suffix}'", path=path)
    return int(size * multiplier)


def format_go_float(value: float) -> str:
    """Format a float as Go's strconv.FormatFloat(v, 'g', -1, 64): shortest digits, exponent form from 1e+06 and
    below 1e-04."""
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
