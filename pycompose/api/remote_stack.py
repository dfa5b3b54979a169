"""What v2 shows before `up` or `run` of an application loaded from a registry (`-f oci://…` as the first file):
where it is stored, and the variables its model interpolates with the values they will take (v2
cmd/compose/options.go, checksForRemoteStack). The CLI prints it and asks; this module only finds it out."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pycompose.loader.discovery import REMOTE_PREFIX
from pycompose.loader.options import ConfigOutput, ProjectOptions, config_load_options
from pycompose.loader.project import load_project


@dataclass(frozen=True)
class StackVariable:
    """One `${NAME…}` of the remote model, as v2's table shows it."""

    name: str
    value: str
    """From the command line, else the process environment, else the file's default; `<unset>` otherwise."""
    source: str
    """`command-line`, `environment`, `compose file` or `none`."""
    required: bool
    default: str


@dataclass(frozen=True)
class RemoteStack:
    """A project whose first compose file is remote."""

    main_file: str
    """The first `-f` as given (`oci://…`)."""
    working_dir: str
    """The project directory: the folder the artifact was fetched into, unless `--project-directory` says another."""
    variables: tuple[StackVariable, ...]
    """Sorted by name; empty when the model interpolates nothing."""


def remote_stack(source: ProjectOptions, command_line: Mapping[str, str] | None = None) -> RemoteStack | None:
    """The remote stack `source` names, or None when its first file is local (the usual case: nothing is loaded).

    `command_line` holds variables given on the command line (v2 passes none for `up` and `run`). Loads the project
    as the command will, then its model uninterpolated (as `config --variables` does) for the variables.

    Raises:
        ComposeError: the project does not load (the same error the command itself would give).
    """
    if not source.files or not source.files[0].startswith(REMOTE_PREFIX):
        return None
    loaded = load_project(source)
    model = load_project(config_load_options(ConfigOutput.VARIABLES, source)).config
    from pycompose.loader.variables import extract_variables

    given = command_line or {}
    variables = []
    for name, variable in sorted(extract_variables(model).items()):
        if name in given:
            value, origin = given[name], "command-line"
        elif name in source.environ:  # v2 looks at its process environment only, not at .env
            value, origin = source.environ[name], "environment"
        elif variable.default_value:
            value, origin = variable.default_value, "compose file"
        else:
            value, origin = "<unset>", "none"
        variables.append(StackVariable(name, value, origin, variable.required, variable.default_value))
    return RemoteStack(source.files[0], loaded.working_dir, tuple(variables))
