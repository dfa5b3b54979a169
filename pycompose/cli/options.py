"""Options shared by every command (the global flags), and how they become loader options."""

from __future__ import annotations

import os
from dataclasses import dataclass

import typer


@dataclass(frozen=True)
class GlobalOptions:
    """The flags placed before the command (`pycompose -f a.yaml -p x up`)."""

    files: tuple[str, ...] = ()
    project_name: str | None = None
    project_directory: str | None = None
    profiles: tuple[str, ...] = ()
    env_files: tuple[str, ...] = ()
    progress: str | None = None
    ansi: str | None = None
    parallel: int | None = None
    dry_run: bool = False
    compatibility: bool = False
    all_resources: bool = False

    def project_options(self, **overrides):  # -> pycompose.loader.options.ProjectOptions
        """The loader options these flags (and the process environment) ask for."""
        from pycompose.loader.options import ProjectOptions

        values = dict(
            files=self.files,
            project_name=self.project_name,
            project_directory=self.project_directory,
            profiles=self.profiles,
            env_files=self.env_files,
            environ=dict(os.environ),
            working_directory=os.getcwd(),
        )
        values.update(overrides)
        return ProjectOptions(**values)


def global_options(ctx: typer.Context) -> GlobalOptions:
    """The GlobalOptions of the running command line."""
    root = ctx.find_root()
    return root.obj if isinstance(root.obj, GlobalOptions) else GlobalOptions()
