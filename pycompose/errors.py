"""The exceptions pycompose raises, and the exit code each maps to.

    ComposeError                 anything pycompose reports to a user (exit 1 unless said otherwise)
    ├── ConfigError              a compose file, .env file or option is wrong; names file, line, column, key path
    │   ├── InterpolationError   a ${VAR} form is malformed or a required variable is missing
    │   └── NoConfigFile         no compose file named, and no default name found upward
    ├── UsageError               flags that do not go together, an unknown service on the command line (exit 1)
    ├── EngineError              the Docker engine refused or failed an operation
    │   ├── EngineUnreachable    no engine answers at DOCKER_HOST / the current context
    │   ├── NotFound             an image, container, network or volume does not exist
    │   └── InUse                a removal refused: something still uses the object
    └── OperationFailed          a container exited or became unhealthy while we waited on it
        └── ProviderFailed       a `provider:` service's program is missing, failed or answered nonsense

    KeyboardInterrupt
    └── Interrupted              Ctrl-C (or SIGTERM) stopped a run of jobs; names what it left half-done

The CLI prints `str(error)` on one line (no traceback) and exits with `error.exit_code`. Any other exception is a
bug in pycompose, and `cli/main.py` reports it as one (exit 70, the traceback kept).
"""

from __future__ import annotations


class ComposeError(Exception):
    """Base class of every error pycompose reports to its user."""

    exit_code: int = 1

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code

    def __str__(self) -> str:
        return self.message

    def about(self, subject: str) -> ComposeError:
        """The same error (type, exit code, attributes) with `subject: ` in front of its message, e.g.
        `service "web": Error response from daemon: …`; itself when the message already starts so."""
        import copy

        if self.message.startswith(f"{subject}: "):
            return self
        named = copy.copy(self)
        named.message = f"{subject}: {self.message}"
        named.args = (named.message, *self.args[1:])
        return named


class ConfigError(ComposeError):
    """A problem in the project's configuration.

    Args:
        message: what is wrong and what was expected, e.g. `expected "HOST:CONTAINER", got "80:80:80"`.
        file: the file the problem is in, as the user named it (or absolute).
        line: 1-based line in that file, where known.
        column: 1-based column, where known.
        path: the key path in the compose model, as a tuple of keys and indexes
            (`("services", "web", "ports", 0)`) or already rendered (`services.web.ports[0]`).
            A tuple is kept in `keys`, so the loader can find the file and line that defined it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        path: str | tuple[str | int, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.keys: tuple[str | int, ...] | None = tuple(path) if isinstance(path, (tuple, list)) else None
        self.path = format_path(path) if isinstance(path, (tuple, list)) else path

    def with_location(
        self, *, file: str | None = None, line: int | None = None, column: int | None = None
    ) -> ConfigError:
        """Return a copy that also names a file/line/column (keeps what is already known)."""
        located = type(self)(
            self.message,
            file=self.file or file,
            line=self.line or line,
            column=self.column or column,
            path=self.keys if self.keys is not None else self.path,
        )
        return located

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        what = f"{self.path}: " if self.path else ""
        return f"{where}{what}{self.message}"


class InterpolationError(ConfigError):
    """A `${...}` expression is malformed, or a required variable (`${X:?msg}`) is missing.

    Its message already names the key path in v2's words, so the path is not repeated in front of it.
    """

    def __str__(self) -> str:
        located = ConfigError(self.message, file=self.file, line=self.line, column=self.column)
        return str(located)


class UsageError(ComposeError):
    """The command line asks for something inconsistent (conflicting flags, unknown service)."""


class EngineError(ComposeError):
    """The Docker engine refused or failed an operation."""


class EngineUnreachable(EngineError):
    """No Docker engine answers at the configured address."""


class NotFound(EngineError):
    """An engine object (image, container, network, volume) does not exist."""


class NotSupported(EngineError):
    """The engine cannot do this for that object (HTTP 501): the logs of a container whose log driver cannot be
    read."""


class OperationFailed(ComposeError):
    """A container exited, failed its healthcheck or did not become ready in time."""


class ProviderFailed(OperationFailed):
    """The program of a `provider:` service could not be found, exited non-zero or sent an error (v2's words:
    `exec: "x": executable file not found in $PATH`, `failed to create service provider: exit status 1`)."""


def format_path(path: tuple[str | int, ...] | list[str | int]) -> str:
    """Render a key path the way error messages show it: `services.web.ports[0]`."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class InUse(EngineError):
    """The engine refuses to remove an object something still uses: a network with endpoints, an image or a volume
    a container uses (HTTP 403/409 on removal)."""


class NoConfigFile(ConfigError):
    """No compose file was named and none of the default names exists in the directory or above it."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM in the CLI) stopped a run of jobs part-way: still a KeyboardInterrupt to every caller.

    Nothing new was started after it; the jobs already under way finish on their own threads (an engine call
    already sent completes), and waits stop at their next poll.

    Args:
        unfinished: the jobs under way when it came (plan action ids such as `wait:p-db-1:service_healthy`).
        not_started: the jobs that were never started.
        finishing: those of `unfinished` that must be let finish (a recreate half-way).
    """

    def __init__(self, unfinished: tuple[str, ...] = (), not_started: tuple[str, ...] = (), *,
                 finishing: tuple[str, ...] = ()) -> None:
        super().__init__(unfinished, not_started)
        self.unfinished = unfinished
        self.not_started = not_started
        self.finishing = finishing
        """Those of `unfinished` left to finish (`scheduling.Job.finish_when_interrupted`): the CLI waits for them."""

    def summary(self, shown: int = 3) -> str:
        """One line: what was under way and what never started (at most `shown` of each named)."""

        def some(keys: tuple[str, ...]) -> str:
            named = ", ".join(keys[:shown])
            return named + (f" and {len(keys) - shown} more" if len(keys) > shown else "")

        parts = []
        if self.unfinished:
            parts.append(f"left unfinished: {some(self.unfinished)}")
        if self.not_started:
            parts.append(f"not started: {some(self.not_started)}")
        return "; ".join(parts) or "nothing was under way"
