"""The LAMP sample end to end on the real engine: visits counted in MariaDB, a note that survives `down` and
is gone after `down -v`. Once through the CLI, once (shorter) through the Python API.

pycompose cannot build images yet, so the fixture builds `<project>-web` and `<project>-db` (the compose file's
default image names) with the `docker build` CLI, and `up` runs with `--no-build`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "lamp"
BASE_IMAGE = "debian:bookworm-slim"


def _image_exists(reference: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", reference], capture_output=True).returncode == 0


@pytest.fixture(scope="module")
def lamp_images():
    """`lamp-web` / `lamp-db` built once per run (Debian base seeded when missing); yields a tagger."""
    if shutil.which("docker") is None:
        pytest.skip("the docker CLI is needed to build the sample's images")
    if not _image_exists(BASE_IMAGE):
        seed = subprocess.run(["bash", str(ROOT / "scripts" / "seed-debian.sh")], capture_output=True, text=True,
                              timeout=900)
        if seed.returncode != 0 or not _image_exists(BASE_IMAGE):
            pytest.skip(f"{BASE_IMAGE} is missing and scripts/seed-debian.sh could not build it: "
                        f"{seed.stderr.strip().splitlines()[-1:] or seed.returncode}")
    for service in ("web", "db"):
        build = subprocess.run(["docker", "build", "-q", "-t", f"lamp-{service}", str(SAMPLE / service)],
                               capture_output=True, text=True, timeout=900)
        if build.returncode != 0:
            pytest.skip(f"building the sample's {service} image failed (the Debian mirror is needed): "
                        f"{build.stderr.strip()[-300:]}")
    tags: list[str] = []

    def tag_for(project: str) -> None:
        for service in ("web", "db"):
            subprocess.run(["docker", "tag", f"lamp-{service}", f"{project}-{service}"], check=True)
            tags.append(f"{project}-{service}")

    yield tag_for
    for tag in tags:  # only the per-project names; lamp-web / lamp-db stay for the next run
        subprocess.run(["docker", "image", "rm", tag], capture_output=True)


@pytest.fixture
def lamp_project(loader, lamp_images, project_name):
    lamp_images(project_name)
    return project_name


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(port: int, path: str) -> str:
    deadline = time.monotonic() + 20
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                return response.read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _visits(port: int) -> int:
    answer = _get(port, "/")
    assert answer.startswith("visits: "), answer
    return int(answer.split()[1])


def test_lamp_through_the_cli_keeps_data_across_down_and_loses_it_with_down_v(lamp_project):
    port = _free_port()

    def compose(*args: str, check: bool = True) -> None:
        done = subprocess.run([sys.executable, "-m", "pycompose", "-f", str(SAMPLE / "compose.yaml"),
                               "-p", lamp_project, *args], capture_output=True, text=True, timeout=300,
                              env={**os.environ, "LAMP_HTTP_PORT": str(port)})
        assert done.returncode == 0 or not check, f"{' '.join(args)}:\n{done.stderr}"

    try:
        # the stack comes up healthy and counts visits in the database
        compose("up", "-d", "--wait", "--no-build")
        first = _visits(port)
        assert _visits(port) == first + 1

        # a note is stored and listed
        note = f"note-{uuid.uuid4().hex[:8]}"
        assert _get(port, f"/?note={note}") == f"stored: {note}\n"
        assert note in _get(port, "/notes").split()

        # down keeps the named volume: the note and the count survive
        compose("down")
        compose("up", "-d", "--wait", "--no-build")
        assert note in _get(port, "/notes").split()
        assert _visits(port) > first + 1

        # down -v removes it: a fresh database
        compose("down", "-v")
        compose("up", "-d", "--wait", "--no-build")
        assert _get(port, "/notes").strip() == ""
        assert _visits(port) == 1
    finally:
        compose("down", "-v", check=False)  # the project_name fixture removes by label whatever this leaves


def test_lamp_through_the_python_api(lamp_project):
    from pycompose.api import Project
    from pycompose.events import CollectingSink

    port = _free_port()
    stack = Project.load(SAMPLE / "compose.yaml", project_name=lamp_project, env={"LAMP_HTTP_PORT": str(port)},
                         sink=CollectingSink())
    with stack:
        assert {c.service: c.health for c in stack.ps()} == {"db": "healthy", "web": "healthy"}
        assert stack.port("web", 80) == ("0.0.0.0", port)
        before = _visits(port)
        code, output = stack.exec("db", ["sh", "-c", 'MYSQL_PWD="$MARIADB_PASSWORD" mariadb -N -u "$MARIADB_USER" '
                                                     '-e "SELECT COUNT(*) FROM visits" "$MARIADB_DATABASE"'])
        assert (code, output.strip()) == (0, str(before))
        assert "GET / " in stack.logs("web")  # Apache's access log goes to the container's stdout
    assert stack.ps(all=True) == []
    volumes = subprocess.run(["docker", "volume", "ls", "-q", "--filter", f"name={lamp_project}_dbdata"],
                             capture_output=True, text=True, check=True).stdout
    assert volumes.strip() == ""  # leaving the block ran down -v
