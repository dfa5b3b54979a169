"""Validate a compose model against pycompose's JSON schema and explain the one error that matters.

Two validators share one schema (`schema/compose-spec.json`, read from the `pycompose.schema` package folder):

* a small compiled checker (closures over the handful of keywords our schema uses) answers "is this valid?" fast:
  a 1,000-service file takes tens of milliseconds where jsonschema takes most of a second;
* jsonschema's Draft7Validator runs only when the fast answer is "no" (or "not sure"), to find and describe
  the error. It alone decides: the fast checker can only ever let us skip it on documents it accepts.

The error message names the key path, what was expected and what was found, descends `oneOf` alternatives to
the one matching the value's type, and suggests the closest allowed key for a misspelt one.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from collections.abc import Callable, Iterable
from typing import Any

from pycompose.errors import ConfigError

KeyPath = tuple[str | int, ...]
Locator = Callable[[KeyPath], "tuple[str, int | None, int | None] | None"]
Check = Callable[[Any], bool]

SCHEMA_PACKAGE = "pycompose.schema"
SCHEMA_FILE = "compose-spec.json"

__all__ = ["validate", "load_schema", "is_valid"]


def validate(data: dict, *, locate: Locator | None = None) -> None:
    """Raise ConfigError for the most relevant schema violation in `data`, or return None if it conforms.

    `data` is a merged, interpolated, type-cast compose model (short syntax allowed). `locate(path)` maps a key
    path to (file, line, column) so the error can point into the YAML; for an unknown key it is asked for the
    key itself.
    """
    if not isinstance(data, dict):
        raise ConfigError(f"top-level object must be a mapping, found {_describe(data)}")
    try:
        if _fast_checker()(data):
            return
    except _Unsure:
        pass
    _reject_non_string_keys(data, ())
    error = _most_relevant_error(data, locate)
    if error is not None:
        raise error


def is_valid(data: Any) -> bool:
    """Whether `data` conforms to the schema (no explanation; the fast path, with jsonschema as the arbiter)."""
    try:
        return _fast_checker()(data)
    except _Unsure:
        pass
    try:
        return _jsonschema_validator().is_valid(data)
    except Exception:
        return False


@functools.lru_cache(maxsize=1)
def load_schema() -> dict:
    """The schema document, parsed once per process."""
    import importlib
    import os

    # the package's folder rather than importlib.resources, which costs more start-up than the whole read
    folder = os.path.dirname(importlib.import_module(SCHEMA_PACKAGE).__file__ or "")
    with open(os.path.join(folder, SCHEMA_FILE), encoding="utf-8") as handle:
        return json.load(handle)


# --- the error path (jsonschema) ------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _jsonschema_validator() -> Any:
    from jsonschema import Draft7Validator

    # No format checker: the schema uses no `format`, and v2 checks none.
    return Draft7Validator(load_schema())


def _most_relevant_error(data: dict, locate: Locator | None) -> ConfigError | None:
    try:
        errors = list(_jsonschema_validator().iter_errors(_only_failing_services(data)))
    except Exception as exc:
        return ConfigError(f"cannot validate the compose file: {exc}")
    if not errors:
        return None
    error = _first_in_document(_without_explained(errors), locate)
    return _explain(_descend(error, locate), locate)


def _only_failing_services(data: dict) -> dict:
    """`data` with just the services the fast checker rejects, so jsonschema walks only those.

    Services are validated independently of each other, so the errors (and their paths) stay the same.
    """
    services = data.get("services")
    if not isinstance(services, dict) or len(services) < 20:
        return data
    check = _fast_checker()
    failing = {}
    for name, service in services.items():
        try:
            accepted = check({"services": {name: service}})
        except _Unsure:
            accepted = False
        if not accepted:
            failing[name] = service
    return {**data, "services": failing}


def _without_explained(errors: list[Any]) -> list[Any]:
    """Drop `required` errors on mappings that also hold an unknown key: the misspelt key explains them."""
    misspelt = {tuple(e.absolute_path) for e in errors if e.validator == "additionalProperties"}
    kept = [e for e in errors if not (e.validator == "required" and tuple(e.absolute_path) in misspelt)]
    return kept or errors


def _first_in_document(errors: list[Any], locate: Locator | None) -> Any:
    """The error written first in the file when we know where things are, else the first one found."""
    if locate is None or len(errors) == 1:
        return errors[0]

    def position(error: Any) -> tuple[float, float]:
        where = locate(_error_key_path(error))
        if not where:
            return (math.inf, math.inf)
        return (where[1] or math.inf, where[2] or math.inf)

    return min(errors, key=position)


def _error_key_path(error: Any) -> KeyPath:
    """Where the error is; for an unknown key, the key itself (so its line is the one reported)."""
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = _unknown_keys(error)
        if extra:
            return path + (extra[0],)
    if error.validator == "uniqueItems":
        pair = _duplicate_pair(error.instance)
        if pair:
            return path + (pair[1],)
    return path


def _descend(error: Any, locate: Locator | None) -> Any:
    """Follow `oneOf`/`anyOf` into the alternative that fits the value's type, as deep as it goes."""
    while error.validator in ("oneOf", "anyOf") and error.context:
        branch_errors = _fitting_branch(error)
        if branch_errors is None:
            break
        error = _first_in_document(_without_explained(branch_errors), locate)
    return error


