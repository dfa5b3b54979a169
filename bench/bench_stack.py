"""`pycompose stack` beside `docker stack` in the same run (a swarm manager engine; busybox:latest present).

    .venv/bin/python bench/bench_stack.py [--services 50] [--runs 1]

For a stack of N replicated services (one replica each, one overlay network): `stack deploy` from nothing, the
same deploy again unchanged, and `stack rm`, for pycompose and for the docker CLI (`--resolve-image never` for both
is NOT used: both run with the default `always`, as a user would). Between tools, the stack's networks are waited
for until they are gone, outside the timings. The swarm is initialised when the engine is not in swarm mode.
"""

from __future__ import annotations

import argparse
import compileall
import statistics
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from common import ROOT, pycompose_command


def write_stack(directory: Path, services: int) -> Path:
    lines = ["services:"]
    for index in range(services):
        lines += [f"  s{index}:", "    image: busybox:latest", '    command: ["sleep", "3600"]',
                  "    deploy: {replicas: 1}"]
    path = directory / "compose.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def gone(stack: str) -> None:
    label = f"label=com.docker.stack.namespace={stack}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        left = subprocess.run(["docker", "network", "ls", "-q", "--filter", label], capture_output=True, text=True)
        services = subprocess.run(["docker", "service", "ls", "-q", "--filter", label], capture_output=True,
                                  text=True)
        if not left.stdout.strip() and not services.stdout.strip():
            return
        time.sleep(0.5)


def ensure_swarm() -> None:
    state = subprocess.run(["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"], capture_output=True,
                           text=True).stdout.strip()
    if state != "active":
        subprocess.run(["docker", "swarm", "init", "--advertise-addr", "127.0.0.1"], capture_output=True)


def run_tool(command: list[str], folder: Path, stack: str) -> dict[str, float]:
    times = {"deploy": timed([*command, "deploy", "-c", "compose.yaml", stack], folder)}
    times["redeploy unchanged"] = timed([*command, "deploy", "-c", "compose.yaml", stack], folder)
    times["rm"] = timed([*command, "rm", stack], folder)
    gone(stack)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "pycompose"), quiet=1)
    ensure_swarm()
    tools = {"pycompose": [*pycompose_command(), "stack"], "docker": ["docker", "stack"]}
    samples: dict[str, dict[str, list[float]]] = {name: {} for name in tools}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_stack(folder, args.services)
        for _ in range(args.runs):
            for name, command in tools.items():  # alternated within a run: the same machine load for both
                stack = f"stb{name[:2]}{uuid.uuid4().hex[:6]}"
                try:
                    for what, seconds in run_tool(command, folder, stack).items():
                        samples[name].setdefault(what, []).append(seconds)
                finally:
                    subprocess.run(["docker", "stack", "rm", stack], capture_output=True)
                    gone(stack)
    print(f"{args.services} services, median of {args.runs} run(s)")
    print(f"{'':22}{'pycompose':>12}{'docker stack':>14}{'ratio':>8}")
    for what in samples["pycompose"]:
        ours = statistics.median(samples["pycompose"][what])
        theirs = statistics.median(samples["docker"][what])
        print(f"{what:22}{ours:11.2f}s{theirs:13.2f}s{ours / theirs:7.2f}x")


if __name__ == "__main__":
    main()
