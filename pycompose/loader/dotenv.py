"""`.env` files as Compose v2 reads them (compose-go `dotenv`).

- blank lines and `#` comments are skipped; `export KEY=VALUE` is `KEY=VALUE`; `KEY: VALUE` works too;
- spaces around the key and the `=` are dropped; a key cannot contain a space (`line N: key cannot contain a space`);
- `'single'` quotes are literal (but `\\'` is a quote), may span lines; `"double"` quotes handle `\\n`, `\\t`, `\\"`,
  `\\\\`…, may span lines, and expand variables; unquoted values end at ` #` (an inline comment) and are trimmed;
- a bare `KEY` takes the value `lookup(KEY)` and is left out when that is unset;
- `$VAR` / `${VAR…}` in unquoted and double-quoted values expand with the interpolation grammar, looking first at
  `lookup` (the OS environment wins) and then at keys defined earlier in the file.
"""

from __future__ import annotations

from typing import Callable

from pycompose.errors import ConfigError

Lookup = Callable[[str], "str | None"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "$": "$", "'": "'", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}


def read_dotenv(path: str, *, lookup: Lookup) -> dict[str, str]:
    """Read and parse one .env-syntax file.

    Raises:
        ConfigError: the file cannot be read, or a line is malformed (with its number).
    """
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ConfigError(f"failed to read {path}: {reason}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"failed to read {path}: not valid UTF-8 text") from None
    return parse_dotenv(text, file=path, lookup=lookup)


def parse_dotenv(text: str, *, file: str, lookup: Lookup) -> dict[str, str]:
    """Parse .env-syntax text; `file` is named in errors."""
    from pycompose.loader.interpolate import substitute

    if text.startswith("\ufeff"):
        text = text[1:]
    values: dict[str, str] = {}

    def expand(value: str) -> str:
        if "$" not in value:
            return value

        class _Env(dict):
            def get(self, key: str, default: str | None = None) -> str | None:  # type: ignore[override]
                found = lookup(key)
                if found is not None:
                    return found
                return values.get(key, default)

        return substitute(value, _Env(), warn=_warnings.append)

    _warnings: list[str] = []
    lines = text.replace("\r\n", "\n").split("\n")
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index].strip()
        index += 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export ") or line.startswith("export\t"):
            line = line[7:].lstrip()
        separator = _separator(line)
        if separator < 0:
            key = line
            _check_key(key, file, number)
            inherited = lookup(key)
            if inherited is not None:
                values[key] = inherited
            continue
        key = line[:separator].strip()
        _check_key(key, file, number)
        rest = line[separator + 1 :].lstrip()
        if rest[:1] in ("'", '"'):
            quote = rest[0]
            body, consumed = _quoted(rest[1:], quote, lines, index)
            if body is None:
                raise ConfigError(f"failed to read {file}: line {number}: unterminated quoted value")
            index += consumed
            values[key] = expand(_unescape(body)) if quote == '"' else body.replace("\\'", "'")
        else:
            values[key] = expand(_strip_comment(rest).strip())
    return values


def _separator(line: str) -> int:
    for position, char in enumerate(line):
        if char in "=:":
            return position
    return -1


def _check_key(key: str, file: str, number: int) -> None:
    if not key:
        raise ConfigError(f"failed to read {file}: line {number}: missing variable name")
    if any(char.isspace() for char in key):
        raise ConfigError(f"failed to read {file}: line {number}: key cannot contain a space")


def _quoted(first: str, quote: str, lines: list[str], index: int) -> tuple[str | None, int]:
    """The body up to the closing quote, which may be on a later line; returns (body, extra lines used)."""
    text = first
    consumed = 0
    while True:
        end = _closing(text, quote)
        if end >= 0:
            return text[:end], consumed
        if index + consumed >= len(lines):
            return None, consumed
        text += "\n" + lines[index + consumed]
        consumed += 1


def _closing(text: str, quote: str) -> int:
    escaped = False
    for position, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == quote:
            return position
    return -1


def _unescape(body: str) -> str:
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            following = body[index + 1]
            if following == "$":
                out.append("$$")  # stays an escaped dollar for the expansion step
            else:
                out.append(_ESCAPES.get(following, "\\" + following))
            index += 2
            continue
        out.append(char)
        index += 1
    return "".join(out)


def _strip_comment(value: str) -> str:
    for position, char in enumerate(value):
        if char == "#" and (position == 0 or value[position - 1] in " \t"):
            return value[:position]
    return value