def _fitting_branch(error: Any) -> list[Any] | None:
    """Errors of the alternative whose root accepted the value's type, or None when none did."""
    branches: dict[int, list[Any]] = {}
    for sub in error.context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    fitting = [subs for subs in branches.values() if not any(_is_root_type_error(sub) for sub in subs)]
    if not fitting:
        return None
    # Several alternatives accept the type: the one that got furthest into the value explains best.
    return max(fitting, key=lambda subs: max(len(sub.absolute_path) for sub in subs))


def _is_root_type_error(error: Any) -> bool:
    return error.validator == "type" and len(error.relative_path) == 0


def _explain(error: Any, locate: Locator | None) -> ConfigError:
    path = tuple(error.absolute_path)
    message = _message(error)
    where = locate(_error_key_path(error)) if locate else None
    if where:
        return ConfigError(message, path=path or None, file=where[0], line=where[1], column=where[2])
    return ConfigError(message, path=path or None)


def _message(error: Any) -> str:
    kind = error.validator
    value = error.instance
    if kind in ("oneOf", "anyOf") and error.context:
        return f"must be {_expected_types(error.context)}, found {_describe(value)}"
    if kind in ("oneOf", "anyOf"):
        return f"{_describe(value)} matches more than one allowed form"
    if kind == "type":
        return f"must be {_type_phrase(error.validator_value)}, found {_describe(value)}"
    if kind == "additionalProperties":
        return _unknown_key_message(error)
    if kind == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        name = missing.group(1) if missing else error.message
        return f"missing required property '{name}'"
    if kind == "enum":
        allowed = ", ".join(_quote(option) for option in error.validator_value)
        hint = _did_you_mean(value, [o for o in error.validator_value if isinstance(o, str)])
        return f"must be one of {allowed}, found {_describe(value)}{hint}"
    if kind == "pattern":
        return f"{_quote(value)} does not match pattern '{error.validator_value}'"
    if kind == "minimum":
        return f"must be greater than or equal to {error.validator_value}, found {value}"
    if kind == "maximum":
        return f"must be less than or equal to {error.validator_value}, found {value}"
    if kind == "uniqueItems":
        pair = _duplicate_pair(value)
        if pair:
            return f"items [{pair[0]}] and [{pair[1]}] are equal ({_quote(value[pair[1]])}); each may appear once"
        return "items must be unique"
    return error.message


def _unknown_key_message(error: Any) -> str:
    extra = _unknown_keys(error)
    key = extra[0] if extra else "?"
    schema = error.schema
    allowed = [k for k in schema.get("properties", {}) if isinstance(k, str)]
    patterns = [p for p in schema.get("patternProperties", {}) if p != "^x-"]
    if key == "":
        return "empty key not allowed"
    if not allowed and patterns:
        return (f"{_quote(key)} is not a valid name: use only letters, digits, '.', '_' and '-' "
                f"(pattern '{patterns[0]}')")
    hint = _did_you_mean(key, allowed)
    if not hint and "^x-" in schema.get("patternProperties", {}):
        hint = " (extension keys must start with 'x-')"
    return f"additional property {_quote(key)} not allowed{hint}"


def _unknown_keys(error: Any) -> list[str]:
    schema, instance = error.schema, error.instance
    if not isinstance(instance, dict):
        return []
    known = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    return [
        key for key in instance
        if key not in known and not any(re.search(p, str(key)) for p in patterns)
    ]


