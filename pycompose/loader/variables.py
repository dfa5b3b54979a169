"""The `${NAME…}` forms an uninterpolated model refers to (compose-go template.ExtractVariables), for `config
--variables`.

Scanned with v2's quirks: the regular expression reaches (greedily) to the last `}` of the text and is then cut at the
`}` closing the first `${`, the rest scanned on its own; defaults (`:-`, `-`) and alternate values (`:+`, `+`) are
scanned for the variables they name; `$$` escapes. Values are scanned, keys are not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_VARIABLE = re.compile(
    r"\$(?i:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)"
    r"|\{(?:(?P<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)\}|(?P<invalid>)))"
)


@dataclass(frozen=True)
class Variable:
    """One `${NAME...}` form of the model (compose-go template.Variable)."""

    name: str
    default_value: str = ""
    presence_value: str = ""
    required: bool = False


def extract_variables(model: Any) -> dict[str, Variable]:
    """Every variable the (uninterpolated) model refers to, by name.

    When a name occurs more than once the last occurrence wins (v2 merges Go maps, so its choice is random).
    """
    variables: dict[str, Variable] = {}
    pending = [model]
    while pending:  # depth-first, in document order, without recursion
        value = pending.pop()
        if isinstance(value, str):
            for variable in variables_in(value):
                variables[variable.name] = variable
        elif isinstance(value, dict):
            pending.extend(reversed(list(value.values())))
        elif isinstance(value, list):
            pending.extend(reversed(value))
    return variables


def variables_in(text: str) -> list[Variable]:
    """The variables of one string, in the order v2 finds them."""
    found: list[Variable] = []
    for match in _VARIABLE.finditer(text):
        if match.group("escaped"):
            continue
        value = match.group("named") or ""
        if not value:
            value = match.group("braced") or ""
            whole = match.group(0)
            closing = _first_closing_brace(whole)
            if closing > 0:
                value = whole[2:closing]
                found.extend(variables_in(whole[closing + 1:]))
        variable = _variable(value)
        found.append(variable)
        if variable.default_value:
            found.extend(variables_in(variable.default_value))
        if variable.presence_value:
            found.extend(variables_in(variable.presence_value))
    return found


def _variable(expression: str) -> Variable:
    """`NAME`, `NAME:-default`, `NAME+alternate`, `NAME:?message`… as a Variable."""
    cut = next(
        (index for index, char in enumerate(expression) if not (char.isascii() and (char.isalnum() or char == "_"))),
        -1,
    )
    if cut <= 0:
        return Variable(expression)
    name, rest = expression[:cut], expression[cut:]
    if rest.startswith((":?", "?")):
        return Variable(name, required=True)
    for operator, is_default in ((":-", True), ("-", True), (":+", False), ("+", False)):
        if rest.startswith(operator):
            value = rest[len(operator):]
            return Variable(name, default_value=value) if is_default else Variable(name, presence_value=value)
    return Variable(name)


def _first_closing_brace(text: str) -> int:
    """Index of the `}` closing the `{` at index 1 (nested `{…}` counted), or -1."""
    depth = 0
    index = 0
    while index < len(text):
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        if text[index] == "{":
            depth += 1
            index += 1
        index += 1
    return -1
