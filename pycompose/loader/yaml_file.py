"""Reading compose YAML the way Compose v2 (Go yaml.v3) reads it, keeping where every key was written.

PyYAML resolves scalars by YAML 1.1 (`yes`/`on` are booleans, `1e3` is a string, duplicate keys are silently
accepted). v2 does not, so this module lets libyaml (when present) parse and compose the node tree with no implicit
resolvers at all, and then builds the data itself:

- plain scalars resolve as yaml.v3 does: `true/True/TRUE`, `false/…` are booleans (`yes`, `on`, `y` stay strings);
  `~`, `null`, `Null`, `NULL` and empty are null; integers as Go's `strconv.ParseInt(s, 0, 64)` after dropping `_`
  (`0x1F`, `0o17`, `0b101`, and the leading-zero octal `0755` → 493); too large for int64 → float; floats `1e3`, `.5`,
  `.inf`, `.nan`; anything else (timestamps included) stays a string;
- a key defined twice in one mapping is an error, as in v2 (`mapping key "image" already defined at line 3`);
- `<<` merge keys (one mapping or a list of them; keys written locally win), anchors and aliases;
- `!reset` and `!override` become `tags.Reset` / `tags.Override`;
- every mapping key and sequence item gets a `Mark` (file, line, column; 1-based) under its key path.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

import yaml

from pycompose.errors import ConfigError
from pycompose.loader.tags import Override, Reset

KeyPath = tuple[Any, ...]

_NULLS = {"", "~", "null", "Null", "NULL"}
_TRUES = {"true", "True", "TRUE"}
_FALSES = {"false", "False", "FALSE"}
_SPECIAL_FLOATS = {
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}
_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")
_INT_START = set("0123456789+-")
_MAX_NODES = 2_000_000  # guards against alias bombs ("billion laughs")

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Mark:
    """Where something was written: file, 1-based line and column."""

    file: str
    line: int
    column: int


@dataclass(frozen=True)
class YamlDocument:
    """One YAML document of a file: its data and the Mark of every key path in it."""

    data: Any
    marks: Mapping[KeyPath, Mark]
    file: str


def _composer_class() -> type:
    base = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
    base = base or yaml.SafeLoader

    class Composer(base):  # type: ignore[misc, valid-type]  # base is chosen at run time
        """Composes nodes only; every plain scalar stays untyped (tag str) for our resolver."""

        yaml_implicit_resolvers: dict = {}

    return Composer


_Composer = _composer_class()


def load_documents(text: str, file: str) -> list[YamlDocument]:
    """Parse every document of `text` (named `file` in errors) as v2 would.

    Raises:
        ConfigError: a YAML syntax error, a duplicate key, an unknown tag; with file, line and column.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=_Composer))
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"invalid YAML: {error}", file=file) from None
    except (ValueError, UnicodeError) as error:  # e.g. control characters libyaml refuses
        raise ConfigError(f"invalid YAML: {error}", file=file) from None
    documents = []
    for node in nodes:
        builder = _Builder(file)
        data = builder.build(node, ()) if node is not None else None
        documents.append(YamlDocument(data=data, marks=builder.marks, file=file))
    return documents


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> ConfigError:
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    if error.context and error.context not in problem:
        problem = f"{problem} ({error.context})"
    return ConfigError(
        f"yaml: {problem}",
        file=file,
        line=mark.line + 1 if mark else None,
        column=mark.column + 1 if mark else None,
    )


def resolve_plain_scalar(value: str) -> Any:
    """The value yaml.v3 gives an unquoted scalar when decoding into an untyped value."""
    if value in _NULLS:
        return None
    if value in _TRUES:
        return True
    if value in _FALSES:
        return False
    special = _SPECIAL_FLOATS.get(value)
    if special is not None:
        return special
    if value[0] in _INT_START or value[0] == ".":
        number = _parse_go_int(value.replace("_", ""))
        if number is not None:
            return number
        if _FLOAT.match(value.replace("_", "")):
            try:
                return float(value.replace("_", ""))
            except ValueError:
                return value
    return value


def _parse_go_int(text: str) -> int | float | None:
    """strconv.ParseInt(text, 0, 64), falling back to ParseUint then float as yaml.v3 does."""
    sign = 1
    body = text
    if body[:1] in "+-":
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body:
        return None
    lower = body.lower()
    try:
        if lower.startswith("0x"):
            number = int(body[2:], 16)
        elif lower.startswith("0o"):
            number = int(body[2:], 8)
        elif lower.startswith("0b"):
            number = int(body[2:], 2)
        elif len(body) > 1 and body[0] == "0":
            number = int(body[1:], 8)
        else:
            if not body.isdigit():
                return None
            number = int(body, 10)
    except ValueError:
        return None
    number *= sign
    if -(2**63) <= number < 2**64:
        return number
    return float(number)


class _Builder:
    """Turns a composed node tree into data, recording a Mark for every key path."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.marks: dict[KeyPath, Mark] = {}
        self.count = 0

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        self.count += 1
        if self.count > _MAX_NODES:
            raise ConfigError("document is too large (too many aliased nodes)", file=self.file)
        tag = node.tag
        if tag == "!reset":
            return Reset(self._untagged(node, path))
        if tag == "!override":
            return Override(self._untagged(node, path))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.item(child, (*path, index)) for index, child in enumerate(node.value)]
        return self.scalar(node)

    def _untagged(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.item(child, (*path, index)) for index, child in enumerate(node.value)]
        return None if node.value == "" and not node.style else self.scalar(node, tag=_STR)

    def item(self, node: yaml.Node, path: KeyPath) -> Any:
        self.marks.setdefault(path, self.mark(node))
        return self.build(node, path)

    def scalar(self, node: yaml.ScalarNode, tag: str | None = None) -> Any:
        tag = tag or node.tag
        value = node.value
        if tag == _STR:
            return resolve_plain_scalar(value) if not node.style else value
        if tag == _INT:
            number = _parse_go_int(value.replace("_", ""))
            if number is None:
                raise self.error(node, f"cannot decode {value!r} as an integer")
            return number
        if tag == _FLOAT_TAG:
            resolved = resolve_plain_scalar(value)
            if isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
                return float(resolved)
            raise self.error(node, f"cannot decode {value!r} as a float")
        if tag == _BOOL:
            resolved = resolve_plain_scalar(value)
            if isinstance(resolved, bool):
                return resolved
            raise self.error(node, f"cannot decode {value!r} as a boolean")
        if tag == _NULL:
            return None
        if tag.startswith("tag:yaml.org,2002:"):
            return value  # binary, timestamp…: kept as written
        raise self.error(node, f"unknown tag {tag}")

    def error(self, node: yaml.Node, message: str) -> ConfigError:
        mark = self.mark(node)
        return ConfigError(message, file=self.file, line=mark.line, column=mark.column)

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        result: dict = {}
        defined_at: dict[Any, int] = {}
        merged: list[tuple[dict, dict[Any, Mark]]] = []
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<" and not key_node.style:
                merged.extend(self.merge_sources(value_node, path))
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "invalid map key: a key must be a scalar")
            key = self.scalar(key_node)
            key_mark = self.mark(key_node)
            try:
                previous = defined_at.get(key)
            except TypeError:
                raise self.error(key_node, "invalid map key") from None
            if previous is not None:
                raise ConfigError(
                    f'mapping key "{key_node.value}" already defined at line {previous}',
                    file=self.file,
                    line=key_mark.line,
                    column=key_mark.column,
                )
            defined_at[key] = key_mark.line
            child_path = (*path, key)
            self.marks[child_path] = key_mark
            result[key] = self.build(value_node, child_path)
        for source, source_marks in merged:
            for key, value in source.items():
                if key not in result:
                    result[key] = value
                    child_path = (*path, key)
                    if key in source_marks:
                        self.marks.setdefault(child_path, source_marks[key])
        return result

    def merge_sources(self, value_node: yaml.Node, path: KeyPath) -> list[tuple[dict, dict[Any, Mark]]]:
        """The mappings a `<<` key merges in, first one winning (as yaml.v3)."""
        if isinstance(value_node, yaml.MappingNode):
            nodes = [value_node]
        elif isinstance(value_node, yaml.SequenceNode):
            nodes = list(value_node.value)
        else:
            raise self.error(value_node, "map merge requires map or sequence of maps as the value")
        sources = []
        for source_node in nodes:
            if not isinstance(source_node, yaml.MappingNode):
                raise self.error(source_node, "map merge requires map or sequence of maps as the value")
            sub = _Builder(self.file)
            sub.count = self.count
            data = sub.mapping(source_node, ())
            self.count = sub.count
            key_marks = {key[0]: mark for key, mark in sub.marks.items() if len(key) == 1}
            for sub_path, mark in sub.marks.items():
                self.marks.setdefault((*path, *sub_path), mark)
            sources.append((data, key_marks))
        return sources
