"""Regenerate expected.json for every golden case with the reference binary (docker-compose v2.40.3).

Run from anywhere: `.venv/bin/python tests/unit/canonical/regenerate.py [case ...]`.
Each case directory holds compose.yaml (and optionally flags.txt: extra `config` flags such as
`--no-path-resolution`); the binary runs in that directory with a clean environment and
project name `test`, every profile enabled, and the absolute case directory in its output is replaced by `/PROJECT`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CASES = Path(__file__).resolve().parent / "cases"
PLACEHOLDER = "/PROJECT"


def regenerate(case: Path) -> None:
    """Write case/expected.json, or case/expected_error.txt when the binary rejects the file."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/home/user", "B": "bb"}
    flags_file = case / "flags.txt"
    flags = flags_file.read_text().split() if flags_file.exists() else []
    proc = subprocess.run(
        ["docker-compose", "-p", "test", "-f", "compose.yaml", "--profile", "*", "config", "--format", "json", *flags],
        cwd=case, env=env, capture_output=True, text=True,
    )
    for stale in ("expected.json", "expected_error.txt"):
        (case / stale).unlink(missing_ok=True)
    if proc.returncode == 0:
        text = proc.stdout.replace(str(case), PLACEHOLDER)
        (case / "expected.json").write_text(text)
    else:
        (case / "expected_error.txt").write_text(proc.stderr.strip().replace(str(case), PLACEHOLDER) + "\n")


def main(names: list[str]) -> None:
    if shutil.which("docker-compose") is None:
        sys.exit("docker-compose (v2.40.3) is not installed")
    cases = [CASES / n for n in names] if names else sorted(p for p in CASES.iterdir() if p.is_dir())
    for case in cases:
        regenerate(case)


if __name__ == "__main__":
    main(sys.argv[1:])
