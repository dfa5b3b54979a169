"""After a recreate, the new container looks as v2 makes it: aliases and the `replace` label (issue #10).

The same file goes through `up -d`, a changed `up -d` and `up -d --force-recreate` once with Compose v2 and once
with pycompose; after each step both projects' containers must carry the same aliases (the engine's own short-id
alias left out) and the same `com.docker.compose.replace`, and a neighbour must resolve the recreated container
by its name.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE = """\
services:
  store:
    image: busybox:latest
    init: true
    environment:
      GEN: "${GEN:-1}"
    command: ["sleep", "3600"]
    networks:
      default:
        aliases: [keeper]
  named:
    image: busybox:latest
    init: true
    container_name: ${NAMED}
    environment:
      GEN: "${GEN:-1}"
    command: ["sleep", "3600"]
  probe:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
"""


def _facts(project: str, named: str) -> dict[str, tuple]:
    """service → (aliases with the project name replaced, replace label), ids left out."""
    import docker

    client = docker.APIClient(version="auto")
    facts = {}
    for summary in client.containers(all=True, filters={"label": [f"com.docker.compose.project={project}"]}):
        inspected = client.inspect_container(summary["Id"])
        labels = inspected["Config"]["Labels"]
        aliases = inspected["NetworkSettings"]["Networks"][f"{project}_default"]["Aliases"] or []
        aliases = [a.replace(named, "<named>").replace(project, "<p>") for a in aliases
                   if not re.fullmatch(r"[0-9a-f]{12}", a)]
        replaced = labels.get("com.docker.compose.replace")
        facts[labels["com.docker.compose.service"]] = (
            inspected["Name"].lstrip("/").replace(named, "<named>").replace(project, "<p>"), tuple(aliases),
            replaced.replace(named, "<named>") if replaced else None)
    return facts


@pytest.fixture
def both(tmp_path, reference_compose):
    suffix = uuid.uuid4().hex[:8]
    projects = {"v2": f"pe-rp-v2-{suffix}", "py": f"pe-rp-py-{suffix}"}
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    commands = {"v2": [reference_compose], "py": [sys.executable, "-m", "pycompose"]}

    def run(tool: str, *args: str, gen: int) -> subprocess.CompletedProcess:
        env = {**os.environ, "GEN": str(gen), "NAMED": f"{projects[tool]}-named"}
        result = subprocess.run([*commands[tool], "-p", projects[tool], *args], cwd=tmp_path, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, (tool, result.stderr)
        return result

    def step(*args: str, gen: int) -> dict[str, dict]:
        found = {}
        for tool, project in projects.items():
            run(tool, *args, gen=gen)
            found[tool] = _facts(project, f"{project}-named")
        return found

    yield projects, step
    for project in projects.values():
        remove_project_resources(project)


def _resolves(container: str, name: str) -> bool:
    result = subprocess.run(["docker", "exec", container, "nslookup", name], capture_output=True, text=True)
    return result.returncode == 0


def test_recreated_containers_carry_v2_aliases_and_replace_label(both):
    projects, step = both
    first = step("up", "-d", gen=1)
    assert first["py"] == first["v2"]
    changed = step("up", "-d", gen=2)
    assert changed["py"] == changed["v2"]
    assert changed["py"]["store"] == ("<p>-store-1", ("<p>-store-1", "store", "keeper"), "store-1")
    assert changed["py"]["named"] == ("<named>", ("<named>", "named"), "<named>")
    assert changed["py"]["probe"][2] is None  # not recreated
    forced = step("up", "-d", "--force-recreate", gen=2)
    assert forced["py"] == forced["v2"]
    assert forced["py"]["probe"] == ("<p>-probe-1", ("<p>-probe-1", "probe"), "probe-1")
    project = projects["py"]
    for name in (f"{project}-store-1", "store", "keeper", f"{project}-named"):
        assert _resolves(f"{project}-probe-1", name), name
