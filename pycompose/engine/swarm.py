"""Swarm access for `pycompose stack`: services, tasks, overlay networks, configs and secrets.

It wraps a `DockerEngine` and talks through that engine's docker-py low-level client (`engine._api()`, duck-typed:
this module never imports docker) with the engine's error mapping (`engine._errors()`). Values in and out are the
engine API's own JSON dicts (Go field names), which is what `pycompose.stack` converts to and compares with.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pycompose.errors import EngineError, InUse, NotFound

NAMESPACE_LABEL = "com.docker.stack.namespace"


class SwarmEngine:
    """The swarm side of one Docker engine (a manager node)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def _call(self, method: str, *args: Any, not_found: str | None = None, in_use: bool = False, **kwargs: Any) -> Any:
        with self.engine._errors(not_found=not_found, in_use=in_use):
            return getattr(self.engine._api(), method)(*args, **kwargs)

    def _raw(self, verb: str, path: str, *args: str, params: Mapping[str, Any] | None = None,
             data: Any = None, headers: Mapping[str, str] | None = None, not_found: str | None = None) -> Any:
        """One API request docker-py has no method for (or whose method reshapes the spec we send verbatim)."""
        api = self.engine._api()
        with self.engine._errors(not_found=not_found):
            url = api._url(path, *args)
            if verb == "post":
                response = api._post_json(url, data=data, params=dict(params or {}), headers=dict(headers or {}))
            else:
                response = api._get(url, params=dict(params or {}))
            return api._result(response, json=True)

    # the node ----------------------------------------------------------------------------------------------

    def require_manager(self) -> None:
        """Raises EngineError unless this engine is a swarm manager (docker stack's own check and message)."""
        info = self._call("info")
        swarm = info.get("Swarm") or {}
        if swarm.get("LocalNodeState") != "active":
            raise EngineError('this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
                              "connect this node to swarm and try again")
        if not swarm.get("ControlAvailable"):
            raise EngineError('this node is not a swarm manager. Worker nodes can\'t be used to view or modify '
                              'cluster state. Please run this command on a manager node or promote the current node '
                              'to a manager.')

    def nodes(self) -> list[dict[str, Any]]:
        return list(self._call("nodes") or [])

    # reading a stack ---------------------------------------------------------------------------------------

    def _stack_filter(self, stack: str | None) -> dict[str, Any]:
        return {"label": f"{NAMESPACE_LABEL}={stack}" if stack else NAMESPACE_LABEL}

    def services(self, stack: str | None) -> list[dict[str, Any]]:
        return list(self._call("services", filters=self._stack_filter(stack)) or [])

    def networks(self, stack: str | None) -> list[dict[str, Any]]:
        return list(self._call("networks", filters=self._stack_filter(stack)) or [])

    def configs(self, stack: str | None) -> list[dict[str, Any]]:
        return list(self._call("configs", filters=self._stack_filter(stack)) or [])

    def secrets(self, stack: str | None) -> list[dict[str, Any]]:
        return list(self._call("secrets", filters=self._stack_filter(stack)) or [])

    def tasks(self, stack: str | None = None, service_ids: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        filters: dict[str, Any] = {"service": list(service_ids)} if service_ids else self._stack_filter(stack)
        return list(self._call("tasks", filters=filters) or [])

    def inspect_network(self, name: str) -> dict[str, Any] | None:
        try:
            return dict(self._call("inspect_network", name, not_found=f"network {name} not found"))
        except NotFound:
            return None

    def find_object(self, kind: str, name: str) -> dict[str, Any] | None:
        """A config or secret by exact name (the engine's name filter matches prefixes too)."""
        listed = self._call(f"{kind}s", filters={"name": name}) or []
        return next((item for item in listed if item.get("Spec", {}).get("Name") == name), None)

    def distribution(self, image: str) -> dict[str, Any] | None:
        """The registry's digest and platforms of `image`; None when no registry answers."""
        try:
            return dict(self._call("inspect_distribution", image))
        except EngineError:
            return None

    # changing a stack --------------------------------------------------------------------------------------

    def create_network(self, name: str, spec: Mapping[str, Any]) -> str:
        ipam = spec.get("IPAM")
        result = self._call(
            "create_network", name, driver=spec.get("Driver"), options=spec.get("Options"), ipam=ipam,
            internal=bool(spec.get("Internal")), labels=spec.get("Labels"), attachable=bool(spec.get("Attachable")),
        )
        return str((result or {}).get("Id", ""))

    def remove_network(self, network_id: str) -> None:
        """Raises InUse also for swarmkit's FailedPrecondition (HTTP 400 on API 1.41: "network … is in use by task
        …") and NotFound for a network the swarm removed that this node still lists (HTTP 500 "… not found"), which
        the engine's mapping leaves EngineErrors."""
        api = self.engine._api()
        with self.engine._errors(in_use=True):
            try:
                api.remove_network(network_id)
            except Exception as error:
                response = getattr(error, "response", None)
                status, text = getattr(response, "status_code", None), str(getattr(error, "explanation", "") or "")
                if status == 400 and "is in use" in text:
                    raise InUse(text) from None
                if status == 500 and text.endswith("not found"):  # a node still lists what the swarm removed
                    raise NotFound(text) from None
                raise

    def create_object(self, kind: str, spec: Mapping[str, Any]) -> str:
        result = self._raw("post", f"/{kind}s/create", data=dict(spec))
        return str((result or {}).get("ID", ""))

    def update_object(self, kind: str, object_id: str, version: int, spec: Mapping[str, Any]) -> None:
        self._raw("post", f"/{kind}s/{{0}}/update", object_id, params={"version": version}, data=dict(spec))

    def remove_object(self, kind: str, object_id: str) -> None:
        self._call(f"remove_{kind}", object_id, in_use=True)

    def create_service(self, spec: Mapping[str, Any], registry_auth: str | None = None) -> str:
        headers = {"X-Registry-Auth": registry_auth} if registry_auth else None
        result = self._raw("post", "/services/create", data=dict(spec), headers=headers)
        return str((result or {}).get("ID", ""))

    def update_service(self, service_id: str, version: int, spec: Mapping[str, Any],
                       registry_auth: str | None = None) -> list[str]:
        headers = {"X-Registry-Auth": registry_auth} if registry_auth else None
        result = self._raw("post", "/services/{0}/update", service_id, params={"version": version}, data=dict(spec),
                           headers=headers)
        return list((result or {}).get("Warnings") or [])

    def remove_service(self, service_id: str) -> None:
        self._call("remove_service", service_id)

    def registry_auth(self, image: str) -> str | None:
        """The X-Registry-Auth of `image`'s registry from the docker CLI config (`auths`), for
        `--with-registry-auth`; None when the config has no stored credentials for it (credential helpers are not
        asked)."""
        import base64
        import json
        import os

        name = image.split("@")[0]
        first = name.split("/")[0]
        registry = first if "/" in name and ("." in first or ":" in first or first == "localhost") else "docker.io"
        keys = ("https://index.docker.io/v1/", "index.docker.io", "docker.io") if registry == "docker.io" else (
            registry, f"https://{registry}", f"http://{registry}")
        config_dir = os.environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
        try:
            with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as handle:
                auths = json.load(handle).get("auths") or {}
        except (OSError, ValueError):
            return None
        entry = next((auths[k] for k in keys if k in auths), None)
        if not entry or not entry.get("auth"):
            return None
        user, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
        payload = {"username": user, "password": password, "serveraddress": keys[0]}
        return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode()
