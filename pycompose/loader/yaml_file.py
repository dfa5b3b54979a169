"""Reading compose YAML the way Compose v2 (Go yaml.v3) reads it, keeping where every key was written.

PyYAML resolves scalars by YAML 1.1 (`yes`/`on` are booleans, `1e3` is a string, duplicate keys are silently
accepted). v2 does not, so this module lets libyaml (when present, else PyYAML's Python parser) parse and compose
the node tree, with a resolver that only marks plain scalars as plain, and then builds the data itself:

- plain scalars resolve as yaml.v3 does: `true/True/TRUE`, `false/…` are booleans (`yes`, `on`, `y` stay strings);
  `~`, `null`, `Null`, `NULL` and empty are null; integers as Go's `strconv.ParseInt(s, 0, 64)` after dropping `_`
  (`0x1F`, `0o17`, `0b101`, and the leading-zero octal `0755` → 493); too large for int64 → float; floats `1e3`, `.5`,
  `.inf`, `.nan`; timestamps (`2001-12-14`, `2001-12-14T21:59:43.1-05:00`, `2001-12-14 21:59:43`) become
  `Timestamp`, a `str` of the text as written whose `rfc3339` is Go's rendering (`2001-12-14T00:00:00Z`), because
  v2 turns them into Go `time.Time` values: printed that way in `x-` extensions, refused by schema validation
  elsewhere (`services.s.environment.A invalid jsonType time.Time`); anything else stays a string;
- explicit tags: `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!binary` (base64 decoded to text),
  `!!timestamp`; any other tag (`!custom`) is ignored: a scalar stays the string written, a collection is kept;
- a key written twice in one mapping (compared as written, so `1` and `"1"` clash, and so do two `<<`) is an error,
  as in v2 (`mapping key "image" already defined at line 3`);
- `<<` merge keys (one mapping or a list of them; keys written locally win), anchors and aliases;
- an alias inside the node its anchor names (`a: &a [*a]`) is refused in v2's words (`cycle detected: node at path
  a.0.0 references node at path a.0`), as are aliases that expand to more than a million nodes ("billion laughs")
  and nesting deeper than `MAX_DEPTH` (yaml.v3 allows 10000; every later stage of pycompose recurses, so less);
- `!reset` and `!override` become `tags.Reset` / `tags.Override`; what `!reset` holds is never read (v2 drops it
  before interpolation, so neither `${X:?}` nor a cycle inside it is an error);
- every mapping key and sequence item gets a `Mark` (file, line, column; 1-based) under its key path.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
_MAX_EXPANDED = 1_000_000  # nodes a document may expand to through aliases
MAX_DEPTH = 200  # collections nested in one another, aliases expanded; the loader and renderers recurse that deep

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_INT = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_BINARY = "tag:yaml.org,2002:binary"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_PLAIN = "tag:pycompose,2026:plain"  # what our resolver gives every plain (unquoted, untagged) scalar
_TIMESTAMP_TEXT = re.compile(
    r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
    r"(?:(?:([Tt])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]+))?(Z|[+-][0-9]{2}:[0-9]{2}))"
    r"|(?: ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\.([0-9]+))?))?"
)


class Timestamp(str):
    """A scalar v2 reads as a Go `time.Time`: the text as written, plus `rfc3339`, Go's rendering of the time.

    v2 prints `rfc3339` (unquoted in YAML) where the value survives (`x-` extensions) and refuses it in schema
    validation where a string is expected (`services.s.environment.A invalid jsonType time.Time`). Stages that
    do not know this class see the text as written.
    """

    rfc3339: str

    def __new__(cls, text: str, rfc3339: str) -> Timestamp:
        made = super().__new__(cls, text)
        made.rfc3339 = rfc3339
        return made

    def __reduce__(self) -> tuple:
        return (Timestamp, (str(self), self.rfc3339))


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
        """Composes nodes only; every plain scalar is tagged `_PLAIN`, resolved later by `resolve_plain_scalar`."""

        yaml_implicit_resolvers: dict = {}

        def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
            """Tag of an untagged node: plain scalars are marked for `resolve_plain_scalar`, quoted ones are str."""
            if kind is yaml.ScalarNode:
                return _PLAIN if implicit[0] else _STR
            return _SEQ if kind is yaml.SequenceNode else _MAP

    return Composer


_Composer = _composer_class()


def load_documents(text: str, file: str) -> list[YamlDocument]:
    """Parse every document of `text` (named `file` in errors) as v2 would.

    No document (empty text, only comments) gives `[]`; an empty document (`---` alone) gives one whose data is
    None. v2 calls the first "empty compose file" and the second "top-level object must be a mapping".

    Raises:
        ConfigError: a YAML syntax error, a duplicate key, an undefined alias, a bad explicit tag (`!!int x`),
            an alias inside its own anchor, excessive aliasing or nesting; with file, line and column where known.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=_Composer))
    except yaml.composer.ComposerError as error:
        raise _composer_error(error, file, text) from None
    except yaml.MarkedYAMLError as error:
        raise _syntax_error(error, file) from None
    except yaml.reader.ReaderError as error:  # libyaml refuses control characters, as yaml.v3 does
        before = text[: error.position]
        raise ConfigError(
            "yaml: control characters are not allowed",
            file=file,
            line=before.count("\n") + 1,
            column=len(before) - (before.rfind("\n") + 1) + 1,
        ) from None
    except yaml.YAMLError as error:
        raise ConfigError(f"yaml: {getattr(error, 'problem', None) or error}", file=file) from None
    except RecursionError:  # PyYAML's composer recurses per level: deep nesting outruns Python's stack first
        raise _depth_error(text, file) from None
    except (ValueError, UnicodeError) as error:  # e.g. control characters libyaml refuses
        raise ConfigError(f"yaml: {error}", file=file) from None
    documents = []
    for node in nodes:
        if node is not None and "*" in text:  # no `*`, no alias
            _check_aliases(node, file, lambda: _written_aliases(text))
        builder = _Builder(file)
        try:
            data = builder.build(node, ()) if node is not None else None
        except RecursionError:
            raise _depth_error(text, file) from None
        documents.append(YamlDocument(data=data, marks=builder.marks, file=file))
    return documents


