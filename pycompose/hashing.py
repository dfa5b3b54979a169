"""The config hashes v2 stores in `com.docker.compose.config-hash` (pkg/compose/hash.go).

v2 decides whether a container, network or volume must be recreated by comparing this label with the
hash of the current model, so pycompose must compute the very same bytes: sha256 (hex) of Go's compact
`json.Marshal` of the canonical object, minus the fields v2 blanks before hashing. Input objects are in
the canonical JSON form (`config --format json`), which already has v2's key order.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose.errors import ComposeError
from pycompose.render import go_structs, gojson

_SERVICE_FIELDS_NOT_HASHED = ("build", "pull_policy", "scale", "depends_on", "profiles")


def sha256_hex(data: bytes) -> str:
    """The hex sha256 of `data`, from CPython's own sha256 where it has one: `hashlib` loads OpenSSL first,
    4-6 ms of every command's start-up for a hash of a few hundred bytes."""
    try:
        from _sha256 import sha256  # type: ignore[import-not-found]  # CPython 3.11
    except ImportError:
        try:
            from _sha2 import sha256  # type: ignore[import-not-found]  # CPython 3.12+
        except ImportError:
            from hashlib import sha256
    return sha256(data).hexdigest()


def _digest(value: Any) -> str:
    return sha256_hex(gojson.dumps(value).encode("utf-8"))


def _without_extensions(obj: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """Drop `x-*` keys: Go structs carry them with `json:"-"`, so they never reach the hash."""
    if not isinstance(obj, Mapping):
        raise ComposeError(f"cannot hash {kind}: expected a mapping, got {type(obj).__name__}")
    return go_structs.without_extensions(obj, kind)


def service_hash(service: Mapping[str, Any]) -> str:
    """Hash of one canonical service, equal to the label v2 puts on its containers.

    Scaling, build settings, dependencies and profiles do not change a running container, so v2 leaves
    them out; `deploy.replicas` likewise.
    """
    hashed = {
        key: value
        for key, value in _without_extensions(service, "service").items()
        if key not in _SERVICE_FIELDS_NOT_HASHED
    }
    if isinstance(hashed.get("env_file"), list):
        hashed["env_file"] = [_env_file_json(entry) for entry in hashed["env_file"]]
    deploy = hashed.get("deploy")
    if isinstance(deploy, Mapping):
        hashed["deploy"] = {key: value for key, value in deploy.items() if key != "replicas"}
    return _digest(hashed)


def _env_file_json(entry: Any) -> Any:
    """compose-go's EnvFile.MarshalJSON: a required file is just its path."""
    if isinstance(entry, Mapping) and entry.get("required", True) is True:
        return entry.get("path", "")
    return entry


def network_hash(network: Mapping[str, Any]) -> str:
    """Hash of one canonical top-level network (the `com.docker.compose.config-hash` of the network)."""
    return _digest(_without_extensions(network, "network"))


def volume_hash(volume: Mapping[str, Any]) -> str:
    """Hash of one canonical top-level volume; v2 hashes an unset driver as "local"."""
    hashed = _without_extensions(volume, "volume")
    if not hashed.get("driver"):
        # the driver field sits right after name in Go's VolumeConfig
        ordered: dict[str, Any] = {}
        if "name" in hashed:
            ordered["name"] = hashed["name"]
        ordered["driver"] = "local"
        ordered.update((key, value) for key, value in hashed.items() if key not in ("name", "driver"))
        hashed = ordered
    return _digest(hashed)
