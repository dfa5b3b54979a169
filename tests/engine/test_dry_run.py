"""`--dry-run`: the plan, one line per action with its reason, and an engine left exactly as it was."""

from __future__ import annotations

import inspect

import pytest
from test_progress import COMPOSE, cli_runner

pytestmark = pytest.mark.docker


@pytest.fixture
def pycompose(loader, tmp_path, project_name):
    """The CLI on the progress tests' stack, COMPOSE (test_progress.cli_runner)."""
    return cli_runner(tmp_path, project_name)


def engine_state(project_name: str) -> tuple:
    """Everything labelled with the project: containers (id, name, state, labels), networks, volumes."""
    import docker

    client = docker.APIClient(version="auto")
    selector = {"label": [f"com.docker.compose.project={project_name}"]}
    containers = sorted((c["Id"], c["Names"][0], c["State"], tuple(sorted(c["Labels"].items())))
                        for c in client.containers(all=True, filters=selector))
    networks = sorted(n["Id"] for n in client.networks(filters=selector))
    volumes = sorted(v["Name"] for v in (client.volumes(filters=selector) or {}).get("Volumes") or [])
    return containers, networks, volumes


def test_fresh_project_prints_the_plan_and_creates_nothing(pycompose, project_name):
    result = pycompose("--dry-run", "up", "-d")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines[0] == f" DRY-RUN MODE -  Network {project_name}_default  Create: not found"
    assert f" DRY-RUN MODE -  Container {project_name}-db-1  Create: not found" in lines
    assert f" DRY-RUN MODE -  Container {project_name}-web-1  Start: created" in lines
    assert all(line.startswith(" DRY-RUN MODE - ") for line in lines)
    assert engine_state(project_name) == ([], [], [])


def dry_run_after_edit(pycompose, project_name: str, old: str, new: str, *flags: str) -> str:
    """`up -d`, then edit the compose file and `--dry-run up -d`: its stderr; the engine must not have changed."""
    assert pycompose("up", "-d").returncode == 0
    before = engine_state(project_name)
    result = pycompose(*flags, "--dry-run", "up", "-d", compose=COMPOSE.replace(old, new))
    assert result.returncode == 0, result.stderr
    assert engine_state(project_name) == before
    return result.stderr


def test_changed_label_is_named_and_nothing_changes(pycompose, project_name):
    err = dry_run_after_edit(pycompose, project_name, "tier: back", "tier: front")
    assert f" DRY-RUN MODE -  Container {project_name}-db-1  Recreate: labels.tier changed" in err
    assert f" DRY-RUN MODE -  Container {project_name}-web-1  Running" in err


def _engine_reports_details() -> bool:
    from pycompose.engine.dockerpy import DockerEngine

    return "details" in inspect.signature(DockerEngine.observe).parameters


@pytest.mark.skipif(not _engine_reports_details(), reason="the engine adapter does not inspect containers yet")
@pytest.mark.parametrize("progress", ["plain", "json"])
def test_changed_environment_variable_is_named(pycompose, project_name, progress):
    err = dry_run_after_edit(pycompose, project_name, 'DEBUG: "0"', 'DEBUG: "1"', "--progress", progress)
    if progress == "plain":
        assert f" DRY-RUN MODE -  Container {project_name}-db-1  Recreate: environment.DEBUG changed" in err
    else:
        assert f'"dry-run":true,"id":"Container {project_name}-db-1","text":"environment.DEBUG changed"' in err


@pytest.mark.parametrize("command", [("stop",), ("kill",), ("rm", "-f", "-s"), ("down", "-v"), ("restart",)])
def test_commands_that_change_the_engine_change_nothing(pycompose, project_name, command):
    assert pycompose("up", "-d").returncode == 0
    before = engine_state(project_name)
    result = pycompose("--dry-run", *command)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert lines and all(line.startswith(" DRY-RUN MODE - ") for line in lines), lines
    assert any(f"Container {project_name}-web-1" in line for line in lines)
    assert engine_state(project_name) == before
