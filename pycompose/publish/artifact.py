"""The OCI artifact of a compose application, as v2.40.3 writes it (`internal/oci/push.go`): pure values.

Every layer carries its content inline (`data`), as v2's descriptors do; the manifest is Go's `json.Marshal` of
image-spec's `Manifest` (field order of the Go structs, map keys sorted, HTML characters escaped).
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pycompose import COMPOSE_COMPAT_VERSION as COMPOSE_VERSION
from pycompose.render import gojson

ARTIFACT_TYPE = "application/vnd.docker.compose.project"
COMPOSE_FILE_MEDIA_TYPE = "application/vnd.docker.compose.file+yaml"
ENV_FILE_MEDIA_TYPE = "application/vnd.docker.compose.envfile"
EMPTY_CONFIG_MEDIA_TYPE = "application/vnd.docker.compose.config.empty.v1+json"
OCI_EMPTY_MEDIA_TYPE = "application/vnd.oci.empty.v1+json"
OCI_MANIFEST_MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX_MEDIA_TYPE = "application/vnd.oci.image.index.v1+json"
OCI_VERSIONS = ("1.0", "1.1")
VERSION_ANNOTATION = "com.docker.compose.version"


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Descriptor:
    """An OCI content descriptor with its content (v1.Descriptor with `Data`)."""

    media_type: str
    data: bytes
    annotations: Mapping[str, str] = field(default_factory=dict)
    artifact_type: str = ""

    @property
    def digest(self) -> str:
        return digest_of(self.data)

    @property
    def size(self) -> int:
        return len(self.data)

    def as_json(self) -> dict[str, Any]:
        """The Go struct's fields in order; empty ones omitted (`omitempty`)."""
        value: dict[str, Any] = {"mediaType": self.media_type, "digest": self.digest, "size": self.size}
        if self.annotations:
            value["annotations"] = dict(sorted(self.annotations.items()))
        if self.data:
            value["data"] = base64.b64encode(self.data).decode("ascii")
        if self.artifact_type:
            value["artifactType"] = self.artifact_type
        return value


EMPTY_JSON = Descriptor(OCI_EMPTY_MEDIA_TYPE, b"{}")
"""image-spec's DescriptorEmptyJSON: the config of an OCI 1.1 artifact."""


def compose_file_layer(name: str, content: bytes, *, extends: bool = False) -> Descriptor:
    """A compose file's layer, annotated with its base name (an extends file's: `<sha256 of its path>.yaml`)."""
    annotations = {VERSION_ANNOTATION: COMPOSE_VERSION, "com.docker.compose.file": os.path.basename(name)}
    if extends:
        annotations["com.docker.compose.extends"] = "true"
    return Descriptor(COMPOSE_FILE_MEDIA_TYPE, content, annotations)


def env_file_layer(name: str, content: bytes) -> Descriptor:
    """An env file's layer (`--with-env`), named `<sha256 of its path>.env`."""
    return Descriptor(ENV_FILE_MEDIA_TYPE, content,
                      {VERSION_ANNOTATION: COMPOSE_VERSION, "com.docker.compose.envfile": os.path.basename(name)})


def hashed_name(path: str, suffix: str) -> str:
    """v2's name for an env file or extends file inside the artifact: the SHA-256 of its absolute path."""
    return hashlib.sha256(path.encode()).hexdigest() + suffix


def created_now() -> str:
    """`time.Now().Format(time.RFC3339)`: local time, `Z` for UTC."""
    now = datetime.now().astimezone().replace(microsecond=0)
    text = now.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


@dataclass(frozen=True)
class Manifest:
    """The image manifest of the artifact and the config descriptor it names."""

    config: Descriptor
    layers: tuple[Descriptor, ...]
    artifact_type: str
    created: str

    def json_bytes(self) -> bytes:
        value: dict[str, Any] = {"schemaVersion": 2, "mediaType": OCI_MANIFEST_MEDIA_TYPE}
        if self.artifact_type:
            value["artifactType"] = self.artifact_type
        value["config"] = self.config.as_json()
        value["layers"] = [layer.as_json() for layer in self.layers]
        value["annotations"] = {"org.opencontainers.image.created": self.created}
        return gojson.dumps(value).encode()

    @property
    def digest(self) -> str:
        return digest_of(self.json_bytes())


def manifest(layers: Sequence[Descriptor], oci_version: str, *, created: str | None = None) -> Manifest:
    """The manifest v2 pushes for `--oci-version` 1.1 (artifactType, the empty JSON config) or 1.0 (no
    artifactType; a compose-specific config media type tells clients what it is)."""
    if oci_version == "1.0":
        config = Descriptor(EMPTY_CONFIG_MEDIA_TYPE, b"{}")
        artifact_type = ""
    elif oci_version == "1.1":
        config, artifact_type = EMPTY_JSON, ARTIFACT_TYPE
    else:
        raise ValueError(f"unsupported OCI version: {oci_version}")
    return Manifest(config, tuple(layers), artifact_type, created or created_now())


def image_digests_layer(images: Mapping[str, str]) -> Descriptor:
    """`--resolve-image-digests`: an override file pinning every service's image (`image-digests.yaml`)."""
    from pycompose.render import goyaml

    content = goyaml.dumps({"services": {name: {"image": image} for name, image in sorted(images.items())}})
    return compose_file_layer("image-digests.yaml", content.encode())


def replace_value(content: bytes, line: int, column: int, value: str) -> bytes:
    """v2's `transform.replace`: write `value` at a node's 1-based line and column, dropping the rest of that line
    (a closing quote, a comment), every other byte kept."""
    position = 0
    current = 1
    for byte in content:
        if byte == 0x0A:
            current += 1
            if current == line:
                break
        position += 1
    position += column
    end = content.find(b"\n", position)
    end = len(content) if end < 0 else end
    return content[:position] + value.encode() + content[end:]


def application_index(images: Sequence[Mapping[str, Any]], subject: Manifest) -> bytes:
    """`--app`: the image index listing the services' images (descriptors as the registry resolved them, with
    containerd's distribution-source annotation), whose subject is the compose artifact's manifest."""
    return index_bytes(images, subject.digest, len(subject.json_bytes()), subject.artifact_type)


def index_bytes(images: Sequence[Mapping[str, Any]], subject_digest: str, subject_size: int,
                artifact_type: str) -> bytes:
    subject: dict[str, Any] = {"mediaType": OCI_MANIFEST_MEDIA_TYPE, "digest": subject_digest, "size": subject_size,
                               "annotations": {VERSION_ANNOTATION: COMPOSE_VERSION}}
    if artifact_type:
        subject["artifactType"] = artifact_type
    value = {"schemaVersion": 2, "mediaType": OCI_INDEX_MEDIA_TYPE, "manifests": list(images), "subject": subject,
             "annotations": {VERSION_ANNOTATION: COMPOSE_VERSION}}
    return gojson.dumps(value).encode()


def image_descriptor(media_type: str, digest: str, size: int, host: str, repository: str) -> dict[str, Any]:
    """An image's descriptor in the `--app` index: `containerd.io/distribution.source.<host without port>`."""
    return {"mediaType": media_type, "digest": digest, "size": size,
            "annotations": {f"containerd.io/distribution.source.{host}": repository}}
