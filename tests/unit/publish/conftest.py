"""A fake OCI distribution registry on loopback (http.server in a thread), for the registry client and the API."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest


class FakeRegistry:
    """Blobs and manifests in memory; optional auth (`basic` or `bearer`), optional refusal of OCI 1.1 manifests."""

    def __init__(self, auth: str = "", refuse_artifact_type: bool = False) -> None:
        self.blobs: dict[str, bytes] = {}
        self.manifests: dict[tuple[str, str], tuple[str, bytes]] = {}
        self.uploads: dict[str, str] = {}
        self.requests: list[tuple[str, str]] = []
        self.auth = auth
        self.refuse_artifact_type = refuse_artifact_type
        self.user, self.password, self.token = "pb", "secret", "tok-123"
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            def _authorized(self) -> bool:
                header = self.headers.get("Authorization", "")
                if registry.auth == "basic":
                    expected = base64.b64encode(f"{registry.user}:{registry.password}".encode()).decode()
                    if header == f"Basic {expected}":
                        return True
                    self._send(401, b"{}", {"WWW-Authenticate": 'Basic realm="fake"'})
                    return False
                if registry.auth == "bearer":
                    if header == f"Bearer {registry.token}":
                        return True
                    realm = f"http://{self.headers['Host']}/token"
                    self._send(401, b"{}", {"WWW-Authenticate":
                                            f'Bearer realm="{realm}",service="fake",scope="repository:x:pull"'})
                    return False
                return True

            def _route(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query = self.path.partition("?")
                registry.requests.append((self.command, self.path))
                if path == "/token":
                    expected = base64.b64encode(f"{registry.user}:{registry.password}".encode()).decode()
                    if self.headers.get("Authorization") != f"Basic {expected}" or "scope=" not in query:
                        return self._send(401, b"{}")
                    return self._send(200, json.dumps({"token": registry.token}).encode())
                if not self._authorized():
                    return None
                parts = path.split("/")
                if path.endswith("/blobs/uploads/") and self.command == "POST":
                    upload = uuid.uuid4().hex
                    registry.uploads[upload] = "/".join(parts[2:-3])
                    return self._send(202, headers={"Location": f"/v2/uploads/{upload}?state=x"})
                if path.startswith("/v2/uploads/") and self.command == "PUT":
                    digest = dict(p.split("=", 1) for p in query.split("&"))["digest"].replace("%3A", ":")
                    if "sha256:" + hashlib.sha256(body).hexdigest() != digest:
                        return self._send(400, b'{"errors":[{"code":"DIGEST_INVALID","message":"bad"}]}')
                    registry.blobs[digest] = body
                    return self._send(201, headers={"Docker-Content-Digest": digest})
                if "/blobs/" in path:
                    digest = parts[-1]
                    if digest not in registry.blobs:
                        return self._send(404, b'{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown"}]}')
                    return self._send(200, registry.blobs[digest])
                if "/manifests/" in path:
                    repo, ref = "/".join(parts[2:-2]), parts[-1]
                    if self.command == "PUT":
                        if registry.refuse_artifact_type and b'"artifactType"' in body:
                            return self._send(400, b'{"errors":[{"code":"MANIFEST_INVALID","message":"no"}]}')
                        digest = "sha256:" + hashlib.sha256(body).hexdigest()
                        registry.manifests[(repo, ref)] = (self.headers["Content-Type"], body)
                        registry.manifests[(repo, digest)] = (self.headers["Content-Type"], body)
                        return self._send(201, headers={"Docker-Content-Digest": digest})
                    if (repo, ref) not in registry.manifests:
                        return self._send(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN","message":"unknown"}]}')
                    media_type, content = registry.manifests[(repo, ref)]
                    return self._send(200, content, {"Content-Type": media_type, "Docker-Content-Digest":
                                                     "sha256:" + hashlib.sha256(content).hexdigest()})
                return self._send(404)

            do_GET = do_HEAD = do_POST = do_PUT = _route

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_registry():
    registry = FakeRegistry()
    yield registry
    registry.close()


@pytest.fixture
def make_registry():
    made: list[FakeRegistry] = []

    def make(**kwargs: Any) -> FakeRegistry:
        made.append(FakeRegistry(**kwargs))
        return made[-1]

    yield make
    for registry in made:
        registry.close()