Slots = tuple[int, ...]  # where a node sits: per level, a sequence index, or 2*i (key) / 2*i+1 (value) of entry i


def _check_aliases(root: yaml.Node, file: str, written_aliases: Any) -> None:
    """Refuse an alias inside the node its anchor names, and aliases that expand too far ("billion laughs").

    PyYAML composes an alias as the very node its anchor names, so `a: &a [*a]` is a cycle in the node graph; one
    depth-first walk, without recursion, finds the first cycle in document order (v2's) and the size of every
    distinct node once. A cycle gets the error v2 gives first (`_reset_processor_error`, else `_decoding_error`);
    `written_aliases()` gives the aliases as written (`_written_aliases`), read again from the text only then.
    `!reset` content is not walked: v2 drops it (except inside an `!override`; a cycle there is not refused).
    """
    sizes: dict[int, int] = {}
    on_path: dict[int, int] = {}  # id of each node being walked → its index in `frames`
    frames: list[list] = [[root, _children(root), 1, -1]]  # [node, children, expanded size, slot in its parent]
    on_path[id(root)] = 0
    decoding_cycle: list | None = None
    while frames:
        frame = frames[-1]
        child = next(frame[1], None)
        if child is None:
            frames.pop()
            del on_path[id(frame[0])]
            sizes[id(frame[0])] = frame[2]
            if frames:
                frames[-1][2] += frame[2]
            continue
        slot, node = child
        if not isinstance(node, (yaml.MappingNode, yaml.SequenceNode)) or node.tag == "!reset":
            frame[2] += 1
            continue
        known = sizes.get(id(node))
        if known is not None:
            frame[2] += known
            continue
        enclosing = on_path.get(id(node))
        if enclosing is not None:
            steps = _cycle_steps([item[0] for item in frames], [item[3] for item in frames[1:]] + [slot], enclosing)
            error = _reset_processor_error(steps, file, written_aliases())
            if error is not None:
                raise error
            decoding_cycle = decoding_cycle or steps  # v2 finds it later, when decoding
            frame[2] += 1
            continue
        on_path[id(node)] = len(frames)
        frames.append([node, _children(node), 1, slot])
    if decoding_cycle is not None:
        raise _decoding_error(decoding_cycle, file, written_aliases())
    if sizes[id(root)] > _MAX_EXPANDED and sizes[id(root)] > 2 * len(sizes):
        raise ConfigError("yaml: document contains excessive aliasing", file=file)


