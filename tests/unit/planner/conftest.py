"""Helpers of the planner tests: canonical dicts → Project, and ObservedContainer literals."""

from __future__ import annotations

import pytest

from pycompose import hashing, labels
from pycompose.bind import bind_project
from pycompose.loader.options import LoadedProject
from pycompose.observed import ObservedContainer


def service(command: str = "sleep 1", **extra) -> dict:
    """A canonical service in v2's key order (enough of it for planning)."""
    body = {"command": command.split(), "entrypoint": None, **extra}
    body.setdefault("image", "busybox:latest")
    body.setdefault("networks", {"default": None})
    return dict(sorted(body.items()))


def project(services: dict, *, name: str = "p", volumes: dict | None = None, networks: dict | None = None,
            disabled: dict | None = None):
    config = {"name": name, "networks": networks or {"default": {"name": f"{name}_default", "ipam": {}}},
              "services": services}
    if volumes:
        config["volumes"] = volumes
    loaded = LoadedProject(name=name, working_dir="/w", config_files=("/w/compose.yaml",), env_files=(),
                           environment={}, config=config, disabled_services=disabled or {})
    return bind_project(loaded)


def container(proj, service_name: str, number: int = 1, *, state: str = "running", config_hash: str | None = None,
              health: str | None = None, oneoff: bool = False, image_id: str = "sha256:busybox") -> ObservedContainer:
    """An observed container of `proj`, up to date unless `config_hash` says otherwise."""
    if config_hash is None:
        known = service_name in proj.service_names()
        config_hash = hashing.service_hash(proj.service(service_name).config) if known else "x"
    name = f"{proj.name}-{service_name}-{number}"
    return ObservedContainer(
        id=f"id-{service_name}-{number}", name=name, state=state, health=health,
        labels={labels.PROJECT: proj.name, labels.SERVICE: service_name, labels.CONTAINER_NUMBER: str(number),
                labels.CONFIG_HASH: config_hash, labels.ONEOFF: "True" if oneoff else "False",
                labels.IMAGE: image_id},
    )


@pytest.fixture
def helpers():
    class Helpers:
        pass

    h = Helpers()
    h.service, h.project, h.container = service, project, container
    return h
