"""Resources `up` finds but did not make as declared, beside Compose v2: a named volume whose declaration changed
(v2's question on stdout, answered from stdin or by `-y`), and a volume or network of the project's name that
compose did not create (v2's warnings; such a network is refused)."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE = """\
services:
  app:
    image: busybox:latest
    init: true
    stop_grace_period: 1s
    command: ["sleep", "86400"]
    volumes: ["data:/data"]
volumes:
  data:
    labels: {gen: "GEN"}
"""


def _tools(reference: str) -> dict[str, list[str]]:
    return {"v2": [reference], "pycompose": [sys.executable, "-m", "pycompose"]}


def _run(command: list[str], name: str, folder: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([*command, "-p", name, *args], cwd=folder, input=stdin, capture_output=True, text=True,
                          timeout=120)


def _volume_labels(name: str) -> str:
    return subprocess.run(["docker", "volume", "inspect", "-f", "{{index .Labels \"gen\"}}", f"{name}_data"],
                          capture_output=True, text=True).stdout.strip()


def _file(name: str) -> str:
    return subprocess.run(["docker", "exec", f"{name}-app-1", "sh", "-c", "cat /data/f || echo gone"],
                          capture_output=True, text=True).stdout.strip()


@pytest.mark.parametrize("verb", ["up", "create"])
@pytest.mark.parametrize("answer", ["y\n", "\n", ""])
def test_a_diverged_volume_is_recreated_on_yes_as_v2_does(reference_compose, tmp_path, answer, verb):
    seen = {}
    for tool, command in _tools(reference_compose).items():
        name = f"dv{uuid.uuid4().hex[:8]}"
        folder = tmp_path / tool
        folder.mkdir()
        try:
            (folder / "compose.yaml").write_text(COMPOSE.replace("GEN", "1"))
            assert _run(command, name, folder, "up", "-d").returncode == 0
            subprocess.run(["docker", "exec", f"{name}-app-1", "sh", "-c", "echo kept > /data/f"], check=True)
            (folder / "compose.yaml").write_text(COMPOSE.replace("GEN", "2"))
            done = _run(command, name, folder, *(["up", "-d"] if verb == "up" else ["create"]), stdin=answer)
            _run(command, name, folder, "start")
            seen[tool] = (done.returncode, done.stdout.replace(name, "P"), _volume_labels(name), _file(name))
        finally:
            remove_project_resources(name)
    assert seen["pycompose"] == seen["v2"]
    recreated = answer.startswith("y")
    assert seen["pycompose"][1] == ('Volume "P_data" exists but doesn\'t match configuration in compose file. '
                                    "Recreate (data will be lost)?")
    assert seen["pycompose"][2:] == (("2", "gone") if recreated else ("1", "kept"))


def _warnings(stderr: str) -> list[str]:
    return re.findall(r'level=warning msg="(.*)"$', stderr, flags=re.M)


def test_a_volume_or_network_compose_did_not_create_is_warned_about_as_v2_does(reference_compose, tmp_path):
    seen = {}
    for tool, command in _tools(reference_compose).items():
        name = f"dv{uuid.uuid4().hex[:8]}"
        folder = tmp_path / tool
        folder.mkdir()
        (folder / "compose.yaml").write_text(COMPOSE.replace("GEN", "1"))
        try:
            subprocess.run(["docker", "volume", "create", "--label", f"com.docker.compose.project={name}",
                            f"{name}_data"], check=True, capture_output=True)
            subprocess.run(["docker", "volume", "rm", f"{name}_data"], check=True, capture_output=True)
            subprocess.run(["docker", "volume", "create", f"{name}_data"], check=True, capture_output=True)
            volume = _run(command, name, folder, "up", "-d")
            _run(command, name, folder, "down")
            subprocess.run(["docker", "network", "create", f"{name}_default"], check=True, capture_output=True)
            network = _run(command, name, folder, "up", "-d")
            seen[tool] = [(done.returncode, [w.replace(name, "P") for w in _warnings(done.stderr)],
                           done.stderr.splitlines()[-1].replace(name, "P")) for done in (volume, network)]
        finally:
            remove_project_resources(name)
            subprocess.run(["docker", "network", "rm", f"{name}_default"], capture_output=True)
            subprocess.run(["docker", "volume", "rm", f"{name}_data"], capture_output=True)
    assert seen["pycompose"][0][:2] == seen["v2"][0][:2]
    assert seen["pycompose"][1] == seen["v2"][1]
    assert seen["pycompose"][1][0] == 1


def test_yes_recreates_without_asking(reference_compose, tmp_path):
    seen = {}
    for tool, command in _tools(reference_compose).items():
        name = f"dv{uuid.uuid4().hex[:8]}"
        folder = tmp_path / tool
        folder.mkdir()
        try:
            (folder / "compose.yaml").write_text(COMPOSE.replace("GEN", "1"))
            assert _run(command, name, folder, "up", "-d").returncode == 0
            (folder / "compose.yaml").write_text(COMPOSE.replace("GEN", "2"))
            done = _run(command, name, folder, "create", "-y")
            seen[tool] = (done.returncode, done.stdout, _volume_labels(name))
        finally:
            remove_project_resources(name)
    assert seen["pycompose"] == seen["v2"] == (0, "", "2")
