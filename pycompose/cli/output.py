"""Small output helpers shared by the commands: warnings in v2's log format, data to stdout."""

from __future__ import annotations

from pycompose.presentation.warnings import write_warnings as warn

__all__ = ["warn"]


def confirm(question: str, default: bool = False) -> bool:
    """v2's answer reading: the question on stdout (no newline), one line read; `y` or a Go boolean is yes (an empty
    answer is no, whatever `default` says, as v2 reads a pipe). On a terminal v2 shows it as its prompt library
    does, `? question (y/N) ` (`(Y/n)` when `default` is yes), and an empty answer takes the default."""
    import sys

    interactive = sys.stdin.isatty()
    choices = "(Y/n)" if default else "(y/N)"
    sys.stdout.write(f"? {question} {choices} " if interactive else question)
    sys.stdout.flush()
    answer = sys.stdin.readline().strip().lower()
    if interactive and not answer:
        return default
    return answer in ("y", "1", "t", "true")


def check_remote_stack(source, *, assume_yes: bool, quiet: bool) -> None:  # source: loader ProjectOptions
    """Before `up` or `run` of an application loaded from a registry (`-f oci://…` first), as v2: where it is
    stored (unless the progress is quiet or JSON), then the variables its model interpolates and the question
    whether to go on with them (not with `-y`). Nothing is loaded when the first file is local.

    Raises:
        ComposeError: the answer was no (`operation cancelled by user`), or the project does not load.
    """
    from pycompose.loader.discovery import REMOTE_PREFIX

    if not source.files or not source.files[0].startswith(REMOTE_PREFIX):
        return
    import sys

    from pycompose.api.remote_stack import remote_stack
    from pycompose.errors import ComposeError
    from pycompose.gofmt import go_quote
    from pycompose.presentation.go_format import tabwriter

    stack = remote_stack(source)
    if stack is None:
        return
    if not quiet:
        sys.stdout.write(f"Your compose stack {go_quote(stack.main_file)} is stored in "
                         f"{go_quote(stack.working_dir)}\n")
    if assume_yes or not stack.variables:
        return
    rows = "".join(f"{v.name}\t{v.value}\t{v.source}\t{'yes' if v.required else 'no'}\t{v.default}\n"
                   for v in stack.variables)
    sys.stdout.write("\nFound the following variables in configuration:\n"
                     + tabwriter("VARIABLE\tVALUE\tSOURCE\tREQUIRED\tDEFAULT\n" + rows, min_width=0, padding=3))
    if not confirm("\nDo you want to proceed with these variables? [Y/n]: ", default=True):
        raise ComposeError("operation cancelled by user")
