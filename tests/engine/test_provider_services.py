"""`provider:` services on the engine, compared with Compose v2: the program's argv, progress, the variables its
dependents get (and their config hash, so that either tool takes over), `down`, and a missing program."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import docker
import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker]

COMPOSE = """\
services:
  db:
    provider:
      type: {type}
      options:
        size: [small, large]
  app:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "86400"]
    depends_on: [db]
"""

PROGRAM = f"""#!{sys.executable}
import json, os, sys
if sys.argv[1:3] == ["compose", "metadata"]:
    sys.exit(1)
with open(os.path.join(os.path.dirname(__file__), "calls.jsonl"), "a") as record:
    record.write(json.dumps({{"argv": sys.argv[1:], "project": os.environ.get("COMPOSE_PROJECT_NAME"),
                              "dotenv": os.environ.get("FROM_DOTENV")}}) + "\\n")
if sys.argv[3] == "up":
    print(json.dumps({{"type": "info", "message": "provisioning"}}), flush=True)
    print(json.dumps({{"type": "setenv", "message": "URL=tcp://db.example:5432"}}))
print("ignored", file=sys.stderr)
"""


@pytest.fixture
def provider_project(tmp_path):
    """(name, folder, env): a project whose `db` is run by `fakeprov-<random>` found on PATH; cleaned by label."""
    kind = f"fakeprov{uuid.uuid4().hex[:6]}"
    name = f"pyprov{uuid.uuid4().hex[:8]}"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / kind
    program.write_text(PROGRAM)
    program.chmod(0o755)
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "compose.yaml").write_text(COMPOSE.format(type=kind))
    (folder / ".env").write_text("FROM_DOTENV=yes\n")
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "DOCKER_CONFIG": str(tmp_path / "docker-config")}
    try:
        yield name, folder, env, kind
    finally:
        remove_project_resources(name)


def pycompose(project, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    name, folder, env, _ = project
    env = {**env, "PATH": path} if path is not None else env
    return subprocess.run([sys.executable, "-m", "pycompose", "-f", "compose.yaml", "-p", name, *args], cwd=folder,
                          capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def v2(binary: str, project, *args: str, path: str | None = None) -> subprocess.CompletedProcess:
    name, folder, env, _ = project
    env = {**env, "PATH": path} if path is not None else env
    return subprocess.run([binary, "-f", "compose.yaml", "-p", name, *args], cwd=folder, capture_output=True,
                          text=True, timeout=120, env=env, stdin=subprocess.DEVNULL)


def calls(project) -> list[dict]:
    record = project[1].parent / "bin" / "calls.jsonl"
    if not record.exists():
        return []
    lines = record.read_text().splitlines()
    record.unlink()
    return [json.loads(line) for line in lines]


def app_container(name: str) -> dict:
    client = docker.APIClient(version="auto")
    return client.inspect_container(f"{name}-app-1")


def test_up_runs_the_provider_then_gives_its_dependents_the_variables(provider_project):
    name = provider_project[0]
    done = pycompose(provider_project, "up", "-d")
    assert done.returncode == 0, done.stderr
    assert calls(provider_project) == [{"argv": ["compose", f"--project-name={name}", "up", "--size=small",
                                                 "--size=large", "db"], "project": name, "dotenv": "yes"}]
    lines = done.stderr.splitlines()
    assert lines[lines.index(f" Network {name}_default  Created") + 1:][:3] == [
        " db  Creating", " db  provisioning", " db  Created"]
    assert lines.index(" db  Created") < lines.index(f" Container {name}-app-1  Creating")
    assert "DB_URL=tcp://db.example:5432" in app_container(name)["Config"]["Env"]
    again = pycompose(provider_project, "up", "-d")
    assert f" Container {name}-app-1  Running" in again.stderr.splitlines()
    down = pycompose(provider_project, "down")
    assert down.returncode == 0, down.stderr
    assert [c["argv"] for c in calls(provider_project)] == [
        ["compose", f"--project-name={name}", "up", "--size=small", "--size=large", "db"],
        ["compose", f"--project-name={name}", "down", "--size=small", "--size=large", "db"]]
    assert down.stderr.splitlines()[-4:] == [" db  Removing", " db  Removed", f" Network {name}_default  Removing",
                                            f" Network {name}_default  Removed"]


def test_down_without_the_program_fails_and_keeps_the_network(provider_project):
    name = provider_project[0]
    assert pycompose(provider_project, "up", "-d").returncode == 0
    down = pycompose(provider_project, "down", path="/usr/bin:/bin")
    assert down.returncode == 1
    assert down.stderr.splitlines()[-1] == f'exec: "{provider_project[3]}": executable file not found in $PATH'
    client = docker.APIClient(version="auto")
    assert client.networks(names=[f"{name}_default"])
    assert not client.containers(all=True, filters={"label": f"com.docker.compose.project={name}"})


@pytest.mark.reference
def test_same_argv_progress_and_hash_as_v2_either_way(provider_project, reference_compose):
    name = provider_project[0]
    done = v2(reference_compose, provider_project, "up", "-d")
    assert done.returncode == 0, done.stderr
    theirs = calls(provider_project)
    v2_hash = app_container(name)["Config"]["Labels"]["com.docker.compose.config-hash"]
    ours = pycompose(provider_project, "up", "-d")
    assert ours.returncode == 0, ours.stderr
    assert calls(provider_project) == theirs
    assert ours.stderr.splitlines() == [line for line in done.stderr.splitlines() if "Network" not in line][:3] + [
        f" Container {name}-app-1  Running"]
    assert app_container(name)["Config"]["Labels"]["com.docker.compose.config-hash"] == v2_hash
    back = v2(reference_compose, provider_project, "up", "-d")
    assert f" Container {name}-app-1  Running" in back.stderr.splitlines()
    ours_down = pycompose(provider_project, "down")
    assert [c["argv"][2] for c in calls(provider_project)] == ["up", "down"]
    assert ours_down.returncode == 0


@pytest.mark.reference
def test_a_missing_program_fails_like_v2_after_the_network(provider_project, reference_compose):
    name = provider_project[0]
    theirs = v2(reference_compose, provider_project, "up", "-d", path="/usr/bin:/bin")
    remove_project_resources(name)
    ours = pycompose(provider_project, "up", "-d", path="/usr/bin:/bin")
    assert (ours.returncode, ours.stderr.splitlines()) == (theirs.returncode, theirs.stderr.splitlines())
    assert ours.returncode == 1
    assert docker.APIClient(version="auto").networks(names=[f"{name}_default"])
    assert not app_container_exists(name)


def app_container_exists(name: str) -> bool:
    try:
        app_container(name)
    except docker.errors.NotFound:
        return False
    return True


@pytest.mark.reference
def test_run_with_a_provider_dependency_fails_like_v2(provider_project, reference_compose):
    theirs = v2(reference_compose, provider_project, "run", "--rm", "app", "true")
    remove_project_resources(provider_project[0])
    ours = pycompose(provider_project, "run", "--rm", "app", "true")
    assert (ours.returncode, ours.stderr.splitlines()[-1]) == (theirs.returncode, theirs.stderr.splitlines()[-1])
    assert ours.stderr.splitlines()[-1] == 'service "db" has no container to start'
