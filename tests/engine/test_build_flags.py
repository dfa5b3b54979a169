"""`build --print/--check/--builder/--provenance/--sbom/--ssh` against v2.40.3 on this machine (no buildx).

`--print` is compared byte for byte on every differential scenario and corpus project with a `build:` section;
Go's random map order (the group's targets, a target's `ssh` and `ulimits`) is put in name order on v2's side,
which is the order pycompose prints. The other flags are compared by outcome: exit code and stderr (the
logrus timestamps aside), with BuildKit on (v2's default here) and with DOCKER_BUILDKIT=0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

from pycompose.render import gojson

pytestmark = [pytest.mark.docker, pytest.mark.reference]

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "tests" / "differential" / "scenarios"
CORPUS = Path("/work/shared/corpus")
_COMPOSE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
_STAMP = re.compile(r'^time="[^"]*" ', re.MULTILINE)
_ENV_DROP = ("COMPOSE_", "DOCKER_BUILDKIT", "BUILDX_BUILDER", "SSH_AUTH_SOCK", "DOCKER_DEFAULT_PLATFORM")


def _has_build(path: Path) -> bool:
    try:
        return re.search(r"^\s+build:", path.read_text(errors="replace"), re.MULTILINE) is not None
    except OSError:
        return False


def _print_cases() -> list:
    cases = []
    folders = sorted(SCENARIOS.glob("*")) + sorted((CORPUS / "awesome-compose").glob("*"))
    for folder in folders:
        files = [folder / name for name in _COMPOSE_NAMES if (folder / name).is_file()]
        if files and _has_build(files[0]):
            cases.append(pytest.param(folder, (), id=str(folder.relative_to(folder.parents[1]))))
    for path in sorted((CORPUS / "compose-go").rglob("*.y*ml")):
        if _has_build(path):
            cases.append(pytest.param(path.parent, ("-f", path.name), id=str(path.relative_to(CORPUS))))
    return cases


def _environ(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_ENV_DROP)}
    return {**env, **extra}


def _run(command: list[str], folder: Path, env: dict[str, str], timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def _pycompose() -> list[str]:
    return [sys.executable, "-m", "pycompose"]


def _normalized(text: str) -> str:
    """v2's bake file with its map-ordered lists in name order, re-encoded as Go encodes it."""
    config = json.loads(text)
    config["group"]["default"]["targets"].sort()
    for target in config["target"].values():
        for key in ("ssh", "ulimits"):
            if key in target:
                target[key].sort()
    return gojson.dumps(config, indent=2) + "\n"


@pytest.mark.parametrize("folder, files", _print_cases())
def test_print_is_v2s_bake_file(reference_compose, folder, files):
    project = f"bprint-{uuid.uuid4().hex[:8]}"
    flags = ("-p", project, *files)
    env = _environ()
    ours = _run([*_pycompose(), *flags, "build", "--print"], folder, env)
    theirs = _run([reference_compose, *flags, "build", "--print"], folder, env)
    if theirs.returncode != 0:
        pytest.skip(f"v2 refuses the project: {theirs.stderr.strip().splitlines()[-1:]}")
    assert ours.returncode == 0, ours.stderr
    assert ours.stdout == (_normalized(theirs.stdout) if theirs.stdout else "")
    warning = "Docker Compose is configured to build using Bake, but buildx isn't installed"
    assert (warning in ours.stderr) == (warning in theirs.stderr)


@pytest.mark.parametrize("args", [
    ("--no-cache", "--pull", "--push", "--build-arg", "GREETING=bye", "--build-arg", "UNSET", "--ssh", "default"),
    ("--check", "--builder", "nope", "--provenance", "true", "--sbom", "false", "second"),
    ("--with-dependencies", "second"),
    ("--ssh", "bad"),
])
def test_print_with_flags_is_v2s(reference_compose, args):
    folder = SCENARIOS / "cmd17-build"
    flags = ("-p", f"bprint-{uuid.uuid4().hex[:8]}")
    env = _environ()
    ours = _run([*_pycompose(), *flags, "build", "--print", *args], folder, env)
    theirs = _run([reference_compose, *flags, "build", "--print", *args], folder, env)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, _normalized(theirs.stdout) if theirs.stdout else "")
    assert _STAMP.sub("", ours.stderr) == _STAMP.sub("", theirs.stderr)


EVERY_KEY = """\
name: everykey
services:
  web.app:
    image: example/web:1.0
    build:
      context: ./linkctx
      dockerfile: Dockerfile
      args: {PLAIN: "a $${LITERAL} <b>", FROMENV: null, MISSING: null, EMPTY: ""}
      labels: {zlabel: z, alabel: a}
      tags: [example/web:extra]
      cache_from: ["type=local,src=/tmp/c"]
      cache_to: [type=inline]
      network: none
      target: final
      secrets: [filesec, {source: envsec, target: renamed}]
      ssh: [default, mykey=/tmp/key]
      pull: true
      shm_size: 1gb
      ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 2048}}
      entitlements: [network.host]
      extra_hosts: ["h1=1.1.1.1", "h1=2.2.2.2", "h0:3.3.3.3"]
      privileged: true
      additional_contexts: {base: "service:base", src: ./other, img: "docker-image://busybox:latest"}
      provenance: "mode=max"
      sbom: "true"
  base:
    build:
      context: ctx
      dockerfile_inline: |
        FROM busybox
        RUN echo $$Y ${FROMENV}
      no_cache: true
      platforms: [linux/amd64, linux/arm64]
  plain: {image: busybox}
  pinned: {build: ctx, platform: linux/amd64, depends_on: [plain]}
  front: {build: {context: ctx, dockerfile: ../ctx/Dockerfile}, depends_on: [pinned]}
  later: {build: ctx, profiles: [later]}
secrets:
  filesec: {file: ./secret.txt}
  envsec: {environment: ENVSEC}
"""


