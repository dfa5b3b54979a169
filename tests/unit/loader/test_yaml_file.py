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
    text = "a: !reset []\nb: !override {c: 1}\nd: !reset\ne: !override 0755\nf: !override '1'\n"
    data = load_documents(text, "f")[0].data
    assert data == {"a": Reset(), "b": Override({"c": 1}), "d": Reset(None), "e": Override(493), "f": Override("1")}


def test_what_reset_holds_is_not_read():
    # v2 drops `!reset` content before interpolating, and does not look into it for alias cycles
    data = load_documents("a: !reset ['${X:?boom}']\nb: &b !reset [*b]\n", "f")[0].data
    assert data == {"a": Reset(), "b": Reset()}


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
    # `1` and `true` are one key in a Python dict (True == 1): the later value under the first key, as dict() builds
    assert data == {"e": dict([(1, "x"), (True, "y"), (None, "z"), (1.5, "w"), (16, "v")])}
    assert [type(key) for key in data["e"]] == [int, type(None), float, int]
    assert [(type(key), value) for key, value in load_documents("e:\n  true: y\n", "f")[0].data["e"].items()] == [
        (bool, "y")
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("services:\n  s:\n    image: busybox\n    image: x\n",
         'compose.yaml:4:5: mapping key "image" already defined at line 3'),
        ("l:\n  a: 1\n  \"a\": 2\n", 'compose.yaml:3:3: mapping key "a" already defined at line 2'),
        ("x:\n  1: a\n  \"1\": b\n", 'compose.yaml:3:3: mapping key "1" already defined at line 2'),
        ("a: &a {k: 1}\nb:\n  k: 3\n  <<: *a\n  <<: {z: 1}\n",
         'compose.yaml:5:3: mapping key "<<" already defined at line 4'),
        ("a: &a {k: 1}\nb:\n  <<: *a\n  k: 2\n  k: 3\n", 'compose.yaml:5:3: mapping key "k" already defined at line 4'),
        ("x:\n  [1, 2]: a\n", "compose.yaml:2:3: yaml: invalid map key: []interface {}{1, 2}"),
        ("x:\n  {a: 1}: a\n", 'compose.yaml:2:3: yaml: invalid map key: map[string]interface {}{"a":1}'),
        ("<<: 1\n", "compose.yaml:1:5: yaml: map merge requires map or sequence of maps as the value"),
        ("a: &a {k: 1}\nb:\n  <<: [*a, 1]\n",
         "compose.yaml:3:12: yaml: map merge requires map or sequence of maps as the value"),
        ("a: *nope\n", "compose.yaml:1:4: yaml: unknown anchor 'nope' referenced"),
        ("a: !!int x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!int"),
        ("a: !!float x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!float"),
        ("a: !!bool x\n", "compose.yaml:1:4: yaml: cannot decode !!str `x` as a !!bool"),
        # syntax errors: libyaml's problem text, which is yaml.v3's; the location is where the problem is
        # (v2 often names the line where the enclosing block started instead)
        ("services:\n  a: [1\n", "compose.yaml:3:1: yaml: did not find expected ',' or ']'"),
        ("services:\n  s:\n    image: busybox\n   bad: 1\n", "compose.yaml:4:4: yaml: did not find expected key"),
        ("services:\n  s:\n    image: a: b\n",
         "compose.yaml:3:13: yaml: mapping values are not allowed in this context"),
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


@pytest.mark.serial  # a guard against a quadratic loader, measured alone (not beside the parallel engine tests)
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


_YAML_PIECES = [
    *"ab:- \n\t#'\"{}[],&*!|>%@`$\\=x0.19_~?<",
    *["<<", "---", "!!int", "!reset", "\u00e9", "\x00", "\x85"],
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_YAML_PIECES), max_size=40).map("".join))
def test_any_text_loads_or_raises_a_config_error(text):
    try:
        load_documents(text, "f")
    except ConfigError:
        pass


