"""create, pause, unpause, top, events, attach, stats, scale, export, commit on the real engine, compared with
Compose v2 where it is installed (output, exit codes)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import time
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  web:
    image: busybox:latest
    init: true
    command: sh -c 'echo started; exec sleep 3600'
"""


@pytest.fixture
def project(tmp_path):
    name = f"cr-cmd-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    yield name, tmp_path
    remove_project_resources(name)


def _run(project, *args: str, binary: str | None = None, timeout: float = 120,
         text: bool = True) -> subprocess.CompletedProcess:
    name, folder = project
    command = [binary] if binary else [sys.executable, "-m", "pycompose"]
    return subprocess.run([*command, "-p", name, *args], cwd=folder, capture_output=True, text=text,
                          timeout=timeout, env={**os.environ}, stdin=subprocess.DEVNULL)


def _up(project) -> None:
    result = _run(project, "up", "-d")
    assert result.returncode == 0, result.stderr


def test_create_makes_containers_without_starting_them(project):
    result = _run(project, "create")
    assert result.returncode == 0, result.stderr
    assert f" Container {project[0]}-web-1  Created" in result.stderr
    ps = _run(project, "ps", "-a", "--format", "{{.Name}} {{.State}}")
    assert ps.stdout.strip() == f"{project[0]}-web-1 created"


def test_pause_and_unpause_report_and_fail_as_v2(project, reference_compose):
    _up(project)
    name = project[0]
    paused = _run(project, "pause")
    assert (paused.returncode, paused.stderr) == (0, f" Container {name}-web-1  Paused\n")
    again_ours = _run(project, "pause")
    again_v2 = _run(project, "pause", binary=reference_compose)
    assert again_ours.returncode == again_v2.returncode == 1
    assert again_ours.stderr.strip().splitlines()[-1] == again_v2.stderr.strip().splitlines()[-1]
    assert "is already paused" in again_ours.stderr
    unpaused = _run(project, "unpause")
    assert (unpaused.returncode, unpaused.stderr) == (0, f" Container {name}-web-1  Unpaused\n")


def test_top_prints_v2s_table(project, reference_compose):
    _up(project)
    ours, v2 = _run(project, "top"), _run(project, "top", binary=reference_compose)
    assert ours.returncode == v2.returncode == 0, ours.stderr

    def shape(text: str) -> list[list[str]]:  # the C and TIME columns move between the two runs
        lines = text.splitlines()
        return [lines[0].split()] + [line.split()[:4] + line.split()[8:] for line in lines[1:]]

    assert shape(ours.stdout) == shape(v2.stdout)
    assert ours.stdout.splitlines()[0] == v2.stdout.splitlines()[0]


def test_stats_no_stream_json_and_templates(project, reference_compose):
    _up(project)
    ours = _run(project, "stats", "--no-stream", "--format", "json")
    v2 = _run(project, "stats", "--no-stream", "--format", "json", binary=reference_compose)
    assert ours.returncode == v2.returncode == 0, ours.stderr
    mine, theirs = json.loads(ours.stdout), json.loads(v2.stdout)
    assert list(mine) == list(theirs)
    assert {k: mine[k] for k in ("Container", "ID", "Name")} == {k: theirs[k] for k in ("Container", "ID", "Name")}
    table = _run(project, "stats", "--no-stream").stdout.splitlines()
    v2_table = _run(project, "stats", "--no-stream", binary=reference_compose).stdout.splitlines()
    # the header's words (its padding follows the values: the NET I/O counters move between the two runs)
    assert table[0].split() == v2_table[0].split() and table[1].split()[:2] == v2_table[1].split()[:2]
    custom = _run(project, "stats", "--no-stream", "--format", "{{.Name}}:{{.PIDs}}")
    assert custom.stdout.startswith(f"{project[0]}-web-1:")


def test_events_json_one_object_a_line_with_v2s_fields(project):
    _up(project)
    name, folder = project
    events = subprocess.Popen([sys.executable, "-m", "pycompose", "-p", name, "events", "--json"], cwd=folder,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and not line:  # until the subscription is in place
            _run(project, "pause")
            _run(project, "unpause")
            import select

            ready, _, _ = select.select([events.stdout], [], [], 3)
            if ready:
                line = events.stdout.readline()
        event = json.loads(line)
    finally:
        events.terminate()
        events.wait(timeout=30)
    assert list(event) == ["action", "attributes", "id", "service", "time", "type"]
    assert event["service"] == "web" and event["type"] == "container" and event["action"] in ("pause", "unpause")
    assert event["attributes"]["name"] == f"{name}-web-1"
    assert not any(key.startswith("com.docker.compose.") for key in event["attributes"])


def test_export_and_commit(project, tmp_path):
    _up(project)
    name, _ = project
    exported = _run(project, "export", "web", text=False)
    assert exported.returncode == 0, exported.stderr
    with tarfile.open(fileobj=io.BytesIO(exported.stdout)) as tar:
        assert "bin/busybox" in tar.getnames()
    target = tmp_path / "web.tar"
    assert _run(project, "export", "web", "-o", str(target)).returncode == 0
    assert target.stat().st_size == len(exported.stdout)
    missing = _run(project, "export", "web", "--index", "7")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr

    image = f"{name}-image:snap"
    committed = _run(project, "commit", "-m", "snapshot", "web", image)
    try:
        assert committed.returncode == 0, committed.stderr
        import docker

        info = docker.APIClient(version="auto").inspect_image(image)
        assert info["Comment"] == "snapshot"
    finally:
        import docker

        try:
            docker.APIClient(version="auto").remove_image(image, force=True)
        except docker.errors.NotFound:
            pass


def test_scale_sets_the_replica_count(project):
    _up(project)
    scaled = _run(project, "scale", "web=2")
    assert scaled.returncode == 0, scaled.stderr
    ps = _run(project, "ps", "--format", "{{.Name}}")
    assert ps.stdout.split() == [f"{project[0]}-web-1", f"{project[0]}-web-2"]
    bad = _run(project, "scale", "web")
    assert bad.returncode != 0 and "Traceback" not in bad.stderr


def test_attach_streams_output_and_ends_with_the_container(project):
    _up(project)
    name, folder = project
    attached = subprocess.Popen([sys.executable, "-m", "pycompose", "-p", name, "attach", "--no-stdin", "web"],
                                cwd=folder, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(8)  # the attach is in place (a loaded machine starts Python slowly)
    import docker

    docker.APIClient(version="auto").kill(f"{name}-web-1", signal="SIGKILL")
    out, err = attached.communicate(timeout=60)
    assert attached.returncode == 137, err
