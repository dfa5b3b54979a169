"""The adapter's standard-library read path: what it sends, what it returns, how its failures map to ours."""

from __future__ import annotations

import json
import os
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from pycompose import labels
from pycompose.engine.context import EngineEndpoint
from pycompose.engine.dockerpy import DockerEngine
from pycompose.engine.reader import EngineReader
from pycompose.errors import EngineUnreachable, NotFound


class _FakeDaemon(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        type(self).seen.append(self.path)
        url = urlsplit(self.path)
        if url.path == "/version":
            return self._send(200, {"ApiVersion": "1.41"})
        if url.path == "/v1.41/containers/json":
            return self._send(200, [{"Id": "c1", "Names": ["/p-web-1"], "State": "running", "Status": "Up",
                                     "Labels": {"com.docker.compose.project": "p"}, "Ports": [
                                         {"PrivatePort": 80, "PublicPort": 8080, "Type": "tcp", "IP": "0.0.0.0"}]}])
        if url.path in ("/v1.41/networks", "/v1.41/volumes"):
            return self._send(200, [] if url.path.endswith("networks") else {"Volumes": None})
        if url.path.startswith("/v1.41/images/"):
            return self._send(404, {"message": "No such image: missing:1"})
        return self._send(500, {"message": "unexpected"})

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


class _UnixServer(HTTPServer):
    address_family = socket.AF_UNIX

    def server_bind(self) -> None:
        self.socket.bind(self.server_address)

    def get_request(self):
        request, _ = self.socket.accept()
        return request, ("local", 0)


@pytest.fixture
def daemon(tmp_path):
    path = str(tmp_path / "docker.sock")
    server = _UnixServer(path, _FakeDaemon)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _FakeDaemon.seen = []
    yield path
    server.shutdown()
    server.server_close()


def test_reads_go_over_the_socket_with_the_engines_api_version_and_docker_pys_filters(daemon):
    engine = DockerEngine(EngineEndpoint(f"unix://{daemon}"))
    state = engine.observe("p")
    assert [c.name for c in state.containers] == ["p-web-1"]
    assert state.containers[0].ports[0].public_port == 8080
    assert _FakeDaemon.seen[0] == "/version" and all(p.startswith("/v1.41/") for p in _FakeDaemon.seen[1:])
    listed = parse_qs(urlsplit(_FakeDaemon.seen[1]).query)
    assert json.loads(listed["filters"][0]) == {"label": labels.project_filters("p")}
    assert listed["all"] == ["1"]
    assert engine.inspect_image("missing:1") is None
    assert engine._client is None, "a read must not build the docker-py client"


def test_a_404_is_not_found_with_the_engines_words(daemon):
    reader = EngineReader.for_endpoint(EngineEndpoint(f"unix://{daemon}"))
    engine = DockerEngine(EngineEndpoint(f"unix://{daemon}"))
    with pytest.raises(NotFound, match="No such image: missing:1"), engine._errors():
        reader.inspect_image("missing:1")


def test_no_engine_is_unreachable_naming_the_address(tmp_path):
    missing = os.path.join(tmp_path, "nothing.sock")
    engine = DockerEngine(EngineEndpoint(f"unix://{missing}"))
    with pytest.raises(EngineUnreachable, match=f"Cannot connect to the Docker daemon at unix://{missing}"):
        engine.observe("p")


@pytest.mark.parametrize("endpoint, reads", [
    (EngineEndpoint("unix:///var/run/docker.sock"), True),
    (EngineEndpoint("tcp://127.0.0.1:2375"), True),
    (EngineEndpoint("tcp://127.0.0.1:2376", tls_verify=True, cert_path="/certs"), False),
    (EngineEndpoint("ssh://me@host"), False),
])
def test_which_endpoints_read_without_docker_py(endpoint, reads):
    assert (EngineReader.for_endpoint(endpoint) is not None) == reads


@pytest.mark.parametrize(("host", "reason"), [
    ("tcp://[::1", "missing ']' in host"),
    ("tcp://h:x", 'invalid port ":x" after host'),
])
def test_an_unparsable_docker_host_is_refused_with_v2s_words(host: str, reason: str) -> None:
    from pycompose.engine.context import resolve_endpoint
    from pycompose.errors import ConfigError

    with pytest.raises(ConfigError) as refused:
        resolve_endpoint({"DOCKER_HOST": host})
    assert str(refused.value) == f'Failed to initialize: unable to resolve docker endpoint: parse "{host}": {reason}'
