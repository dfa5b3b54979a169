"""Removing what a test project left on the engine, by label: shared by the engine tests' fixtures and helpers.

A module of its own (not conftest.py), so that test modules can import it: pytest puts this folder on sys.path.
"""

from __future__ import annotations

PROJECT_LABEL = "com.docker.compose.project"


def remove_project_resources(name: str) -> None:
    """Everything labelled with the project, whatever state a failed test left it in."""
    import docker

    client = docker.APIClient(version="auto")
    selector = {"label": [f"{PROJECT_LABEL}={name}"]}
    for container in client.containers(all=True, filters=selector):
        client.remove_container(container["Id"], force=True, v=True)
    for network in client.networks(filters=selector):
        client.remove_network(network["Id"])
    for volume in (client.volumes(filters=selector) or {}).get("Volumes") or []:
        client.remove_volume(volume["Name"], force=True)
