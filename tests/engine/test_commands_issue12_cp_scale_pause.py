"""Issue #12, item 7: cp's local-path checks and messages (the docker CLI's archive.CopyTo), the container cp copies
from, scale's argument errors, `--dry-run pause`, and export/commit of a stopped service, as v2 does them."""

from __future__ import annotations

import subprocess

import pytest
from project_cli import project_folder, run_pycompose

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  web:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "3600"]
    deploy: {replicas: 2}
"""


@pytest.fixture
def project(tmp_path):
    with project_folder(tmp_path, "cr-i12cp", COMPOSE) as (name, folder):
        (folder / "dir" / "sub").mkdir(parents=True)
        (folder / "dir" / "sub" / "inner.txt").write_text("inner\n")
        (folder / "local.txt").write_text("hello\n")
        yield name, folder


_run = run_pycompose


def _exec(container: str, *command: str) -> str:
    return subprocess.run(["docker", "exec", container, *command], capture_output=True, text=True).stdout


def _error(result: subprocess.CompletedProcess) -> tuple[int, str]:
    return result.returncode, result.stderr.strip().splitlines()[-1]


def test_cp_checks_local_paths_as_the_docker_cli(project):
    name, folder = project
    assert _run(project, "up", "-d").returncode == 0
    assert _run(project, "cp", "dir", "web:/tmp/").returncode == 0
    assert _error(_run(project, "cp", "web:/tmp/dir", "local.txt")) == (1, "cannot copy directory")
    assert _error(_run(project, "cp", "web:/tmp/dir/sub/inner.txt", "missing/")) == (1, "no such directory")
    assert _error(_run(project, "cp", "web:/tmp/dir/sub/inner.txt", "missing/.")) == (
        1, f"stat {folder}/missing: no such file or directory")
    assert _error(_run(project, "cp", "web:/nonexistent", "nodir/x")) == (
        1, f'invalid output path: directory "{folder}/nodir" does not exist')  # before the container is asked
    assert _error(_run(project, "cp", "web:/tmp/dir/sub/inner.txt", "local.txt/x")) == (
        1, f"stat {folder}/local.txt/x: not a directory")
    assert _error(_run(project, "cp", "--index", "1", "dir", "web:/etc/hostname")) == (1, "cannot copy directory")
    # a directory source creates a missing `dir/` destination, in the container and locally
    assert _run(project, "cp", "--index", "1", "dir", "web:/tmp/made/").returncode == 0
    assert _exec(f"{name}-web-1", "cat", "/tmp/made/sub/inner.txt") == "inner\n"
    assert _run(project, "cp", "web:/tmp/dir", "made/").returncode == 0
    assert (folder / "made" / "sub" / "inner.txt").read_text() == "inner\n"


def test_cp_from_a_service_takes_the_container_the_engine_lists_first(project):
    name, folder = project
    assert _run(project, "up", "-d").returncode == 0
    for number in (1, 2):
        subprocess.run(["docker", "exec", f"{name}-web-{number}", "sh", "-c", f"echo {number} > /tmp/which"],
                       check=True)
    listed = subprocess.run(["docker", "ps", "-q", "--filter", f"label=com.docker.compose.project={name}"],
                            capture_output=True, text=True, check=True).stdout.split()
    first = subprocess.run(["docker", "inspect", "-f", "{{.Name}}", listed[0]], capture_output=True, text=True,
                           check=True).stdout.strip().lstrip("/")
    assert _run(project, "cp", "web:/tmp/which", "which.txt").returncode == 0
    assert (folder / "which.txt").read_text().strip() == first.rsplit("-", 1)[1]


def test_scale_argument_errors_are_v2s(project):
    assert _error(_run(project, "scale")) == (1, "requires at least 1 arg(s), only received 0")
    assert _error(_run(project, "scale", "web")) == (1, "invalid scale specifier: web")
    assert _error(_run(project, "scale", "=2")) == (1, "invalid scale specifier: =2")
    assert _error(_run(project, "scale", "web=x")) == (
        1, "invalid scale specifier: can't parse replica value as int: web=x")


def test_dry_run_pause_reports_without_pausing_and_stopped_services_cannot_be_exported(project):
    name, _ = project
    assert _run(project, "up", "-d").returncode == 0
    dry = _run(project, "--dry-run", "pause", "web")
    assert dry.returncode == 0, dry.stderr
    assert f"DRY-RUN MODE -  Container {name}-web-1  Paused" in dry.stderr
    state = subprocess.run(["docker", "inspect", "-f", "{{.State.Status}}", f"{name}-web-1"], capture_output=True,
                           text=True, check=True).stdout.strip()
    assert state == "running"
    assert _run(project, "stop").returncode == 0
    assert _error(_run(project, "export", "-o", "x.tar", "web")) == (1, 'service "web" is not running')
    assert _error(_run(project, "commit", "web", f"{name}-img:1")) == (1, 'service "web" is not running')


def _states(name: str) -> list[str]:
    out = subprocess.run(["docker", "ps", "-a", "--filter", f"label=com.docker.compose.project={name}", "--format",
                          "{{.State}}"], capture_output=True, text=True, check=True).stdout
    return sorted(out.split())


def test_paused_containers_are_stopped_killed_and_taken_down_as_v2_does(project):
    """The engine stops, kills and removes a paused container; v2 asks it to (pycompose skipped them, and `down`
    then failed to remove them)."""
    name, _ = project
    assert _run(project, "up", "-d").returncode == 0
    assert _run(project, "pause").returncode == 0
    assert _states(name) == ["paused", "paused"]
    stopped = _run(project, "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert _states(name) == ["exited", "exited"]
    assert _run(project, "start").returncode == 0
    assert _run(project, "pause", "web").returncode == 0
    killed = _run(project, "kill")
    assert killed.returncode == 0, killed.stderr
    assert _states(name) == ["exited", "exited"]
    assert _run(project, "start").returncode == 0
    assert _run(project, "pause").returncode == 0
    down = _run(project, "down")
    assert down.returncode == 0, down.stderr
    assert _states(name) == []


def test_down_remove_orphans_takes_the_one_offs_running_or_not(project):
    name, _ = project
    assert _run(project, "up", "-d").returncode == 0
    assert _run(project, "run", "-d", "web", "sleep", "3600").returncode == 0
    assert _run(project, "run", "web", "true").returncode == 0
    assert _states(name) == ["exited", "running", "running", "running"]
    down = _run(project, "down", "--remove-orphans")
    assert down.returncode == 0, down.stderr
    assert _states(name) == []
    networks = subprocess.run(["docker", "network", "ls", "-q", "--filter", f"name={name}_default"],
                              capture_output=True, text=True, check=True).stdout
    assert networks.strip() == ""


def test_dry_run_after_the_command_is_the_global_flag_except_in_a_run_or_exec_command_line(project):
    """v2's one persistent flag: `pause --dry-run` is `--dry-run pause`; after `exec SERVICE` it is the command's."""
    name, _ = project
    assert _run(project, "up", "-d").returncode == 0
    dry = _run(project, "pause", "web", "--dry-run")
    assert dry.returncode == 0 and "DRY-RUN MODE" in dry.stderr, dry.stderr
    assert _states(name) == ["running", "running"]
    echoed = _run(project, "exec", "-T", "web", "echo", "--dry-run")
    assert (echoed.returncode, echoed.stdout) == (0, "--dry-run\n"), echoed.stderr
    assert _run(project, "stop", "--dry-run", "-t", "0").returncode == 0
    assert _states(name) == ["running", "running"]
    detached = _run(project, "--dry-run", "exec", "-d", "web", "touch", "/dry")
    assert detached.returncode == 0, detached.stderr
    assert _run(project, "exec", "-T", "web", "test", "-e", "/dry").returncode == 1  # nothing ran
    assert _error(_run(project, "exec", "--dry-run", "-T", "web", "true")) == (
        1, "interactive exec is not supported in dry-run mode")
    assert _error(_run(project, "--dry-run", "run", "--rm", "-T", "web", "true")) == (
        1, "interactive run is not supported in dry-run mode")


def test_all_resources_creates_and_removes_what_no_service_uses(project):
    name, folder = project
    (folder / "compose.yaml").write_text(COMPOSE + "networks:\n  unused: {}\nvolumes:\n  spare: {}\n")

    def listed(kind: str) -> list[str]:
        out = subprocess.run(["docker", kind, "ls", "--filter", f"name={name}_", "--format", "{{.Name}}"],
                             capture_output=True, text=True, check=True).stdout
        return sorted(out.split())

    assert _run(project, "up", "-d").returncode == 0
    assert listed("network") == [f"{name}_default"] and listed("volume") == []
    assert _run(project, "--all-resources", "up", "-d").returncode == 0
    assert listed("network") == [f"{name}_default", f"{name}_unused"] and listed("volume") == [f"{name}_spare"]
    assert _run(project, "--all-resources", "down", "-v").returncode == 0
    assert listed("network") == [] and listed("volume") == []
