"""Attached `up` through the CLI: no line lost or cut under load, stderr apart, v2's exit lines, exit codes, colours."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

RESET_LINE = "\r\033[K"


def service(command: str, **extra: str) -> str:
    lines = [f"    {key}: {value}\n" for key, value in extra.items()]
    return f"    image: busybox:latest\n    init: true\n    command: [\"sh\", \"-c\", {command!r}]\n" + "".join(lines)


@pytest.fixture
def up(loader, tmp_path, project_name):
    """`pycompose [GLOBAL…] up ARGS…` (attached) on a compose file of `{service: body}` (or the text `compose`),
    colours left to the flags (NO_COLOR, COMPOSE_ANSI and DELAY dropped); `down` afterwards."""

    def run(services: dict[str, str], *args: str, global_args: tuple[str, ...] = (),
            compose: str | None = None) -> subprocess.CompletedProcess:
        text = compose or "services:\n" + "".join(f"  {name}:\n{body}" for name, body in services.items())
        (tmp_path / "compose.yaml").write_text(text)
        environ = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "COMPOSE_ANSI", "DELAY")}
        result = subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *global_args, "up", *args],
                                cwd=tmp_path, capture_output=True, timeout=120, env=environ)
        # decoded by hand: text mode would turn v2's `\r\033[K` into a newline
        return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(),
                                           result.stderr.decode())

    yield run
    subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, "down", "-t", "0"], cwd=tmp_path,
                   capture_output=True, timeout=120)


BURSTS = Path(__file__).resolve().parents[2] / "samples" / "log-bursts" / "compose.yaml"


def burst_lines() -> dict[tuple[str, int], list[str]]:
    """What samples/log-bursts writes: (service, stream) → its lines, in order."""
    return {
        ("short", 1): [f"line-{i}-{'x' * 38}" for i in range(10_000)],
        ("long", 1): [f"L{i}-{'x' * 40_000}" for i in range(24)],  # each stored as three 16 KiB partial messages
        ("long", 2): [f"err-{i}" for i in range(24)],
        ("mixed", 1): [f"out-{i}" for i in range(3000)],
        ("mixed", 2): [f"err-{i}" for i in range(3000)],
    }


def logged(text: str, service: str) -> list[str]:
    """The lines prefixed `service-1` (padded), without the prefix."""
    head = f"{service}-1 "
    return [line.split(" | ", 1)[1] for line in text.split("\n") if line.startswith(head) and " | " in line]


@pytest.mark.parametrize("run", range(5))
def test_bursts_of_three_containers_arrive_whole_then_their_exit_lines(up, run):
    # each container exits as soon as it has written: Docker 20.10 can end a follow stream before the last lines
    # of the log file are sent (half the runs lost 2,000 to 3,500 lines of 10,000); they must come all the same
    result = up({}, compose=BURSTS.read_text())
    assert result.returncode == 0, result.stderr
    lines = result.stdout.split("\n")[:-1]
    assert lines[0] == "Attaching to long-1, mixed-1, short-1"
    for (service, stream), expected in burst_lines().items():
        assert logged(result.stdout if stream == 1 else result.stderr, service) == expected, (service, stream)
        exit_line = f"{RESET_LINE}{service}-1 exited with code 0"
        assert lines.count(exit_line) == 1
        if stream == 1:  # after the service's last line
            assert lines.index(exit_line) > max(i for i, line in enumerate(lines) if line.startswith(f"{service}-1 "))
    assert lines[-1].startswith(RESET_LINE) and lines[-1].endswith(" exited with code 0")


def test_stderr_lines_go_to_stderr_prefixed(up):
    result = up({"talk": service("echo to-out; echo to-err >&2")})
    assert result.returncode == 0, result.stderr
    assert "talk-1  | to-out\n" in result.stdout and "to-err" not in result.stdout
    assert "talk-1  | to-err\n" in result.stderr


def test_exit_code_from_returns_that_containers_code_after_stopping_the_rest(up):
    result = up({"job": service("echo working; sleep 1; exit 7"), "server": service("sleep 3600")},
                "--exit-code-from", "job", "-t", "1")
    assert result.returncode == 7, result.stderr
    assert "job-1     | working\n" in result.stdout
    assert f"{RESET_LINE}job-1 exited with code 7\n" in result.stdout
    assert f"{RESET_LINE}server-1 exited with code" in result.stdout  # stopped by the abort, still reported


def test_prefixes_are_coloured_with_ansi_always_and_plain_with_no_color(up):
    services = {"hello": service("echo hi")}
    coloured = up(services, global_args=("--ansi", "always"))
    assert coloured.returncode == 0, coloured.stderr
    assert "\033[36mhello-1  | \033[0mhi\n" in coloured.stdout
    assert f"\033[36m{RESET_LINE}hello-1 exited with code 0\n\033[0m" in coloured.stdout
    plain = up(services, "--no-color", global_args=("--ansi", "always"))
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.count("hello-1  | hi\n") == 1  # started again: not what it logged the first time
    assert f"{RESET_LINE}hello-1 exited with code 0\n" in plain.stdout and "\033[36m" not in plain.stdout
    bare = up(services, "--no-log-prefix")
    assert "\nhi\n" in bare.stdout and "hello-1  |" not in bare.stdout


def test_a_container_recreated_while_attached_is_followed_until_it_exits(up, tmp_path, project_name):
    import time

    compose = ("services:\n  web:\n" + service("echo gen-$$HOSTNAME; sleep 5; echo done"))
    (tmp_path / "compose.yaml").write_text(compose)
    pycompose = [sys.executable, "-m", "pycompose", "-p", project_name]
    attached = subprocess.Popen([*pycompose, "up"], cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(2.5)
    recreate = subprocess.run([*pycompose, "up", "-d", "--force-recreate"], cwd=tmp_path, capture_output=True,
                              timeout=120)
    assert recreate.returncode == 0, recreate.stderr
    out, err = attached.communicate(timeout=60)
    text = out.decode()
    assert attached.returncode == 0, err
    assert text.count("web-1  | gen-") == 2
    assert text.endswith(f"web-1  | done\n{RESET_LINE}web-1 exited with code 0\n")
    assert f"{RESET_LINE}web-1 has been recreated\n{RESET_LINE}web-1 exited with code 143\n" in text


def test_abort_on_container_failure_stops_the_project_on_a_non_zero_exit_only(up):
    services = {"ok": service("echo ok-done"), "bad": service("sleep 1; echo bad-done; exit 3"),
                "long": service("sleep 300", stop_grace_period="1s")}
    result = up(services, "--abort-on-container-failure")
    assert result.returncode == 3, result.stderr
    assert "ok-1 exited with code 0" in result.stdout and "bad-1 exited with code 3" in result.stdout
    assert "Aborting on container exit..." in result.stderr
    refused = up(services, "-d", "--abort-on-container-failure")
    assert refused.returncode == 1 and "--detach cannot be combined with" in refused.stderr


def test_attach_dependencies_follows_the_named_services_dependencies_and_timestamps_lead_each_line(up):
    services = {"db": service("echo db-line; sleep 1"), "app": service("echo app-line; sleep 2", depends_on="[db]"),
                "other": service("echo other-line")}
    result = up(services, "--attach-dependencies", "app")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Attaching to app-1, db-1\n")
    assert logged(result.stdout, "db") == ["db-line"] and logged(result.stdout, "app") == ["app-line"]
    assert "other-line" not in result.stdout
    stamped = up(services, "--timestamps", "--no-log-prefix", "app")
    assert stamped.returncode == 0, stamped.stderr
    line = next(line for line in stamped.stdout.split("\n") if line.endswith(" app-line"))
    assert line[:4].isdigit() and line[10] == "T" and line.split(" ", 1)[0].endswith("Z"), line