def _children(node: yaml.Node) -> Any:
    """(slot, child) of a collection: keys and values of a mapping, items of a sequence."""
    if isinstance(node, yaml.MappingNode):
        return ((slot, part) for index, entry in enumerate(node.value) for slot, part in ((2 * index, entry[0]),
                                                                                            (2 * index + 1, entry[1])))
    if isinstance(node, yaml.SequenceNode):
        return enumerate(node.value)
    return iter(())


Step = tuple[yaml.Node, int, yaml.Node]  # parent, slot, child


def _cycle_steps(nodes: list[yaml.Node], slots: list[int], enclosing: int) -> list[Step]:
    """The walk from the root down `nodes` to the alias that names `nodes[enclosing]`, then once more round.

    v2 notices a cycle only when it meets something a second time, so going round twice is always enough.
    """
    steps = list(zip(nodes[:-1], slots[:-1], nodes[1:]))
    steps.append((nodes[-1], slots[-1], nodes[enclosing]))
    return steps + steps[enclosing:]


def _reset_processor_error(steps: list[Step], file: str, aliases: dict) -> ConfigError | None:
    """The error v2's first walk (compose-go's ResetProcessor) gives for this cycle, if it sees it.

    That walk notes, per node reached through an alias, the path it was reached at, and stops when an alias brings
    a node again below the path noted for it (`a: &a [*a]`: `node at path a.0.0 references node at path a.0`).
    It leaves merge keys (`<<`) out of paths, and does not look at keys nor into `!override` values: a cycle through
    those is found later, when decoding.
    """
    noted: dict[int, str] = {}
    path: list[str] = []
    for parent, slot, child in steps:
        if parent.tag == "!override" or isinstance(parent, yaml.MappingNode) and slot % 2 == 0:
            return None
        path.extend(_v2_path([parent], (slot,)))
        event = aliases.get(_edge(parent, slot))
        if event is None:
            continue
        here = ".".join(path)
        before = noted.get(id(child))
        if before is not None and here.startswith(before):
            return ConfigError(
                f"cycle detected: node at path {here} references node at path {before}", **_where(file, event)
            )
        noted[id(child)] = here
    return None


def _decoding_error(steps: list[Step], file: str, aliases: dict) -> ConfigError:
    """yaml.v3's error for a cycle the first walk did not see: an alias met again while it is being expanded."""
    expanding: set[tuple[int, int, int]] = set()
    for parent, slot, _ in steps:
        edge = _edge(parent, slot)
        event = aliases.get(edge)
        if event is None:
            continue
        if edge in expanding:
            return ConfigError(f"yaml: anchor '{event.anchor}' value contains itself", **_where(file, event))
        expanding.add(edge)
    raise AssertionError("a cycle is closed by an alias, met twice in two rounds")


def _v2_path(nodes: list[yaml.Node], slots: Slots) -> list[str]:
    """The dotted key path v2 names a node by: keys as written and sequence indexes, without `<<`."""
    path = []
    for parent, slot in zip(nodes, slots):
        if isinstance(parent, yaml.SequenceNode):
            path.append(str(slot))
            continue
        key = parent.value[slot // 2][0]
        if not (key.tag == _PLAIN and key.value == "<<"):
            path.append(key.value if isinstance(key, yaml.ScalarNode) else "?")
    return path


def _where(file: str, event: Any) -> dict[str, Any]:
    if event is None:
        return {"file": file}
    return {"file": file, "line": event.start_mark.line + 1, "column": event.start_mark.column + 1}


def _edge(parent: yaml.Node, slot: int) -> tuple[int, int, int]:
    """A child's place: where its collection starts (no two collections start at one place) and its slot there."""
    return parent.start_mark.line, parent.start_mark.column, slot


def _written_aliases(text: str) -> dict[tuple[int, int, int], yaml.AliasEvent]:
    """Every alias of `text` by its `_edge` (composed nodes keep no trace of aliases), slots as `_children` gives."""
    found: dict[tuple[int, int, int], yaml.AliasEvent] = {}
    open_: list[list] = []  # per open collection: [line, column, slot of its next child]
    for event in yaml.parse(text, Loader=_Composer):
        if isinstance(event, yaml.AliasEvent) and open_:
            found[(open_[-1][0], open_[-1][1], open_[-1][2])] = event
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            open_.append([event.start_mark.line, event.start_mark.column, 0])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            open_.pop()
        if open_ and isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingEndEvent,
                                        yaml.SequenceEndEvent)):
            open_[-1][2] += 1
    return found


