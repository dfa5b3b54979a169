"""Building service images on the real engine (its `/build` endpoint), FROM the seeded busybox:latest: names, labels
(v2's BuildKit labels by default, its classic one with DOCKER_BUILDKIT=0, both compared with v2), args/target,
ordering by FROM, the failing-build message, `up` building what is missing, rebuild → recreate, `down --rmi`."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from pycompose.labels import compose_version

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


def _without_buildkit() -> dict[str, str]:
    """The environment without DOCKER_BUILDKIT, so v2's default builder is what the test asks for."""
    return {key: value for key, value in os.environ.items() if key != "DOCKER_BUILDKIT"}


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

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", project_name, *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300, env={**_without_buildkit(), **(env or {})})

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
    assert json.loads(_inspect(f"{project_name}-base", "{{json .Config.Labels}}")) == {
        "com.docker.compose.project": project_name, "com.docker.compose.service": "base",
        "com.docker.compose.version": compose_version(), "org.example.team": "qa"}
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
    # the engine counts the image labels (v2's project, service and version) as three steps of their own
    assert result.stderr.splitlines()[-1] == (
        "failed to build service \"app\" at step 3/6 (RUN echo boom && exit 3): "
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
    classic = {"DOCKER_BUILDKIT": "0"}
    assert cli("up", "-d", env=classic).returncode == 0
    local = cli("down", "--rmi", "local")
    assert local.returncode == 0, local.stderr
    assert f" Image {project_name}-app:latest  Removed" in local.stderr
    assert _docker("image", "inspect", f"{project_name}-app").returncode != 0
    assert _docker("image", "inspect", f"{project_name}-base").returncode != 0
    # built with v2's classic labels: no project label, so `local` keeps the image: name (as v2 does)
    assert _docker("image", "inspect", f"{project_name}-custom:1.0").returncode == 0

    assert cli("up", "-d", "named").returncode == 0
    everything = cli("down", "--rmi", "all")
    assert everything.returncode == 0, everything.stderr
    assert _docker("image", "inspect", f"{project_name}-custom:1.0").returncode != 0
    assert _docker("image", "inspect", f"{project_name}-extra:2").returncode == 0  # only the service image:


LABELS_COMPOSE = """\
services:
  app:
    build:
      context: .
      labels:
        mine: x
        com.docker.compose.project: spoofed
"""


@pytest.mark.parametrize("buildkit", [None, "0", "false", "1"])
def test_image_labels_are_v2s_for_each_builder_setting(reference_compose, tmp_path, project_name, images, buildkit):
    (tmp_path / "compose.yaml").write_text(LABELS_COMPOSE)
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nLABEL from.file=1\n")
    env = _without_buildkit()
    if buildkit is not None:
        env["DOCKER_BUILDKIT"] = buildkit
    ours, theirs = project_name, f"{project_name}-v2"
    for command, name in (([sys.executable, "-m", "pycompose"], ours), ([reference_compose], theirs)):
        result = subprocess.run([*command, "-p", name, "build"], cwd=tmp_path, capture_output=True, text=True,
                                timeout=300, env=env)
        assert result.returncode == 0, result.stderr
    labels = {name: json.loads(_inspect(f"{name}-app", "{{json .Config.Labels}}")) for name in (ours, theirs)}
    expected = dict(labels[theirs])
    if expected.get("com.docker.compose.project") == theirs:
        expected["com.docker.compose.project"] = ours
    assert labels[ours] == expected
    assert ("com.docker.compose.image.builder" in expected) == (buildkit in ("0", "false"))


def test_an_invalid_docker_buildkit_is_refused_as_v2_refuses_it(cli):
    result = cli("build", env={"DOCKER_BUILDKIT": "maybe"})
    assert result.returncode == 1
    assert result.stderr.splitlines()[-1] == (
        'DOCKER_BUILDKIT environment variable expects boolean value: strconv.ParseBool: parsing "maybe": '
        "invalid syntax")
