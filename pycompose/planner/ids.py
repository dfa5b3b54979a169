"""Action ids: stable, readable, unique per plan (`create:p-web-1`). They double as sort keys in render()."""

from __future__ import annotations

from pycompose.model import Condition


def create(container: str) -> str:
    return f"create:{container}"


def recreate(container: str) -> str:
    return f"recreate:{container}"


def start(container: str) -> str:
    return f"start:{container}"


def stop(container: str) -> str:
    return f"stop:{container}"


def remove(container: str) -> str:
    return f"remove:{container}"


def kill(container: str) -> str:
    return f"kill:{container}"


def restart(container: str) -> str:
    return f"restart:{container}"


def wait(container: str, condition: Condition) -> str:
    return f"wait:{container}:{condition.value}"


def network(name: str, verb: str = "create") -> str:
    return f"{verb}-network:{name}"


def volume(name: str, verb: str = "create") -> str:
    return f"{verb}-volume:{name}"


def connect(container: str, network_name: str) -> str:
    return f"connect:{container}:{network_name}"


def disconnect(container: str, network_name: str) -> str:
    return f"disconnect:{container}:{network_name}"


def rename(container: str) -> str:
    return f"rename:{container}"


def provider(service: str, verb: str = "create") -> str:
    return f"{verb}-provider:{service}"
