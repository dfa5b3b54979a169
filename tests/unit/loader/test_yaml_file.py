"""Reading compose YAML as Compose v2 (yaml.v3) does; expectations measured with docker-compose v2.40.3."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pycompose.errors import ConfigError
from pycompose.loader.tags import Override, Reset
from pycompose.loader.yaml_file import Mark, Timestamp, YamlDocument, load_documents


def value_of(scalar: str):
    return load_documents(f"x-v: {scalar}\nservices:\n  s: {{image: busybox}}\n", "compose.yaml")[0].data["x-v"]


def as_v2_prints(value):
    """What v2's JSON shows for a value: timestamps as Go renders them, integral floats without a fraction."""
    if isinstance(value, Timestamp):
        return value.rfc3339
    if isinstance(value, float) and math.isfinite(value) and value == int(value) and abs(value) < 2**53:
        return int(value)
    if isinstance(value, dict):
        return {key: as_v2_prints(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_v2_prints(item) for item in value]
    return value


# x-v: <scalar> → the value v2.40.3 prints for it in `config --format json` (timestamps as Go renders them,
# floats with integral values print as ints there)
V2_VALUES = [
    ('true', True),
    ('True', True),
    ('TRUE', True),
    ('tRUE', 'tRUE'),
    ('false', False),
    ('FALSE', False),
    ('yes', 'yes'),
    ('on', 'on'),
    ('y', 'y'),
    ('n', 'n'),
    ('off', 'off'),
    ('No', 'No'),
    ('0755', 493),
    ('0o17', 15),
    ('0x1F', 31),
    ('1_000', 1000),
    ('+1', 1),
    ('-1', -1),
    ('08', 8),
    ('09', 9),
    ('0b101', 5),
    ('1e3', 1000),
    ('1E3', 1000),
    ('.5', 0.5),
    ('1.', 1),
    ("'~'", '~'),
    ('~', None),
    ('null', None),
    ('Null', None),
    ('NULL', None),
    ('nULL', 'nULL'),
    ('2001-12-14', '2001-12-14T00:00:00Z'),
    ('2001-12-14T21:59:43.10-05:00', '2001-12-14T21:59:43.1-05:00'),
    ('1.10', 1.1),
    ('99999999999999999999', 100000000000000000000),
    ('18446744073709551615', 18446744073709551615),
    ('9223372036854775808', 9223372036854775808),
    ('-9223372036854775809', -9223372036854776000),
    ('0x_1F', 31),
    ('1__0', 10),
    ('+0x10', 16),
    ('-0o17', -15),
    ('0o', '0o'),
    ('0x', '0x'),
    ('1_', 1),
    ('_1', '_1'),
    ('1e', '1e'),
    ('1.5e+3', 1500),
    ('+.5', 0.5),
    ('-.5e-2', -0.005),
    ('0.0', 0),
    ('-0', 0),
    ('1:20', '1:20'),
    ('=', '='),
    ("'<<'", '<<'),
    ('!!str 12', '12'),
    ("!!int '12'", 12),
    ('!!float 3', 3),
    ('!!bool true', True),
    ("!!null ''", None),
    ('!!binary aGVsbG8=', 'hello'),
    ('!!timestamp 2001-12-14', '2001-12-14T00:00:00Z'),
    ('!!str', ''),
    ('!!int 0x10', 16),
    ('!!float 1_0', 10),
    ('!custom 1', '1'),
    ('!custom [1]', [1]),
    ('! 12', 12),
    ('0X1F', 31),
    ('0B11', 3),
    ('0O17', 15),
    ('1e400', '1e400'),
    ('-0.0', 0),
    ('0e0', 0),
    ('1.5E-3', 0.0015),
    ('0x1p3', '0x1p3'),
    ('inf', 'inf'),
    ("'.nan'", '.nan'),
    ('12:30:45', '12:30:45'),
    ('0:10', '0:10'),
    ('1_0.5', 10.5),
    ('[a, 1, true, ~]', ['a', 1, True, None]),
    ('{a: 1, b: [x]}', {'a': 1, 'b': ['x']}),
    ("'it''s'", "it's"),
    ('"\\t\\u00e9\\x41"', '\téA'),
    ('|\n  line1\n  line2\n', 'line1\nline2\n'),
    ('>\n  folded\n  text\n', 'folded text\n'),
    ('|-\n  keep\n', 'keep'),
    ('"multi\n  line"', 'multi line'),
    ('plain\n  continued', 'plain continued'),
    ('é', 'é'),
    ('0.1', 0.1),
    ('100000000000000000000000', 1e+23),
    ('3.14159265358979323846', 3.141592653589793),
    ('0b', '0b'),
    ('0b2', '0b2'),
    ('07_55', 493),
    ('0_755', 493),
]


@pytest.mark.parametrize(("scalar", "printed"), V2_VALUES)
def test_values_as_v2_prints_them(scalar, printed):
    value = as_v2_prints(value_of(scalar))
    if isinstance(printed, float) or isinstance(value, float):
        assert value == pytest.approx(printed)
    else:
        assert value == printed
        assert type(value) is type(printed)


@pytest.mark.parametrize(
    ("scalar", "expected"),
    [
        # yaml.v3 gives float64 for these (v2's YAML output prints 1e3 in environment as "1000", 1.10 as "1.1")
        ("1e3", 1000.0), ("1.", 1.0), ("0.0", 0.0), ("99999999999999999999", 1e20), ("!!float 3", 3.0),
        # and int64 / uint64 for these
        ("0755", 493), ("18446744073709551615", 18446744073709551615), ("-0", 0), ("1__0", 10),
    ],
)
def test_numeric_types(scalar, expected):
    value = value_of(scalar)
    assert value == expected and type(value) is type(expected)


def test_special_floats_and_out_of_range():
    assert value_of(".Inf") == math.inf and value_of("-.inf") == -math.inf and math.isnan(value_of(".NaN"))
    assert value_of("1e400") == "1e400"  # out of float64 range: yaml.v3 keeps the text (measured)


def test_timestamps_keep_their_text_and_know_go_rendering():
    value = value_of("2001-12-14")
    assert isinstance(value, Timestamp) and value == "2001-12-14" and value.rfc3339 == "2001-12-14T00:00:00Z"
    assert value_of("2001-12-14T21:59:43.10-05:00").rfc3339 == "2001-12-14T21:59:43.1-05:00"
    assert value_of("2001-12-14 1:2:3.5").rfc3339 == "2001-12-14T01:02:03.5Z"
    for text in ("2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43", "2001-02-29", "'2001-12-14'"):
        assert not isinstance(value_of(text), Timestamp), text


def test_reset_and_override_tags():
    data = load_documents("a: !reset []\nb: !override {c: 1}\nd: !reset\ne: !override 0755\nf: !override '1'\n", "f")[0].data
    assert data == {"a": Reset([]), "b": Override({"c": 1}), "d": Reset(None), "e": Override(493), "f": Override("1")}


# --- documents ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "datas"),
    [
        ("", []),  # v2: "empty compose file"
        ("# only a comment\n", []),  # v2: "empty compose file"
        ("---\n", [None]),  # v2: "top-level object must be a mapping"
        ("a: 1\n---\n", [{"a": 1}, None]),  # v2: "top-level object must be a mapping"
        ("a: 1\n---\n# c\n", [{"a": 1}, None]),
        ("---\na: 1\n...\n", [{"a": 1}]),
        ("a: 1\n---\nb: 2\n", [{"a": 1}, {"b": 2}]),
        ("a: 1\n---\n{}\n", [{"a": 1}, {}]),
        ("null\n", [None]),
    ],
)
def test_documents(text, datas):
    documents = load_documents(text, "f")
    assert [document.data for document in documents] == datas
    assert all(isinstance(document, YamlDocument) and document.file == "f" for document in documents)


