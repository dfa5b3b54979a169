"""How `logs` (and attached `up`) show a log line: `web-1  | text`, prefixes padded to one width, one colour
per service."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from pycompose.presentation.colors import RESET, colour_for

if TYPE_CHECKING:
    from pycompose.logs import LogLine, LogTarget


class LogFormatter:
    """Formats LogLines; the width grows when a longer name joins (v2 does the same while following)."""

    def __init__(self, targets: Sequence[LogTarget] = (), *, prefix: bool = True, color: bool = False) -> None:
        self.prefix = prefix
        self.color = color
        self.width = 0
        self._colours: dict[str, str] = {}
        for target in targets:
            self.add(target)

    def add(self, target: LogTarget) -> None:
        self.width = max(self.width, len(target.name))
        if target.service not in self._colours:
            self._colours[target.service] = colour_for(len(self._colours))

    def format(self, line: LogLine) -> str:
        if not self.prefix:
            return line.text + "\n"
        head = f"{line.name.ljust(self.width)}  | "
        if self.color:
            colour = self._colours.get(line.service) or colour_for(0)
            head = f"{colour}{head}{RESET}"
        return head + line.text + "\n"
