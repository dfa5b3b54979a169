"""Interpolation grammar, messages and type casts as measured on Compose v2.40.3."""

from __future__ import annotations

import pytest

from pycompose.errors import InterpolationError, ConfigError
from pycompose.loader.interpolate import cast_types, interpolate, substitute

ENV = {"A": "1", "E": "", "B": "bee"}
PATH = ("services", "s", "environment", "Q")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$1", "$1"), ("a $ b", "a $ b"), ("$$HOME", "$HOME"), ("${A:-${B:-x}}", "1"), ("${Z:-${B:-x}}", "bee"),
        ("${E:-d}", "d"), ("${E-d}", ""), ("${A:+r}", "r"), ("${E:+r}", ""), ("${E+r}", "r"), ("${Z+r}", ""),
        ("$A-b", "1-b"), ("${Z:-a}b}", "ab}"), ("x${A}y$B", "x1ybee"),
    ],
)
def test_forms(text, expected):
    assert substitute(text, ENV, warn=lambda message: None, path=PATH) == expected


@pytest.mark.parametrize("text", ["${", "${1X}", "${A/x}", "${A:x}", "${A"])
def test_invalid_forms(text):
    with pytest.raises(InterpolationError) as error:
        substitute(text, ENV, warn=lambda message: None, path=PATH)
    assert str(error.value) == (
        f"services.s.environment.Q: invalid interpolation format (you may need to escape any $ with another $): {text}"
    )


def test_required_variables():
    with pytest.raises(InterpolationError) as error:
        substitute("${Z?must}", ENV, warn=lambda message: None, path=PATH)
    assert str(error.value) == "services.s.environment.Q: required variable Z is missing a value: must"
    with pytest.raises(InterpolationError, match="required variable E is missing a value$"):
        substitute("${E:?}", ENV, warn=lambda message: None, path=PATH)


def test_unset_variable_warns_with_v2_text_and_keys_are_not_interpolated():
    warnings = []
    assert interpolate({"$K": ["$TAG"]}, {}, warn=warnings.append) == {"$K": [""]}
    assert warnings == ['The "TAG" variable is not set. Defaulting to a blank string.']


def test_casts_at_known_paths():
    data = {"services": {"s": {"ports": [{"target": "80"}], "init": "yes", "command": "80",
                               "ulimits": {"nofile": {"soft": "1"}, "nproc": "3"}, "deploy": {"replicas": "2"}}},
            "networks": {"n": {"external": "true"}}}
    assert cast_types(data) == {"services": {"s": {"ports": [{"target": 80}], "init": True, "command": "80",
                                                   "ulimits": {"nofile": {"soft": 1}, "nproc": 3},
                                                   "deploy": {"replicas": 2}}},
                                "networks": {"n": {"external": True}}}
    with pytest.raises(ConfigError, match="services.s.scale: expected an integer, got 'x'"):
        cast_types({"services": {"s": {"scale": "x"}}})
