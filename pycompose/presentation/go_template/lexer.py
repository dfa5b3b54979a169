"""The lexer: template text → text, delimiter and action tokens, with Go's error messages."""

from __future__ import annotations

from dataclasses import dataclass

from pycompose.presentation.go_template.values import TemplateError, _go_char_literal, _is_alnum, go_quote

_SPACE = " \t\r\n"
_KEYWORDS = {"if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
             "true", "false"}


@dataclass
class _Token:
    kind: str  # text, left, right, field, dot, var, ident, keyword, string, raw, char, number, pipe, lparen,
    #            rparen, comma, declare, assign, space, eof
    value: str
    pos: int


def _err_parse(message: str, line: int = 1) -> TemplateError:
    return TemplateError(f"template: :{line}: {message}")


def _char_name(char: str) -> str:
    return f"U+{ord(char):04X} {_go_char_literal(char)}"



class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[_Token] = []
        self.paren_depth = 0

    def line_of(self, pos: int) -> int:
        return self.text.count("\n", 0, pos) + 1

    def fail(self, message: str, pos: int) -> TemplateError:
        return _err_parse(message, self.line_of(pos))

    def run(self) -> list[_Token]:
        text, pos, trim_next = self.text, 0, False
        while True:
            start = text.find("{{", pos)
            end = len(text) if start < 0 else start
            chunk = text[pos:end]
            if trim_next:
                chunk = chunk.lstrip(_SPACE)
            after = start + 2
            trim_left = start >= 0 and len(text) > after + 1 and text[after] == "-" and text[after + 1] in _SPACE
            if trim_left:
                chunk = chunk.rstrip(_SPACE)
            if chunk:
                self.tokens.append(_Token("text", chunk, pos))
            if start < 0:
                break
            inner = after + 2 if trim_left else after
            if text.startswith("/*", inner):
                pos, trim_next = self._comment(inner)
                continue
            self.tokens.append(_Token("left", "{{", start))
            pos, trim_next = self._action(inner)
        self.tokens.append(_Token("eof", "", len(text)))
        return self.tokens

    def _comment(self, pos: int) -> tuple[int, bool]:
        close = self.text.find("*/", pos + 2)
        if close < 0:
            raise self.fail("unclosed comment", pos)
        rest = close + 2
        if self.text.startswith("}}", rest):
            return rest + 2, False
        if len(self.text) > rest + 3 and self.text[rest] in _SPACE and self.text.startswith("-}}", rest + 1):
            return rest + 4, True
        raise self.fail("comment ends before closing delimiter", pos)

    def _action(self, pos: int) -> tuple[int, bool]:
        text = self.text
        self.paren_depth = 0
        while True:
            if pos >= len(text):
                raise self.fail("unclosed action", pos)
            char = text[pos]
            if char in _SPACE:
                if text.startswith("-}}", pos + 1):
                    return self._right(pos + 1, trim=True)
                begin = pos
                while pos < len(text) and text[pos] in _SPACE:
                    pos += 1
                self.tokens.append(_Token("space", text[begin:pos], begin))
                continue
            if text.startswith("}}", pos):
                return self._right(pos, trim=False)
            if char == "|":
                self._add("pipe", char, pos)
                pos += 1
            elif char == "(":
                self.paren_depth += 1
                self._add("lparen", char, pos)
                pos += 1
            elif char == ")":
                self.paren_depth -= 1
                if self.paren_depth < 0:
                    raise self.fail("unexpected right paren", pos)
                self._add("rparen", char, pos)
                pos += 1
            elif char == ",":
                self._add("comma", char, pos)
                pos += 1
            elif text.startswith(":=", pos):
                self._add("declare", ":=", pos)
                pos += 2
            elif char == "=":
                self._add("assign", char, pos)
                pos += 1
            elif char == '"':
                pos = self._quoted(pos)
            elif char == "`":
                close = text.find("`", pos + 1)
                if close < 0:
                    raise self.fail("unterminated raw quoted string", pos)
                self._add("raw", text[pos:close + 1], pos)
                pos = close + 1
            elif char == "'":
                pos = self._char(pos)
            elif char == "$":
                end = pos + 1
                while end < len(text) and _is_alnum(text[end]):
                    end += 1
                self._add("var", text[pos:end], pos)
                pos = self._check_terminator(end)
            elif char == "." and pos + 1 < len(text) and text[pos + 1].isdigit():
                pos = self._number(pos)
            elif char == ".":
                end = pos + 1
                while end < len(text) and _is_alnum(text[end]):
                    end += 1
                self._add("field" if end > pos + 1 else "dot", text[pos:end], pos)
                pos = self._check_terminator(end) if end > pos + 1 else end
            elif char in "+-" or char.isdigit():
                pos = self._number(pos)
            elif _is_alnum(char):
                end = pos
                while end < len(text) and _is_alnum(text[end]):
                    end += 1
                word = text[pos:end]
                self._add("keyword" if word in _KEYWORDS else "ident", word, pos)
                pos = self._check_terminator(end)
            else:
                raise self.fail(f"bad character {_char_name(char)}", pos)

    def _add(self, kind: str, value: str, pos: int) -> None:
        self.tokens.append(_Token(kind, value, pos))

    def _right(self, pos: int, *, trim: bool) -> tuple[int, bool]:
        if self.paren_depth > 0:
            raise self.fail("unclosed left paren", pos)
        self._add("right", "}}", pos)
        return pos + (3 if trim else 2), trim

    def _check_terminator(self, pos: int) -> int:
        text = self.text
        if pos >= len(text):
            return pos
        char = text[pos]
        if char in _SPACE or char in ".,|:)(" or text.startswith("}}", pos):
            return pos
        raise self.fail(f"bad character {_char_name(char)}", pos)

    def _quoted(self, pos: int) -> int:
        text, end = self.text, pos + 1
        while True:
            if end >= len(text) or text[end] == "\n":
                raise self.fail("unterminated quoted string", pos)
            if text[end] == "\\":
                if end + 1 >= len(text) or text[end + 1] == "\n":
                    raise self.fail("unterminated quoted string", pos)
                end += 2
                continue
            if text[end] == '"':
                break
            end += 1
        self._add("string", text[pos:end + 1], pos)
        return end + 1

    def _char(self, pos: int) -> int:
        text, end = self.text, pos + 1
        while True:
            if end >= len(text) or text[end] == "\n":
                raise self.fail("unterminated character constant", pos)
            if text[end] == "\\":
                end += 2
                continue
            if text[end] == "'":
                break
            end += 1
        self._add("char", text[pos:end + 1], pos)
        return end + 1

    def _number(self, pos: int) -> int:
        text, end = self.text, pos
        if end < len(text) and text[end] in "+-":
            end += 1
        digits = "0123456789_"
        if text.startswith(("0x", "0X"), end):
            end += 2
            digits = "0123456789abcdefABCDEF_"
        elif text.startswith(("0o", "0O"), end):
            end += 2
            digits = "01234567_"
        elif text.startswith(("0b", "0B"), end):
            end += 2
            digits = "01_"
        while end < len(text) and text[end] in digits:
            end += 1
        if end < len(text) and text[end] == ".":
            end += 1
            while end < len(text) and text[end] in digits:
                end += 1
        if len(digits) == 11 and end < len(text) and text[end] in "eE":
            end += 1
            if end < len(text) and text[end] in "+-":
                end += 1
            while end < len(text) and text[end] in "0123456789_":
                end += 1
        if end < len(text) and text[end] == "i":
            end += 1
        if end < len(text) and _is_alnum(text[end]):
            raise self.fail(f"bad number syntax: {go_quote(text[pos:end + 1])}", pos)
        self._add("number", text[pos:end], pos)
        return end
