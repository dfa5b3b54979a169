"""Warnings in logrus' text format, as v2 prints them: quoted with Go's %q unless plain, one newline dropped on a
terminal."""

from __future__ import annotations

import io
import re

from pycompose.presentation.warnings import write_warnings


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _piped(message: str) -> str:
    out = io.StringIO()
    write_warnings([message], out)
    return re.sub(r'^time="[^"]+" ', "", out.getvalue())


def test_a_message_is_quoted_as_go_quotes_it_a_newline_escaped():
    # v2 2.40.3: msg="x-initialSync is DEPRECATED, please use the official `initial_sync` attribute\n"
    assert _piped("x-initialSync is DEPRECATED, use `initial_sync`\n") == \
        'level=warning msg="x-initialSync is DEPRECATED, use `initial_sync`\\n"\n'
    assert _piped('say "hi" \\ tab\t') == 'level=warning msg="say \\"hi\\" \\\\ tab\\t"\n'


def test_a_plain_word_is_not_quoted():
    assert _piped("deprecated") == "level=warning msg=deprecated\n"
    assert _piped("") == 'level=warning msg=""\n'


def test_on_a_terminal_one_trailing_newline_is_dropped():
    out = _Terminal()
    write_warnings(["first\n", "second"], out)
    assert out.getvalue() == "WARN[0000] first\nWARN[0000] second\n"
