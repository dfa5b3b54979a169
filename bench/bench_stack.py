"""`pycompose stack` beside `docker stack` (docker CLI 28) in the same run, on a swarm manager engine with
busybox:latest present.

    .venv/bin/python bench/bench_stack.py [--services 50] [--runs 3] [--detach false] [--resolve-image never]

A stack of N replicated services (one replica each, the default overlay network). Timed, for each tool: `stack
deploy` from nothing, the same deploy again unchanged, and `stack rm`, each with the same flags on both sides: the
docker CLI's defaults (`--detach=true` for deploy and rm: neither waits for the tasks; `--resolve-image always`),
which pycompose's are too; `--detach false` times both with `--detach=false` instead (both wait: deploy until every
service converged, rm until the tasks stopped); `--resolve-image changed|never` gives both that value instead (with
`always` and no registry reachable, the docker CLI's deploy time is mostly its one failing registry lookup per
service; `never` compares the rest).

Between the timed steps, outside the timings, the stack is left to settle, so that each step starts from the same
state for both tools and does not pay for the background work of the one before: after a deploy, until every service
runs its replica and no update is in progress; after `rm`, until the stack's services, networks and containers are
gone. Each run times both tools, the order alternating from run to run; the figures are medians (and the range).
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

LABEL = "com.docker.stack.namespace"
STEPS = ("deploy", "redeploy unchanged", "rm")


def write_stack(directory: Path, services: int) -> Path:
    lines = ["services:"]
    for index in range(services):
        lines += [f"  s{index}:", "    image: busybox:latest", '    command: ["sleep", "3600"]', "    init: true",
                  "    deploy: {replicas: 1}"]
    path = directory / "compose.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode:
        raise SystemExit(f"{' '.join(argv)} failed ({result.returncode}): {result.stderr.strip()}")
    return seconds


def _lines(*argv: str) -> list[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.split()


def settled(stack: str, services: int, timeout: float = 300) -> None:
    """Every service of the stack runs its one replica and none is being updated."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        replicas = _lines("docker", "service", "ls", "--filter", f"label={LABEL}={stack}", "--format",
                          "{{.Replicas}}")
        if replicas.count("1/1") == services:
            ids = _lines("docker", "service", "ls", "-q", "--filter", f"label={LABEL}={stack}")
            states = _lines("docker", "service", "inspect", "--format",
                            "{{if .UpdateStatus}}{{.UpdateStatus.State}}{{else}}none{{end}}", *ids)
            if all(state in ("none", "completed") for state in states):
                return
        time.sleep(1)
    raise SystemExit(f"stack {stack} did not settle in {timeout:g}s")


def gone(stack: str, timeout: float = 300) -> None:
    """No service, network or container of the stack is left."""
    flt = f"label={LABEL}={stack}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not (_lines("docker", "service", "ls", "-q", "--filter", flt)
                or _lines("docker", "network", "ls", "-q", "--filter", flt)
                or _lines("docker", "ps", "-aq", "--filter", flt)):
            return
        time.sleep(1)
    raise SystemExit(f"stack {stack} still has objects after {timeout:g}s")


def ensure_swarm() -> None:
    state = subprocess.run(["docker", "info", "--format", "{{.Swarm.LocalNodeState}}"], capture_output=True,
                           text=True).stdout.strip()
    if state != "active":
        subprocess.run(["docker", "swarm", "init", "--advertise-addr", "127.0.0.1"], capture_output=True)


def run_tool(command: list[str], folder: Path, stack: str, services: int, detach: str,
             resolve_image: str) -> dict[str, float]:
    deploy = [*command, "deploy", f"--detach={detach}", "--resolve-image", resolve_image, "-c", "compose.yaml", stack]
    times = {"deploy": timed(deploy, folder)}
    settled(stack, services)
    times["redeploy unchanged"] = timed(deploy, folder)
    settled(stack, services)
    times["rm"] = timed([*command, "rm", f"--detach={detach}", stack], folder)
    gone(stack)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--services", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--detach", choices=("true", "false"), default="true",
                        help="the --detach value given to both tools (true: docker's default)")
    parser.add_argument("--resolve-image", choices=("always", "changed", "never"), default="always",
                        help="the --resolve-image value given to both tools (always: docker's default)")
    args = parser.parse_args()
    compileall.compile_dir(str(ROOT / "pycompose"), quiet=1)
    ensure_swarm()
    tools = {"pycompose": [*pycompose_command(), "stack"], "docker": ["docker", "stack"]}
    samples: dict[str, dict[str, list[float]]] = {name: {step: [] for step in STEPS} for name in tools}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_stack(folder, args.services)
        for run in range(args.runs):
            order = list(tools) if run % 2 == 0 else list(reversed(tools))
            for name in order:
                stack = f"sbb{name[:2]}{uuid.uuid4().hex[:6]}"
                try:
                    for step, seconds in run_tool(tools[name], folder, stack, args.services, args.detach,
                                                   args.resolve_image).items():
                        samples[name][step].append(seconds)
                finally:
                    subprocess.run(["docker", "stack", "rm", stack], capture_output=True)
                    gone(stack)
    print(f"{args.services} services, --detach={args.detach} --resolve-image {args.resolve_image} for both, "
          f"median (min-max) of {args.runs} run(s)")
    print(f"{'':20}{'pycompose':>26}{'docker stack':>26}{'ratio':>8}")
    for step in STEPS:
        ours, theirs = samples["pycompose"][step], samples["docker"][step]

        def cell(values: list[float]) -> str:
            return f"{statistics.median(values):.2f}s ({min(values):.2f}-{max(values):.2f})"

        print(f"{step:20}{cell(ours):>26}{cell(theirs):>26}"
              f"{statistics.median(ours) / statistics.median(theirs):7.2f}x")


if __name__ == "__main__":
    main()
