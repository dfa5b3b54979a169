"""`up --watch` flags refused as v2 refuses them, before any engine call; `watch --help` lists v2's flags."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

COMPOSE = "services:\n  app:\n    image: busybox:latest\n"


@pytest.mark.parametrize(("flags", "message"), [
    (["-d", "--watch"], "--detach cannot be combined with --abort-on-container-exit, --abort-on-container-failure, "
                        "--attach, --attach-dependencies or --watch"),
    (["--wait", "-w"], "--wait cannot be combined with --abort-on-container-exit, --abort-on-container-failure, "
                       "--attach, --attach-dependencies or --watch"),
    (["--no-build", "--watch"], "--no-build and --watch are incompatible"),
])
def test_up_watch_refuses_what_v2_refuses(tmp_path: Path, flags: list[str], message: str) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    done = subprocess.run([sys.executable, "-m", "pycompose", "-f", str(tmp_path / "compose.yaml"), "-p", "wacli",
                           "up", *flags], capture_output=True, text=True, env={"DOCKER_HOST": "tcp://127.0.0.1:9"})
    assert done.returncode == 1
    assert done.stderr.strip().endswith(message)


def test_watch_has_v2s_flags() -> None:
    done = subprocess.run([sys.executable, "-m", "pycompose", "watch", "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for flag in ("--no-up", "--prune", "--quiet"):
        assert flag in done.stdout


def test_only_watching_imports_watchdog() -> None:
    code = ("import sys, pycompose.api.watch, pycompose.watch.loop, pycompose.cli.commands.up, "
            "pycompose.cli.commands.watch; print('watchdog' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
