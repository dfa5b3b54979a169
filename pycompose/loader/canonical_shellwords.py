"""Split a command string into words the way Compose v2 does (go-shellwords, without env or backtick expansion).

Unlike POSIX shlex: parsing stops at an unquoted `;`, `&`, `|`, `<` or `>` (the rest is dropped, and a
digit word right before `>` such as `2>` is dropped too), `$( … )` and `` ` … ` `` are kept verbatim with
their spaces, and a bare `(` or `)` or an unterminated quote is an error.
"""

from __future__ import annotations

_OPERATORS = ";&|<>"


class ShellWordsError(ValueError):
    """The string is not a valid command line (v2: `invalid command line string`)."""


def split_command(line: str) -> list[str]:
    """Words of `line`, as v2 turns a string `command:`/`entrypoint:` into a list."""
    words: list[str] = []
    buffer = ""
    has_word = False
    escaped = single = double = backquote = dollar = False
    for char in line:
        if escaped:
            buffer += char
            escaped = False
            has_word = True
            continue
        if char == "\\":
            if single:
                buffer += char
            else:
                escaped = True
            continue
        if char in " \t\r\n":
            if single or double or backquote or dollar:
                buffer += char
            elif has_word:
                words.append(buffer)
                buffer = ""
                has_word = False
            continue
        if char == "`" and not (single or double or dollar):
            backquote = not backquote
        elif char == ")" and not (single or double or backquote):
            dollar = not dollar
        elif char == "(" and not (single or double or backquote):
            if not dollar and buffer.endswith("$"):
                dollar = True
                buffer += char
                continue
            raise ShellWordsError("invalid command line string")
        elif char == '"' and not (single or dollar):
            if double:
                has_word = True
            double = not double
            continue
        elif char == "'" and not (double or dollar):
            if single:
                has_word = True
            single = not single
            continue
        elif char in _OPERATORS and not (single or double or backquote or dollar):
            if char == ">" and buffer[:1].isdigit():
                has_word = False
            break
        has_word = True
        buffer += char
    else:
        if escaped or single or double or backquote or dollar:
            raise ShellWordsError("invalid command line string")
    if has_word:
        words.append(buffer)
    return words
