"""The engine adapter's standard-library path to the Engine API: JSON calls and raw streams without docker-py.

Why it exists: importing docker-py (requests, urllib3, charset-normalizer, idna…) costs several times the whole of
Compose v2's no-op `up`, and the brief budgets a no-op `up -d` at three times v2's. Commands that only look
(`ps`, `ls`, `images`, `port`, a no-op `up`) read through this module, and so do `run`'s create, start, attach and
wait and the swarm calls of `stack`; the other writes and streams (logs, pulls, builds, exec) and any endpoint that
needs TLS or SSH go through docker-py. `engine/dockerpy.py` is the one place that decides which path a call takes
and maps both paths' errors to ours.

It speaks what docker-py's `APIClient(version="auto")` speaks for the same calls: the engine's own API version
(`GET /version`), the same paths, query parameters and JSON filters, and it returns the engine's JSON unchanged.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Mapping
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


CALL_TIMEOUT = 120.0
"""Seconds the engine may take to answer one call (docker-py's client timeout in the adapter)."""


class EngineWire:
    """The Engine API over the standard library, for a unix socket or plain TCP (TLS, ssh://… are docker-py's):
    one connection per call, so it is thread-safe. `call` sends a request as `HTTP/1.0` (the engine answers without
    chunking and closes) and returns the JSON answer; `open` returns the socket once the answer's headers are read,
    for streams (`upgrade`: `HTTP/1.1` with `Upgrade: tcp`, which attach uses). Failures are `ReadFailed` (an HTTP
    error, with the engine's explanation) and `ReadUnreachable` (nothing answers), which the adapter maps."""

    def __init__(self, connect: Callable[[], Any], version: Callable[[], str] | None = None) -> None:
        self._connect = connect
        self._version = version
        self._asked: str | None = None
        self._lock = threading.Lock()

    @classmethod
    def for_endpoint(cls, endpoint: EngineEndpoint, version: Callable[[], str] | None = None) -> EngineWire | None:
        """A wire to `endpoint`, or None where only docker-py will do. `version`: the API version to speak (default:
        the engine's own, asked once, as docker-py's `version="auto"`)."""
        if endpoint.tls_verify:
            return None
        url = urlsplit(endpoint.host)
        if url.scheme in ("unix", "http+unix"):
            path = url.path or "/var/run/docker.sock"
            return cls(lambda: _connect(socket.AF_UNIX, path), version)
        if url.scheme in ("tcp", "http") and url.hostname:
            address = (url.hostname, url.port or 2375)
            return cls(lambda: socket.create_connection(address), version)
        return None

    def api_version(self) -> str:
        if self._version is not None:
            return self._version()
        with self._lock:
            if self._asked is None:
                self._asked = str(self._exchange("GET", "/version", None, CALL_TIMEOUT)["ApiVersion"])
            return self._asked

    def call(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             timeout: float = CALL_TIMEOUT) -> Any:
        """One request and its JSON answer (None when empty)."""
        payload = None if body is None else json.dumps(body).encode()
        return self._exchange(method, self._target(path, params), payload, timeout)

    def open(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             upgrade: bool = False, timeout: float | None = None) -> Any:
        """Send one request; the socket once the answer's headers are read (the body, or the raw stream, is what
        is left to read on it). `timeout`: seconds the engine may take to answer (None: no limit, for streams)."""
        payload = b"" if body is None else json.dumps(body).encode()
        head = _request_head(method, self._target(path, params), payload if body is not None else None,
                             "1.1" if upgrade else "1.0")
        if upgrade:
            head += "Connection: Upgrade\r\nUpgrade: tcp\r\n"
        try:
            sock = self._connect()
            sock.settimeout(timeout)
            sock.sendall((head + "\r\n").encode() + payload)
            answer = b""
            while not answer.endswith(b"\r\n\r\n"):  # byte by byte: what follows the headers stays unread
                byte = sock.recv(1)
                if not byte:
                    break
                answer += byte
        except OSError as error:
            raise ReadUnreachable(str(error)) from error
        try:
            _status(answer, lambda: read_all(sock))
        except Exception:
            sock.close()
            raise
        return sock

    def _target(self, path: str, params: Mapping[str, Any] | None) -> str:
        query = {key: value for key, value in (params or {}).items() if value is not None}
        return f"/v{self.api_version()}{path}" + (f"?{urlencode(query)}" if query else "")

    def _exchange(self, method: str, target: str, payload: bytes | None, timeout: float) -> Any:
        try:
            with self._connect() as sock:
                sock.settimeout(timeout)
                sock.sendall((_request_head(method, target, payload, "1.0") + "\r\n").encode() + (payload or b""))
                answer = read_all(sock)
        except OSError as error:
            raise ReadUnreachable(str(error)) from error
        head, separator, body = answer.partition(b"\r\n\r\n")
        _status(head + separator, lambda: body)
        return json.loads(body) if body.strip() else None


def _request_head(method: str, target: str, payload: bytes | None, http: str) -> str:
    head = f"{method} {target} HTTP/{http}\r\nHost: docker\r\nAccept: application/json\r\n"
    if payload is not None:
        head += "Content-Type: application/json\r\n"
    if method != "GET":
        head += f"Content-Length: {len(payload or b'')}\r\n"
    return head


def _status(head: bytes, body: Callable[[], bytes]) -> int:
    """The status of an answer whose headers are `head`; ReadFailed (with the body's explanation) for an error."""
    status_line = head.split(b"\r\n", 1)[0].split()
    if not head.endswith(b"\r\n\r\n") or len(status_line) < 2 or not status_line[1].isdigit():
        raise ReadUnreachable(f"not an HTTP answer: {head[:80]!r}")
    status = int(status_line[1])
    if status >= 400:
        raise ReadFailed(status, _explanation(body()))
    return status


def read_all(sock: Any) -> bytes:
    return b"".join(iter(lambda: sock.recv(65536), b""))


class EngineReader:
    """The read calls the adapter makes, named and shaped as docker-py's APIClient methods, over an `EngineWire`."""

    def __init__(self, wire: EngineWire) -> None:
        self.wire = wire

    @classmethod
    def for_endpoint(cls, endpoint: EngineEndpoint) -> EngineReader | None:
        """A reader for `endpoint`, or None where only docker-py will do (TLS, ssh://, npipe://…)."""
        wire = EngineWire.for_endpoint(endpoint)
        return cls(wire) if wire is not None else None

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

    def _get(self, path: str, params: dict[str, Any] | None = None, filters: dict[str, Any] | None = None) -> Any:
        query = dict(params or {})
        if filters:
            query["filters"] = json.dumps(_filters(filters))
        return self.wire.call("GET", path, query)

    def _api_version(self) -> str:
        return self.wire.api_version()


def _connect(family: int, address: str) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.settimeout(CALL_TIMEOUT)
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
