"""Start-up budgets against Compose v2, in the same run (runs interleaved, medians).

    python bench/bench_startup.py [--runs N] [--services 10]

The brief's budgets: `--help` no slower than v2; a no-op `up -d` (a running project of N busybox services in a
dependency tree) no more than 3x v2's time; read-only commands import neither networkx nor jsonschema. Also times
`ps`, `ls` and `config -q`, and the in-process API (`Project.up()` and `ps()` on the same running project), which
should beat a `docker compose` subprocess. Needs a Docker engine and busybox:latest.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import compose_v2_command, pycompose_command, report, time_pair

HEAVY = {"networkx", "jsonschema", "docker"}


def write_tree(directory: Path, services: int) -> None:
    lines = ["services:"]
    for index in range(services):
        lines += [f"  s{index}:", "    image: busybox:latest", "    init: true", '    command: ["sleep", "3600"]']
        if index:
            lines += ["    depends_on:", f"      - s{(index - 1) // 2}"]
    (directory / "compose.yaml").write_text("\n".join(lines) + "\n")


def heavy_imports(argv: list[str], cwd: str) -> list[str]:
    python = Path(pycompose_command()[0]).parent / "python"
    out = subprocess.run([str(python), "-X", "importtime", "-m", "pycompose", *argv], cwd=cwd,
                         capture_output=True, text=True).stderr
    names = {line.rsplit("|", 1)[-1].strip() for line in out.splitlines() if "|" in line}
    return sorted(names & HEAVY)


def in_process(directory: str, project: str, runs: int) -> tuple[float, float]:
    from pycompose.api import Project

    stack = Project.load(str(Path(directory) / "compose.yaml"), project_name=project)
    stack.up(wait=False)
    ups, pss = [], []
    for _ in range(runs):
        start = time.perf_counter()
        Project.load(str(Path(directory) / "compose.yaml"), project_name=project).up(wait=False)
        ups.append(time.perf_counter() - start)
        start = time.perf_counter()
        stack.ps()
        pss.append(time.perf_counter() - start)
    return statistics.median(ups), statistics.median(pss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--services", type=int, default=10)
    args = parser.parse_args()
    ours = pycompose_command()
    theirs = compose_v2_command()
    if theirs is None:
        print("Compose v2 not found: pycompose's figures alone", file=sys.stderr)
    project = "bench-startup"
    with tempfile.TemporaryDirectory() as directory:
        write_tree(Path(directory), args.services)
        flags = ["-p", project]
        rows = []
        try:
            subprocess.run([*ours, *flags, "up", "-d"], cwd=directory, check=True, capture_output=True)
            for name, argv in [
                ("--help", ["--help"]),
                (f"no-op up -d ({args.services} services)", [*flags, "up", "-d"]),
                ("ps", [*flags, "ps"]),
                ("ls", ["ls"]),
                ("config -q", [*flags, "config", "-q"]),
            ]:
                mine, v2 = time_pair([*ours, *argv], [*theirs, *argv] if theirs else None, runs=args.runs,
                                     cwd=directory)
                rows.append((name, mine, v2))
            api_up, api_ps = in_process(directory, project, args.runs)
            v2_up = next(v2 for name, _, v2 in rows if name.startswith("no-op"))
            v2_ps = next(v2 for name, _, v2 in rows if name == "ps")
            rows += [("API: Project.load(...).up() (no-op)", api_up, v2_up), ("API: ps()", api_ps, v2_ps)]
            report(rows)
            for command in (["ps"], ["ls"], ["config", "-q"], ["images"], ["port", "s0", "80"], ["--help"]):
                found = heavy_imports([*flags, *command] if command != ["--help"] else command, directory)
                print(f"imports of {' '.join(command):12} {', '.join(found) or 'none of ' + ', '.join(sorted(HEAVY))}")
        finally:
            subprocess.run([*ours, *flags, "down", "-t", "0"], cwd=directory, capture_output=True)


if __name__ == "__main__":
    main()