def _did_you_mean(word: Any, options: Iterable[str]) -> str:
    if not isinstance(word, str):
        return ""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    if not close:
        lowered = {option.lower(): option for option in options}
        if word.lower() in lowered:
            close = [lowered[word.lower()]]
    return f", did you mean '{close[0]}'?" if close else ""


def _duplicate_pair(items: Any) -> tuple[int, int] | None:
    if not isinstance(items, list):
        return None
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        key = json.dumps(item, sort_keys=True, default=str)
        if key in seen:
            return seen[key], index
        seen[key] = index
    return None


_ARTICLE_TYPES = {
    "object": "a mapping",
    "array": "an array",
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "null": "null",
}


def _type_phrase(types: Any) -> str:
    names = [types] if isinstance(types, str) else list(types)
    phrases = [_ARTICLE_TYPES.get(name, name) for name in names]
    if len(phrases) == 1:
        return phrases[0]
    return ", ".join(phrases[:-1]) + " or " + phrases[-1]


def _expected_types(context: Iterable[Any]) -> str:
    names: list[str] = []
    for sub in context:
        if _is_root_type_error(sub):
            value = sub.validator_value
            for name in [value] if isinstance(value, str) else value:
                if name not in names:
                    names.append(name)
    if "number" in names and "integer" in names:
        names.remove("integer")
    return _type_phrase(names) if names else "one of the allowed forms"


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"a boolean ({'true' if value else 'false'})"
    if isinstance(value, int):
        return f"an integer ({value})"
    if isinstance(value, float):
        return f"a number ({value:g})"
    if isinstance(value, str):
        return f"a string ({_quote(value)})"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def _quote(value: Any) -> str:
    text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"'{text}'"


def _reject_non_string_keys(value: Any, path: KeyPath) -> None:
    """v2 refuses mapping keys that are not strings before it validates (`non-string key in …`)."""
    from pycompose.errors import format_path

    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                where = format_path(path) if path else "top level"
                raise ConfigError(f"non-string key in {where}: {key}", path=path or None)
            _reject_non_string_keys(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _reject_non_string_keys(item, path + (index,))


# --- the fast path (compiled checker) -------------------------------------------------------------------------


class _Unsure(Exception):
    """The compiled checker cannot decide this value exactly; jsonschema must."""


_ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "definitions", "default", "deprecated"}


@functools.lru_cache(maxsize=1)
def _fast_checker() -> Check:
    return _Compiler(load_schema()).compile(load_schema())


