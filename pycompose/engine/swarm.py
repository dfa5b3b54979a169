"""Swarm access for `pycompose stack`: services, tasks, overlay networks, configs and secrets.

It wraps a `DockerEngine` and talks to the Engine API over the engine's standard-library wire (`engine._wire()`: a
unix socket or plain TCP, one connection per call, so that `stack rm` or `stack ls` does not pay docker-py's
import), else (TLS, SSH, or a request with a registry-auth header) through the engine's docker-py client
(`engine._api()`); either way with the engine's error mapping (`engine._errors()`). Duck-typed: this module never
imports docker. Values in and out are the engine API's own JSON dicts (Go field names), which is what
`pycompose.stack` converts to and compares with.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote_plus

from pycompose.errors import EngineError, InUse, NotFound

NAMESPACE_LABEL = "com.docker.stack.namespace"

_UNSET: Any = object()


def _filters(filters: Mapping[str, Any]) -> str:
    """docker-py's `convert_filters`: every value a list of strings, as JSON."""
    return json.dumps({key: [str(item) for item in (value if isinstance(value, list) else [value])]
                       for key, value in filters.items()})


def _network_removal_error(status: int | None, text: str) -> Exception | None:
    """swarmkit's FailedPrecondition (HTTP 400 on API 1.41: "network … is in use by task …") is InUse; a network the
    swarm removed that this node still lists (HTTP 500 "… not found") is NotFound; the engine's mapping would leave
    both EngineErrors."""
    if status == 400 and "is in use" in text:
        return InUse(text)
    if status == 500 and text.endswith("not found"):
        return NotFound(text)
    return None


