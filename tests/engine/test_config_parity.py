"""What reaches the engine, compared with what Compose v2 sends for the same file (issue #10): capabilities and
exposed ports as `docker inspect` shows them, the config hash, configs and secrets without a host file written into
the container (path, mode, owner, content), `${COMPOSE_PROJECT_NAME}`, and v2's refusal in a read-only service."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  app:
    image: busybox:latest
    init: true
    command: sleep 3600
    cap_add: [NET_ADMIN, net_raw, CAP_NET_ADMIN]
    cap_drop: [MKNOD, cap_chown]
    expose: ["7000", "7001/udp", "7002-7003", "7004-7005/udp"]
    configs:
      - source: inline
        target: /etc/inline.conf
      - fromenv
      - source: long
        target: /etc/long.conf
        mode: 0640
        uid: "123"
        gid: "456"
    secrets: [token]
configs:
  inline:
    content: |
      project ${COMPOSE_PROJECT_NAME}
  fromenv:
    environment: PC_PARITY_VALUE
  long:
    content: "x"
secrets:
  token:
    environment: PC_PARITY_VALUE
"""

FILES = ("/etc/inline.conf", "/fromenv", "/etc/long.conf", "/run/secrets/token")


@pytest.fixture
def v2_project(project_name):
    name = f"pyc2{project_name[4:]}"  # as long as ours: the inline content holds the name, its size is compared
    yield name
    remove_project_resources(name)


def _run(command: list[str], cwd, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=180, env={**os.environ, **env})


def _inspect(container: str) -> dict:
    result = subprocess.run(["docker", "inspect", container], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)[0]


def _files(container: str) -> list[str]:
    script = "; ".join(f"stat -c '%n %a %u %g %s' {path}; cat {path}; echo" for path in FILES)
    result = subprocess.run(["docker", "exec", container, "sh", "-c", script], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_caps_expose_hash_and_inline_files_are_v2s(reference_compose, tmp_path, project_name, v2_project):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    env = {"PC_PARITY_VALUE": "from-the-environment"}
    ours = _run([sys.executable, "-m", "pycompose", "-p", project_name, "up", "-d"], tmp_path, env)
    assert ours.returncode == 0, ours.stderr
    theirs = _run([reference_compose, "-p", v2_project, "up", "-d"], tmp_path, env)
    assert theirs.returncode == 0, theirs.stderr

    mine, reference = _inspect(f"{project_name}-app-1"), _inspect(f"{v2_project}-app-1")
    assert mine["HostConfig"]["CapAdd"] == reference["HostConfig"]["CapAdd"] == ["CAP_NET_ADMIN", "CAP_NET_RAW"]
    assert mine["HostConfig"]["CapDrop"] == reference["HostConfig"]["CapDrop"] == ["CAP_CHOWN", "CAP_MKNOD"]
    assert mine["Config"]["ExposedPorts"] == reference["Config"]["ExposedPorts"]
    assert "7000" in mine["Config"]["ExposedPorts"]
    hash_label = "com.docker.compose.config-hash"
    assert mine["Config"]["Labels"][hash_label] == reference["Config"]["Labels"][hash_label]

    written = _files(f"{project_name}-app-1")
    assert written == [line.replace(v2_project, project_name) for line in _files(f"{v2_project}-app-1")]
    assert written[:2] == ["/etc/inline.conf 444 0 0 " + str(len(f"project {project_name}\n")),
                           f"project {project_name}"]
    assert "/etc/long.conf 640 123 456 1" in written


def test_inline_config_in_a_read_only_service_is_refused_as_v2_refuses_it(reference_compose, tmp_path,
                                                                          project_name, v2_project):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    image: busybox:latest\n    init: true\n    command: sleep 3600\n"
        "    read_only: true\n    configs: [inline]\nconfigs:\n  inline:\n    content: hi\n")
    for command, name in (([sys.executable, "-m", "pycompose"], project_name), ([reference_compose], v2_project)):
        result = _run([*command, "-p", name, "up", "-d"], tmp_path, {})
        assert result.returncode == 1
        assert result.stderr.splitlines()[-1] == (
            f'cannot create config "{name}_inline" in read-only service app: `file` is the sole supported option')
        assert "Traceback" not in result.stderr
