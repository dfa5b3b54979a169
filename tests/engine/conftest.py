"""Engine-group fixtures: a random project name per test and clean-up by label, even when the test fails."""

from __future__ import annotations

import os
import subprocess
import uuid

import pytest
from engine_cleanup import remove_project_resources

from pycompose.loader.options import LoadedProject


def _engine_answers() -> bool:
    try:
        from pycompose.engine.dockerpy import DockerEngine

        DockerEngine().observe("pycompose-probe")
        return True
    except Exception:
        return False


def pytest_collection_modifyitems(config, items):
    if not any("tests/engine" in str(item.fspath) for item in items):
        return
    if _engine_answers():
        return
    skip = pytest.mark.skip(reason="no Docker engine answers (run scripts/engine.sh)")
    for item in items:
        if "tests/engine" in str(item.fspath):
            item.add_marker(skip)


def _anonymous_volumes_of(project: str) -> set[str]:
    """The unlabelled (anonymous) volumes the project's containers mount now."""
    import docker

    client = docker.APIClient(version="auto")
    containers = client.containers(all=True, filters={"label": [f"com.docker.compose.project={project}"]})
    names = {m.get("Name") for c in containers for m in c.get("Mounts") or [] if m.get("Type") == "volume"}
    volumes = (client.volumes() or {}).get("Volumes") or []
    return {v["Name"] for v in volumes if v["Name"] in names and not v.get("Labels")}


@pytest.fixture
def project_name():
    """A fresh project name; afterwards its resources go, and so do the anonymous volumes its containers mount
    (one inherited through a recreate survives the container's removal, as in v2). Only this project's: the tests
    run on parallel workers, and another test's dangling volume is not ours to remove."""
    name = f"pyct{uuid.uuid4().hex[:10]}"
    yield name
    anonymous = _anonymous_volumes_of(name)
    remove_project_resources(name)
    import docker

    client = docker.APIClient(version="auto")
    for volume in anonymous:
        try:
            client.remove_volume(volume, force=True)
        except docker.errors.NotFound:  # removed with its container
            pass


@pytest.fixture
def make_project(project_name, tmp_path):
    """Build a LoadedProject from a canonical `services/networks/volumes` dict, as `config --format json` prints."""

    def build(config: dict, *, name: str | None = None) -> LoadedProject:
        import copy

        name = name or project_name
        full = {"name": name, **copy.deepcopy(config)}
        full.setdefault("networks", {})
        # `name` comes first, as v2 prints it: the key order is part of the config hash
        full["networks"] = {key: {"name": f"{name}_{key}", **value} for key, value in full["networks"].items()}
        if full.get("volumes"):
            full["volumes"] = {key: {"name": f"{name}_{key}", **value} for key, value in full["volumes"].items()}
        compose_file = tmp_path / "compose.yaml"
        if not compose_file.exists():
            compose_file.write_text("# written by the test\n")
        return LoadedProject(name=name, working_dir=str(tmp_path), config_files=(str(compose_file),), env_files=(),
                             environment={}, config=full)

    return build


@pytest.fixture
def docker_compose(reference_compose):
    """Runs the reference binary (Compose v2), or skips the test saying why there is none."""
    binary = reference_compose

    def run(*args: str, cwd: str) -> subprocess.CompletedProcess:
        return subprocess.run([binary, *args], cwd=cwd, capture_output=True, text=True, timeout=120,
                              env={**os.environ})

    return run


@pytest.fixture
def loader():
    """Skips the test until the loader has landed (the CLI and `-p NAME` paths go through load_project)."""
    try:
        from pycompose.loader import canonical, dotenv  # noqa: F401 - probing that the loader has landed
    except ImportError:
        pytest.skip("the loader (pycompose.loader.canonical/dotenv) has not landed yet")


@pytest.fixture(scope="session")
def local_registry():
    """`127.0.0.1:PORT` of an image registry on loopback only, started once (scripts/registry.sh; port
    PYCOMPOSE_REGISTRY_PORT, 5055), or a skip with the reason. The registry is a background daemon: nothing
    waits for it, and CI ends it with the job."""
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "scripts" / "registry.sh"
    try:
        result = subprocess.run(["bash", str(script)], capture_output=True, text=True, timeout=600,
                                stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        pytest.skip("no local registry: scripts/registry.sh did not finish within 600 s")
    lines = result.stdout.split()
    if result.returncode != 0 or not lines:
        reason = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
        pytest.skip(f"no local registry (scripts/registry.sh): {reason}")
    address = lines[-1]
    assert address.startswith("127.0.0.1:"), address
    yield address
