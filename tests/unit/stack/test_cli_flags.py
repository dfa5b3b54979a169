"""`pycompose stack`'s `-d/--detach`: a pflag bool, as docker's (never takes the next word)."""

from __future__ import annotations

import pytest

from pycompose.cli.commands.stack import _detach, _go_bool_args
from pycompose.errors import UsageError


@pytest.mark.parametrize(("argv", "expected"), [
    (["-d", "-c", "x.yaml", "s"], ["--detach=true", "-c", "x.yaml", "s"]),
    (["--detach", "s"], ["--detach=true", "s"]),
    (["--detach=false", "s"], ["--detach=false", "s"]),
    (["-d=false", "s"], ["--detach=false", "s"]),
    (["-dq", "s"], ["--detach=true", "-q", "s"]),
    (["-qd", "s"], ["-q", "--detach=true", "s"]),
    (["-cd", "s"], ["-cd", "s"]),  # -c takes a value: not a group of bool flags
    (["s", "--", "-d"], ["s", "--", "-d"]),
])
def test_go_bool_args(argv, expected):
    assert _go_bool_args(argv, "dq") == expected


def test_detach_values():
    assert _detach(None) is True
    assert [_detach(v) for v in ("true", "1", "T", "false", "0", "f")] == [True, True, True, False, False, False]
    with pytest.raises(UsageError, match=r'invalid argument "maybe" for "-d, --detach" flag'):
        _detach("maybe")
