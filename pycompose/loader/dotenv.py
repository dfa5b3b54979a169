"""`.env` files parsed exactly as Compose v2 (compose-go `dotenv`) parses them.

Syntax, measured with docker-compose v2.40.3:
- `KEY=value`, `KEY: value` (yaml style), optional `export ` prefix, spaces around `=`/`:` ignored;
  keys are letters, digits and `_ . - [ ]` (`456`, `VAR.WITH.DOTS`, `VAR-WITH-DASHES` are fine); the empty key is too.
- blank lines and lines starting with `#` are skipped;
- unquoted values run to the end of the line, lose a ` #comment` and trailing spaces, and are interpolated;
- `'single'` quotes are literal (a `\\'` inside keeps the quote, other backslashes stay), may span lines;
- `"double"` quotes may span lines, understand `\\a \\b \\f \\n \\r \\t \\v \\\\ \\" \\$` and octal `\\0NNN` (anything
  else, such as `\\x41`, stays as written) and are then interpolated (`\\$` and `$$` give a literal `$`);
- text after a closing quote on the same line starts a new statement (`A="a"b` gives `A=a` and a bare `b`);
- a bare `KEY` takes its value from `lookup` (then from earlier keys), and is left out when neither has it;
- `${VAR}` in values sees `lookup` first, then keys defined earlier in the same file;
- a UTF-8 byte order mark at the start is ignored.
Errors carry v2's text: `failed to read /abs/.env: line 7: key cannot contain a space`.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Callable

from pycompose.errors import ConfigError
from pycompose.gofmt import go_quote
from pycompose.loader.interpolate import RequiredMissing, TemplateInvalid, substitute

Lookup = Callable[[str], "str | None"]

_EXPORT = re.compile(r"export[\t\n\f\r ]+")
_ESCAPE = re.compile(r"\\(?:[abcfnrtv$\"\\]|0[0-9]{0,3})")
_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
_LINE_SPACE = "\t\v\f\r \x85\xa0"  # spaces that are not a line break
_GO_SPACE = set("\t\n\v\f\r \x85\xa0")


class _ParseError(Exception):
    """A syntax error; the message is v2's (`line 3: ...`)."""


def _is_go_space(char: str) -> bool:
    """Go's unicode.IsSpace."""
    return char in _GO_SPACE or (char > "\xff" and unicodedata.category(char) == "Zs")


def _is_key_char(char: str) -> bool:
    if char in "_.-[]":
        return True
    category = unicodedata.category(char)
    return category[0] in "LN"


