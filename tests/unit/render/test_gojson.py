"""gojson.dumps against Go encoding/json behaviour (values measured with Go / Compose v2.40.3)."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.errors import ComposeError
from pycompose.render import gojson


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<a&b>", '"\\u003ca\\u0026b\\u003e"'),
        ("ü日本😀", '"ü日本😀"'),
        ("a\u2028b\u2029", '"a\\u2028b\\u2029"'),
        ("\x01\x1f\x7f", '"\\u0001\\u001f\x7f"'),
        ("\b\f\n\r\t", '"\\b\\f\\n\\r\\t"'),
        ('q"b\\', '"q\\"b\\\\"'),
        ("\ud800", '"\ufffd"'),
    ],
)
def test_string_escaping_is_gos(text, expected):
    assert gojson.dumps(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1.0, "1"),
        (0.5, "0.5"),
        (-0.25, "-0.25"),
        (1e20, "100000000000000000000"),
        (1e21, "1e+21"),
        (1.5e-7, "1.5e-7"),
        (0.000001, "0.000001"),
        (1e-7, "1e-7"),
        (123456789.125, "123456789.125"),
        (0.1, "0.1"),
    ],
)
def test_floats_are_formatted_like_go(value, expected):
    assert gojson.dumps(value) == expected


def test_compact_form_has_no_spaces_and_keeps_order():
    assert gojson.dumps({"b": [1, True, None], "a": {}}) == '{"b":[1,true,null],"a":{}}'


def test_indented_form_is_marshal_indent_without_trailing_newline():
    assert gojson.dumps({"a": [], "b": {"c": [1, 2]}, "d": {}}, indent=2) == (
        '{\n  "a": [],\n  "b": {\n    "c": [\n      1,\n      2\n    ]\n  },\n  "d": {}\n}'
    )


def test_unsupported_values_raise_compose_error():
    with pytest.raises(ComposeError):
        gojson.dumps(float("inf"))
    with pytest.raises(ComposeError):
        gojson.dumps({"a": object()})


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=5), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=100, deadline=None)
@given(_json_values)
def test_output_is_json_that_reads_back_to_the_same_value(value):
    for indent in (None, 2):
        text = gojson.dumps(value, indent=indent)
        assert json.loads(text) == value


@settings(max_examples=100, deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_read_back_exactly(value):
    assert float(gojson.dumps(value)) == value


def test_encoder_without_html_escaping():
    # Encoder.SetEscapeHTML(false), used by v2's formatter (config --variables --format json)
    assert gojson.dumps({"a<": "<&>\u2028"}, escape_html=False) == '{"a<":"<&>\\u2028"}'
    assert gojson.dumps(["\\u003c"], escape_html=False) == '["\\\\u003c"]'
