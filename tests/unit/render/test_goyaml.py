"""goyaml: yaml.v3 scalar styles, key order and emitter layout (expected values measured with v2.40.3)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.render import goyaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("plain", "plain"),
        ("", '""'),
        ("1", '"1"'),
        ("1.5", '"1.5"'),
        ("1e3", '"1e3"'),
        ("0x1F", '"0x1F"'),
        ("1_000", '"1_000"'),
        (".5", '".5"'),
        ("yes", '"yes"'),
        ("on", '"on"'),
        ("true", '"true"'),
        ("null", '"null"'),
        ("~", '"~"'),
        ("2024-01-02", '"2024-01-02"'),
        ("2024-13-02", "2024-13-02"),
        ("1:20", '"1:20"'),
        ("<<", "<<"),
        ("a: b", "'a: b'"),
        ("a:b", "a:b"),
        ("#x", "'#x'"),
        ("a #b", "'a #b'"),
        ("- x", "'- x'"),
        ("-x", "-x"),
        ("it's", "it's"),
        ("'x", "'''x'"),
        (" x", "' x'"),
        ("a\tb", '"a\\tb"'),
        ("é", "é"),
        ("😀", '"\\U0001F600"'),
        ("a\x85b", '"a\\Nb"'),
        ("\ufeffab", '"\\uFEFF\\x61\\x62"'),
        ("a\x01b\x7f", '"a\\x01b\\x7F"'),
        ("---", "'---'"),
    ],
)
def test_scalar_styles(text, expected):
    assert goyaml.dumps({"k": text}) == f"k: {expected}\n"


def test_multiline_strings_are_literal_blocks_with_v304_header_break():
    assert goyaml.dumps({"k": "a\nb"}) == "k: |-\n  a\n  b\n"
    assert goyaml.dumps({"k": "a\n"}) == "k: |\n  a\n"
    assert goyaml.dumps({"k": "a\n\n"}) == "k: |+\n  a\n\n"
    assert goyaml.dumps({"k": "\nx"}) == "k: |2-\n\n  x\n"
    assert goyaml.dumps({"k": "a \nb"}) == 'k: "a \\nb"\n'


def test_sequences_are_indented_under_their_key():
    assert goyaml.dumps({"a": [1, [2, 3], {"b": "c", "d": []}]}) == (
        "a:\n  - 1\n  - - 2\n    - 3\n  - b: c\n    d: []\n"
    )


def test_map_keys_use_yaml_v3_natural_order():
    # order printed by v2.40.3 for these environment keys (golden/strings.yaml)
    keys = ["A10", "A9", "a1", "a01", "_under", "Zed", "1key", "10key", "2key", "BASE60", "BIGINT", "ON"]
    assert goyaml.sort_keys(keys) == [
        "_under", "1key", "2key", "10key", "A9", "A10", "BASE60", "BIGINT", "ON", "Zed", "a1", "a01",
    ]


def test_long_keys_use_the_complex_key_form():
    key = "k" * 129
    assert goyaml.dumps({key: 1}) == f"? {key}\n: 1\n"


def test_config_omits_what_json_only_shows():
    config = {
        "name": "p",
        "networks": {"default": {"name": "p_default", "ipam": {}}},
        "services": {
            "s": {
                "command": None,
                "entrypoint": None,
                "deploy": {"resources": {}, "placement": {}, "replicas": 2},
                "env_file": [
                    {"path": "/a.env", "required": True},
                    {"path": "/b.env", "required": False, "format": "raw"},
                ],
                "ulimits": {"nofile": {"hard": 10}, "nproc": 5},
                "image": "busybox",
                "x-ext": {"b": 1, "a": 2},
            }
        },
        "x-top": 1,
    }
    assert goyaml.dumps_config(config) == (
        "name: p\nservices:\n  s:\n    deploy:\n      replicas: 2\n"
        "    env_file:\n      - /a.env\n      - path: /b.env\n        required: false\n"
        "    ulimits:\n      nofile:\n        soft: 0\n        hard: 10\n      nproc: 5\n"
        "    image: busybox\n    x-ext:\n      a: 2\n      b: 1\n"
        "networks:\n  default:\n    name: p_default\nx-top: 1\n"
    )


def test_json_document_has_v2_top_level_order_and_hides_struct_extensions():
    config = {"name": "p", "services": {"s": {"image": "i", "x-a": 1}}, "volumes": {}, "models": {"m": {}}, "x-z": []}
    document = goyaml.json_document(config)
    assert list(document) == ["name", "services", "x-z"]
    assert document["services"] == {"s": {"image": "i"}}
    assert document["x-z"] is None


_keys = st.text(max_size=6).filter(lambda key: key != "<<")  # PyYAML reads a `<<` key as a merge
# a `<<` value is printed plain, as v2 prints it (`k: <<`), and PyYAML cannot read that back
_texts = st.text().filter(lambda text: text != "<<")
_plain = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**31), 2**31) | _texts,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_keys, children, max_size=4),
    max_leaves=15,
)


class _Yaml12ishLoader(yaml.SafeLoader):
    """PyYAML without YAML 1.1's `=` value tag (yaml.v3 reads `=` as a string)."""


_Yaml12ishLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:value"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@settings(max_examples=80, deadline=None)
@given(st.dictionaries(_keys, _plain, max_size=5))
def test_output_reads_back_as_the_same_data(value):
    text = goyaml.dumps(value)
    # PyYAML is YAML 1.1 (yes/on are booleans there): v3 quotes those anyway, so the round trip holds
    loaded = yaml.load(text, Loader=_Yaml12ishLoader)
    assert loaded == (value or {})


def test_absurd_nesting_is_a_compose_error():
    from pycompose.errors import ComposeError

    value: list = []
    for _ in range(5000):
        value = [value]
    with pytest.raises(ComposeError):
        goyaml.dumps({"x-deep": value})
    with pytest.raises(ComposeError):
        goyaml.dumps({"k": object()})


def test_indent_four_and_struct_order():
    # yaml.Marshal (indent 4) of a struct keeps field order; a map sorts its keys
    assert goyaml.dumps({"b": {"z": 1, "a": [1]}}, indent=4, keep_order=True) == "b:\n    z: 1\n    a:\n        - 1\n"
    assert goyaml.dumps({"b": {"z": 1, "a": 2}}, indent=4) == "b:\n    a: 2\n    z: 1\n"


def test_a_merge_key_lookalike_value_is_printed_plain_as_v2_prints_it():
    assert goyaml.dumps({"k": "<<"}) == "k: <<\n"  # docker compose config (v2.40.3) prints `k: <<`
