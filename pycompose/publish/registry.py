"""A small client of the OCI distribution API (stdlib `http.client`): blobs, manifests, and the authentication
the registry asks for (`WWW-Authenticate`: Basic, or a Bearer token from the realm it names), with credentials from
the Docker CLI's `config.json` (`auths`, `credHelpers`, `credsStore`).

Like v2 (containerd's resolver) it speaks HTTPS, and plain HTTP only when `__TEST__INSECURE__REGISTRY__` is set
(the API decides; the client is told `plain_http`).
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import subprocess
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from pycompose.errors import ComposeError

MANIFEST_TYPES = (
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
)
_TIMEOUT = 60.0


class RegistryError(ComposeError):
    """The registry refused or failed a request (`status`), or could not be reached (`status` None)."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Credentials:
    username: str = ""
    password: str = ""
    identity_token: str = ""


def config_dir(environ: Mapping[str, str]) -> str:
    return environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def load_credentials(key: str, environ: Mapping[str, str] = os.environ) -> Credentials:
    """The credentials `config.json` holds for registry `key` (none when it has none or cannot be read)."""
    path = os.path.join(config_dir(environ), "config.json")
    try:
        with open(path, encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return Credentials()
    if not isinstance(config, dict):
        return Credentials()
    helper = (config.get("credHelpers") or {}).get(key) or config.get("credsStore")
    if helper:
        found = _from_helper(str(helper), key)
        if found is not None:
            return found
    entry = (config.get("auths") or {}).get(key)
    if not isinstance(entry, dict):
        return Credentials()
    username, password = entry.get("username", ""), entry.get("password", "")
    if entry.get("auth"):
        try:
            username, _, password = base64.b64decode(entry["auth"]).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            pass
    return Credentials(username or "", password or "", entry.get("identitytoken", "") or "")


def _from_helper(helper: str, key: str) -> Credentials | None:
    try:
        result = subprocess.run([f"docker-credential-{helper}", "get"], input=key, capture_output=True, text=True,
                                timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    try:
        value = json.loads(result.stdout)
    except ValueError:
        return None
    if value.get("Username") == "<token>":
        return Credentials(identity_token=value.get("Secret", ""))
    return Credentials(value.get("Username", ""), value.get("Secret", ""))


def parse_challenge(header: str) -> tuple[str, dict[str, str]]:
    """`Bearer realm="…",service="…",scope="…"` → ("bearer", {realm, service, scope})."""
    scheme, _, rest = header.strip().partition(" ")
    params = {key.lower(): value for key, value in re.findall(r'(\w+)="([^"]*)"', rest)}
    return scheme.lower(), params


@dataclass
class Response:
    status: int
    headers: Mapping[str, str]
    body: bytes


@dataclass
class RegistryClient:
    """Talks to one registry host for one repository path."""

    host: str
    repository: str
    plain_http: bool = False
    credentials: Credentials = field(default_factory=Credentials)
    _authorization: str = ""

    @property
    def base(self) -> str:
        return f"{'http' if self.plain_http else 'https'}://{self.host}"

    def _send(self, method: str, url: str, headers: Mapping[str, str], body: bytes | None) -> Response:
        parts = urllib.parse.urlsplit(url)
        connection_type = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        connection = connection_type(parts.netloc, timeout=_TIMEOUT)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target, body=body, headers=dict(headers))
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as error:
            reason = "server gave HTTP response to HTTPS client" if "WRONG_VERSION_NUMBER" in str(error) else error
            raise RegistryError(f'failed to do request: {method.capitalize()} "{url}": {reason}') from None
        finally:
            connection.close()
        return Response(answer.status, {key.lower(): value for key, value in answer.getheaders()}, data)

    def request(self, method: str, path_or_url: str, *, headers: Mapping[str, str] | None = None,
                body: bytes | None = None, expect: tuple[int, ...] = (200,)) -> Response:
        """Send, answering one authentication challenge; an unexpected status is a RegistryError."""
        url = path_or_url if "://" in path_or_url else self.base + path_or_url
        sent = dict(headers or {})
        if self._authorization:
            sent["Authorization"] = self._authorization
        response = self._send(method, url, sent, body)
        if response.status == 401 and "www-authenticate" in response.headers:
            self._authorization = self._authorize(response.headers["www-authenticate"])
            if self._authorization:
                sent["Authorization"] = self._authorization
                response = self._send(method, url, sent, body)
        if response.status not in expect:
            raise RegistryError(self._status_message(method, url, response), status=response.status)
        return response

    @staticmethod
    def _status_message(method: str, url: str, response: Response) -> str:
        text = f"unexpected status from {method} request to {url}: {response.status} " \
               f"{http.client.responses.get(response.status, '')}".rstrip()
        try:
            errors = json.loads(response.body).get("errors") or []
            details = "; ".join(f"{e.get('code', '')}: {e.get('message', '')}" for e in errors)
        except (ValueError, AttributeError):
            details = ""
        return f"{text}: {details}" if details else text

    def _authorize(self, challenge: str) -> str:
        scheme, params = parse_challenge(challenge)
        creds = self.credentials
        if scheme == "basic":
            if not creds.username:
                return ""
            return "Basic " + base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
        if scheme != "bearer" or "realm" not in params:
            return ""
        scope = params.get("scope") or f"repository:{self.repository}:pull,push"
        query = {"scope": scope}
        if params.get("service"):
            query["service"] = params["service"]
        if creds.identity_token:
            form = urllib.parse.urlencode({**query, "grant_type": "refresh_token", "client_id": "pycompose",
                                           "refresh_token": creds.identity_token}).encode()
            answer = self._send("POST", params["realm"], {"Content-Type": "application/x-www-form-urlencoded"},
                                form)
        else:
            headers = {}
            if creds.username:
                basic = base64.b64encode(f"{creds.username}:{creds.password}".encode()).decode()
                headers["Authorization"] = f"Basic {basic}"
            answer = self._send("GET", params["realm"] + "?" + urllib.parse.urlencode(query), headers, None)
        if answer.status != 200:
            what = "oauth" if creds.identity_token else "anonymous" if not creds.username else "basic auth"
            raise RegistryError(f"failed to fetch {what} token: unexpected status from "
                                f"{'POST' if creds.identity_token else 'GET'} request to {params['realm']}: "
                                f"{answer.status} {http.client.responses.get(answer.status, '')}".rstrip(),
                                status=answer.status)
        try:
            value = json.loads(answer.body)
        except ValueError:
            return ""
        token = value.get("token") or value.get("access_token") or ""
        return f"Bearer {token}" if token else ""

    # blobs

    def blob_exists(self, digest: str) -> bool:
        return self.request("HEAD", f"/v2/{self.repository}/blobs/{digest}", expect=(200, 404)).status == 200

    def push_blob(self, data: bytes, digest: str) -> None:
        """Upload a blob unless the registry has it: a monolithic upload (POST, then PUT with the digest)."""
        if self.blob_exists(digest):
            return
        started = self.request("POST", f"/v2/{self.repository}/blobs/uploads/", body=b"",
                               headers={"Content-Length": "0"}, expect=(202,))
        location = started.headers.get("location", "")
        if not location:
            raise RegistryError(f"registry {self.host} started an upload without a Location")
        url = urllib.parse.urljoin(self.base + "/", location)
        url += ("&" if "?" in url else "?") + urllib.parse.urlencode({"digest": digest})
        self.request("PUT", url, body=data, expect=(201,),
                     headers={"Content-Type": "application/octet-stream", "Content-Length": str(len(data))})

    def get_blob(self, digest: str) -> bytes:
        return self.request("GET", f"/v2/{self.repository}/blobs/{digest}").body

    # manifests

    def put_manifest(self, reference: str, media_type: str, data: bytes) -> str:
        """PUT a manifest under a tag or digest; the digest the registry reports."""
        answer = self.request("PUT", f"/v2/{self.repository}/manifests/{reference}", body=data, expect=(201,),
                              headers={"Content-Type": media_type, "Content-Length": str(len(data))})
        return answer.headers.get("docker-content-digest", "")

    def get_manifest(self, reference: str) -> tuple[bytes, str, str]:
        """(content, media type, digest) of a manifest or index."""
        answer = self.request("GET", f"/v2/{self.repository}/manifests/{reference}",
                              headers={"Accept": ", ".join(MANIFEST_TYPES)})
        return answer.body, answer.headers.get("content-type", ""), answer.headers.get("docker-content-digest", "")

    def manifest_digest(self, reference: str) -> str:
        """The digest a tag points to (HEAD, as the engine's distribution inspect asks)."""
        answer = self.request("HEAD", f"/v2/{self.repository}/manifests/{reference}",
                              headers={"Accept": ", ".join(MANIFEST_TYPES)})
        digest = answer.headers.get("docker-content-digest", "")
        if not digest:
            body, _, _ = self.get_manifest(reference)
            from pycompose.publish.artifact import digest_of

            digest = digest_of(body)
        return digest