@pytest.mark.parametrize("args", [
    (), ("web.app",), ("front",), ("--with-dependencies", "front"), ("later",), ("plain",),
    ("--push", "--check", "--no-cache", "--build-arg", "FROMENV", "--ssh", "extra=/tmp/x", "pinned", "base"),
])
def test_print_of_every_build_key_is_v2s(reference_compose, tmp_path, args):
    for sub in ("ctx", "other"):
        (tmp_path / sub).mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text("FROM busybox\n")
    (tmp_path / "secret.txt").write_text("s")
    os.symlink("ctx", tmp_path / "linkctx")
    (tmp_path / "compose.yaml").write_text(EVERY_KEY)
    env = _environ(FROMENV="fe", ENVSEC="xx")
    ours = _run([*_pycompose(), "build", "--print", *args], tmp_path, env)
    theirs = _run([reference_compose, "build", "--print", *args], tmp_path, env)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, _normalized(theirs.stdout) if theirs.stdout else "")
    assert _STAMP.sub("", ours.stderr) == _STAMP.sub("", theirs.stderr)


FLAG_PROJECT = """\
services:
  app:
    build: .
    command: sleep 3600
  other:
    image: busybox:latest
"""


@pytest.fixture
def flag_project(tmp_path):
    name = f"bflags-{uuid.uuid4().hex[:8]}"
    (tmp_path / "Dockerfile").write_text("FROM busybox:latest\nLABEL flags=test\n")
    (tmp_path / "compose.yaml").write_text(FLAG_PROJECT)
    (tmp_path / "junk").write_text("not a key\n")
    try:
        yield name, tmp_path
    finally:
        remove_project_resources(name)
        _remove_images(name)


def _remove_images(project: str) -> None:
    """The project's image tags (by tag, not id: the same cached image may carry another test's tag too)."""
    import docker

    client = docker.APIClient(version="auto")
    for image in client.images(filters={"reference": [f"{project}-*"]}):
        for tag in image.get("RepoTags") or ():
            if tag.startswith(f"{project}-"):
                try:
                    client.remove_image(tag)
                except docker.errors.APIError:
                    pass


FAILING = [
    ("--builder", "nope"),
    ("--provenance", "true"),
    ("--provenance", "false"),
    ("--sbom", "true"),
    ("--ssh", "default"),
    ("--ssh", "key=/nonexistent/key"),
    ("--ssh", "key=junk"),
    ("--ssh", "bad"),
]


@pytest.mark.parametrize("buildkit", ["", "0"], ids=["buildkit", "classic"])
@pytest.mark.parametrize("args", FAILING, ids=[" ".join(a) for a in FAILING])
def test_buildkit_flags_end_as_v2s(reference_compose, flag_project, buildkit, args):
    name, folder = flag_project
    env = _environ(**({"DOCKER_BUILDKIT": buildkit} if buildkit else {}))
    theirs = _run([reference_compose, "-p", name, "build", *args], folder, env)
    ours = _run([*_pycompose(), "-p", name, "build", *args], folder, env)
    assert ours.returncode == theirs.returncode, (ours.stderr, theirs.stderr)
    if theirs.returncode != 0:
        assert _STAMP.sub("", ours.stderr) == _STAMP.sub("", theirs.stderr)
    else:  # the classic builder ignores the flag: both build
        assert "but buildkit isn't enabled" in theirs.stderr and "but buildkit isn't enabled" in ours.stderr
        assert _image_label(f"{name}-app") == "test"


@pytest.mark.parametrize("args", [("--check",), ("--builder", "default")])
def test_flags_v2_builds_with_anyway(reference_compose, flag_project, args):
    name, folder = flag_project
    env = _environ(BUILDX_BUILDER="")
    theirs = _run([reference_compose, "-p", name, "build", *args], folder, env)
    ours = _run([*_pycompose(), "-p", name, "build", *args], folder, env)
    assert (ours.returncode, theirs.returncode) == (0, 0), ours.stderr
    assert "but buildx isn't installed" in ours.stderr
    assert _image_label(f"{name}-app") == "test"


def test_print_builds_nothing(flag_project):
    name, folder = flag_project
    ours = _run([*_pycompose(), "-p", name, "build", "--print"], folder, _environ())
    assert ours.returncode == 0 and json.loads(ours.stdout)["group"]["default"]["targets"] == ["app"]
    assert _image_label(f"{name}-app") is None


def _image_label(image: str) -> str | None:
    import docker

    client = docker.APIClient(version="auto")
    try:
        return (client.inspect_image(image)["Config"].get("Labels") or {}).get("flags")
    except docker.errors.NotFound:
        return None
