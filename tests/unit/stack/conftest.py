"""Helpers for the stack unit tests: a compose text loaded as the stack would load it."""

from __future__ import annotations

import textwrap

import pytest

from pycompose.loader.options import ProjectOptions
from pycompose.loader.project import load_project


@pytest.fixture
def load_stack(tmp_path):
    def load(text: str, name: str = "st", files: dict[str, str] | None = None):
        for file_name, content in (files or {}).items():
            (tmp_path / file_name).write_text(content)
        compose = tmp_path / "compose.yaml"
        compose.write_text(textwrap.dedent(text))
        return load_project(ProjectOptions(files=(str(compose),), project_name=name, environ={"HOME": "/root"},
                                           working_directory=str(tmp_path)))

    return load