class SwarmEngine:
    """The swarm side of one Docker engine (a manager node)."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._wire_path: Any = _UNSET

    def _wire(self) -> Any:
        if self._wire_path is _UNSET:
            wire = getattr(self.engine, "_wire", None)
            self._wire_path = wire() if wire is not None else None
        return self._wire_path

    def _request(self, method: str, path: str, *args: str, params: Mapping[str, Any] | None = None,
                 body: Any = None, headers: Mapping[str, str] | None = None, not_found: str | None = None,
                 in_use: bool = False, special: Callable[[int | None, str], Exception | None] | None = None) -> Any:
        """One API request (`path` with `{0}`… for the quoted `args`); its JSON answer, None when empty."""
        from pycompose.engine.reader import ReadFailed

        wire = None if headers else self._wire()
        with self.engine._errors(not_found=not_found, in_use=in_use):
            try:
                if wire is not None:
                    quoted = [quote_plus(arg, safe="/:") for arg in args]
                    if isinstance(body, dict):  # as docker-py's _post_json: top-level nulls left out
                        body = {key: value for key, value in body.items() if value is not None}
                    return wire.call(method, path.format(*quoted), dict(params or {}), body)
                return self._docker_py(method, path, args, params, body, headers)
            except Exception as error:
                if special is None:
                    raise
                status: int | None
                if isinstance(error, ReadFailed):
                    status, text = error.status, error.message
                else:
                    response = getattr(error, "response", None)
                    status = getattr(response, "status_code", None)
                    text = str(getattr(error, "explanation", "") or "")
                mapped = special(status, text)
                if mapped is None:
                    raise
                raise mapped from None

    def _docker_py(self, method: str, path: str, args: tuple[str, ...], params: Mapping[str, Any] | None,
                   body: Any, headers: Mapping[str, str] | None) -> Any:
        api = self.engine._api()
        url = api._url(path, *args)
        if method == "POST":
            response = api._post_json(url, data=body if body is not None else {}, params=dict(params or {}),
                                      headers=dict(headers or {}))
        elif method == "DELETE":
            response = api._delete(url, params=dict(params or {}))
        else:
            response = api._get(url, params=dict(params or {}))
        api._raise_for_status(response)
        return response.json() if response.content and response.content.strip() else None

    def _list(self, what: str, filters: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        return list(self._request("GET", f"/{what}", params={"filters": _filters(filters)} if filters else None)
                    or [])

    # the node ----------------------------------------------------------------------------------------------

    def require_manager(self) -> None:
        """Raises EngineError unless this engine is a swarm manager (docker stack's own check and message)."""
        info = self._request("GET", "/info") or {}
        swarm = info.get("Swarm") or {}
        if swarm.get("LocalNodeState") != "active":
            raise EngineError('this node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to '
                              "connect this node to swarm and try again")
        if not swarm.get("ControlAvailable"):
            raise EngineError('this node is not a swarm manager. Worker nodes can\'t be used to view or modify '
                              'cluster state. Please run this command on a manager node or promote the current node '
                              'to a manager.')

    def nodes(self) -> list[dict[str, Any]]:
        return self._list("nodes")

    # reading a stack ---------------------------------------------------------------------------------------

    def _stack_filter(self, stack: str | None) -> dict[str, Any]:
        return {"label": f"{NAMESPACE_LABEL}={stack}" if stack else NAMESPACE_LABEL}

    def services(self, stack: str | None) -> list[dict[str, Any]]:
        return self._list("services", self._stack_filter(stack))

    def networks(self, stack: str | None) -> list[dict[str, Any]]:
        return self._list("networks", self._stack_filter(stack))

    def configs(self, stack: str | None) -> list[dict[str, Any]]:
        return self._list("configs", self._stack_filter(stack))

    def secrets(self, stack: str | None) -> list[dict[str, Any]]:
        return self._list("secrets", self._stack_filter(stack))

    def tasks(self, stack: str | None = None, service_ids: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        filters: dict[str, Any] = {"service": list(service_ids)} if service_ids else self._stack_filter(stack)
        return self._list("tasks", filters)

    def inspect_network(self, name: str) -> dict[str, Any] | None:
        try:
            return dict(self._request("GET", "/networks/{0}", name, not_found=f"network {name} not found") or {})
        except NotFound:
            return None

    def find_object(self, kind: str, name: str) -> dict[str, Any] | None:
        """A config or secret by exact name (the engine's name filter matches prefixes too)."""
        listed = self._list(f"{kind}s", {"name": name})
        return next((item for item in listed if item.get("Spec", {}).get("Name") == name), None)

    def distribution(self, image: str) -> dict[str, Any] | None:
        """The registry's digest and platforms of `image`; None when no registry answers."""
        try:
            return dict(self._request("GET", "/distribution/{0}/json", image) or {})
        except EngineError:
            return None

    # changing a stack --------------------------------------------------------------------------------------

    def create_network(self, name: str, spec: Mapping[str, Any]) -> str:
        """What docker-py's `create_network` sends for these fields (the keys left out when unset)."""
        body: dict[str, Any] = {"Name": name, "Driver": spec.get("Driver"), "Options": spec.get("Options"),
                                "IPAM": spec.get("IPAM"), "CheckDuplicate": None}
        if spec.get("Labels"):
            body["Labels"] = spec["Labels"]
        if spec.get("Internal"):
            body["Internal"] = True
        if spec.get("Attachable"):
            body["Attachable"] = True
        result = self._request("POST", "/networks/create", body=body)
        return str((result or {}).get("Id", ""))

    def remove_network(self, network_id: str) -> None:
        """Raises InUse also for a network swarmkit still counts as used by a task, NotFound for one this node still
        lists after the swarm removed it (`_network_removal_error`)."""
        self._request("DELETE", "/networks/{0}", network_id, in_use=True, special=_network_removal_error)

    def create_object(self, kind: str, spec: Mapping[str, Any]) -> str:
        result = self._request("POST", f"/{kind}s/create", body=dict(spec))
        return str((result or {}).get("ID", ""))

    def update_object(self, kind: str, object_id: str, version: int, spec: Mapping[str, Any]) -> None:
        self._request("POST", f"/{kind}s/{{0}}/update", object_id, params={"version": version}, body=dict(spec))

    def remove_object(self, kind: str, object_id: str) -> None:
        self._request("DELETE", f"/{kind}s/{{0}}", object_id, in_use=True)

    def create_service(self, spec: Mapping[str, Any], registry_auth: str | None = None) -> str:
        headers = {"X-Registry-Auth": registry_auth} if registry_auth else None
        result = self._request("POST", "/services/create", body=dict(spec), headers=headers)
        return str((result or {}).get("ID", ""))

    def update_service(self, service_id: str, version: int, spec: Mapping[str, Any],
                       registry_auth: str | None = None) -> list[str]:
        headers = {"X-Registry-Auth": registry_auth} if registry_auth else None
        result = self._request("POST", "/services/{0}/update", service_id, params={"version": version},
                               body=dict(spec), headers=headers)
        return list((result or {}).get("Warnings") or [])

    def remove_service(self, service_id: str) -> None:
        self._request("DELETE", "/services/{0}", service_id)

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
