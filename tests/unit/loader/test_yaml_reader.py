"""The YAML reader resolves scalars as Compose v2 (yaml.v3) does; expectations measured with v2.40.3."""

from __future__ import annotations

import math

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.tags import Override, Reset
from pycompose.loader.yaml_file import Mark, load_documents


def data(text: str):
    return load_documents(text, "compose.yaml")[0].data


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        ("yes", "yes"), ("on", "on"), ("off", "off"), ("y", "y"),
        ("true", True), ("TRUE", True), ("False", False),
        ("0755", 493), ("1_000", 1000), ("0b101", 5), ("0x1F", 31), ("+12", 12), ("-0o17", -15),
        ("08", 8.0), ("1e3", 1000.0), (".5", 0.5), ("1.10", 1.1), ("99999999999999999999", 1e20),
        ("~", None), ("null", None), ("", None),
        ("2001-12-14", "2001-12-14"), ("'yes'", "yes"), ('"1"', "1"),
    ],
)
def test_scalars_resolve_as_in_v2(scalar, expected):
    assert data(f"v: {scalar}\n")["v"] == expected


def test_infinities():
    assert data("v: .Inf\n")["v"] == math.inf
    assert math.isnan(data("v: .nan\n")["v"])


def test_duplicate_key_is_an_error_with_location():
    with pytest.raises(ConfigError) as error:
        load_documents("services:\n  a:\n    image: x\n    image: y\n", "compose.yaml")
    assert str(error.value) == 'compose.yaml:4:5: mapping key "image" already defined at line 3'


def test_syntax_error_names_file_line_and_column():
    with pytest.raises(ConfigError) as error:
        load_documents("services:\n  a: [1\n", "compose.yaml")
    assert str(error.value).startswith("compose.yaml:3:1: yaml: ")


def test_merge_keys_and_marks():
    document = load_documents(
        "x: &base\n  image: busybox\n  init: true\nservices:\n  s:\n    <<: *base\n    image: other\n"
        "  t:\n    <<: [*base]\n",
        "compose.yaml",
    )[0]
    assert document.data["services"] == {
        "s": {"image": "other", "init": True},
        "t": {"image": "busybox", "init": True},
    }
    assert document.marks[("services", "s", "image")] == Mark("compose.yaml", 7, 5)
    assert document.marks[("services", "t", "image")] == Mark("compose.yaml", 2, 3)


def test_reset_and_override_tags():
    assert data("a: !reset []\nb: !override {c: 1}\nd: !reset\n") == {
        "a": Reset(), "b": Override({"c": 1}), "d": Reset(None),
    }


def test_documents_and_empty_files():
    assert load_documents("", "f") == []
    assert load_documents("# only a comment\n", "f") == []
    assert [d.data for d in load_documents("a: 1\n---\nb: 2\n", "f")] == [{"a": 1}, {"b": 2}]


def test_sequence_item_marks():
    document = load_documents("ports:\n  - 80:80\n  - 443:443\n", "f")[0]
    assert document.marks[("ports", 1)] == Mark("f", 3, 5)
