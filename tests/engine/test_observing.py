"""Looking at a stack on a real engine: `logs` (completeness, streams, follow), `ls` and `images` (table, JSON, -q),
and the same output as Compose v2 where the reference binary is installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

LINES = 10_000
LONG = 40_000  # past the json-file driver's 16 KiB: the engine stores it as partial messages

COMPOSE = f"""\
services:
  writer:
    image: busybox:latest
    init: true
    command:
      - sh
      - -c
      - |
        echo "gen=$${{GEN}}"
        seq 1 {LINES}
        echo to-stderr >&2
        head -c {LONG} /dev/zero | tr '\\0' x; echo
        exec sleep 3600
    environment:
      GEN: ${{GEN:-1}}
  idle:
    image: busybox:latest
    init: true
    command: sleep 3600
"""


@pytest.fixture
def stack(loader, tmp_path, project_name):
    (tmp_path / "compose.yaml").write_text(COMPOSE)

    def run(*args: str, env: dict | None = None, binary: tuple[str, ...] | None = None) -> subprocess.CompletedProcess:
        command = binary or (sys.executable, "-m", "pycompose")
        return subprocess.run([*command, "-p", project_name, *args], cwd=tmp_path, capture_output=True, text=True,
                              timeout=120, env={**os.environ, "NO_COLOR": "1", **(env or {})})

    up = run("up", "-d")
    assert up.returncode == 0, up.stderr
    _wait_for_line(run, "x" * LONG)
    return run


def _wait_for_line(run, wanted: str, timeout: float = 30) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        lines = run("logs", "--no-log-prefix", "writer").stdout.splitlines()
        if wanted in lines or time.monotonic() > deadline:
            assert wanted in lines, f"{wanted[:40]!r} never appeared in the log"
            return lines


def test_every_line_arrives_whole_and_in_order(stack):
    result = stack("logs", "--no-log-prefix", "writer")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines.count("to-stderr") == 1  # its place among stdout's lines is the engine's to choose
    lines.remove("to-stderr")
    assert lines[0] == "gen=1"
    assert lines[1:LINES + 1] == [str(i) for i in range(1, LINES + 1)]
    assert lines[-1] == "x" * LONG  # 40,000 bytes stored as three partial messages, shown as one line


def test_prefix_tail_timestamps_and_stream_separation(stack, project_name):
    # the engine counts log entries, not lines: the long line is three partial entries, so --tail 5 is 3 lines
    prefixed = stack("logs", "--tail", "5").stdout.splitlines()
    assert len(prefixed) == 3  # idle has written nothing
    assert all(line.startswith("writer-1  | ") for line in prefixed)
    # stdout's lines in their order; stderr's one line may fall anywhere among them (the engine reads two pipes)
    stdout_lines = [line for line in prefixed if line != "writer-1  | to-stderr"]
    assert stdout_lines[-2:] == [f"writer-1  | {LINES}", "writer-1  | " + "x" * LONG]

    stderr_only = [line for line in stack("logs", "--no-log-prefix", "--tail", "all").stdout.splitlines()
                   if line == "to-stderr"]
    assert stderr_only == ["to-stderr"]

    stamped = stack("logs", "-t", "--tail", "1", "writer").stdout.splitlines()
    assert len(stamped) == 1
    stamp = stamped[0].split("| ", 1)[1].split(" ", 1)[0]
    assert stamp.startswith(time.strftime("%Y-")) and stamp.endswith("Z")

    assert stack("logs", "--since", "1h", "--tail", "3", "writer").stdout == "writer-1  | " + "x" * LONG + "\n"
    assert stack("logs", "--until", "2000-01-01T00:00:00Z", "writer").stdout == ""
    assert stack("logs", "--index", "1", "--tail", "1", "writer").returncode == 0

    bad = stack("logs", "--tail", "lots")
    assert bad.returncode != 0 and "--tail" in bad.stderr and "Traceback" not in bad.stderr
    unknown = stack("logs", "nosuch")
    assert unknown.returncode != 0 and "nosuch" in unknown.stderr and "Traceback" not in unknown.stderr


def _follow(project_name: str, cwd, *args: str, output) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pycompose", "-p", project_name, "logs", "-f", *args], cwd=cwd,
                            stdout=output, stderr=subprocess.STDOUT, text=True, env={**os.environ, "NO_COLOR": "1"})


def test_follow_picks_up_a_recreated_container(stack, tmp_path, project_name):
    output = tmp_path / "follow.out"
    with output.open("w") as sink:
        follower = _follow(project_name, tmp_path, "--tail", "0", "writer", output=sink)
    try:
        time.sleep(1.5)
        recreated = stack("up", "-d", "writer", env={"GEN": "2"})
        assert recreated.returncode == 0, recreated.stderr
        assert "Recreated" in recreated.stderr
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "writer-1  | " + "x" * LONG not in output.read_text().splitlines():
            time.sleep(0.2)
        seen = output.read_text().splitlines()
        assert "writer-1  | gen=2" in seen  # the new container from its first line, though it came after --tail 0
        assert f"writer-1  | {LINES}" in seen
        assert "writer-1  | gen=1" not in seen  # --tail 0: nothing of the old container's past
        assert follower.poll() is None  # still following
    finally:
        follower.terminate()
        follower.wait(timeout=10)


def test_follow_ends_when_the_project_stops(stack, tmp_path, project_name):
    output = tmp_path / "follow.out"
    with output.open("w") as sink:
        follower = _follow(project_name, tmp_path, "--tail", "1", output=sink)
    try:
        time.sleep(1.5)
        assert stack("stop", "-t", "1").returncode == 0
        assert follower.wait(timeout=30) == 0
        lines = [line for line in output.read_bytes().decode().split("\n") if line]  # keep the \r (read_text would not)
        logged = [line for line in lines if "  | " in line]
        assert logged and all(line.startswith("writer-1  | x") for line in logged)
        # as v2 does while following: a status line per container that stopped (after \r and erase-line)
        exits = sorted(line.removeprefix("\r\033[K").rsplit(" ", 1)[0] for line in lines if "  | " not in line)
        assert exits == ["idle-1 exited with code", "writer-1 exited with code"], lines
    finally:
        if follower.poll() is None:
            follower.kill()


# bursts: containers that write fast and exit at once (samples/log-bursts); Docker 20.10 can end a follow stream
# before the last lines of the log file are sent, which must come all the same

BURSTS = Path(__file__).resolve().parents[2] / "samples" / "log-bursts" / "compose.yaml"


def burst_lines() -> dict[str, list[str]]:
    """What each service of samples/log-bursts writes (stdout and stderr), in order per stream."""
    return {
        "short": [f"line-{i}-{'x' * 38}" for i in range(10_000)],
        "long": [f"L{i}-{'x' * LONG}" for i in range(24)] + [f"err-{i}" for i in range(24)],
        "mixed": [f"out-{i}" for i in range(3000)] + [f"err-{i}" for i in range(3000)],
    }


def by_service(lines: list[str]) -> dict[str, list[str]]:
    """`short-1  | text` lines → {service: texts}, each service's stdout lines first, then its stderr lines
    (`err-…`): the engine keeps the order within a stream, not across the two."""
    texts: dict[str, list[str]] = {}
    for line in lines:
        name, text = line.split(" | ", 1)
        texts.setdefault(name.strip().removesuffix("-1"), []).append(text)
    return {service: [t for t in got if not t.startswith("err-")] + [t for t in got if t.startswith("err-")]
            for service, got in texts.items()}


@pytest.fixture
def bursts(loader, tmp_path, project_name):
    """`up -d` of samples/log-bursts, the bursts 2 s later (time for a follower to attach); `down` afterwards."""
    (tmp_path / "compose.yaml").write_text(BURSTS.read_text())
    command = [sys.executable, "-m", "pycompose", "-p", project_name]
    environ = {**os.environ, "NO_COLOR": "1", "DELAY": "2"}
    up = subprocess.run([*command, "up", "-d"], cwd=tmp_path, capture_output=True, text=True, timeout=120,
                        env=environ)
    assert up.returncode == 0, up.stderr
    yield tmp_path
    subprocess.run([*command, "down", "-t", "0"], cwd=tmp_path, capture_output=True, timeout=120)


@pytest.mark.parametrize("run", range(3))
def test_follow_loses_no_line_of_containers_that_burst_and_exit(bursts, project_name, run):
    follower = _follow(project_name, bursts, output=subprocess.PIPE)
    out, _ = follower.communicate(timeout=90)
    assert follower.returncode == 0, out[-2000:]
    lines = out.split("\n")[:-1]
    assert by_service([line for line in lines if " | " in line]) == burst_lines()
    exits = sorted(line.removeprefix("\033[K") for line in lines if line and " | " not in line)  # text mode: \r → \n
    assert exits == [f"{name}-1 exited with code 0" for name in ("long", "mixed", "short")], exits


@pytest.mark.parametrize("run", range(3))
def test_the_api_follows_bursts_to_their_last_line(bursts, project_name, run):
    from pycompose import api
    from pycompose.events import CollectingSink

    stack = api.Project.load(bursts / "compose.yaml", project_name=project_name, sink=CollectingSink())
    assert by_service(list(stack.logs(follow=True))) == burst_lines()


def test_ls_lists_the_project_as_table_json_and_names(stack, tmp_path, project_name):
    rows = json.loads(stack("ls", "--format", "json", "--filter", f"name={project_name}").stdout)
    assert rows == [{"Name": project_name, "Status": "running(2)",
                     "ConfigFiles": str(tmp_path / "compose.yaml")}]
    table = stack("ls", "--filter", f"name={project_name}").stdout.splitlines()
    assert table[0].split() == ["NAME", "STATUS", "CONFIG", "FILES"]
    assert table[1].split() == [project_name, "running(2)", str(tmp_path / "compose.yaml")]
    assert stack("ls", "-q", "--filter", f"name={project_name}").stdout == f"{project_name}\n"

    assert stack("stop", "-t", "1", "idle").returncode == 0
    rows = json.loads(stack("ls", "--format", "json", "-a", "--filter", f"name={project_name}").stdout)
    assert rows[0]["Status"] == "exited(1), running(1)"
    assert stack("stop", "-t", "1").returncode == 0
    assert json.loads(stack("ls", "--format", "json", "--filter", f"name={project_name}").stdout) == []
    assert project_name in stack("ls", "-a", "-q").stdout.split()

    bad = stack("ls", "--filter", "colour=red")
    assert bad.returncode != 0 and "colour" in bad.stderr and "Traceback" not in bad.stderr


def test_images_lists_each_container_with_its_image(stack, project_name):
    from pycompose.engine.dockerpy import DockerEngine

    busybox = DockerEngine().inspect_image("busybox:latest")
    assert busybox is not None
    rows = json.loads(stack("images", "--format", "json").stdout)
    assert [row["ContainerName"] for row in rows] == [f"{project_name}-idle-1", f"{project_name}-writer-1"]
    for row in rows:
        assert (row["Repository"], row["Tag"], row["ID"]) == ("busybox", "latest", busybox.id)
        assert row["Size"] == busybox.size and row["Platform"] == "linux/amd64"
    assert stack("images", "-q").stdout.split() == [busybox.id.removeprefix("sha256:")]
    table = stack("images", "writer").stdout.splitlines()
    assert table[0].split()[:4] == ["CONTAINER", "REPOSITORY", "TAG", "PLATFORM"]
    assert table[1].split()[:5] == [f"{project_name}-writer-1", "busybox", "latest", "linux/amd64",
                                    busybox.id.removeprefix("sha256:")[:12]]


def test_logs_ls_and_images_print_what_v2_prints(stack, docker_compose, tmp_path, project_name):
    def v2(*args: str) -> str:
        result = docker_compose("-p", project_name, *args, cwd=str(tmp_path))
        assert result.returncode == 0, result.stderr
        return result.stdout

    def ours(*args: str) -> str:
        result = stack(*args)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert ours("logs", "--no-color") == v2("logs", "--no-color")
    assert ours("logs", "--no-color", "--tail", "5", "writer") == v2("logs", "--no-color", "--tail", "5", "writer")
    assert ours("logs", "--no-log-prefix", "--tail", "2") == v2("logs", "--no-log-prefix", "--tail", "2")
    listed = f"name={project_name}"
    assert json.loads(ours("ls", "--format", "json", "--filter", listed)) == \
        json.loads(v2("ls", "--format", "json", "--filter", listed))
    assert ours("ls", "--filter", listed) == v2("ls", "--filter", listed)
    def by_container(rows: list[dict]) -> list[dict]:  # v2's row order follows a Go map: not stable
        return sorted(rows, key=lambda row: row["ContainerName"])

    assert by_container(json.loads(ours("images", "--format", "json"))) == \
        by_container(json.loads(v2("images", "--format", "json")))
    assert ours("images", "-q") == v2("images", "-q")