class _Compiler:
    """Turns our schema into nested closures; each returns exactly what Draft-07 would say, or raises _Unsure."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.refs: dict[str, Check] = {}

    def compile(self, schema: Any) -> Check:
        if schema is True or schema == {}:
            return _always
        if schema is False:
            return _never
        unknown = set(schema) - _ANNOTATIONS - set(_KEYWORDS)
        if unknown:
            raise ValueError(f"schema keyword(s) the fast checker does not know: {sorted(unknown)}")
        if "$ref" in schema:
            return self.ref(schema["$ref"])  # Draft-07: siblings of $ref are ignored
        checks = [_KEYWORDS[keyword](self, schema) for keyword in _KEYWORD_ORDER if keyword in schema]
        checks += [_compile_object(self, schema), _compile_items(self, schema)]
        checks = [check for check in checks if check is not None]
        if len(checks) == 1:
            return checks[0]
        return lambda value: all(check(value) for check in checks)

    def ref(self, pointer: str) -> Check:
        if pointer not in self.refs:
            cell: list[Check] = []
            self.refs[pointer] = lambda value: cell[0](value)  # allows recursive references
            cell.append(self.compile(self._resolve(pointer)))
            self.refs[pointer] = cell[0]
        return self.refs[pointer]

    def _resolve(self, pointer: str) -> Any:
        if not pointer.startswith("#/"):
            raise ValueError(f"only local references are supported: {pointer}")
        node: Any = self.root
        for part in pointer[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node


def _always(value: Any) -> bool:
    return True


def _never(value: Any) -> bool:
    return False


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


_TYPE_TESTS: dict[str, Check] = {
    "object": lambda value: isinstance(value, dict),
    "array": lambda value: isinstance(value, list),
    "string": lambda value: isinstance(value, str),
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "number": _is_number,
    "integer": _is_integer,
}


def _compile_type(compiler: _Compiler, schema: dict) -> Check:
    names = schema["type"]
    tests = [_TYPE_TESTS[name] for name in ([names] if isinstance(names, str) else names)]
    if len(tests) == 1:
        return tests[0]
    return lambda value: any(test(value) for test in tests)


def _compile_object(compiler: _Compiler, schema: dict) -> Check | None:
    """properties, patternProperties, additionalProperties and required, which all look at the same keys."""
    if not any(k in schema for k in ("properties", "patternProperties", "additionalProperties", "required")):
        return None
    properties = {key: compiler.compile(sub) for key, sub in schema.get("properties", {}).items()}
    patterns = [(re.compile(p), compiler.compile(sub)) for p, sub in schema.get("patternProperties", {}).items()]
    additional = schema.get("additionalProperties", True)
    if additional not in (True, False):
        raise ValueError("additionalProperties must be true or false in our schema")
    closed = additional is False
    required = list(schema.get("required", ()))

    def check(value: Any) -> bool:
        if not isinstance(value, dict):
            return True
        for key in required:
            if key not in value:
                return False
        for key, item in value.items():
            if not isinstance(key, str):
                raise _Unsure
            known = properties.get(key)
            if known is not None and not known(item):
                return False
            matched = False
            for pattern, sub in patterns:
                if pattern.search(key):
                    matched = True
                    if not sub(item):
                        return False
            if closed and known is None and not matched:
                return False
        return True

    return check


def _compile_items(compiler: _Compiler, schema: dict) -> Check | None:
    items = schema.get("items")
    unique = schema.get("uniqueItems", False)
    if isinstance(items, list):
        raise ValueError("tuple-form items are not used by our schema")
    item_check = compiler.compile(items) if items is not None else None
    if item_check is None and not unique:
        return None

    def check(value: Any) -> bool:
        if not isinstance(value, list):
            return True
        if item_check is not None:
            for item in value:
                if not item_check(item):
                    return False
        if unique and len(value) > 1:
            if not all(isinstance(item, str) for item in value):
                raise _Unsure  # 1 == 1.0 == True subtleties: let jsonschema judge
            if len(set(value)) != len(value):
                return False
        return True

    return check


def _compile_one_of(compiler: _Compiler, schema: dict) -> Check:
    branches = [compiler.compile(sub) for sub in schema["oneOf"]]

    def check(value: Any) -> bool:
        matches = 0
        for branch in branches:
            if branch(value):
                matches += 1
                if matches > 1:
                    return False
        return matches == 1

    return check


def _compile_any_of(compiler: _Compiler, schema: dict) -> Check:
    branches = [compiler.compile(sub) for sub in schema["anyOf"]]
    return lambda value: any(branch(value) for branch in branches)


def _compile_enum(compiler: _Compiler, schema: dict) -> Check:
    options = schema["enum"]
    if not all(isinstance(option, str) for option in options):
        raise ValueError("only string enums are used by our schema")
    allowed = frozenset(options)
    return lambda value: isinstance(value, str) and value in allowed


def _compile_pattern(compiler: _Compiler, schema: dict) -> Check:
    pattern = re.compile(schema["pattern"])
    return lambda value: not isinstance(value, str) or pattern.search(value) is not None


def _compile_minimum(compiler: _Compiler, schema: dict) -> Check:
    bound = schema["minimum"]
    return lambda value: not _is_number(value) or value >= bound


def _compile_maximum(compiler: _Compiler, schema: dict) -> Check:
    bound = schema["maximum"]
    return lambda value: not _is_number(value) or value <= bound


def _handled_elsewhere(compiler: _Compiler, schema: dict) -> None:
    return None


_KEYWORDS: dict[str, Callable[[_Compiler, dict], Check | None]] = {
    "type": _compile_type,
    "$ref": _handled_elsewhere,
    "properties": _handled_elsewhere,
    "patternProperties": _handled_elsewhere,
    "additionalProperties": _handled_elsewhere,
    "required": _handled_elsewhere,
    "items": _handled_elsewhere,
    "uniqueItems": _handled_elsewhere,
    "oneOf": _compile_one_of,
    "anyOf": _compile_any_of,
    "enum": _compile_enum,
    "pattern": _compile_pattern,
    "minimum": _compile_minimum,
    "maximum": _compile_maximum,
}
# Cheap tests first; the object and array walkers (added after these) run once per node.
_KEYWORD_ORDER = ["type", "enum", "pattern", "minimum", "maximum", "oneOf", "anyOf"]
