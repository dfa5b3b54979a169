"""`run`: one-off containers on the real engine, named and labelled as Compose v2 does, with its exit code,
streams (pipes and a real pseudo-terminal) and flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  db:
    image: busybox:latest
    init: true
    command: sleep 3600
  app:
    image: busybox:latest
    init: true
    command: sleep 3600
    depends_on: [db]
    restart: always
    ports: ["80"]
    labels: {team: blue}
    environment: {FROM_FILE: "1"}
"""


@pytest.fixture
def project(tmp_path):
    """A project named `cr-…` in its own folder; everything labelled with it goes afterwards."""
    name = f"cr-run-{uuid.uuid4().hex[:8]}"
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    yield name, tmp_path
    remove_project_resources(name)


def _pycompose(project, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    name, folder = project
    return subprocess.run([sys.executable, "-m", "pycompose", "-p", name, *args], cwd=folder, input=stdin,
                          capture_output=True, text=True, timeout=180, env={**os.environ})


def _containers(name: str) -> list[dict]:
    import docker

    client = docker.APIClient(version="auto")
    found = client.containers(all=True, filters={"label": [f"com.docker.compose.project={name}"]})
    return [client.inspect_container(item["Id"]) for item in found]


def _oneoffs(name: str) -> list[dict]:
    return [c for c in _containers(name) if c["Config"]["Labels"].get("com.docker.compose.oneoff") == "True"]


def test_the_one_off_exit_code_output_and_stdin_pass_through(project):
    result = _pycompose(project, "run", "--rm", "-T", "app", "sh", "-c", "cat; echo to-err >&2; exit 3",
                        stdin="from stdin\n")
    assert result.returncode == 3, result.stderr
    assert result.stdout == "from stdin\n"
    assert "to-err\n" in result.stderr
    assert _oneoffs(project[0]) == []  # --rm


def test_dependencies_start_first_unless_no_deps(project):
    name, _ = project
    started = _pycompose(project, "run", "--rm", "app", "true")
    assert started.returncode == 0, started.stderr
    assert f" Container {name}-db-1  Started" in started.stderr
    services = {c["Config"]["Labels"]["com.docker.compose.service"] for c in _containers(name)}
    assert services == {"db"}  # the service itself gets no container, only the one-off (removed)

    remove_project_resources(name)
    alone = _pycompose(project, "run", "--rm", "--no-deps", "app", "true")
    assert alone.returncode == 0, alone.stderr
    assert _containers(name) == []


def test_a_detached_one_off_is_named_and_labelled_as_v2_names_it(project):
    name, folder = project
    result = _pycompose(project, "run", "-d", "--no-deps", "app", "sleep", "60")
    assert result.returncode == 0, result.stderr
    (oneoff,) = _oneoffs(name)
    assert result.stdout.strip() == oneoff["Id"]
    labels = oneoff["Config"]["Labels"]
    slug = labels["com.docker.compose.slug"]
    assert len(slug) == 64 and oneoff["Name"] == f"/{name}-app-run-{slug[:12]}"
    assert "com.docker.compose.container-number" not in labels
    assert labels["team"] == "blue" and labels["com.docker.compose.depends_on"] == ""  # --no-deps: none, as v2
    host = oneoff["HostConfig"]
    assert host["RestartPolicy"]["Name"] in ("", "no") and host["PortBindings"] in ({}, None)
    aliases = oneoff["NetworkSettings"]["Networks"][f"{name}_default"]["Aliases"]
    assert f"{name}-app-run-{slug[:12]}" in aliases and "app" not in aliases
    assert oneoff["Config"]["OpenStdin"] and oneoff["Config"]["Cmd"] == ["sleep", "60"]

    # ps hides one-offs, as v2 does
    ps = _pycompose(project, "ps", "--format", "{{.Name}}")
    assert ps.returncode == 0 and f"{name}-app-run" not in ps.stdout


def test_labels_match_what_v2_writes(project, reference_compose):
    name, folder = project
    ours = _pycompose(project, "run", "-d", "--no-deps", "app", "sleep", "60")
    assert ours.returncode == 0, ours.stderr
    v2 = subprocess.run([reference_compose, "-p", name, "run", "-d", "--no-deps", "app", "sleep", "60"],
                        cwd=folder, capture_output=True, text=True, timeout=180)
    assert v2.returncode == 0, v2.stderr
    by_id = {c["Id"]: c for c in _oneoffs(name)}
    mine, theirs = by_id[ours.stdout.strip()], by_id[v2.stdout.strip()]

    def shape(container: dict) -> dict:
        labels = dict(container["Config"]["Labels"])
        for key in ("com.docker.compose.slug", "com.docker.compose.config-hash"):
            labels[key] = len(labels[key])
        return {"labels": labels, "auto_remove": container["HostConfig"]["AutoRemove"],
                "stdin": (container["Config"]["OpenStdin"], container["Config"]["StdinOnce"]),
                "tty": container["Config"]["Tty"], "restart": container["HostConfig"]["RestartPolicy"]["Name"],
                "name": container["Name"].rsplit("-", 1)[0]}

    assert shape(mine) == shape(theirs)


def test_overrides_env_user_workdir_labels_volumes_entrypoint(project, tmp_path):
    name, folder = project
    (folder / "data.txt").write_text("mounted\n")
    result = _pycompose(project, "run", "--rm", "-T", "--no-deps", "-e", "X=1", "-u", "1000", "-w", "/tmp",
                        "-l", "extra=yes", "-v", "./data.txt:/mnt/data.txt:ro", "--entrypoint", "sh -c",
                        "app", 'echo "$X $FROM_FILE $(id -u) $(pwd)"; cat /mnt/data.txt')
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 1 1000 /tmp\nmounted\n"


def test_named_one_off_with_service_ports_and_publish(project):
    name, _ = project
    named = f"{name}-custom"
    result = _pycompose(project, "run", "-d", "--no-deps", "--name", named, "--service-ports", "--use-aliases",
                        "--cap-add", "NET_ADMIN", "app")
    assert result.returncode == 0, result.stderr
    (oneoff,) = _oneoffs(name)
    assert oneoff["Name"] == f"/{named}"
    assert "80/tcp" in oneoff["HostConfig"]["PortBindings"]
    assert {"NET_ADMIN", "CAP_NET_ADMIN"} & set(oneoff["HostConfig"]["CapAdd"])
    assert "app" in oneoff["NetworkSettings"]["Networks"][f"{name}_default"]["Aliases"]


def test_an_unknown_service_is_a_clear_error(project):
    result = _pycompose(project, "run", "--rm", "nosuch", "true")
    assert result.returncode != 0
    assert "no such service: nosuch" in result.stderr and "Traceback" not in result.stderr


def test_an_interactive_tty_under_a_real_pseudo_terminal(project):
    """Run under a pty: the one-off gets a TTY (its `tty` names a device), typed input reaches it, its exit code
    is ours."""
    import pty
    import select
    import time

    name, folder = project
    pid, fd = pty.fork()
    if pid == 0:  # the child: pycompose on the pseudo-terminal
        os.chdir(folder)
        os.execv(sys.executable, [sys.executable, "-m", "pycompose", "-p", name, "run", "--rm", "--no-deps", "app",
                                  "sh", "-c", "tty; echo READY; read line; echo got=$line; exit 5"])
    output, sent, deadline = b"", False, time.monotonic() + 120
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        output += data
        if b"READY" in output and not sent:
            os.write(fd, b"typed\r")
            sent = True
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 5, output
    assert b"/dev/pts/" in output and b"got=typed" in output


def test_down_leaves_a_running_one_off_and_ps_all_lists_it(project, reference_compose):
    """v2: `down` without --remove-orphans leaves one-offs (the network stays while one runs)."""
    name, folder = project
    assert _pycompose(project, "run", "-d", "--no-deps", "app", "sleep", "60").returncode == 0
    down = _pycompose(project, "down", "-t", "0")
    assert down.returncode == 0, down.stderr
    assert len(_oneoffs(name)) == 1
    v2 = subprocess.run([reference_compose, "-p", name, "ps", "-a", "--format", "json"], cwd=folder,
                        capture_output=True, text=True, timeout=60)
    assert any("-app-run-" in json.loads(line)["Name"] for line in v2.stdout.splitlines())
