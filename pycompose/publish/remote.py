"""Read a published compose application back (`-f oci://…` in v2, `pkg/remote/oci.go`): the artifact's files
written into the cache directory v2 uses, so that the loader can read them as local files.

Layout, as v2 writes it under `$XDG_CACHE_HOME/docker-compose/<manifest digest hex>/`: every compose file layer
appended to `compose.yaml` (documents separated by `---`), each extends file and env file under the hashed name
its annotation gives (the names the compose files were rewritten to refer to).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping

from pycompose.errors import ComposeError
from pycompose.publish import artifact
from pycompose.publish.reference import parse
from pycompose.publish.registry import RegistryClient, load_credentials

PREFIX = "oci://"


class RemoteError(ComposeError):
    """An `oci://` resource that cannot be read as a compose application."""


def cache_root(environ: Mapping[str, str] = os.environ) -> str:
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "docker-compose")


def _safe_name(name: str) -> str:
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        raise RemoteError("invalid OCI artifact")
    return name


def materialize(url: str, *, plain_http: bool = False, cache: str | None = None) -> str:
    """Fetch `oci://REPOSITORY[:TAG]` (once per manifest digest) and return the path of its `compose.yaml`.

    Raises:
        RemoteError: not a compose artifact, or a layer names a file outside its directory.
        RegistryError: the registry failed.
        UsageError: an invalid reference.
    """
    ref = parse(url.removeprefix(PREFIX))
    client = RegistryClient(ref.registry_host, ref.path, plain_http=plain_http,
                            credentials=load_credentials(ref.auth_key))
    body, media_type, digest = client.get_manifest(ref.digest or ref.tag)
    digest = digest or artifact.digest_of(body)
    document = json.loads(body)
    if media_type == artifact.OCI_INDEX_MEDIA_TYPE or "manifests" in document:
        composed = [m for m in document.get("manifests") or () if m.get("artifactType") == artifact.ARTIFACT_TYPE]
        if not composed:
            raise RemoteError(f"OCI index {ref} doesn't refer to compose artifacts")
        body, media_type, digest = client.get_manifest(composed[-1]["digest"])
        document = json.loads(body)
    local = os.path.join(cache or cache_root(), digest.split(":", 1)[-1])
    if not os.path.exists(local):
        try:
            _write(client, document, local, str(ref))
        except BaseException:
            shutil.rmtree(local, ignore_errors=True)
            raise
    return os.path.join(local, "compose.yaml")


def _write(client: RegistryClient, manifest: Mapping, local: str, name: str) -> None:
    artifact_type = manifest.get("artifactType") or ""
    config_type = (manifest.get("config") or {}).get("mediaType")
    if (artifact_type and artifact_type != artifact.ARTIFACT_TYPE) or (
            not artifact_type and config_type != artifact.EMPTY_CONFIG_MEDIA_TYPE):
        raise RemoteError(f"{name} is not a compose project OCI artifact, but {artifact_type}")
    os.makedirs(local, mode=0o700, exist_ok=True)
    for index, layer in enumerate(manifest.get("layers") or ()):
        annotations = layer.get("annotations") or {}
        if layer.get("mediaType") == artifact.COMPOSE_FILE_MEDIA_TYPE:
            file = "compose.yaml"
            if "com.docker.compose.extends" in annotations:
                file = _safe_name(annotations.get("com.docker.compose.file", ""))
            content = client.get_blob(layer["digest"])
            with open(os.path.join(local, file), "ab") as handle:
                if index > 0 and "com.docker.compose.file" in annotations:
                    handle.write(b"\n---\n")
                handle.write(content)
        elif layer.get("mediaType") == artifact.ENV_FILE_MEDIA_TYPE:
            if "com.docker.compose.envfile" not in annotations:
                raise RemoteError(f"missing annotation com.docker.compose.envfile in layer \"{layer.get('digest')}\"")
            file = _safe_name(annotations["com.docker.compose.envfile"])
            with open(os.path.join(local, file), "wb") as handle:
                handle.write(client.get_blob(layer["digest"]))