def _composer_error(error: yaml.MarkedYAMLError, file: str, text: str) -> ConfigError:
    """Undefined aliases in v2's words (`yaml: unknown anchor 'nope' referenced`)."""
    problem = error.problem or ""
    mark = error.problem_mark
    if problem.startswith("found undefined alias"):
        name = problem[len("found undefined alias"):].strip(" '\"")
        if not name and mark is not None:  # libyaml does not name it; read it where the mark points
            lines = text.splitlines()
            written = lines[mark.line][mark.column:] if mark.line < len(lines) else ""
            found = re.match(r"\*([^\s,\[\]{}]+)", written)
            name = found.group(1) if found else ""
        return ConfigError(
            f"yaml: unknown anchor '{name}' referenced",
            file=file,
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    return _syntax_error(error, file)


def _depth_error(text: str, file: str) -> ConfigError:
    """`exceeded max depth` at the first collection nested deeper than MAX_DEPTH, found from the parser's events
    (no recursion), for input whose nesting outran Python's stack before any of our checks saw it."""
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Composer):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    return ConfigError(f"yaml: exceeded max depth of {MAX_DEPTH}", file=file, line=mark.line + 1,
                                       column=mark.column + 1)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return ConfigError(f"yaml: exceeded max depth of {MAX_DEPTH}", file=file, line=1, column=1)


def _syntax_error(error: yaml.MarkedYAMLError, file: str) -> ConfigError:
    """libyaml's problem text, which is also yaml.v3's (`yaml: did not find expected key`), at the exact place."""
    mark = error.problem_mark or error.context_mark
    problem = error.problem or "invalid YAML"
    if problem == "exceeded maximum nesting depth":  # libyaml's limit (1000 levels), past ours: one message for both
        problem = f"exceeded max depth of {MAX_DEPTH}"
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
            number = float(value.replace("_", ""))
            return value if math.isinf(number) else number  # out of float64 range: yaml.v3 keeps the text
        timestamp = parse_timestamp(value)
        if timestamp is not None:
            return timestamp
    return value


