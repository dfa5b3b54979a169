"""`up`'s contradictory flags refused before anything is done, in v2's order and words (v2 `validateFlags`), and
beside v2 where it is installed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = "services:\n  app:\n    image: busybox:latest\n"
DETACH = ("cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, "
          "--attach-dependencies or --watch")

CASES = [
    (["--abort-on-container-exit", "--abort-on-container-failure"],
     "--abort-on-container-failure cannot be combined with --abort-on-container-exit"),
    (["--exit-code-from", "app", "--abort-on-container-failure"], None),  # v2: no cascade stop then, accepted
    (["--wait", "--attach", "app"],
     "--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies"),
    (["--wait", "--exit-code-from", "app"],
     "--wait cannot be combined with --abort-on-container-exit, --attach or --attach-dependencies"),
    (["--build", "--no-build"], "--build and --no-build are incompatible"),
    (["-d", "--abort-on-container-failure"], f"--detach {DETACH}"),
    (["--wait", "--abort-on-container-failure"], f"--wait {DETACH}"),
    (["--no-recreate", "--renew-anon-volumes"], "--no-recreate and --renew-anon-volumes are incompatible"),
    (["--no-recreate", "--force-recreate"], "--force-recreate and --no-recreate are incompatible"),
    (["--no-recreate", "--always-recreate-deps"], "--always-recreate-deps and --no-recreate are incompatible"),
    (["--no-recreate", "--always-recreate-deps", "--force-recreate"],
     "--force-recreate and --no-recreate are incompatible"),
]


def _up(command: list[str], folder: Path, flags: list[str]) -> subprocess.CompletedProcess:
    # no engine answers there: a refusal comes before any engine call, an accepted set fails on the engine
    return subprocess.run([*command, "-f", str(folder / "compose.yaml"), "-p", "flagcli", "up", "--dry-run",
                           *flags], capture_output=True, text=True, timeout=60,
                          env={"DOCKER_HOST": "tcp://127.0.0.1:9", "PATH": "/usr/bin:/bin"})


@pytest.mark.parametrize(("flags", "message"), CASES, ids=[" ".join(flags) for flags, _ in CASES])
def test_up_refuses_contradictory_flags_as_v2(tmp_path: Path, flags: list[str], message: str | None) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    done = _up([sys.executable, "-m", "pycompose"], tmp_path, flags)
    assert done.returncode == 1
    if message is None:
        assert "cannot be combined" not in done.stderr and "incompatible" not in done.stderr
    else:
        assert done.stderr.strip().splitlines()[-1] == message


@pytest.mark.reference
def test_the_same_refusals_as_v2(tmp_path: Path, reference_compose: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    for flags, message in CASES:
        if message is None:
            continue
        ours = _up([sys.executable, "-m", "pycompose"], tmp_path, flags)
        theirs = _up([reference_compose], tmp_path, flags)
        assert (ours.returncode, ours.stderr.strip()) == (theirs.returncode, theirs.stderr.strip()), flags


FLAG_ERRORS = [
    (["ps", "--no-orphans"], "unknown flag: --no-orphans"),
    (["ps", "-Z"], "unknown shorthand flag: 'Z' in -Z"),
    (["logs", "--tail"], "flag needs an argument: --tail"),
    (["logs", "-n"], "flag needs an argument: 'n' in -n"),
]


@pytest.mark.parametrize(("args", "message"), FLAG_ERRORS, ids=[" ".join(args) for args, _ in FLAG_ERRORS])
def test_flag_errors_are_v2s_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pycompose", *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, env={"DOCKER_HOST": "tcp://127.0.0.1:9", "PATH": "/usr/bin:/bin"})
    assert (done.returncode, done.stderr) == (1, message + "\n")


@pytest.mark.reference
def test_flag_errors_as_v2(tmp_path: Path, reference_compose: str) -> None:
    for args, _ in FLAG_ERRORS:
        ours = subprocess.run([sys.executable, "-m", "pycompose", *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
        theirs = subprocess.run([reference_compose, *args], cwd=tmp_path, capture_output=True, text=True, timeout=60)
        assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr), args
