"""Building service images on the real engine (classic builder), FROM the seeded busybox:latest: names, labels,
args/target, ordering by FROM, the failing-build message, `up` building what is missing, rebuild → recreate,
`down --rmi`."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  base:
    build:
      context: ./base
      args: [GREETING=hello]
      target: first
      labels: {org.example.team: qa}
    command: sleep 3600
    init: true
  app:
    build:
      context: ./app
      args: {SUFFIX: from-app}
    command: sleep 3600
    init: true
  named:
    image: PROJECT-custom:1.0
    build:
      context: ./base
      dockerfile_inline: |
        FROM busybox:latest
        RUN echo inline > /inline
      tags: [PROJECT-extra:2]
    command: sleep 3600
    init: true
"""

BASE = """\
FROM busybox:latest AS first
ARG GREETING=hi
RUN echo "$GREETING" > /greeting
FROM first AS second
RUN echo second > /stage
"""

APP = """\
FROM PROJECT-base
ARG SUFFIX
RUN echo "$(cat /greeting)-$SUFFIX" > /app
"""


def _docker(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=120)


@pytest.fixture
def images(project_name):
    """Remove every image tagged with the project's name afterwards (classic builds carry no project label)."""
    yield
    listing = _docker("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    mine = [name for name in listing if name.startswith(f"{project_name}-")]
    if mine:
        _docker("image", "rm", "-f", *mine)


@pytest.fixture
def cli(loader, tmp_path, project_name, images):
    (tmp_path / "compose.yaml").write_text(COMPOSE.replace("PROJECT", project_name))
    for name, text in (("base", BASE), ("app", APP.replace("PROJECT", project_name))):
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(text)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, env={**os.environ})

    return run


def _inspect(reference: str, template: str) -> str:
    return _docker("image", "inspect", reference, "--format", template).stdout.strip()


def _run_in(image: str, *command: str) -> str:
    return _docker("run", "--rm", image, *command).stdout.strip()


def test_build_names_and_labels_the_images_as_v2_and_honours_args_target_and_from_order(cli, project_name):
    result = cli("build")
    assert result.returncode == 0, result.stderr
    for service in ("base", "app", "named"):
        assert f" Service {service}  Built" in result.stderr
    # app is FROM base's image: it was built after it, with base's greeting arg and its own
    assert result.stderr.index(" Service base  Built") < result.stderr.index(" Service app  Building\n")
    assert _run_in(f"{project_name}-app", "cat", "/app") == "hello-from-app"
    # target `first`: the second stage did not run
    assert _run_in(f"{project_name}-base", "ls", "/") .count("stage") == 0
    assert _inspect(f"{project_name}-base", "{{json .Config.Labels}}") == (
        '{"com.docker.compose.image.builder":"classic","org.example.team":"qa"}')
    # image: wins over the default name; build.tags are added; dockerfile_inline is used
    assert _run_in(f"{project_name}-custom:1.0", "cat", "/inline") == "inline"
    assert _inspect(f"{project_name}-extra:2", "{{.Id}}") == _inspect(f"{project_name}-custom:1.0", "{{.Id}}")
    assert _docker("image", "inspect", f"{project_name}-named").returncode != 0


def test_build_arg_flag_overrides_and_quiet_prints_no_output(cli, project_name):
    result = cli("build", "-q", "--build-arg", "SUFFIX=cli", "base", "app")
    assert result.returncode == 0, result.stderr
    assert "Step 1/" not in result.stderr
    assert _run_in(f"{project_name}-app", "cat", "/app") == "hello-cli"
    assert _docker("image", "inspect", f"{project_name}-custom:1.0").returncode != 0


def test_a_failing_build_names_the_service_the_step_and_the_engine_message(cli, tmp_path, project_name):
    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox:latest\nRUN echo ok\nRUN echo boom && exit 3\n")
    before = set(_docker("ps", "-aq", "--no-trunc").stdout.split())
    result = cli("build", "app")
    assert result.returncode == 1
    step = set(_docker("ps", "-aq", "--no-trunc", "--filter", "status=exited").stdout.split()) - before
    assert step == set()  # the failed step's container is removed (v2's classic builder leaves it behind)
    assert result.stderr.splitlines()[-1] == (
        "failed to build service \"app\" at step 3/4 (RUN echo boom && exit 3): "
        "The command '/bin/sh -c echo boom && exit 3' returned a non-zero code: 3")
    assert "Traceback" not in result.stderr

    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox:latest\nFOO bar\n")
    result = cli("build", "app")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == ('failed to build service "app": Error response from daemon: '
                                              'dockerfile parse error line 2: unknown instruction: FOO')


def test_up_builds_missing_images_creates_nothing_when_a_build_fails_and_rebuild_recreates(cli, tmp_path, project_name):
    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox:latest\nRUN exit 1\n")
    failed = cli("up", "-d")
    assert failed.returncode == 1
    assert 'failed to build service "app"' in failed.stderr
    assert _docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project_name}").stdout == ""
    assert project_name not in _docker("network", "ls", "--format", "{{.Name}}").stdout

    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox:latest\nRUN echo v1 > /version\n")
    up = cli("up", "-d")
    assert up.returncode == 0, up.stderr
    first = _docker("inspect", f"{project_name}-app-1", "--format", "{{.Id}}").stdout.strip()
    assert _docker("exec", f"{project_name}-app-1", "cat", "/version").stdout.strip() == "v1"

    again = cli("up", "-d", "--no-build")
    assert again.returncode == 0, again.stderr
    assert _docker("inspect", f"{project_name}-app-1", "--format", "{{.Id}}").stdout.strip() == first

    (tmp_path / "app" / "Dockerfile").write_text("FROM busybox:latest\nRUN echo v2 > /version\n")
    rebuilt = cli("up", "-d", "--build", "app")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert " Service app  Built" in rebuilt.stderr
    assert f" Container {project_name}-app-1  Recreated" in rebuilt.stderr
    assert _docker("exec", f"{project_name}-app-1", "cat", "/version").stdout.strip() == "v2"
    image_id = _inspect(f"{project_name}-app", "{{.Id}}")
    label = _docker("inspect", f"{project_name}-app-1", "--format",
                    '{{index .Config.Labels "com.docker.compose.image"}}').stdout.strip()
    assert label == image_id


def test_up_no_build_with_a_missing_image_fails_before_creating_anything(cli, project_name):
    result = cli("up", "-d", "--no-build", "app")
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        f'service "app": image {project_name}-app is not available locally and --no-build was given')
    assert _docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={project_name}").stdout == ""


def test_down_rmi_local_removes_the_default_named_images_and_all_also_the_named_ones(cli, project_name):
    assert cli("up", "-d").returncode == 0
    local = cli("down", "--rmi", "local")
    assert local.returncode == 0, local.stderr
    assert f" Image {project_name}-app:latest  Removed" in local.stderr
    assert _docker("image", "inspect", f"{project_name}-app").returncode != 0
    assert _docker("image", "inspect", f"{project_name}-base").returncode != 0
    # built by the classic builder: no project label, so `local` keeps the image: name (as v2 does)
    assert _docker("image", "inspect", f"{project_name}-custom:1.0").returncode == 0

    assert cli("up", "-d", "named").returncode == 0
    everything = cli("down", "--rmi", "all")
    assert everything.returncode == 0, everything.stderr
    assert _docker("image", "inspect", f"{project_name}-custom:1.0").returncode != 0
    assert _docker("image", "inspect", f"{project_name}-extra:2").returncode == 0  # only the service image:
