"""How `logs` (and attached `up`) show a log line: the core's text (`logs.LineFormat`: `web-1  | text`, prefixes
padded to one width), one colour per service on top."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from pycompose.logs import LineFormat
from pycompose.presentation.colors import RESET, colour_for

RESET_LINE = "\r\033[K"
"""What v2 writes before a status line (`web-1 exited with code 0`), coloured or not, on a terminal or not."""

if TYPE_CHECKING:
    from pycompose.logs import LogLine, LogTarget

RECREATED = "has been recreated"


def exit_message(code: int, restarting: bool) -> str:
    """v2's words for a container whose log ended: `exited with code 0`, `exited with code 1 (restarting)`."""
    return f"exited with code {code}{' (restarting)' if restarting else ''}"


class LogFormatter(LineFormat):
    """`LineFormat` with one colour per service on the prefix (and on status lines), as v2 colours them."""

    def __init__(self, targets: Sequence[LogTarget] = (), *, prefix: bool = True, color: bool = False,
                 timestamps: bool = False) -> None:
        self.color = color
        self._colours: dict[str, str] = {}
        super().__init__(targets, prefix=prefix, timestamps=timestamps)

    def add(self, target: LogTarget) -> None:
        super().add(target)
        if target.service not in self._colours:
            self._colours[target.service] = colour_for(len(self._colours))

    def head(self, line: LogLine) -> str:
        head = super().head(line)
        if head and self.color:
            return f"{self._colours.get(line.service) or colour_for(0)}{head}{RESET}"
        return head

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
        self._write(self.err if line.stream == 2 else self.out, self.formatter.format(line) + "\n")

    def recreated(self, target: LogTarget) -> None:
        self._write(self.out, self.formatter.status(target.name, target.service, RECREATED))

    def exited(self, target: LogTarget, code: int, restarting: bool) -> None:
        self._write(self.out, self.formatter.status(target.name, target.service, exit_message(code, restarting)))

    @staticmethod
    def _write(stream: TextIO, text: str) -> None:
        stream.write(text)
        stream.flush()
