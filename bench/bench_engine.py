"""Engine benchmarks against Compose v2, in the same run (busybox:latest must exist locally).

    .venv/bin/python bench/bench_engine.py [--services 50]

For a project of N services in a binary dependency tree (each depends_on its parent):
- `up -d` from nothing, a no-op `up -d`, and `down -t 1`, for pycompose and for `docker-compose` (v2);
- the same containers created and started directly through the engine API (docker-py), level by level with the
  levels in parallel, as the floor the issue compares `up -d` with.

pycompose's modules are byte-compiled first, as `pip install` does for a wheel: with PYTHONDONTWRITEBYTECODE set
(this machine sets it) an editable checkout would otherwise compile some 80 modules on every command (~80 ms).
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from common import ROOT, compose_v2_command, pycompose_command


def write_tree(directory: Path, services: int) -> Path:
    lines = ["services:"]
    for index in range(services):
        lines += [
            f"  s{index}:",
            "    image: busybox:latest",
            "    init: true",
            '    command: ["sleep", "3600"]',
        ]
        if index:
            lines += ["    depends_on:", f"      - s{(index - 1) // 2}"]
    path = directory / "compose.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True)
    return time.perf_counter() - start


def direct_api(project: str, services: int) -> tuple[float, float]:
    """Create+start the same containers with docker-py by dependency level; returns (up, down) seconds."""
    import docker

    client = docker.from_env()
    network = client.networks.create(f"{project}_default")
    levels: dict[int, list[int]] = {}
    for index in range(services):
        levels.setdefault((index + 1).bit_length() - 1, []).append(index)

    def start(index: int):
        container = client.containers.create(
            "busybox:latest", ["sleep", "3600"], name=f"{project}-s{index}-1", init=True,
            network=network.name, labels={"bench": project},
        )
        container.start()
        return container

    began = time.perf_counter()
    created = []
    with ThreadPoolExecutor(max_workers=16) as pool:
        for level in sorted(levels):
            created += list(pool.map(start, levels[level]))
    up = time.perf_counter() - began
    began = time.perf_counter()
    def stop(container) -> None:
        container.stop(timeout=1)
        container.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(stop, created))
    down = time.perf_counter() - began
    for _ in range(20):  # the engine may report endpoints a moment after the last removal
        try:
            network.remove()
            break
        except docker.errors.APIError:
            time.sleep(0.2)
    return up, down


def run_tool(name: str, command: list[str], compose_file: Path, project: str) -> dict[str, float]:
    base = [*command, "-f", str(compose_file), "-p", project]
    try:
        return {
            "up -d": timed([*base, "up", "-d"]),
            "no-op up -d": timed([*base, "up", "-d"]),
            "down -t 1": timed([*base, "down", "-t", "1"]),
        }
    finally:
        subprocess.run([*base, "down", "-t", "0"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "pycompose"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        compose_file = write_tree(Path(tmp), args.services)
        results = {"pycompose": run_tool("pycompose", pycompose_command(), compose_file, "benchpy")}
        v2 = compose_v2_command()
        if v2:
            results["compose v2"] = run_tool("v2", v2, compose_file, "benchv2")
        up, down = direct_api(f"benchapi{os.getpid()}", args.services)
        results["engine API"] = {"up -d": up, "down -t 1": down}
    print(f"{args.services} services in a dependency tree")
    print(f"{'':14}" + "".join(f"{name:>14}" for name in results))
    for row in ("up -d", "no-op up -d", "down -t 1"):
        cells = "".join(f"{results[name][row]:13.2f}s" if row in results[name] else f"{'n/a':>14}" for name in results)
        print(f"{row:14}{cells}")


if __name__ == "__main__":
    main()
