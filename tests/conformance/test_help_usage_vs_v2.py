"""`pycompose COMMAND --help` opens with v2's usage line(s), for every command v2 lists, and has no section v2's
help lacks (click's `Arguments`)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

pytestmark = pytest.mark.reference


def _v2_commands(reference: str) -> list[str]:
    text = subprocess.run([reference, "--help"], capture_output=True, text=True, check=True).stdout
    found = []
    for section in re.findall(r"^Commands:\n(.*?)(?:\n\n|\Z)", text, flags=re.M | re.S):
        found += [line.split()[0] for line in section.splitlines() if line.strip()]
    return found


def _usage(text: str, program: str) -> list[str]:
    block = text[text.index("Usage:"):].split("\n\n", 1)[0]
    return [re.sub(rf"^(Usage:)?\s*{re.escape(program)} ", "", line) for line in block.splitlines()]


def test_every_command_has_v2s_usage_line(reference_compose):
    commands = _v2_commands(reference_compose)
    assert len(commands) >= 30
    checked = 0
    for command in commands:
        if command == "bridge":  # not a pycompose command (separate work)
            continue
        theirs = subprocess.run([reference_compose, command, "--help"], capture_output=True, text=True).stdout
        ours = subprocess.run([sys.executable, "-m", "pycompose", command, "--help"], capture_output=True,
                              text=True)
        assert ours.returncode == 0, (command, ours.stderr)
        assert _usage(ours.stdout, "pycompose") == _usage(theirs, "docker compose"), command
        assert "Arguments:" not in ours.stdout, command
        checked += 1
    assert checked == len(commands) - ("bridge" in commands)


LEFT_OUT: dict[str, set[str]] = {}  # flags v2 has that pycompose does not take (none left)


def _flags(text: str) -> set[str]:
    options = text.split("Options:", 1)[-1]
    return set(re.findall(r"^\s+(?:-\w, )?(--[a-z][a-z-]*)", options, flags=re.M)) - {"--help"}


def test_every_command_takes_v2s_flags(reference_compose):
    missing = {}
    for command in _v2_commands(reference_compose):
        if command == "bridge":
            continue
        theirs = subprocess.run([reference_compose, command, "--help"], capture_output=True, text=True).stdout
        ours = subprocess.run([sys.executable, "-m", "pycompose", command, "--help"], capture_output=True,
                              text=True).stdout
        lacking = _flags(theirs) - _flags(ours)
        if lacking:
            missing[command] = lacking
    assert missing == {command: flags for command, flags in LEFT_OUT.items() if flags}
