"""How `logs` (and attached `up`) show a log line: `web-1  | text`, prefixes padded to one width, one colour
per service."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from pycompose.presentation.colors import RESET, colour_for

RESET_LINE = "\r\033[K"
"""What v2 writes before a status line (`web-1 exited with code 0`), coloured or not, on a terminal or not."""

if TYPE_CHECKING:
    from pycompose.logs import LogLine, LogTarget

RECREATED = "has been recreated"


def exit_message(code: int, restarting: bool) -> str:
    """v2's words for a container whose log ended: `exited with code 0`, `exited with code 1 (restarting)`."""
    return f"exited with code {code}{' (restarting)' if restarting else ''}"


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

    def status(self, name: str, service: str, message: str) -> str:
        """A line about a container rather than from it, as v2's attached `up` prints it: `web-1 exited with code 0`
        (not padded, the whole line in the service's colour, after a carriage return and erase-line)."""
        text = f"{RESET_LINE}{name} {message}\n"
        if self.color:
            return f"{self._colours.get(service) or colour_for(0)}{text}{RESET}"
        return text


class AttachedOutput:
    """Attached `up` as v2 shows it (an `api.AttachView`): `Attaching to …`, the lines (a container's stderr to
    stderr), `web-1 exited with code N`; each write flushed, all from the one thread that reads the logs."""

    def __init__(self, formatter: LogFormatter, out: TextIO, err: TextIO) -> None:
        self.formatter = formatter
        self.out = out
        self.err = err

    def attached(self, targets: Sequence[LogTarget]) -> None:
        for target in targets:
            self.formatter.add(target)
        if targets:
            self._write(self.out, f"Attaching to {', '.join(t.name for t in targets)}\n")

    def joined(self, target: LogTarget) -> None:
        self.formatter.add(target)

    def line(self, line: LogLine) -> None:
        self._write(self.err if line.stream == 2 else self.out, self.formatter.format(line))

    def recreated(self, target: LogTarget) -> None:
        self._write(self.out, self.formatter.status(target.name, target.service, RECREATED))

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        self._write(self.out, self.formatter.status(target.name, target.service, exit_message(code, restarting)))

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        stream.write(text)
        stream.flush()
