"""The YAML `docker compose config` prints (gopkg.in/yaml.v3 encoder, indent 2), from the JSON form.

v2 prints YAML by encoding compose-go's Go structs with yaml.v3, and JSON with encoding/json; the two
differ in ways a generic YAML dumper does not reproduce:

* yaml.v3's scalar styles: strings that would read back as another type (`"1"`, `"yes"`, `"null"`,
  `"2024-01-02"`, `""`) are double-quoted, strings YAML cannot hold plain are single- or double-quoted,
  multi-line strings become literal blocks (`|-`), characters outside the printable set are escaped;
  block sequences are indented under their key; no line is ever folded.
* map keys are sorted with yaml.v3's "natural" order (`A9` before `A10`), struct fields keep their order;
* struct fields that JSON always prints are omitted when empty (`command: null`, `ipam: {}`,
  `deploy.resources: {}`), `x-*` extensions of structs come last, and a few types marshal differently
  (`env_file` entries, `ulimits`).

`dumps_config(config)` renders a whole project; `dumps(value)` renders any plain value the way yaml.v3
renders a `map[string]any` tree. The emitter below follows yaml.v3's (libyaml's) emitter for the block
styles v2 produces.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cmp_to_key
from typing import Any

from pycompose.errors import ComposeError
from pycompose.render.go_structs import (
    PROJECT_SECTIONS,
    Custom,
    List,
    Map,
    Struct,
    strip,
)

# ---------------------------------------------------------------------------------------------------
# yaml.v3 scalar resolution: would a plain scalar read back as a string?

_RESOLVE_MAP = {
    "true", "True", "TRUE", "false", "False", "FALSE",
    "", "~", "null", "Null", "NULL",
    ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
    "<<",
}
_OLD_BOOLS = {
    "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF",
}
_BASE60_FLOAT = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
_YAML_STYLE_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INT64_MIN, _INT64_MAX, _UINT64_MAX = -(2**63), 2**63 - 1, 2**64 - 1


def _go_parse_int(text: str) -> bool:
    """strconv.ParseInt(text, 0, 64) or ParseUint succeeds (underscores already removed)."""
    match = re.fullmatch(r"([+-]?)(0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+|0[0-7]*|[1-9][0-9]*)", text)
    if not match:
        return False
    sign, body = match.groups()
    lower = body.lower()
    if lower.startswith("0x"):
        value = int(body[2:], 16)
    elif lower.startswith("0b"):
        value = int(body[2:], 2)
    elif lower.startswith("0o"):
        value = int(body[2:], 8)
    elif len(body) > 1 and body[0] == "0":
        value = int(body[1:], 8)
    else:
        value = int(body)
    if sign == "-":
        return -value >= _INT64_MIN
    if value <= _INT64_MAX:
        return True
    return sign == "" and value <= _UINT64_MAX


_GO_FLOAT = re.compile(
    r"[+-]?(?:(?:inf|infinity|nan)"
    r"|(?:[0-9](?:_?[0-9])*(?:\.(?:[0-9](?:_?[0-9])*)?)?|\.[0-9](?:_?[0-9])*)(?:e[+-]?[0-9](?:_?[0-9])*)?"
    r"|0x(?:_?[0-9a-f])*(?:\.(?:[0-9a-f](?:_?[0-9a-f])*)?)?p[+-]?[0-9](?:_?[0-9])*)",
    re.IGNORECASE,
)


def _go_parse_float(text: str) -> bool:
    """Approximately strconv.ParseFloat(text, 64) == nil (syntax; out-of-range values also fail in Go)."""
    if not _GO_FLOAT.fullmatch(text):
        return False
    if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        return True
    if "x" in text.lower():
        return True
    try:
        return not math.isinf(float(text.replace("_", "")))
    except ValueError:
        return False


_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
    r"(?:(?:[Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2}))"
    r"|(?: [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]+)?))?"
)


def _is_timestamp(text: str) -> bool:
    match = _TIMESTAMP.fullmatch(text)
    if not match:
        return False
    year, month, day = (int(part) for part in re.match(r"([0-9]+)-([0-9]+)-([0-9]+)", text).groups())
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return False
    clock = re.search(r"[Tt ]([0-9]+):([0-9]+):([0-9]+)", text)
    if clock:
        hour, minute, second = (int(part) for part in clock.groups())
        if hour > 23 or minute > 59 or second > 59:
            return False
    import calendar

    return day <= calendar.monthrange(year, month)[1]


def resolves_to_string(text: str) -> bool:
    """Whether yaml.v3 would read `text`, written plain, back as the same string (no quoting needed)."""
    if text == "<<":  # the merge key reads back as a string; v2 prints it plain
        return True
    if text in _RESOLVE_MAP:
        return False
    hint = text[:1]
    if hint == ".":
        return not _go_parse_float(text)
    if hint and (hint in "+-" or hint.isdigit() and hint.isascii()):
        if _is_timestamp(text):
            return False
        plain = text.replace("_", "")
        if _go_parse_int(plain):
            return False
        if _YAML_STYLE_FLOAT.match(plain) and _go_parse_float(plain):
            return False
        if plain.startswith("-0b") and re.fullmatch(r"-0b[01]+", plain):
            return False
        if plain.startswith("-0o") and re.fullmatch(r"-0o[0-7]+", plain):
            return False
    return True


# ---------------------------------------------------------------------------------------------------
# character classes (yamlprivateh.go), by code point


def _is_printable(code: int) -> bool:
    return (
        code == 0x0A
        or 0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
    )


def _is_break(char: str) -> bool:
    return char in "\r\n\x85\u2028\u2029"


def _is_blank(char: str) -> bool:
    return char in " \t"


def _is_blankz(char: str) -> bool:
    return char in " \t\r\n\x85\u2028\u2029\x00"


# ---------------------------------------------------------------------------------------------------
# the emitter

_PLAIN, _SINGLE, _DOUBLE, _LITERAL = "plain", "single", "double", "literal"
_BEST_INDENT = 2

# emitter states that matter for indentation
_SEQ_ITEM, _MAP_KEY, _MAP_SIMPLE_VALUE, _MAP_VALUE, _DOC_END = (
    "seq-item", "map-key", "map-simple-value", "map-value", "doc-end",
)


@dataclass
class _ScalarAnalysis:
    multiline: bool
    flow_plain_allowed: bool
    block_plain_allowed: bool
    single_quoted_allowed: bool
    block_allowed: bool


def _analyze(value: str) -> _ScalarAnalysis:
    if not value:
        return _ScalarAnalysis(False, False, True, True, False)
    block_indicators = flow_indicators = line_breaks = special_characters = tab_characters = False
    leading_space = leading_break = trailing_space = trailing_break = break_space = space_break = False
    previous_space = previous_break = False
    if value.startswith("---") or value.startswith("..."):
        block_indicators = flow_indicators = True
    preceded_by_whitespace = True
    length = len(value)
    for index, char in enumerate(value):
        followed_by_whitespace = index + 1 >= length or _is_blank(value[index + 1])
        if index == 0:
            if char in "#,[]{}&*!|>'\"%@`":
                flow_indicators = block_indicators = True
            elif char in "?:":
                flow_indicators = True
                if followed_by_whitespace:
                    block_indicators = True
            elif char == "-":
                if followed_by_whitespace:
                    flow_indicators = block_indicators = True
        else:
            if char in ",?[]{}":
                flow_indicators = True
            elif char == ":":
                flow_indicators = True
                if followed_by_whitespace:
                    block_indicators = True
            elif char == "#":
                if preceded_by_whitespace:
                    flow_indicators = block_indicators = True
        if char == "\t":
            tab_characters = True
        elif not _is_printable(ord(char)):
            special_characters = True
        if char == " ":
            if index == 0:
                leading_space = True
            if index == length - 1:
                trailing_space = True
            if previous_break:
                break_space = True
            previous_space, previous_break = True, False
        elif _is_break(char):
            line_breaks = True
            if index == 0:
                leading_break = True
            if index == length - 1:
                trailing_break = True
            if previous_space:
                space_break = True
            previous_space, previous_break = False, True
        else:
            previous_space = previous_break = False
        preceded_by_whitespace = _is_blankz(char)

    flow_plain = block_plain = single = block = True
    if leading_space or leading_break or trailing_space or trailing_break:
        flow_plain = block_plain = False
    if trailing_space:
        block = False
    if break_space:
        flow_plain = block_plain = single = False
    if space_break or tab_characters or special_characters:
        flow_plain = block_plain = single = False
    if space_break or special_characters:
        block = False
    if line_breaks:
        flow_plain = block_plain = False
    if flow_indicators:
        flow_plain = False
    if block_indicators:
        block_plain = False
    return _ScalarAnalysis(line_breaks, flow_plain, block_plain, single, block)


_DOUBLE_ESCAPES = {
    0x00: "0", 0x07: "a", 0x08: "b", 0x09: "t", 0x0A: "n", 0x0B: "v", 0x0C: "f", 0x0D: "r", 0x1B: "e",
    0x22: '"', 0x5C: "\\", 0x85: "N", 0xA0: "_", 0x2028: "L", 0x2029: "P",
}


class _Emitter:
    """A port of the parts of yaml.v3's emitter that block-style documents use."""

    def __init__(self, best_indent: int = _BEST_INDENT) -> None:
        self.best_indent = best_indent
        self.out: list[str] = []
        self.indent = -1
        self.indents: list[int] = []
        self.states: list[str] = []
        self.column = 0
        self.whitespace = True
        self.indention = True
        self.flow_level = 0

    # -- low level
    def put(self, text: str) -> None:
        self.out.append(text)
        self.column += len(text)

    def put_break(self) -> None:
        self.out.append("\n")
        self.column = 0
        self.indention = True

    def write_break(self, char: str) -> None:
        if char == "\n":
            self.put_break()
        else:
            self.out.append(char)
            self.column = 0
            self.indention = True

    def write_indent(self) -> None:
        indent = max(self.indent, 0)
        if not self.indention or self.column > indent or (self.column == indent and not self.whitespace):
            self.put_break()
        if self.column < indent:
            self.put(" " * (indent - self.column))
        self.whitespace = True

    def write_indicator(
        self, indicator: str, need_whitespace: bool, is_whitespace: bool, is_indention: bool
    ) -> None:
        if need_whitespace and not self.whitespace:
            self.put(" ")
        self.put(indicator)
        self.whitespace = is_whitespace
        self.indention = self.indention and is_indention

    def increase_indent(self, flow: bool) -> None:
        self.indents.append(self.indent)
        best = self.best_indent
        if self.indent < 0:
            self.indent = best if flow else 0
        elif self.states and self.states[-1] == _SEQ_ITEM:
            self.indent += 2
        else:
            self.indent = best * ((self.indent + best) // best)

    def pop_indent(self) -> None:
        self.indent = self.indents.pop()

    # -- nodes
    def node(self, value: Node, *, simple_key: bool = False) -> None:
        if isinstance(value, Scalar):
            self.scalar(value, simple_key)
        elif isinstance(value, Sequence):
            if self.flow_level > 0 or not value.items:
                self.flow_collection("[", "]")
            else:
                self.block_sequence(value)
        else:
            if self.flow_level > 0 or not value.pairs:
                self.flow_collection("{", "}")
            else:
                self.block_mapping(value)

    def flow_collection(self, opening: str, closing: str) -> None:
        """An empty sequence or mapping: the only flow collections v2 prints (`[]`, `{}`)."""
        self.write_indicator(opening, True, True, False)
        self.increase_indent(True)
        self.pop_indent()
        if self.column == 0:
            self.write_indent()
        self.write_indicator(closing, False, False, False)

    def block_sequence(self, value: Sequence) -> None:
        self.increase_indent(False)
        for item in value.items:
            self.write_indent()
            self.write_indicator("-", True, False, True)
            self.states.append(_SEQ_ITEM)
            self.node(item)
            self.states.pop()
        self.pop_indent()

    def block_mapping(self, value: Mapping_) -> None:
        self.increase_indent(False)
        for key, item in value.pairs:
            self.write_indent()
            if self._simple_key(key):
                self.states.append(_MAP_SIMPLE_VALUE)
                self.node(key, simple_key=True)
                self.states.pop()
                self.write_indicator(":", False, False, False)
            else:
                self.write_indicator("?", True, False, True)
                self.states.append(_MAP_VALUE)
                self.node(key)
                self.states.pop()
                self.write_indent()
                self.write_indicator(":", True, False, True)
            self.states.append(_MAP_KEY)
            self.node(item)
            self.states.pop()
        self.pop_indent()

    @staticmethod
    def _simple_key(key: Node) -> bool:
        if isinstance(key, Scalar):
            if _analyze(key.text).multiline:
                return False
            return len(key.text.encode("utf-8")) <= 128
        if isinstance(key, Sequence):
            return not key.items
        return not key.pairs

    def scalar(self, value: Scalar, simple_key: bool) -> None:
        analysis = _analyze(value.text)
        style = value.style
        if simple_key and analysis.multiline:
            style = _DOUBLE
        if style == _PLAIN:
            if (self.flow_level > 0 and not analysis.flow_plain_allowed) or (
                self.flow_level == 0 and not analysis.block_plain_allowed
            ):
                style = _SINGLE
            if not value.text and (self.flow_level > 0 or simple_key):
                style = _SINGLE
        if style == _SINGLE and not analysis.single_quoted_allowed:
            style = _DOUBLE
        if style == _LITERAL and (not analysis.block_allowed or self.flow_level > 0 or simple_key):
            style = _DOUBLE
        self.increase_indent(True)
        if style == _PLAIN:
            self.write_plain(value.text)
        elif style == _SINGLE:
            self.write_single(value.text)
        elif style == _DOUBLE:
            self.write_double(value.text)
        else:
            self.write_literal(value.text)
        self.pop_indent()

    def write_plain(self, text: str) -> None:
        if text and not self.whitespace:
            self.put(" ")
        breaks = False
        for char in text:
            if char == " ":
                self.put(char)
            elif _is_break(char):
                if not breaks and char == "\n":
                    self.put_break()
                self.write_break(char)
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(char)
                self.indention = False
                breaks = False
        if text:
            self.whitespace = False
        self.indention = False

    def write_single(self, text: str) -> None:
        self.write_indicator("'", True, False, False)
        breaks = False
        for char in text:
            if char == " ":
                self.put(char)
            elif _is_break(char):
                if not breaks and char == "\n":
                    self.put_break()
                self.write_break(char)
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                if char == "'":
                    self.put("'")
                self.put(char)
                self.indention = False
                breaks = False
        self.write_indicator("'", False, False, False)
        self.whitespace = False
        self.indention = False

    def write_double(self, text: str) -> None:
        self.write_indicator('"', True, False, False)
        starts_with_bom = text.startswith("\ufeff")  # yaml.v3's is_bom looks at the string's start
        for char in text:
            code = ord(char)
            if not _is_printable(code) or starts_with_bom or _is_break(char) or char in '"\\':
                short = _DOUBLE_ESCAPES.get(code)
                if short is not None:
                    self.put("\\" + short)
                elif code <= 0xFF:
                    self.put(f"\\x{code:02X}")
                elif code <= 0xFFFF:
                    self.put(f"\\u{code:04X}")
                else:
                    self.put(f"\\U{code:08X}")
            else:
                self.put(char)
        self.write_indicator('"', False, False, False)
        self.whitespace = False
        self.indention = False

    def write_literal(self, text: str) -> None:
        self.write_indicator("|", True, False, False)
        if text[:1] == " " or _is_break(text[:1] or "x"):
            self.write_indicator(str(self.best_indent), False, False, False)
        chomp = ""
        if not text or not _is_break(text[-1]):
            chomp = "-"
        elif len(text) == 1 or _is_break(text[-2]):
            chomp = "+"
        if chomp:
            self.write_indicator(chomp, False, False, False)
        self.put_break()  # go.yaml.in/yaml/v3 v3.0.4 ends the header line here (go-yaml issue 755)
        self.whitespace = True
        breaks = True
        for char in text:
            if _is_break(char):
                self.write_break(char)
                breaks = True
            else:
                if breaks:
                    self.write_indent()
                self.put(char)
                self.indention = False
                breaks = False

    def document(self, root: Node) -> str:
        self.states.append(_DOC_END)
        self.node(root)
        self.states.pop()
        self.indent = -1
        self.write_indent()
        return "".join(self.out)


# ---------------------------------------------------------------------------------------------------
# the node tree the encoder builds (what yaml.v3's encoder turns Go values into)


@dataclass(frozen=True)
class Scalar:
    text: str
    style: str = _PLAIN


@dataclass(frozen=True)
class Sequence:
    items: tuple[Node, ...] = ()


@dataclass(frozen=True)
class Mapping_:
    pairs: tuple[tuple[Node, Node], ...] = ()


Node = Scalar | Sequence | Mapping_


def string_node(text: str) -> Scalar:
    """yaml.v3's `stringv`: literal block for text with newlines, quotes when plain would change type."""
    if "\n" in text:
        return Scalar(text, _LITERAL)
    if resolves_to_string(text) and not (_BASE60_FLOAT.match(text) or text in _OLD_BOOLS):
        return Scalar(text, _PLAIN)
    return Scalar(text, _DOUBLE)


def float_text(value: float) -> str:
    """strconv.FormatFloat(value, 'g', -1, 64) with yaml.v3's names for infinities and NaN.

    Go's float32 fields (cpus…) print their float32 shortest form; for the decimal literals compose
    files hold that equals the float64 shortest form used here.
    """
    if math.isnan(value):
        return ".nan"
    if math.isinf(value):
        return ".inf" if value > 0 else "-.inf"
    from pycompose.render.gojson import shortest_digits

    if value == 0:
        return "-0" if math.copysign(1.0, value) < 0 else "0"
    digits, point, negative = shortest_digits(value)
    sign = "-" if negative else ""
    exponent = point - 1
    if exponent < -4 or exponent >= 6:  # shortest 'g' decides with precision 6
        mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
        return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"
    if point <= 0:
        return sign + "0." + "0" * (-point) + digits
    if point >= len(digits):
        return sign + digits + "0" * (point - len(digits))
    return sign + digits[:point] + "." + digits[point:]


def value_node(value: Any, *, keep_order: bool = False) -> Node:
    """A plain Python value as yaml.v3 encodes the equivalent `any` value (maps sorted naturally).

    keep_order: dicts stand for Go structs, whose fields keep the order given.
    """
    if value is None:
        return Scalar("null")
    if value is True:
        return Scalar("true")
    if value is False:
        return Scalar("false")
    if isinstance(value, str):
        return string_node(value)
    if isinstance(value, int):
        return Scalar(str(value))
    if isinstance(value, float):
        return Scalar(float_text(value))
    if isinstance(value, Mapping):
        items = list(value.items()) if keep_order else sort_map_items(value)
        return Mapping_(
            tuple((key_node(key), value_node(item, keep_order=keep_order)) for key, item in items)
        )
    if isinstance(value, (list, tuple)):
        return Sequence(tuple(value_node(item, keep_order=keep_order) for item in value))
    raise ComposeError(f"cannot render a {type(value).__name__} as YAML")


def key_node(key: Any) -> Node:
    if isinstance(key, str):
        return string_node(key)
    return value_node(key)


# ---------------------------------------------------------------------------------------------------
# yaml.v3's map key order (sorter.go)


def _key_float(key: Any) -> float | None:
    if isinstance(key, bool):
        return 1.0 if key else 0.0
    if isinstance(key, (int, float)):
        return float(key)
    return None


def _kind_rank(key: Any) -> int:
    # reflect.Kind order: Bool=1, Int=2, Float64=14, String=24, other composite kinds in between
    if isinstance(key, bool):
        return 1
    if isinstance(key, int):
        return 2
    if isinstance(key, float):
        return 14
    if isinstance(key, str):
        return 24
    return 25


def _is_digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"  # Go's unicode.IsDigit


def _less(a: Any, b: Any) -> bool:
    af, bf = _key_float(a), _key_float(b)
    if af is not None and bf is not None:
        if af != bf:
            return af < bf
        if _kind_rank(a) != _kind_rank(b):
            return _kind_rank(a) < _kind_rank(b)
        return a < b
    if not isinstance(a, str) or not isinstance(b, str):
        return _kind_rank(a) < _kind_rank(b)
    digits = False
    for index in range(min(len(a), len(b))):
        ca, cb = a[index], b[index]
        if ca == cb:
            digits = _is_digit(ca)
            continue
        letter_a, letter_b = ca.isalpha(), cb.isalpha()
        if letter_a and letter_b:
            return ca < cb
        if letter_a or letter_b:
            return letter_a if digits else letter_b
        an = bn = 0
        if ca == "0" or cb == "0":
            back = index - 1
            while back >= 0 and _is_digit(a[back]):
                if a[back] != "0":
                    an = bn = 1
                    break
                back -= 1
        ai = index
        while ai < len(a) and _is_digit(a[ai]):
            an = an * 10 + ord(a[ai]) - 48
            ai += 1
        bi = index
        while bi < len(b) and _is_digit(b[bi]):
            bn = bn * 10 + ord(b[bi]) - 48
            bi += 1
        if an != bn:
            return an < bn
        if ai != bi:
            return ai < bi
        return ca < cb
    return len(a) < len(b)


def _compare(a: Any, b: Any) -> int:
    if _less(a, b):
        return -1
    if _less(b, a):
        return 1
    return 0


def sort_keys(keys: list[Any]) -> list[Any]:
    """Keys in the order yaml.v3 writes a Go map's keys."""
    return sorted(keys, key=cmp_to_key(_compare))


def sort_map_items(mapping: Mapping[Any, Any]) -> list[tuple[Any, Any]]:
    return [(key, mapping[key]) for key in sort_keys(list(mapping))]


def dumps(value: Any, *, indent: int = 2, keep_order: bool = False) -> str:
    """Any plain value as yaml.v3 encodes it (v2's encoders use indent 2, `yaml.Marshal` 4).

    Maps are sorted as yaml.v3 sorts Go map keys, unless keep_order (the dicts stand for structs).
    """
    try:
        return _Emitter(indent).document(value_node(value, keep_order=keep_order))
    except RecursionError:
        raise ComposeError("yaml: value nested too deeply") from None


# ---------------------------------------------------------------------------------------------------
# the compose model as Go structs lives in `go_structs`; here, the types whose YAML form differs from their JSON form


def _env_file_node(value: Any) -> Node:
    # EnvFile.MarshalYAML: the bare path when required, else {path, required} (format is dropped)
    if isinstance(value, Mapping):
        if value.get("required", True) is True:
            return string_node(str(value.get("path", "")))
        return value_node({"path": value.get("path", ""), "required": value.get("required")})
    return value_node(value)


def _ulimit_node(value: Any) -> Node:
    # UlimitsConfig.MarshalYAML: the single value, else an untagged struct {Soft, Hard} (both always)
    if isinstance(value, Mapping):
        return Mapping_(
            (
                (Scalar("soft"), value_node(value.get("soft", 0))),
                (Scalar("hard"), value_node(value.get("hard", 0))),
            )
        )
    return value_node(value)


_CUSTOM_RENDERERS: dict[str, Callable[[Any], Node]] = {"env_file": _env_file_node, "ulimit": _ulimit_node}


def _is_zero(value: Any) -> bool:
    """yaml.v3's isZero on the Go value behind a JSON-form value (used for non-pointer structs)."""
    if value is None or value is False or value == "":
        return True
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value == 0
    if isinstance(value, (list, tuple)):
        return not value
    if isinstance(value, Mapping):
        return all(_is_zero(item) for item in value.values())
    return False


def _typed_node(value: Any, spec: Any) -> Node:
    if value is None:
        return Scalar("null")
    if isinstance(spec, Custom):
        return _CUSTOM_RENDERERS[spec.render](value)
    if isinstance(spec, Struct) and isinstance(value, Mapping):
        return _struct_node(value, spec)
    if isinstance(spec, Map) and isinstance(value, Mapping):
        return Mapping_(
            tuple((key_node(key), _typed_node(item, spec.values)) for key, item in sort_map_items(value))
        )
    if isinstance(spec, List) and isinstance(value, (list, tuple)):
        return Sequence(tuple(_typed_node(item, spec.items) for item in value))
    return value_node(value)


def _struct_node(value: Mapping[str, Any], spec: Struct) -> Mapping_:
    pairs: list[tuple[Node, Node]] = []
    extensions: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(key, str) and key.startswith("x-"):
            extensions[key] = item
            continue
        if item is None and key in spec.nullable:
            continue
        if key in spec.values and _is_zero(item):
            continue
        name = key.lower() if spec.untagged and isinstance(key, str) else key
        pairs.append((key_node(name), _typed_node(item, spec.fields.get(key))))
    for key, item in sort_map_items(extensions):
        pairs.append((key_node(key), value_node(item)))
    return Mapping_(tuple(pairs))


def yaml_tree(config: Mapping[str, Any]) -> Node:
    """The node tree of a project in the JSON form: top-level keys in v2's YAML order, extensions last."""
    pairs: list[tuple[Node, Node]] = []
    if config.get("name"):
        pairs.append((Scalar("name"), string_node(str(config["name"]))))
    for section, spec in PROJECT_SECTIONS:
        if section == "services":
            # `services` has no omitempty: an empty project prints `services: {}`
            pairs.append((Scalar("services"), _typed_node(config.get("services") or {}, spec)))
        elif config.get(section):
            pairs.append((Scalar(section), _typed_node(config[section], spec)))
    known = {"name", *(section for section, _ in PROJECT_SECTIONS)}
    extensions = {key: item for key, item in config.items() if key not in known}
    for key, item in sort_map_items(extensions):
        pairs.append((key_node(key), value_node(item)))
    return Mapping_(tuple(pairs))


def dumps_config(config: Mapping[str, Any]) -> str:
    """The YAML `docker compose config` prints for a project given in its `--format json` form.

    `$` is not escaped here: v2 doubles every `$` of the rendered text afterwards (see the config command).
    `x-*` keys inside services, networks… (which JSON never shows) are printed last in their object if the
    caller provides them.
    """
    try:
        return _Emitter().document(yaml_tree(config))
    except RecursionError:
        raise ComposeError("yaml: value nested too deeply") from None


def _nil_empty_lists(value: Any) -> Any:
    """Extension values reach encoding/json with empty sequences as nil slices: JSON prints `null`."""
    if isinstance(value, (list, tuple)):
        return [_nil_empty_lists(item) for item in value] if value else None
    if isinstance(value, Mapping):
        return {key: _nil_empty_lists(item) for key, item in value.items()}
    return value


def json_document(config: Mapping[str, Any]) -> dict[str, Any]:
    """The object v2 gives encoding/json for `config --format json` (compose-go Project.MarshalJSON).

    Top-level keys sorted (a Go map), `models` and empty sections left out, `x-*` keys inside services,
    networks… removed (Go structs keep them under `json:"-"`); top-level `x-*` keys stay, with their empty
    sequences printed as null (yaml.v3 prints them as `[]`, so the canonical dict keeps `[]`).
    """
    document: dict[str, Any] = {"name": config.get("name", ""), "services": config.get("services") or {}}
    sections = dict(PROJECT_SECTIONS)
    for key, item in config.items():
        if key in ("name", "services", "models"):
            continue
        if key in sections:
            if item:
                document[key] = item
        else:
            document[key] = _nil_empty_lists(item)
    for key in list(document):
        if key in sections:
            document[key] = strip(document[key], sections[key])
    return {key: document[key] for key in sorted(document)}
