"""What the files say while they are read (an unset variable, the obsolete `version`) is said by every command
that reads them, as v2 logs it, not only by `config`; a command v2 runs on the project's name alone (`-p` without
`-f`: ps, logs, down…) does not read them and says nothing. Beside v2 where it is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

UNSET = 'The \\"NOPE\\" variable is not set. Defaulting to a blank string.'
OBSOLETE = "the attribute `version` is obsolete"

# (arguments, whether the files are read: the warnings are printed)
COMMANDS = [
    (("up", "-d"), True),
    (("ps",), True),
    (("-p", "{name}", "ps"), False),
    (("-p", "{name}", "-f", "compose.yaml", "ps"), True),
    (("logs",), True),
    (("config", "-q"), True),
    (("run", "--rm", "app", "true"), True),
    (("-p", "{name}", "stop"), False),
    (("down",), True),
]


def _write(folder: Path, name: str) -> None:
    folder.joinpath("compose.yaml").write_text(
        f'version: "3.8"\nname: {name}\nservices:\n  app:\n    image: busybox:latest${{NOPE}}\n    init: true\n'
        "    command: sleep 300\n    stop_grace_period: 1s\n")


def _said(command: list[str], folder: Path, name: str) -> list[tuple[int, bool, bool]]:
    said = []
    for args, _ in COMMANDS:
        done = subprocess.run([*command, *(a.format(name=name) for a in args)], cwd=folder, capture_output=True,
                              text=True, timeout=120, env={k: v for k, v in os.environ.items() if k != "NOPE"})
        said.append((done.returncode, UNSET in done.stderr, OBSOLETE in done.stderr))
    return said


def test_every_command_that_reads_the_files_says_their_warnings(project_name, tmp_path):
    _write(tmp_path, project_name)
    said = _said([sys.executable, "-m", "pycompose"], tmp_path, project_name)
    assert said == [(0, reads, reads) for _, reads in COMMANDS]


@pytest.mark.reference
def test_the_same_commands_say_them_as_v2(project_name, tmp_path, reference_compose):
    _write(tmp_path, project_name)
    theirs = _said([reference_compose], tmp_path, project_name)
    ours = _said([sys.executable, "-m", "pycompose"], tmp_path, project_name)
    assert ours == theirs