# --- keys, duplicates, merges --------------------------------------------------------------------------------------


def test_non_string_keys_are_kept_typed_for_the_schema_stage():
    # v2 then says "non-string key in services.s.environment: 1" (schema stage)
    data = load_documents("e:\n  1: x\n  true: y\n  null: z\n  1.5: w\n  0x10: v\n", "f")[0].data
    assert data == {"e": {1: "x", True: "y", None: "z", 1.5: "w", 16: "v"}}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services:\n  s:\n    image: busybox\n    image: x\n",
         'compose.yaml:4:5: mapping key "image" already defined at line 3'),
        ("l:\n  a: 1\n  \"a\": 2\n", 'compose.yaml:3:3: mapping key "a" already defined at line 2'),
        ("x:\n  1: a\n  \"1\": b\n", 'compose.yaml:3:3: mapping key "1" already defined at line 2'),
        ("a: &a {k: 1}\nb:\n  k: 3\n  <<: *a\n  <<: {z: 1}\n", 'compose.yaml:5:3: mapping key "<<" already defined at line 4'),
        ("a: &a {k: 1}\nb:\n  <<: *a\n  k: 2\n  k: 3\n", 'compose.yaml:5:3: mapping key "k" already defined at line 4'),
        ("x:\n  [1, 2]: a\n", "compose.yaml:2:3: yaml: invalid map key: []interface {}{1, 2}"),
        ("x:\n  {a: 1}: a\n", 'compose.yaml:2:3: yaml: invalid map key: map[string]interface {}{"a":1}'),
        ("<<: 1\n", "compose.yaml:1:5: yaml: map merge requires map or sequence of maps as the value"),
        ("a: &a {k: 1}\nb:\n  <<: [*a, 1]\n", "compose.yaml:3:12: yaml: map merge requires map or sequence of maps as the value"),
        ("a: *nope\n", "compose.yaml:1:4: yaml: unknown anchor 'nope' referenced"),
        ("a: !!int x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!int"),
        ("a: !!float x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!float"),
        ("a: !!bool x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!bool"),
        # syntax errors: libyaml's problem text, which is yaml.v3's; the location is where the problem is
        # (v2 often names the line where the enclosing block started instead)
        ("services:\n  a: [1\n", "compose.yaml:3:1: yaml: did not find expected ',' or ']'"),
        ("services:\n  s:\n    image: busybox\n   bad: 1\n", "compose.yaml:4:4: yaml: did not find expected key"),
        ("services:\n  s:\n    image: a: b\n", "compose.yaml:3:13: yaml: mapping values are not allowed in this context"),
        ("services:\n  s:\n\timage: x\n", "compose.yaml:3:1: yaml: found character that cannot start any token"),
        ("services:\n  s:\n    image: \"unterminated\n", "compose.yaml:4:1: yaml: found unexpected end of stream"),
        ("a: @x\n", "compose.yaml:1:4: yaml: found character that cannot start any token"),
        ("x-v: - x\n", "compose.yaml:1:6: yaml: block sequence entries are not allowed in this context"),
    ],
)
def test_errors_in_v2_words(text, message):
    with pytest.raises(ConfigError) as error:
        load_documents(text, "compose.yaml")
    assert str(error.value) == message


