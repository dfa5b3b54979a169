"""Variable interpolation in compose values, with Compose v2's grammar, messages and type casts.

Grammar (compose-go `template`): `$$` is a literal `$`; `$NAME` and `${NAME}`; `${NAME:-default}` (unset or empty),
`${NAME-default}` (unset); `${NAME:?message}` / `${NAME?message}` fail when unset-or-empty / unset;
`${NAME:+replacement}` / `${NAME+replacement}`; defaults and replacements may nest `${…}`. A `$` followed by anything
else (`$1`, `$ `) stays literal. Only values are interpolated, never keys.

Representation: after interpolation a value holds what the container will get, so `$$` becomes a single `$`.
Compose v2 prints such a `$` back as `$$` in `config`; the renderers do that escaping (not this module).
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from pycompose.errors import ConfigError, InterpolationError

KeyPath = tuple[Any, ...]
_NAME_START = set("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_NAME_CHARS = _NAME_START | set("0123456789")


class _Invalid(Exception):
    """Raised inside the scanner; turned into InterpolationError with the value's path."""


def interpolate(
    data: Any,
    env: Mapping[str, str],
    *,
    warn: Callable[[str], None],
    path: KeyPath = (),
) -> Any:
    """Return `data` with every string value interpolated against `env`.

    Raises:
        InterpolationError: a malformed `${…}`, or a required variable is missing.
    """
    if isinstance(data, str):
        return substitute(data, env, warn=warn, path=path) if "$" in data else data
    if isinstance(data, dict):
        return {key: interpolate(value, env, warn=warn, path=(*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [interpolate(value, env, warn=warn, path=(*path, index)) for index, value in enumerate(data)]
    value = getattr(data, "value", None)
    if value is not None and type(data).__name__ in ("Override", "Reset"):
        return type(data)(interpolate(value, env, warn=warn, path=path))
    return data


def substitute(text: str, env: Mapping[str, str], *, warn: Callable[[str], None], path: KeyPath = ()) -> str:
    """Interpolate one string."""
    try:
        result, end = _scan(text, 0, env, warn, stop_at_brace=False)
    except _Invalid:
        raise InterpolationError(
            f"invalid interpolation format (you may need to escape any $ with another $): {text}",
            path=path,
        ) from None
    except _Missing as missing:
        detail = f": {missing.message}" if missing.message else ""
        raise InterpolationError(
            f"required variable {missing.name} is missing a value{detail}", path=path
        ) from None
    return result


class _Missing(Exception):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(name)
        self.name = name
        self.message = message


def _scan(
    text: str, start: int, env: Mapping[str, str], warn: Callable[[str], None], *, stop_at_brace: bool
) -> tuple[str, int]:
    """Interpolate from `start`; with stop_at_brace, stop at the `}` closing a default (returns its index)."""
    out: list[str] = []
    index = start
    length = len(text)
    while index < length:
        char = text[index]
        if stop_at_brace and char == "}":
            return "".join(out), index
        if char != "$":
            out.append(char)
            index += 1
            continue
        following = text[index + 1] if index + 1 < length else ""
        if following == "$":
            out.append("$")
            index += 2
        elif following in _NAME_START and following:
            end = index + 1
            while end < length and text[end] in _NAME_CHARS:
                end += 1
            out.append(_lookup(text[index + 1 : end], env, warn))
            index = end
        elif following == "{":
            value, index = _braced(text, index + 2, env, warn)
            out.append(value)
        else:
            out.append("$")
            index += 1
    if stop_at_brace:
        raise _Invalid()
    return "".join(out), index


def _braced(text: str, start: int, env: Mapping[str, str], warn: Callable[[str], None]) -> tuple[str, int]:
    """`${…}` starting after the brace; returns the value and the index after the closing `}`."""
    end = start
    length = len(text)
    if end >= length or text[end] not in _NAME_START:
        raise _Invalid()
    while end < length and text[end] in _NAME_CHARS:
        end += 1
    name = text[start:end]
    if end >= length:
        raise _Invalid()
    if text[end] == "}":
        return _lookup(name, env, warn), end + 1
    colon = text[end] == ":"
    operator_at = end + 1 if colon else end
    if operator_at >= length or text[operator_at] not in "-?+":
        raise _Invalid()
    operator = text[operator_at]
    argument, close = _scan(text, operator_at + 1, env, warn, stop_at_brace=True)
    value = env.get(name)
    is_set = value is not None
    usable = is_set and (value != "" or not colon)
    if operator == "-":
        return (value if usable else argument), close + 1  # type: ignore[return-value]  # usable implies str
    if operator == "+":
        return (argument if usable else ""), close + 1
    if not usable:
        raise _Missing(name, argument)
    return value, close + 1  # type: ignore[return-value]  # usable implies str


def _lookup(name: str, env: Mapping[str, str], warn: Callable[[str], None]) -> str:
    value = env.get(name)
    if value is None:
        warn(f'The "{name}" variable is not set. Defaulting to a blank string.')
        return ""
    return value


# --- type casts after interpolation (compose-go `loader/interpolate.go`) ---------------------------------------

_ANY = "*"


def _to_int(value: str) -> int:
    return int(value.strip(), 10)


def _to_float(value: str) -> float:
    return float(value.strip())


def _to_bool(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("y", "yes", "true", "on"):
        return True
    if lowered in ("n", "no", "false", "off"):
        return False
    raise ValueError(value)


_SERVICE_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    ("configs", _ANY, "mode"): _to_int,
    ("secrets", _ANY, "mode"): _to_int,
    ("cpu_count",): _to_int,
    ("cpu_percent",): _to_float,
    ("cpu_period",): _to_int,
    ("cpu_quota",): _to_int,
    ("cpu_rt_period",): _to_int,
    ("cpu_rt_runtime",): _to_int,
    ("cpus",): _to_float,
    ("cpu_shares",): _to_int,
    ("init",): _to_bool,
    ("deploy", "replicas"): _to_int,
    ("deploy", "update_config", "parallelism"): _to_int,
    ("deploy", "update_config", "max_failure_ratio"): _to_float,
    ("deploy", "rollback_config", "parallelism"): _to_int,
    ("deploy", "rollback_config", "max_failure_ratio"): _to_float,
    ("deploy", "restart_policy", "max_attempts"): _to_int,
    ("deploy", "placement", "max_replicas_per_node"): _to_int,
    ("healthcheck", "retries"): _to_int,
    ("healthcheck", "disable"): _to_bool,
    ("oom_kill_disable",): _to_bool,
    ("oom_score_adj",): _to_int,
    ("pids_limit",): _to_int,
    ("ports", _ANY, "target"): _to_int,
    ("privileged",): _to_bool,
    ("read_only",): _to_bool,
    ("scale",): _to_int,
    ("stdin_open",): _to_bool,
    ("tty",): _to_bool,
    ("ulimits", _ANY): _to_int,
    ("ulimits", _ANY, "hard"): _to_int,
    ("ulimits", _ANY, "soft"): _to_int,
    ("volumes", _ANY, "read_only"): _to_bool,
    ("volumes", _ANY, "volume", "nocopy"): _to_bool,
    ("volumes", _ANY, "bind", "create_host_path"): _to_bool,
    ("depends_on", _ANY, "required"): _to_bool,
    ("depends_on", _ANY, "restart"): _to_bool,
    ("attach",): _to_bool,
}
_RESOURCE_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    ("networks", _ANY, "external"): _to_bool,
    ("networks", _ANY, "internal"): _to_bool,
    ("networks", _ANY, "attachable"): _to_bool,
    ("networks", _ANY, "enable_ipv4"): _to_bool,
    ("networks", _ANY, "enable_ipv6"): _to_bool,
    ("volumes", _ANY, "external"): _to_bool,
    ("secrets", _ANY, "external"): _to_bool,
    ("configs", _ANY, "external"): _to_bool,
}
_CASTS: dict[tuple[str, ...], Callable[[str], Any]] = {
    **{("services", _ANY, *key): cast for key, cast in _SERVICE_CASTS.items()},
    **_RESOURCE_CASTS,
}
_CAST_NAMES = {_to_int: "an integer", _to_float: "a number", _to_bool: "a boolean"}


def cast_types(data: Any) -> Any:
    """Convert strings to the type compose-go gives them at known paths (e.g. `ports[].target` → int).

    Raises:
        ConfigError: a value that does not convert, naming its path and the expected type.
    """
    return _cast(data, ())


def _cast(data: Any, path: KeyPath) -> Any:
    if isinstance(data, str):
        cast = _cast_for(path)
        if cast is None:
            return data
        try:
            return cast(data)
        except ValueError:
            raise ConfigError(f"expected {_CAST_NAMES[cast]}, got {data!r}", path=path) from None
    if isinstance(data, dict):
        return {key: _cast(value, (*path, key)) for key, value in data.items()}
    if isinstance(data, list):
        return [_cast(value, (*path, index)) for index, value in enumerate(data)]
    return data


def _cast_for(path: KeyPath) -> Callable[[str], Any] | None:
    if len(path) < 2 or not isinstance(path[-1], str) and path[-2] != "ulimits":
        return None
    for pattern, cast in _CASTS_BY_SHAPE.get((len(path), path[-1]), ()) + _CASTS_BY_SHAPE.get((len(path), _ANY), ()):
        if all(expected == _ANY or expected == part for expected, part in zip(pattern, path)):
            return cast
    return None


def _index_casts() -> dict[tuple[int, Any], tuple]:
    shapes: dict[tuple[int, Any], tuple] = {}
    for pattern, cast in _CASTS.items():
        key = (len(pattern), pattern[-1])
        shapes[key] = (*shapes.get(key, ()), (pattern, cast))
    return shapes


_CASTS_BY_SHAPE = _index_casts()