def parse_timestamp(value: str) -> Timestamp | None:
    """yaml.v3's timestamp forms (`2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`, `… t …`, `2006-1-2 15:4:5.9`)."""
    match = _TIMESTAMP_TEXT.fullmatch(value)
    if match is None:
        return None
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
    if match.group(4):
        clock, fraction, zone = match.group(5, 6, 7), match.group(8), match.group(9)
    elif match.group(10):
        clock, fraction, zone = match.group(10, 11, 12), match.group(13), "Z"
    else:
        clock, fraction, zone = ("0", "0", "0"), None, "Z"
    hour, minute, second = (int(part) for part in clock)
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 59:
        return None
    if zone != "Z" and (int(zone[1:3]) > 23 or int(zone[4:6]) > 59):
        return None
    text = f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
    nanos = (fraction or "")[:9].ljust(9, "0").rstrip("0")
    if nanos:
        text += "." + nanos
    return Timestamp(value, text + zone)


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


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

    def __init__(self, file: str, depth: int = 0) -> None:
        self.file = file
        self.depth = depth  # how deep the node at path () is nested (a `<<` source is built on its own)
        self.marks: dict[KeyPath, Mark] = {}

    def mark(self, node: yaml.Node) -> Mark:
        # the frozen dataclass's __init__ costs a third of loading a big file; filling __dict__ is equivalent
        start = node.start_mark
        made = object.__new__(Mark)
        made.__dict__.update(file=self.file, line=start.line + 1, column=start.column + 1)
        return made

    def build(self, node: yaml.Node, path: KeyPath) -> Any:
        tag = node.tag
        if tag == _PLAIN:  # by far the most common node
            return resolve_plain_scalar(node.value)
        if tag == "!reset":
            return Reset()
        if tag == "!override":
            return Override(self._untagged(node, path))
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_depth(node, path)
            return [self.item(child, (*path, index)) for index, child in enumerate(node.value)]
        return self.scalar(node)

    def check_depth(self, node: yaml.Node, path: KeyPath) -> None:
        """A collection at `path` is nested `len(path) + 1` deep (aliases expanded: the walk made them finite)."""
        if self.depth + len(path) >= MAX_DEPTH:
            raise self.error(node, f"yaml: exceeded max depth of {MAX_DEPTH}")

    def _untagged(self, node: yaml.Node, path: KeyPath) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            self.check_depth(node, path)
            return [self.item(child, (*path, index)) for index, child in enumerate(node.value)]
        if node.value == "" and not node.style:
            return None
        return self.scalar(node, tag=_PLAIN if not node.style else _STR)

    def item(self, node: yaml.Node, path: KeyPath) -> Any:
        self.marks.setdefault(path, self.mark(node))
        return self.build(node, path)

    def scalar(self, node: yaml.ScalarNode, tag: str | None = None) -> Any:
        tag = tag or node.tag
        value = node.value
        if tag == _PLAIN:
            return resolve_plain_scalar(value)
        if tag == _STR:
            return value
        if tag == _INT:
            resolved = resolve_plain_scalar(value)
            if isinstance(resolved, int) and not isinstance(resolved, bool):
                return resolved
            raise self.cannot_decode(node, "!!int")
        if tag == _FLOAT_TAG:
            resolved = resolve_plain_scalar(value)
            if isinstance(resolved, (int, float)) and not isinstance(resolved, bool):
                return float(resolved)
            raise self.cannot_decode(node, "!!float")
        if tag == _BOOL:
            resolved = resolve_plain_scalar(value)
            if isinstance(resolved, bool):
                return resolved
            raise self.cannot_decode(node, "!!bool")
        if tag == _NULL:
            return None
        if tag == _BINARY:
            try:
                decoded = base64.b64decode("".join(value.split()), validate=True)
            except (binascii.Error, ValueError):
                raise self.error(node, "yaml: !!binary value contains invalid base64 data") from None
            return decoded.decode("utf-8", errors="replace")  # Go prints invalid UTF-8 as U+FFFD
        if tag == _TIMESTAMP:
            timestamp = parse_timestamp(value)
            if timestamp is None:
                raise self.cannot_decode(node, "!!timestamp")
            return timestamp
        return value  # any other tag (`!custom`, `!!map` on a scalar): v2 keeps the text

    def cannot_decode(self, node: yaml.ScalarNode, tag: str) -> ConfigError:
        return self.error(node, f"yaml: cannot decode !!str `{node.value}` as a {tag}")

    def error(self, node: yaml.Node, message: str) -> ConfigError:
        mark = self.mark(node)
        return ConfigError(message, file=self.file, line=mark.line, column=mark.column)

    def mapping(self, node: yaml.MappingNode, path: KeyPath) -> dict:
        self.check_depth(node, path)
        result: dict = {}
        defined_at: dict[str, int] = {}
        merged: list[tuple[dict, dict[Any, Mark]]] = []
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, f"yaml: invalid map key: {_go_repr(self.build(key_node, ()))}")
            key_mark = self.mark(key_node)
            previous = defined_at.get(key_node.value)  # yaml.v3 compares keys as written
            if previous is not None:
                raise ConfigError(
                    f'mapping key "{key_node.value}" already defined at line {previous}',
                    file=self.file,
                    line=key_mark.line,
                    column=key_mark.column,
                )
            defined_at[key_node.value] = key_mark.line
            if key_node.value == "<<" and key_node.tag == _PLAIN:
                merged.extend(self.merge_sources(value_node, path))
                continue
            key = self.scalar(key_node)
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
            raise self.error(value_node, "yaml: map merge requires map or sequence of maps as the value")
        sources = []
        for source_node in nodes:
            if not isinstance(source_node, yaml.MappingNode):
                raise self.error(source_node, "yaml: map merge requires map or sequence of maps as the value")
            sub = _Builder(self.file, self.depth + len(path))
            data = sub.mapping(source_node, ())
            key_marks = {key[0]: mark for key, mark in sub.marks.items() if len(key) == 1}
            for sub_path, mark in sub.marks.items():
                self.marks.setdefault((*path, *sub_path), mark)
            sources.append((data, key_marks))
        return sources


def _go_repr(value: Any) -> str:
    """Go's `%#v` of a decoded YAML value, as v2 shows an invalid (collection) map key."""
    if isinstance(value, dict):
        items = ", ".join(f"{_go_repr(key)}:{_go_repr(item)}" for key, item in value.items())
        return f"map[string]interface {{}}{{{items}}}"
    if isinstance(value, list):
        return f"[]interface {{}}{{{', '.join(_go_repr(item) for item in value)}}}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "interface {}(nil)"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)

