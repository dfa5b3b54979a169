"""`config --resolve-image-digests` / `--lock-image-digests` against a registry on loopback (the `local_registry`
fixture): the digests asked through the engine, and the output byte for byte v2's."""

from __future__ import annotations

import subprocess
import sys
import uuid

import pytest

pytestmark = [pytest.mark.docker, pytest.mark.reference]


@pytest.fixture(scope="module")
def pushed(local_registry):
    """`REGISTRY/dg<random>/bb:1`, busybox pushed there; the local tags are removed afterwards."""
    reference = f"{local_registry}/dg{uuid.uuid4().hex[:10]}/bb:1"
    subprocess.run(["docker", "tag", "busybox:latest", reference], check=True)
    try:
        subprocess.run(["docker", "push", reference], check=True, capture_output=True)
        yield reference
    finally:
        subprocess.run(["docker", "rmi", reference], capture_output=True)


@pytest.mark.parametrize("flags", [
    ("--resolve-image-digests",), ("--resolve-image-digests", "--format", "json"), ("--lock-image-digests",),
    ("--lock-image-digests", "--format", "json"), ("--lock-image-digests", "--no-interpolate"),
    ("--lock-image-digests", "--no-interpolate", "--format", "json"), ("--resolve-image-digests", "--no-interpolate"),
    ("--resolve-image-digests", "-q"), ("--lock-image-digests", "pinned"),
])
def test_digests_are_pinned_as_v2_pins_them(pushed, reference_compose, tmp_path, flags):
    repository = pushed.rsplit(":", 1)[0]
    digest = subprocess.run(["docker", "inspect", "-f", "{{index .RepoDigests 0}}", pushed], capture_output=True,
                            text=True, check=True).stdout.strip().split("@")[1]
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        f"  tagged:\n    image: {pushed}\n"
        f"  built:\n    image: {pushed}\n    build: .\n"
        f"  pinned:\n    image: {repository}@{digest}\n"
        "  unnamed:\n    build: .\n")
    outputs = []
    for command in ([reference_compose], [sys.executable, "-m", "pycompose"]):
        done = subprocess.run([*command, "-p", "dg", "config", *flags], cwd=tmp_path, capture_output=True, text=True,
                              timeout=60)
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[1] == outputs[0]
    if "-q" not in flags:
        assert f"{repository}@{digest}" in outputs[1][1]
    if "pinned" not in flags and "-q" not in flags:
        assert f"{pushed}@{digest}" in outputs[1][1]


def test_an_image_the_registry_lacks_fails_with_v2s_message(local_registry, reference_compose, tmp_path):
    missing = f"{local_registry}/dg{uuid.uuid4().hex[:10]}/none:1"
    (tmp_path / "compose.yaml").write_text(f"services:\n  app:\n    image: {missing}\n")
    outputs = []
    for command in ([reference_compose], [sys.executable, "-m", "pycompose"]):
        done = subprocess.run([*command, "config", "--resolve-image-digests"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[1] == outputs[0]
    assert outputs[1][0] == 1 and f"failed to resolve digest for {missing}: Error response from daemon:" in \
        outputs[1][2]
