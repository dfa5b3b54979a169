"""Interpolation and type casts as Compose v2 does them; every expectation was measured with docker-compose v2.40.3."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.errors import ConfigError, InterpolationError
from pycompose.loader.interpolate import cast_types, interpolate, substitute
from pycompose.loader.tags import Override, Reset

ENV = {"A": "va", "E": "", "Ab": "vAb", "a": "low", "_": "us", "B": "vb"}

# measured with docker-compose v2.40.3: environment K: <template>, env A=va E="" Ab=vAb a=low _=us B=vb
# value as the container sees it (config prints each $ doubled), warnings in order
SUBSTITUTIONS = [
    ('$A', 'va', []),
    ('${A}', 'va', []),
    ('$E', '', []),
    ('${E}', '', []),
    ('$UNSET', '', ['The "UNSET" variable is not set. Defaulting to a blank string.']),
    ('${UNSET}', '', ['The "UNSET" variable is not set. Defaulting to a blank string.']),
    ('$$', '$', []),
    ('$$A', '$A', []),
    ('$$$A', '$va', []),
    ('$$$$', '$$', []),
    ('$1', '$1', []),
    ('$ x', '$ x', []),
    ('x$', 'x$', []),
    ('$-', '$-', []),
    ('$A_b', '', ['The "A_b" variable is not set. Defaulting to a blank string.']),
    ('$a', 'low', []),
    ('${A:-d}', 'va', []),
    ('${E:-d}', 'd', []),
    ('${UNSET:-d}', 'd', []),
    ('${A-d}', 'va', []),
    ('${E-d}', '', []),
    ('${UNSET-d}', 'd', []),
    ('${A:+r}', 'r', []),
    ('${E:+r}', '', []),
    ('${UNSET:+r}', '', []),
    ('${A+r}', 'r', []),
    ('${E+r}', 'r', []),
    ('${UNSET+r}', '', []),
    ('${A:?m}', 'va', []),
    ('${A?m}', 'va', []),
    ('${E?m}', '', []),
    ('${UNSET:-${A}}', 'va', []),
    ('${UNSET:-${UNSET2:-deep}}', 'deep', []),
    ('${UNSET:-$A}', 'va', []),
    ('${A:-${UNSET3}}', 'va', ['The "UNSET3" variable is not set. Defaulting to a blank string.']),
    ('${UNSET:-x} ${A}', 'x va', []),
    ('${A:-x}}', 'va}', []),
    ('${UNSET:-x}} ${A}}', 'x} va}', []),
    ('${UNSET:-{x}', '{x', []),
    ('${UNSET:-a-b:c}', 'a-b:c', []),
    ('${UNSET-a:-b}', 'a:-b', []),
    ('${UNSET:-}', '', []),
    ('${UNSET-}', '', []),
    ('${A}x${A}', 'vaxva', []),
    ('pre${A}post', 'prevapost', []),
    ('${A}${E}${A}', 'vava', []),
    ('${UNSET:-$$}', '$', []),
    ('${UNSET:-$$A}', '$A', []),
    ('a$$b${A}', 'a$bva', []),
    ('${A:-x}${UNSET:-y}', 'vay', []),
    ('${UNSET:+${A}}', '', []),
    ('${A:+${A}${A}}', 'vava', []),
    ('${UNSET:-é}', 'é', []),
    ('ü$A', 'üva', []),
    ('${A:-x}$', 'va$', []),
    ('${UNSET:-x$}', 'x$', []),
    ('$${A}', '${A}', []),
    ('$$${A}', '$va', []),
    ('${A-x}${B:-y}', 'vavb', []),
    ('${UNSET:-{}}', '{}', []),
    ('${UNSET:-}}', '}', []),
    ('${UNSET:-${A}${A}}x', 'vavax', []),
    ('$Ab', 'vAb', []),
    ('${Ab}', 'vAb', []),
    ('${a}', 'low', []),
    ('$_', 'us', []),
    ('${_}', 'us', []),
]
# how v2 words the two kinds of error, before what it quotes of the value
INVALID = "invalid interpolation format for services.s.environment.K.\nYou may need to escape any $ with another $.\n"
REQUIRED = "error while interpolating services.s.environment.K: required variable "
ERRORS = [
    ('${', INVALID + '${'),
    ('${}', INVALID + '${}'),
    ('${1X}', INVALID + '${1X}'),
    ('${A', INVALID + '${A'),
    ('${A:x}', INVALID + '${A:x}'),
    ('${A*}', INVALID + '${A*}'),
    ('x ${ y', INVALID + 'x ${ y'),
    ('${UNSET:-${B}x', INVALID + '${B'),
    ('${UNSET:?need it}', REQUIRED + 'UNSET is missing a value: need it'),
    ('${E:?}', REQUIRED + 'E is missing a value'),
    ('${UNSET?}', REQUIRED + 'UNSET is missing a value'),
    ('${UNSET?need ${A}}', REQUIRED + 'UNSET is missing a value: need va'),
    ('${A} ${', INVALID + '${A} ${'),
    ('${UNSET:-${}}', INVALID + '${}'),
    ('${ A}', INVALID + '${ A}'),
    ('${A }', INVALID + '${A }'),
]


def _one(template: str) -> tuple[str, list[str]]:
    warnings: list[str] = []
    data = {"services": {"s": {"environment": {"K": template}}}}
    value = interpolate(data, ENV, warn=warnings.append)["services"]["s"]["environment"]["K"]
    return value, warnings


@pytest.mark.parametrize(("template", "expected", "warnings"), SUBSTITUTIONS)
def test_substitution_matches_v2(template, expected, warnings):
    assert _one(template) == (expected, warnings)


@pytest.mark.parametrize(("template", "message"), ERRORS)
def test_invalid_forms_fail_with_v2_message(template, message):
    with pytest.raises(InterpolationError) as error:
        _one(template)
    assert error.value.message == message
    assert error.value.keys == ("services", "s", "environment", "K")


def test_warning_for_every_occurrence():
    # v2 logs UNSET1 three times for these two values (measured)
    warnings: list[str] = []
    interpolate({"B": "${UNSET1}", "C": "$UNSET1 ${UNSET1}"}, {}, warn=warnings.append)
    assert warnings == ['The "UNSET1" variable is not set. Defaulting to a blank string.'] * 3


def test_list_items_are_shown_as_brackets_in_message_but_indexed_in_path():
    data = {"services": {"s": {"command": ["echo", "ok", "${1X}"]}}}
    with pytest.raises(InterpolationError) as error:
        interpolate(data, {}, warn=lambda _: None)
    assert error.value.message.startswith("invalid interpolation format for services.s.command.[].\n")
    assert error.value.keys == ("services", "s", "command", 2)


def test_required_in_list_item():
    data = {"services": {"s": {"environment": ["A=${EMPTY:?must be set}"]}}}
    with pytest.raises(InterpolationError) as error:
        interpolate(data, {"EMPTY": ""}, warn=lambda _: None)
    assert error.value.message == (
        "error while interpolating services.s.environment.[]: required variable EMPTY is missing a value: must be set"
    )


def test_keys_and_non_strings_are_not_interpolated():
    data = {"$A": {"${A}": ["$A", 1, True, None, 2.5]}, "n": 3}
    assert interpolate(data, ENV, warn=lambda _: None) == {"$A": {"${A}": ["va", 1, True, None, 2.5]}, "n": 3}


def test_tags_keep_their_wrapper():
    data = {"a": Override({"b": "$A"}), "c": Reset(None), "d": Reset(["$A"])}
    expected = {"a": Override({"b": "va"}), "c": Reset(None), "d": Reset(["va"])}
    assert interpolate(data, ENV, warn=lambda _: None) == expected


def test_dollar_escape_becomes_single_dollar():
    # v2 config prints "$$HOME x $$$$ $${X}" and the container sees "$HOME x $$ ${X}"
    assert substitute("$$HOME x $$$$ $${X}", {}.get, lambda _: None) == "$HOME x $$ ${X}"
    # a value with a dollar from the environment is inserted as is (v2 prints a$$b)
    assert substitute("${FOO}", {"FOO": "a$b"}.get, lambda _: None) == "a$b"


# --- casts ---------------------------------------------------------------------------------------------------------


def _service(**fields):
    return {"services": {"s": fields}}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"cpus": "0.1", "cpu_percent": "1e2", "oom_score_adj": "-5"},
         {"cpus": 0.1, "cpu_percent": 100.0, "oom_score_adj": -5}),
        ({"ulimits": {"nofile": {"soft": "10", "hard": "20"}, "nproc": "30"}},
         {"ulimits": {"nofile": {"soft": 10, "hard": 20}, "nproc": 30}}),
        ({"cpus": "1_0"}, {"cpus": 10.0}),
        ({"cpus": "0x1.8p1"}, {"cpus": 3.0}),
        ({"cpus": "1."}, {"cpus": 1.0}),
        ({"init": "TRUE", "tty": "False", "privileged": "true"}, {"init": True, "tty": False, "privileged": True}),
        ({"ports": [{"target": "80"}, "8080:80"]}, {"ports": [{"target": 80}, "8080:80"]}),
        ({"volumes": [{"read_only": "true", "volume": {"nocopy": "false"}}]},
         {"volumes": [{"read_only": True, "volume": {"nocopy": False}}]}),
        ({"deploy": {"replicas": "2", "restart_policy": {"max_attempts": "3"}}},
         {"deploy": {"replicas": 2, "restart_policy": {"max_attempts": 3}}}),
        ({"healthcheck": {"retries": "3", "disable": "false"}}, {"healthcheck": {"retries": 3, "disable": False}}),
        # not in v2's list: left as strings (v2 then fails schema validation, e.g. depends_on.required)
        ({"attach": "false", "depends_on": {"t": {"required": "false"}}, "mem_limit": "1"},
         {"attach": "false", "depends_on": {"t": {"required": "false"}}, "mem_limit": "1"}),
        # only strings are cast
        ({"init": 1, "scale": 2.5}, {"init": 1, "scale": 2.5}),
    ],
)
def test_casts_at_v2_paths(fields, expected):
    assert cast_types(_service(**fields)) == _service(**expected)


def test_resource_casts():
    data = {
        "networks": {"n": {"external": "true", "internal": "false", "attachable": "true", "enable_ipv6": "false"}},
        "volumes": {"v": {"external": "true"}},
        "secrets": {"x": {"external": "false"}},
        "configs": {"c": {"external": "true", "name": "true"}},
    }
    assert cast_types(data) == {
        "networks": {"n": {"external": True, "internal": False, "attachable": True, "enable_ipv6": False}},
        "volumes": {"v": {"external": True}},
        "secrets": {"x": {"external": False}},
        "configs": {"c": {"external": True, "name": "true"}},
    }


def test_yaml11_booleans_warn():
    warnings: list[str] = []
    assert cast_types(_service(init="yes", tty="Off"), warn=warnings.append) == _service(init=True, tty=False)
    assert warnings == [
        '"yes" for boolean is not supported by YAML 1.2, please use `true`',
        '"Off" for boolean is not supported by YAML 1.2, please use `false`',
    ]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"init": "maybe"},
         "error while interpolating services.s.init: failed to cast to expected type: invalid boolean: maybe"),
        ({"init": " true"},
         "error while interpolating services.s.init: failed to cast to expected type: invalid boolean:  true"),
        ({"ports": [{"target": "80x"}]},
         'error while interpolating services.s.ports.[].target: failed to cast to expected type: '
         'strconv.Atoi: parsing "80x": invalid syntax'),
        ({"cpu_count": " 2"},
         'error while interpolating services.s.cpu_count: failed to cast to expected type: '
         'strconv.ParseInt: parsing " 2": invalid syntax'),
        ({"cpus": "1e39"},
         'error while interpolating services.s.cpus: failed to cast to expected type: '
         'strconv.ParseFloat: parsing "1e39": value out of range'),
        ({"scale": "99999999999999999999"},
         'error while interpolating services.s.scale: failed to cast to expected type: '
         'strconv.Atoi: parsing "99999999999999999999": value out of range'),
        ({"cpus": "0x10"},
         'error while interpolating services.s.cpus: failed to cast to expected type: '
         'strconv.ParseFloat: parsing "0x10": invalid syntax'),
        ({"cpus": "0x1.8"},
         'error while interpolating services.s.cpus: failed to cast to expected type: '
         'strconv.ParseFloat: parsing "0x1.8": invalid syntax'),
    ],
)
def test_cast_errors_have_v2_messages(fields, message):
    with pytest.raises(ConfigError) as error:
        cast_types(_service(**fields))
    assert error.value.message == message


def test_special_floats():
    assert cast_types(_service(cpu_percent="Inf"))["services"]["s"]["cpu_percent"] == math.inf


_TEMPLATE_PIECES = ["$", "{", "}", ":", "-", "+", "?", "A", "E", "Z", "1", "x", " ", "\n", "$$", "${", "é"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TEMPLATE_PIECES), max_size=30).map("".join))
def test_any_string_interpolates_or_raises_an_interpolation_error(text):
    try:
        result = interpolate({"v": text}, ENV, warn=lambda _: None)
    except InterpolationError:
        return
    if "$" not in text:
        assert result == {"v": text}


def test_deeply_nested_defaults_are_an_error_not_a_crash():
    with pytest.raises(InterpolationError):
        interpolate({"a": "${A:-" * 3000 + "x" + "}" * 3000}, {}, warn=lambda _: None)
