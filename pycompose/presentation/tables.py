"""Tables as the docker CLI prints them (Go tabwriter: min width 20, padding 3), and Go's byte sizes."""

from __future__ import annotations

from collections.abc import Sequence


def table(header: Sequence[str], rows: Sequence[Sequence[str]], *, min_width: int = 20, padding: int = 3) -> str:
    """Every column but the last padded to max(min_width, widest cell + padding)."""
    all_rows = [tuple(header), *(tuple(r) for r in rows)]
    count = len(header)
    widths = [max(min_width, max(len(r[i]) for r in all_rows) + padding) for i in range(count)]
    lines = []
    for row in all_rows:
        cells = [cell.ljust(widths[i]) if i < count - 1 else cell for i, cell in enumerate(row)]
        lines.append("".join(cells))
    return "\n".join(lines) + "\n"


def human_size(size: float, precision: int = 3) -> str:
    """go-units HumanSizeWithPrecision: decimal units, `%.3g` (1984230 → 1.98MB)."""
    units = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
    index = 0
    while size >= 1000 and index < len(units) - 1:
        size /= 1000.0
        index += 1
    return f"{size:.{precision}g}{units[index]}"
