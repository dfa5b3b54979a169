"""The engine adapter's read path: JSON `GET`s to the Engine API with the standard library alone.

Why it exists: importing docker-py (requests, urllib3, charset-normalizer, idna…) costs several times the whole of
Compose v2's no-op `up`, and the brief budgets a no-op `up -d` at three times v2's. Commands that only look
(`ps`, `ls`, `images`, `port`, a no-op `up`) read through this module; anything that changes the engine, streams
(logs, pulls, builds, exec) or needs TLS or SSH goes through docker-py, in `engine/dockerpy.py`, which is the one
place that decides which path a call takes and maps both paths' errors to ours.

It speaks what docker-py's `APIClient(version="auto")` speaks for the same calls: the engine's own API version
(`GET /version`), the same paths, query parameters and JSON filters, and it returns the engine's JSON unchanged.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from pycompose.engine.context import EngineEndpoint


class ReadFailed(Exception):
    """The engine answered a read with an HTTP error; `message` is its own explanation."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"{status}: {message}")
        self.status = status
        self.message = message


class ReadUnreachable(Exception):
    """No engine answered at the endpoint (no socket, connection refused, timed out)."""


class EngineReader:
    """Read-only Engine API calls over a unix socket or plain TCP; thread-safe (one connection per call)."""

    def __init__(self, connect: Callable[[], socket.socket]) -> None:
        self._connect = connect
        self._version: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_endpoint(cls, endpoint: EngineEndpoint, timeout: float = 120.0) -> EngineReader | None:
        """A reader for `endpoint`, or None where only docker-py will do (TLS, ssh://, npipe://…)."""
        if endpoint.tls_verify:
            return None
        url = urlsplit(endpoint.host)
        if url.scheme in ("unix", "http+unix"):
            path = url.path or "/var/run/docker.sock"
            return cls(lambda: _connect(socket.AF_UNIX, path, timeout))
        if url.scheme in ("tcp", "http") and url.hostname:
            address = (url.hostname, url.port or 2375)
            return cls(lambda: socket.create_connection(address, timeout=timeout))
        return None

    # the calls the adapter reads through, named and shaped as docker-py's APIClient methods ---------------------

    def containers(self, *, all: bool = False, filters: dict[str, Any] | None = None) -> Any:  # `all`: docker-py's name
        params = {"limit": -1, "all": 1 if all else 0, "size": 0, "trunc_cmd": 0}
        return self._get("/containers/json", params, filters)

    def inspect_container(self, container: str) -> Any:
        return self._get(f"/containers/{quote(container, safe='/:')}/json")

    def networks(self) -> Any:
        return self._get("/networks")

    def volumes(self) -> Any:
        return self._get("/volumes")

    def inspect_image(self, image: str) -> Any:
        return self._get(f"/images/{quote(image, safe='/:')}/json")

    def images(self, *, filters: dict[str, Any] | None = None) -> Any:
        return self._get("/images/json", {"only_ids": 0, "all": 0}, filters)

    # the wire --------------------------------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, Any] | None = None, filters: dict[str, Any] | None = None) -> Any:
        query = dict(params or {})
        if filters:
            query["filters"] = json.dumps(_filters(filters))
        target = f"/v{self._api_version()}{path}" + (f"?{urlencode(query)}" if query else "")
        return self._request(target)

    def _api_version(self) -> str:
        with self._lock:
            if self._version is None:
                self._version = str(self._request("/version")["ApiVersion"])
            return self._version

    def _request(self, target: str) -> Any:
        """One `GET` as HTTP/1.0: the engine answers without chunking and closes, so the answer is all there is."""
        try:
            with self._connect() as sock:
                sock.sendall(f"GET {target} HTTP/1.0\r\nHost: docker\r\nAccept: application/json\r\n\r\n".encode())
                answer = b"".join(iter(lambda: sock.recv(65536), b""))
        except OSError as error:
            raise ReadUnreachable(str(error)) from error
        head, separator, body = answer.partition(b"\r\n\r\n")
        status_line = head.split(b"\r\n", 1)[0].split()
        if not separator or len(status_line) < 2 or not status_line[1].isdigit():
            raise ReadUnreachable(f"not an HTTP answer: {answer[:80]!r}")
        status = int(status_line[1])
        if status >= 400:
            raise ReadFailed(status, _explanation(body))
        return json.loads(body) if body else None


def _connect(family: int, address: str, timeout: float) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(address)
    except BaseException:
        sock.close()
        raise
    return sock


def _filters(filters: dict[str, Any]) -> dict[str, list[str]]:
    """docker-py's `utils.convert_filters`: every value a list of strings, booleans as `true`/`false`."""
    converted: dict[str, list[str]] = {}
    for key, value in filters.items():
        values = value if isinstance(value, list) else [value]
        converted[key] = [("true" if item else "false") if isinstance(item, bool) else str(item) for item in values]
    return converted


def _explanation(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
    try:
        message = json.loads(text).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message) if message else text