# --- alias cycles and deep nesting ----------------------------------------------------------------------------------
# v2.40.3 prints `failed to parse <file>: <message>` for these, exit 1; pycompose names the file, line and column.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "services: {a: &x {image: busybox, labels: *x}}\n",
            "f:1:43: cycle detected: node at path services.a.labels.labels references node at path services.a.labels",
        ),
        (
            "services:\n  a: &x\n    image: busybox\n    labels: *x\n",
            "f:4:13: cycle detected: node at path services.a.labels.labels references node at path services.a.labels",
        ),
        ("a: &a [*a]\n", "f:1:8: cycle detected: node at path a.0.0 references node at path a.0"),
        ("x-a: &a {b: {c: *a}}\n", "f:1:17: cycle detected: node at path x-a.b.c.b.c references node at path x-a.b.c"),
        ("x-l: &l [1, [2, *l]]\n", "f:1:17: cycle detected: node at path x-l.1.1.1.1 references node at path x-l.1.1"),
        ("x-a: &a [&b [*a]]\n", "f:1:14: cycle detected: node at path x-a.0.0.0.0 references node at path x-a.0.0"),
        ("x-a: &a [&b [*b]]\n", "f:1:14: cycle detected: node at path x-a.0.0.0 references node at path x-a.0.0"),
        ("x-a: &a {b: &b {c: *b}}\n", "f:1:20: cycle detected: node at path x-a.b.c.c references node at path x-a.b.c"),
        # merge keys are left out of v2's paths
        (
            "x-a: &a {k: [1, {<<: *a}]}\n",
            "f:1:22: cycle detected: node at path x-a.k.1.k.1 references node at path x-a.k.1",
        ),
        ("x-a: &a {<<: [{z: 1}, *a]}\n", "f:1:23: cycle detected: node at path x-a.1.1 references node at path x-a.1"),
        # v2 loops on this one, growing without end
        ("x-a: &a {k: 1, <<: *a}\n", "f:1:20: cycle detected: node at path x-a references node at path x-a"),
        # in a later document, after valid aliases
        ("a: 1\n---\nx: &n [1]\ny: [*n, *n]\nz: &z {k: [*z]}\n",
         "f:5:12: cycle detected: node at path z.k.0.k.0 references node at path z.k.0"),
        # an alias as a key of its own anchor: v2 (yaml.v3 decoding) names no place
        ("x-a: &a {*a : 1}\n", "f:1:10: yaml: anchor 'a' value contains itself"),
        ("x-a: &a {b: {? [1, *a] : 1}}\n", "f:1:20: yaml: anchor 'a' value contains itself"),
        # nor does v2's first walk look into `!override` values
        ("x-f: &a0 {k0: &a1 !override [*a0 ]}\n", "f:1:30: yaml: anchor 'a0' value contains itself"),
    ],
)
def test_alias_inside_its_own_anchor_is_refused_in_v2_words(text, expected):
    with pytest.raises(ConfigError) as error:
        load_documents(text, "f")
    assert str(error.value) == expected


def test_value_cycles_are_reported_before_key_cycles_as_in_v2():
    with pytest.raises(ConfigError) as error:
        load_documents("x-a: &a {*a : 1}\nx-b: &b [*b]\n", "f")
    assert str(error.value) == "f:2:10: cycle detected: node at path x-b.0.0 references node at path x-b.0"


def test_aliases_to_earlier_nodes_are_no_cycle():
    data = load_documents("x-n: &n {k: 1}\nx-b: {a: *n, ab: *n, c: {d: *n}}\nx-c: &c [*n, [*n]]\nx-d: [*c, *c]\n", "f")
    assert data[0].data["x-b"] == {"a": {"k": 1}, "ab": {"k": 1}, "c": {"d": {"k": 1}}}
    assert data[0].data["x-d"] == [[{"k": 1}, [{"k": 1}]]] * 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000 + "]" * 100_000, "f:1:1001: yaml: exceeded max depth of 200"),  # libyaml stops at 1000
        ("{" * 100_000 + "}" * 100_000, "f:1:1001: yaml: exceeded max depth of 200"),
        ("[" * 100_000, "f:1:1001: yaml: exceeded max depth of 200"),
        ("x: " + "[" * 300 + "]" * 300, "f:1:203: yaml: exceeded max depth of 200"),
        ("".join(" " * i + f"k{i}:\n" for i in range(5000)) + " " * 5000 + "v\n",
         "f:1000:1004: yaml: exceeded max depth of 200"),
        ("".join(" " * i + f"k{i}:\n" for i in range(300)) + " " * 300 + "v\n",
         "f:201:201: yaml: exceeded max depth of 200"),
    ],
)
def test_deep_nesting_is_a_config_error(text, expected):
    # v2 (yaml.v3) allows 10000 levels: `yaml: exceeded max depth of 10000` (`yaml: line 10001: …` in block style)
    start = time.perf_counter()
    with pytest.raises(ConfigError) as error:
        load_documents(text, "f")
    assert str(error.value) == expected
    assert time.perf_counter() - start < 2.0


def test_nesting_up_to_the_limit_is_read():
    data = load_documents("x: " + "[" * 199 + "]" * 199, "f")[0].data["x"]
    depth = 1
    while data:
        data, depth = data[0], depth + 1
    assert depth == 199


def test_nesting_through_aliases_is_limited_too():
    lines = ["x0: &a0 [1]"] + [f"x{index}: &a{index} [*a{index - 1}]" for index in range(1, 400)]
    with pytest.raises(ConfigError) as error:
        load_documents("\n".join(lines) + "\n", "f")
    assert str(error.value).endswith("yaml: exceeded max depth of 200")
    lines = ["x0: &m0 {k: 1}"] + [f"x{index}: &m{index} {{k{index}: {{<<: *m{index - 1}}}}}" for index in range(1, 300)]
    with pytest.raises(ConfigError) as error:
        load_documents("\n".join(lines) + "\n", "f")
    assert str(error.value).endswith("yaml: exceeded max depth of 200")


def test_a_cycle_through_an_anchor_defined_in_a_reset_is_located():
    # `*a3` outside the `!reset` brings in `&a3 [*a0]`, inside x-f (&a0) itself
    text = "{x-f: &a0 [&a1 !reset {k0: [], <<: &a3 [*a0 ]}, *a3 ]}\n"
    with pytest.raises(ConfigError) as error:
        load_documents(text, "f")
    assert str(error.value) == "f:1:49: cycle detected: node at path x-f.1.0.1 references node at path x-f.1"  # as v2
