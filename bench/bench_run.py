"""`run --rm SERVICE true` on a running project, pycompose beside Compose v2 in the same run (busybox:latest must
exist locally). The issue's target: no more than 1.3× v2's time.

    .venv/bin/python bench/bench_run.py [--runs 7]

The project (`cr-bench-run-…`) has `app`, which depends on `db`; `db` is up before timing starts, so each run
finds its dependency running, creates the one-off, attaches, starts it and waits for its exit code (AutoRemove
takes it away). The two tools' runs are interleaved so that both see the same machine load.

pycompose's modules are byte-compiled into a private cache first (PYTHONPYCACHEPREFIX), as `pip install` does for
a wheel: with PYTHONDONTWRITEBYTECODE set (this machine sets it) an editable checkout would otherwise compile its
modules on every command.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from common import compose_v2_command, pycompose_command, time_pair

COMPOSE = """\
services:
  db:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
  app:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
    depends_on: [db]
"""
TARGET = 1.3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each tool (median reported)")
    args = parser.parse_args()
    v2 = compose_v2_command()
    name = f"cr-bench-run-{uuid.uuid4().hex[:6]}"
    with tempfile.TemporaryDirectory(prefix="cr-bench-run-") as folder:
        Path(folder, "compose.yaml").write_text(COMPOSE)
        env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder, "pycache"))
        ours = [*pycompose_command(), "-p", name]
        try:
            subprocess.run([*ours, "up", "-d", "db"], cwd=folder, env=env, check=True, capture_output=True)
            mine, theirs = time_pair([*ours, "run", "--rm", "app", "true"],
                                     [*v2, "-p", name, "run", "--rm", "app", "true"] if v2 else None,
                                     runs=args.runs, cwd=folder, env=env)
        finally:
            subprocess.run([*ours, "down", "-t", "0", "--remove-orphans"], cwd=folder, env=env, capture_output=True)
    print(f"run --rm app true   pycompose {mine:.3f} s", end="")
    if theirs is None:
        print("   (no Compose v2 to compare with)")
        return 0
    ratio = mine / theirs
    verdict = "ok" if ratio <= TARGET else f"over the {TARGET}x target"
    print(f"   v2 {theirs:.3f} s   ratio {ratio:.2f}x   {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
