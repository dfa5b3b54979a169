"""`--format` as the docker CLI takes it (`table`, `table TEMPLATE`, `json`, `TEMPLATE`), and Go's tabwriter.

`render(format, rows, header)` is the docker CLI's `formatter.Context.Write`: the format's `table` prefix is taken
off, `json` becomes `{{json .}}`, spaces around the text are trimmed and its literal `\\t` / `\\n` become a tab /
a newline; each row renders on a line of its own; a table gets its header (the template run on `header` with the
header functions) and goes through a tabwriter (min width 10, padding 3). Every error is
`template parsing error: …`, as v2 prints it.

For a command of your own: build one `GoStruct` per row (its `fields` as the Go context's methods; `json` the
MarshalJSON text: `json_object(fields)` for the docker CLI's contexts) and a `header_context({...})`, then
`sys.stdout.write(render(options.format or DEFAULT, rows, header))`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pycompose.presentation.go_template import (
    HEADER_FUNCTIONS,
    GoMap,
    GoMethod,
    GoStruct,
    TemplateError,
    parse,
)

__all__ = ["header_context", "is_table", "json_object", "render", "tabwriter"]

TABLE = "table"
JSON = "json"


def is_table(format_: str) -> bool:
    return format_.startswith(TABLE)


def _template_text(format_: str) -> str:
    if is_table(format_):
        text = format_[len(TABLE):]
    elif format_ == JSON:
        text = "{{json .}}"
    else:
        text = format_
    return text.strip(" ").replace("\\t", "\t").replace("\\n", "\n")


def render(format_: str, rows: Sequence[Any], header: Any) -> str:
    """The whole output of one `--format`: rows (and a header for a table), each line ending in a newline.

    Raises:
        TemplateError: `template parsing error: template: …` (exit 1), before anything is written.
    """
    try:
        template = parse(_template_text(format_))
    except TemplateError as error:
        raise TemplateError(f"template parsing error: {error}") from None
    body: list[str] = []
    for row in rows:
        try:
            body.append(template.execute(row))
        except TemplateError as error:
            raise TemplateError(f"template parsing error: {error}") from None
        body.append("\n")
    if not is_table(format_):
        return "".join(body)
    head = template.execute_partial(header, functions=HEADER_FUNCTIONS)
    return tabwriter(head + "\n" + "".join(body))


def _label_header(name: str) -> str:
    last = name.split(".")[-1]
    return last.replace("-", " ").replace("_", " ")


def header_context(headers: Mapping[str, str]) -> GoMap:
    """The docker CLI's SubHeaderContext: column names by field, and `Label NAME` as the label's last part."""
    return GoMap(headers, {"Label": GoMethod(_label_header, ("string",))})


def json_object(fields: Mapping[str, Any]) -> str:
    """The docker CLI's `formatter.MarshalJSON` of a context: its field values by name, keys sorted, HTML escaped."""
    from pycompose.render import gojson

    plain = {name: _plain(value) for name, value in sorted(fields.items()) if not isinstance(value, GoMethod)}
    return gojson.dumps(plain)


def _plain(value: Any) -> Any:
    if isinstance(value, GoStruct):
        return {k: _plain(v) for k, v in value.fields.items() if not isinstance(v, GoMethod)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def tabwriter(text: str, *, min_width: int = 10, padding: int = 3) -> str:
    """Go's text/tabwriter with a space pad character and no flags: tab-terminated cells aligned in column blocks
    (consecutive lines that have the cell); the last cell of a line is not padded."""
    lines = [line.split("\t") for line in text.split("\n")]
    out: list[str] = []
    _format(lines, [], 0, len(lines), out, min_width, padding)
    return "".join(out)


def _format(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str], min_width: int,
            padding: int) -> None:
    column = len(widths)
    this = line0
    while this < line1:
        if column >= len(lines[this]) - 1:
            this += 1
            continue
        _write_lines(lines, widths, line0, this, out)
        line0 = this
        width = min_width
        while this < line1 and column < len(lines[this]) - 1:
            width = max(width, len(lines[this][column]) + padding)
            this += 1
        widths.append(width)
        _format(lines, widths, line0, this, out, min_width, padding)
        widths.pop()
        line0 = this
    _write_lines(lines, widths, line0, line1, out)


def _write_lines(lines: list[list[str]], widths: list[int], line0: int, line1: int, out: list[str]) -> None:
    for index in range(line0, line1):
        for position, cell in enumerate(lines[index]):
            out.append(cell)
            if position < len(widths) and position < len(lines[index]) - 1:
                out.append(" " * (widths[position] - len(cell)))
        if index + 1 < len(lines):
            out.append("\n")
