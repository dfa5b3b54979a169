"""String commands split as v2.40.3 splits them (expected values printed by the reference binary)."""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.canonical import CanonicalContext, canonicalize

CTX = CanonicalContext(project_name="test", working_dir="/PROJECT", home_dir="/home/user")

CASES = [
    ('a b|c', ['a', 'b']),
    ('a >b', ['a']),
    ('a &b', ['a']),
    ('echo `x y` z', ['echo', '`x y`', 'z']),
    ('a\\ b c', ['a b', 'c']),
    ('a "b\\"c" d', ['a', 'b"c', 'd']),
    ("a 'b\\c'", ['a', 'b\\c']),
    ('a #b', ['a', '#b']),
    ('x=1 y', ['x=1', 'y']),
    ('a\\;b c', ['a;b', 'c']),
    ('(a b)', "'services[a].command' invalid command line string"),
    ('a "b;c"', ['a', 'b;c']),
    ('a\tb', ['a', 'b']),
    ("a ''", ['a', '']),
    ('a "" b', ['a', '', 'b']),
    ('a 2>&1', ['a']),
    ('a b2>c', ['a', 'b2']),
    ("sh -c 'echo hi; exit 1'", ['sh', '-c', 'echo hi; exit 1']),
    ('a)', "'services[a].command' invalid command line string"),
    ("echo 'abc", "'services[a].command' invalid command line string"),
    ('a\\', "'services[a].command' invalid command line string"),
    ('  lead  trail  ', ['lead', 'trail']),
    ('a\nb', ['a', 'b']),
    ("'it''s'", ['its']),
    ('a"b"c', ['abc']),
    ('a `b', "'services[a].command' invalid command line string"),
]


@pytest.mark.parametrize(("command", "expected"), CASES)
def test_command_words_as_v2(command: str, expected: object) -> None:
    merged = {"services": {"a": {"image": "busybox", "command": command}}}
    if isinstance(expected, str):
        with pytest.raises(ConfigError) as raised:
            canonicalize(merged, CTX)
        assert raised.value.message == "invalid command line string"
        assert raised.value.keys == ("services", "a", "command")
    else:
        assert canonicalize(merged, CTX)["services"]["a"]["command"] == expected
