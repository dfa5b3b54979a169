"""A test project on disk, driven through the installed `pycompose` as a user drives it: shared by engine tests.

A module of its own (not conftest.py), so that test modules can import it: pytest puts this folder on sys.path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from engine_cleanup import remove_project_resources


@contextmanager
def project_folder(folder: Path, prefix: str, compose: str) -> Iterator[tuple[str, Path]]:
    """(name, folder) of a fresh project `<prefix>-<random>` whose compose.yaml is `compose`; everything labelled
    with it is removed afterwards, also when the test failed."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    (folder / "compose.yaml").write_text(compose)
    try:
        yield name, folder
    finally:
        remove_project_resources(name)


def run_pycompose(project: tuple[str, Path], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """`pycompose -p NAME ARGS…` in the project's folder, no stdin, text output."""
    name, folder = project
    return subprocess.run([sys.executable, "-m", "pycompose", "-p", name, *args], cwd=folder, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ}, stdin=subprocess.DEVNULL)
