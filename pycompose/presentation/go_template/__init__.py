"""Go's text/template, the subset the docker CLI's `--format` uses, with the docker CLI's functions.

`parse(text)` gives a `Template` (or raises `TemplateError` with Go's message, `template: :1: unclosed action`);
`Template.execute(data)` renders it (or raises `TemplateError`, `template: :1:2: executing "" at <.Foo>: …`).

Values are Python ones standing for Go's: str, int, float, bool, None (nil), list (slice), dict (map: printed and
ranged in key order), `GoStruct` (a struct or a formatter context: fields, methods, its Go type name for messages)
and `NO_VALUE` (a missing map key, printed `<no value>`).

Supported: text, `{{- -}}` trimming, comments, pipelines, parenthesised pipelines, field chains, variables
(`$x := …`, `$x = …`, `$`), literals (strings, raw strings, chars, numbers, true/false/nil), `if`/`else if`,
`range` (slices, maps, ints; `$i, $e :=`; `else`; `break`/`continue`), `with`/`else with`, `define`/`template`/
`block`, Go's builtins (`and or not len index slice print printf println eq ne lt le gt ge html js urlquery call`)
and the docker CLI's (`json split join title lower upper pad truncate`). Complex numbers are not.

Modules: `values` (the Go values), `lexer`, `nodes`, `parser`, `functions` (builtins and the docker CLI's), `execute`.
"""

from __future__ import annotations

from pycompose.presentation.go_template.execute import Template, parse
from pycompose.presentation.go_template.functions import DOCKER_FUNCTIONS, HEADER_FUNCTIONS
from pycompose.presentation.go_template.values import (
    NO_VALUE,
    GoMap,
    GoMethod,
    GoStruct,
    TemplateError,
    format_value,
    go_quote,
    go_type,
    to_json,
    truth,
)

__all__ = [
    "DOCKER_FUNCTIONS",
    "HEADER_FUNCTIONS",
    "NO_VALUE",
    "GoMap",
    "GoMethod",
    "GoStruct",
    "Template",
    "TemplateError",
    "format_value",
    "go_quote",
    "go_type",
    "parse",
    "to_json",
    "truth",
]