def test_merge_keys_local_keys_win_first_source_wins():
    # measured (and `! 12` is 12 in v2): x-b = {"j": 3, "k": 1, "z": 2}; a local key written before `<<` still wins
    data = load_documents(
        "x-a: &a {k: 1, j: 1}\nx-c: &c {k: 2, z: 2}\nx-b:\n  <<: [*a, *c]\n  j: 3\nx-d:\n  k: 3\n  <<: *a\n", "f"
    )[0].data
    assert data["x-b"] == {"j": 3, "k": 1, "z": 2}
    assert data["x-d"] == {"k": 3, "j": 1}


def test_aliases_and_custom_tags():
    data = load_documents(
        "x-b: &a\n  k: 1\nx-c: *a\nx-d: [*a, *a]\nx-e:\n  k: !custom 1\n  l: !custom [1]\n  m: !!str\n"
        "  n: !!binary aGVsbG8=\n  o: !!binary \"/w==\"\n  p: ! 12\n",
        "f",
    )[0].data
    assert data["x-c"] == {"k": 1} and data["x-d"] == [{"k": 1}, {"k": 1}]
    assert data["x-e"] == {"k": "1", "l": [1], "m": "", "n": "hello", "o": "\ufffd", "p": 12}


def test_marks_of_keys_items_and_merged_keys():
    document = load_documents(
        "x: &base\n  image: busybox\n  init: true\nservices:\n  s:\n    <<: *base\n    image: other\n"
        "    ports:\n      - 80:80\n      - target: 443\n",
        "compose.yaml",
    )[0]
    assert document.marks[("services", "s", "image")] == Mark("compose.yaml", 7, 5)
    assert document.marks[("services", "s", "init")] == Mark("compose.yaml", 3, 3)
    assert document.marks[("services", "s", "ports", 0)] == Mark("compose.yaml", 9, 9)
    assert document.marks[("services", "s", "ports", 1, "target")] == Mark("compose.yaml", 10, 9)


def test_alias_bomb_is_refused():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for index in range(1, 9):
        previous = f"*a{index - 1}"
        lines.append(f"a{index}: &a{index} [{', '.join([previous] * 10)}]")
    with pytest.raises(ConfigError):
        load_documents("\n".join(lines) + "\n", "f")


def _big_compose(services: int) -> str:
    parts = ["services:"]
    for index in range(services):
        parts.append(
            f"  svc{index}:\n    image: busybox:latest\n    command: [\"sleep\", \"{index}\"]\n"
            f"    environment:\n      A: \"{index}\"\n      B: yes\n    ports:\n      - \"{8000 + index}:80\"\n"
            f"    labels:\n      com.example.n: \"{index}\""
        )
    return "\n".join(parts) + "\n"


def test_a_thousand_services_load_quickly():
    text = _big_compose(1000)
    assert text.count("\n") > 10_000
    best = math.inf
    for _ in range(3):
        start = time.perf_counter()
        data = load_documents(text, "big.yaml")[0].data
        best = min(best, time.perf_counter() - start)
    assert len(data["services"]) == 1000 and data["services"]["svc7"]["environment"]["B"] == "yes"
    assert best < 1.0  # measured about 0.1 s with libyaml; generous for slow CI machines


def test_control_characters_are_refused_as_in_v2():
    with pytest.raises(ConfigError) as error:
        load_documents('a: 1\nx-v: "a\x01b"\n', "compose.yaml")
    assert str(error.value) == "compose.yaml:2:8: yaml: control characters are not allowed"


_YAML_PIECES = list("ab:- \n\t#'\"{}[],&*!|>%@`$\\=x0.19_~?<") + ["<<", "---", "!!int", "!reset", "\u00e9", "\x00", "\x85"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=40).map("".join))
def test_any_text_loads_or_raises_a_config_error(text):
    try:
        load_documents(text, "f")
    except ConfigError:
        pass


def test_deep_nesting_is_a_config_error():
    with pytest.raises(ConfigError, match="nesting depth"):
        load_documents("[" * 5000 + "]" * 5000, "f")