def parse_dotenv(
    text: str,
    *,
    file: str,
    lookup: Lookup,
    warn: Callable[[str], None] | None = None,
) -> dict[str, str]:
    """Parse `.env` text as v2 does; `lookup(name)` is the environment seen by bare keys and `${…}`.

    `warn` receives v2's warning for every unset variable a value refers to (v2 logs them).

    Raises:
        ConfigError: a syntax error or a bad `${…}`, with v2's message (`failed to read FILE: line N: …`).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    parser = _Parser(lookup, warn or (lambda _message: None))
    try:
        return parser.parse(text)
    except _ParseError as error:
        raise ConfigError(f"failed to read {file}: {error}") from None
    except TemplateInvalid as error:
        raise ConfigError(f"failed to read {file}: Invalid template: {go_quote(error.template or '')}") from None
    except RequiredMissing as error:
        raise ConfigError(f"failed to read {file}: {error.describe()}") from None
    except RecursionError:
        raise ConfigError(f"failed to read {file}: a value nests ${{…}} too deeply") from None


def read_dotenv(path: str, *, lookup: Lookup, warn: Callable[[str], None] | None = None) -> dict[str, str]:
    """Read and parse the env file at `path` (named by its absolute path in errors, as v2 does).

    Raises:
        ConfigError: the file cannot be read (missing, a directory, not UTF-8) or does not parse.
    """
    absolute = os.path.abspath(path)
    try:
        with open(absolute, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise ConfigError(f"couldn't find env file: {absolute}") from None
    except IsADirectoryError:
        raise ConfigError(f"{absolute} is a directory") from None
    except OSError as error:
        reason = (error.strerror or str(error)).lower()
        raise ConfigError(f"couldn't read env file: {absolute}: {reason}") from None
    text = raw.decode("utf-8", errors="replace")  # Go keeps invalid bytes; U+FFFD is the closest we can print
    return parse_dotenv(text, file=absolute, lookup=lookup, warn=warn)


class _Parser:
    """compose-go's dotenv parser, line counting included (its error lines depend on it)."""

    def __init__(self, lookup: Lookup, warn: Callable[[str], None]) -> None:
        self.lookup = lookup
        self.warn = warn
        self.line = 1

    def parse(self, src: str) -> dict[str, str]:
        out: dict[str, str] = {}
        rest = src
        while True:
            rest = self._statement_start(rest)
            if rest == "":
                return out
            key, rest, inherited = self._key(rest)
            if " " in key:
                raise _ParseError(f"line {self.line}: key cannot contain a space")
            if inherited:
                value = self._lookup(key, out)
                if value is not None:
                    out[key] = value
                continue
            value, rest = self._value(rest, out)
            out[key] = value

    def _lookup(self, name: str, out: dict[str, str]) -> str | None:
        value = self.lookup(name)
        return value if value is not None else out.get(name)

    def _statement_start(self, src: str) -> str:
        while True:
            position = self._first_non_space(src)
            if position == -1:
                return ""
            src = src[position:]
            if src[0] != "#":
                return src
            newline = src.find("\n")
            if newline == -1:
                return ""
            src = src[newline:]

    def _first_non_space(self, src: str) -> int:
        for index, char in enumerate(src):
            if char == "\n":
                self.line += 1
            if not _is_go_space(char):
                return index
        return -1

    def _key(self, src: str) -> tuple[str, str, bool]:
        if _EXPORT.match(src):
            src = src[len("export"):].lstrip(_LINE_SPACE)
        key = ""
        offset = 0
        inherited = False
        for index, char in enumerate(src):
            if char in _LINE_SPACE:
                continue
            if char in "=:\n":
                key = src[:index]
                offset = index + 1
                inherited = char == "\n"
                break
            if not _is_key_char(char):
                first_line = src.split("\n", 1)[0]
                raise _ParseError(
                    f"line {self.line}: unexpected character {go_quote(char)} in variable name {go_quote(first_line)}"
                )
        if src == "":
            raise _ParseError("zero length string")
        if inherited and " " not in key:
            self.line += 1
        key = _rstrip_go_space(key)
        return key, src[offset:].lstrip(_LINE_SPACE), inherited

    def _value(self, src: str, out: dict[str, str]) -> tuple[str, str]:
        quote = src[:1]
        if quote not in ("'", '"'):
            value, _, rest = src.partition("\n")
            self.line += 1
            value = _rstrip_go_space(value.split(" #", 1)[0])
            return self._expand(value, out), rest
        chars: list[str] = []
        escaped = False
        for index in range(1, len(src)):
            char = src[index]
            if char == "\n":
                self.line += 1
            if char != quote:
                if not escaped and char == "\\":
                    escaped = True
                    continue
                if escaped:
                    escaped = False
                    chars.append("\\")
                chars.append(char)
                continue
            if escaped:
                escaped = False
                chars.append(char)
                continue
            value = "".join(chars)
            if quote == '"':
                value = self._expand(_expand_escapes(value), out)
            return value, src[index + 1 :]
        end = src.find("\n")
        shown = src if end == -1 else src[:end]
        raise _ParseError(f"line {self.line}: unterminated quoted value {shown}")

    def _expand(self, value: str, out: dict[str, str]) -> str:
        if "$" not in value:
            return value
        return substitute(value, lambda name: self._lookup(name, out), self.warn)


def _expand_escapes(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        escape = match.group(0)
        if escape == "\\$":
            return "$$"  # stays a literal `$` through interpolation
        if escape.startswith("\\0"):
            # v2 rewrites `\0NNN` to `\NNN` and unquotes that (three octal digits, at most 0377);
            # when that fails the rewritten text stays: `\0` → `\`, `\01` → `\1`, `\0777` → `\777`
            digits = escape[2:]
            rewritten = "\\" + digits
            if len(digits) != 3 or any(digit not in "01234567" for digit in digits):
                return rewritten
            code = int(digits, 8)
            return chr(code) if code <= 0o377 else rewritten
        return _SIMPLE_ESCAPES.get(escape[1], escape)

    return _ESCAPE.sub(replace, text)


def _rstrip_go_space(text: str) -> str:
    end = len(text)
    while end > 0 and _is_go_space(text[end - 1]):
        end -= 1
    return text[:end]
