"""The LAMP sample end to end on the real engine: visits counted in MariaDB, a note that survives `down` and
is gone after `down -v`. Once through the CLI (`up --build --wait`), once (shorter) through the Python API (whose
`up` builds the missing images, as v2 does). The fixture only seeds the Debian base image; each test's project
builds `<project>-web` and `<project>-db` itself (the engine's layer cache makes the second build quick) and
removes them afterwards.
"""

from __future__ import annotations

import os
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
def debian_base():
    """The Debian base image, seeded with scripts/seed-debian.sh when missing (no registry to pull it from)."""
    if not _image_exists(BASE_IMAGE):
        seed = subprocess.run(["bash", str(ROOT / "scripts" / "seed-debian.sh")], capture_output=True, text=True,
                              timeout=900)
        if seed.returncode != 0 or not _image_exists(BASE_IMAGE):
            pytest.skip(f"{BASE_IMAGE} is missing and scripts/seed-debian.sh could not build it: "
                        f"{seed.stderr.strip().splitlines()[-1:] or seed.returncode}")


@pytest.fixture
def lamp_project(loader, debian_base, project_name):
    yield project_name
    for service in ("web", "db"):  # built by the test's `up`: removed here, also when the test failed
        subprocess.run(["docker", "image", "rm", f"{project_name}-{service}"], capture_output=True)


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
        # the stack is built and comes up healthy, and counts visits in the database
        compose("up", "--build", "--wait")
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


LAMP_TESTS = '''\
import os
import urllib.request

import pytest

pytestmark = pytest.mark.pycompose({compose!r})


def _get(stack, path):
    host, port = stack.endpoint("web", 80)
    with urllib.request.urlopen(f"http://{{host}}:{{port}}{{path}}", timeout=10) as response:
        return response.read().decode()


def test_the_page_counts_visits_in_the_database(pycompose):
    with open(os.environ["PYCOMPOSE_NAMES"], "a") as names:
        names.write(pycompose.name + "\\n")
    first = int(_get(pycompose, "/").split()[1])
    assert int(_get(pycompose, "/").split()[1]) == first + 1
    assert _get(pycompose, "/?note=from-the-plugin") == "stored: from-the-plugin\\n"
    assert "from-the-plugin" in _get(pycompose, "/notes").split()


def test_fails_and_shows_the_logs(pycompose):
    assert _get(pycompose, "/notes") == "nothing", "deliberate failure"
'''


def test_lamp_through_the_pytest_plugin(loader, debian_base, tmp_path):
    """A user's test file with the `pycompose` fixture on the LAMP sample, run by pytest in a subprocess: the
    passing test talks to PHP and MariaDB; the failing one's report carries the services' logs."""
    from importlib.metadata import entry_points

    from engine_cleanup import remove_project_resources

    names = tmp_path / "names.txt"
    (tmp_path / "test_lamp_stack.py").write_text(LAMP_TESTS.format(compose=str(SAMPLE / "compose.yaml")))
    load = [] if entry_points(group="pytest11", name="pycompose") else ["-p", "pycompose.testing.plugin"]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "pytest", *load, "-p", "no:cacheprovider", "-o", "addopts=", "test_lamp_stack.py"],
            cwd=tmp_path, capture_output=True, text=True, timeout=600,
            env={**os.environ, "PYCOMPOSE_NAMES": str(names), "LAMP_HTTP_PORT": str(_free_port())})
        report = result.stdout + result.stderr
        assert "1 failed, 1 passed" in result.stdout, report
        assert "deliberate failure" in result.stdout
        assert "pycompose logs (" in result.stdout and "GET /notes" in result.stdout  # Apache's access log
        (name,) = set(names.read_text().split())
        left = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={name}"],
                              capture_output=True, text=True, check=True).stdout
        assert left == ""  # the plugin took the stack down at the end of the session
    finally:
        for name in set(names.read_text().split()) if names.exists() else ():
            remove_project_resources(name)
            for service in ("web", "db"):
                subprocess.run(["docker", "image", "rm", f"{name}-{service}"], capture_output=True)
