"""The artifact's bytes, against what Compose v2.40.3 pushed to a registry for the same files (captured once)."""

from __future__ import annotations

import base64
import json

import pytest

from pycompose.publish import artifact
from pycompose.publish.layers import build_layers

V2_P1_COMPOSE = (b'name: pbx1\nservices:\n  web:\n    image: busybox:latest\n    command: ["sleep", "infinity"]\n'
                 b'    env_file: app.env\n  other:\n    image: busybox\n    environment:\n      FOO: bar\n')
# `docker compose publish --with-env -y` of V2_P1_COMPOSE as /tmp/pbx/p1/compose.yaml (app.env: "A=1\n")
V2_P1_MANIFEST = (
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","artifactType":'
    '"application/vnd.docker.compose.project","config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":'
    '"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2,"data":"e30="},"layers":'
    '[{"mediaType":"application/vnd.docker.compose.file+yaml","digest":'
    '"sha256:f5d358240392023546a41ba135a9e54fea3c05876dc4f66e377583ce3dea4543","size":232,"annotations":'
    '{"com.docker.compose.file":"compose.yaml","com.docker.compose.version":"2.40.3"},"data":"bmFtZTogcGJ4MQpzZXJ2aW'
    'NlczoKICB3ZWI6CiAgICBpbWFnZTogYnVzeWJveDpsYXRlc3QKICAgIGNvbW1hbmQ6IFsic2xlZXAiLCAiaW5maW5pdHkiXQogICAgZW52X2Z'
    'pbGU6IDMxZDk0YjEyYzM2NWVmZTcyMGRjYjgzZWViM2E5MGNmZjQxNjI1OGM3ZGUzYTJjYzFmYjNhOWIxMmY3MjRjM2YuZW52CiAgb3RoZXI6'
    'CiAgICBpbWFnZTogYnVzeWJveAogICAgZW52aXJvbm1lbnQ6CiAgICAgIEZPTzogYmFyCg=="},{"mediaType":'
    '"application/vnd.docker.compose.envfile","digest":'
    '"sha256:91d6a3d55e9fea7911c537afae6607c77fa8bc0f3a76c375e104ac5a8cfa84db","size":4,"annotations":'
    '{"com.docker.compose.envfile":"31d94b12c365efe720dcb83eeb3a90cff416258c7de3a2cc1fb3a9b12f724c3f.env",'
    '"com.docker.compose.version":"2.40.3"},"data":"QT0xCg=="}],"annotations":'
    '{"org.opencontainers.image.created":"2026-12-02T17:44:18Z"}}')
V2_P1_DIGEST = "sha256:9cb6d3b0af39ca1562cee9880b2975564ddd6127be36c554f4b5c9fd76e79b68"


def reader(files: dict[str, bytes]):
    def read(path: str) -> bytes:
        return files[path]
    return read


def test_manifest_is_byte_for_byte_v2s():
    files = {"/tmp/pbx/p1/compose.yaml": V2_P1_COMPOSE, "/tmp/pbx/p1/app.env": b"A=1\n"}
    layers = build_layers(["/tmp/pbx/p1/compose.yaml"], "/tmp/pbx/p1", {}, with_env=True, read=reader(files))
    manifest = artifact.manifest(layers, "1.1", created="2026-12-02T17:44:18Z")
    assert manifest.json_bytes().decode() == V2_P1_MANIFEST
    assert manifest.digest == V2_P1_DIGEST


def test_without_env_the_env_file_is_renamed_but_not_included():
    files = {"/p/compose.yaml": V2_P1_COMPOSE}
    layers = build_layers(["/p/compose.yaml"], "/p", {}, read=reader(files))
    assert [layer.media_type for layer in layers] == [artifact.COMPOSE_FILE_MEDIA_TYPE]
    assert artifact.hashed_name("/p/app.env", ".env").encode() in layers[0].data


def test_oci_1_0_has_no_artifact_type_and_the_compose_config_type():
    manifest = json.loads(artifact.manifest([], "1.0", created="2026-01-01T00:00:00Z").json_bytes())
    assert "artifactType" not in manifest
    assert manifest["config"] == {"mediaType": "application/vnd.docker.compose.config.empty.v1+json",
                                  "digest": artifact.digest_of(b"{}"), "size": 2, "data": "e30="}
    assert list(manifest) == ["schemaVersion", "mediaType", "config", "layers", "annotations"]


def test_unknown_oci_version_is_refused():
    with pytest.raises(ValueError, match="unsupported OCI version: 2.0"):
        artifact.manifest([], "2.0")


def test_image_digests_layer_is_v2s():
    image = "127.0.0.1:5055/pbx/busybox:1@sha256:eb00af2209e19caa969009231c39920461afc2072b6188d62ed9bc993a4b16c9"
    layer = artifact.image_digests_layer({"web": image})
    assert layer.data == f"services:\n  web:\n    image: {image}\n".encode()
    assert layer.digest == "sha256:0f1c867c8eaa72e6f86fbcb70713a7c35f47111875420d3175f381a6532f0091"
    assert layer.annotations["com.docker.compose.file"] == "image-digests.yaml"


def test_extends_and_env_file_forms_are_rewritten_as_v2_does(tmp_path):
    # v2.40.3 pushed exactly these bytes for this project in /tmp/pbx/p3 (the comment and quotes dropped)
    compose = (b'services:\n  web:\n    image: busybox\n    extends:\n      file: "./sub/base.yaml"   # the base\n'
               b'      service: base\n    env_file:\n      - one.env\n      - path: "${ENVDIR:-.}/two.env"\n'
               b'        required: false\n')
    base = b"services:\n  base:\n    image: busybox\n    labels: {x: y}\n"
    project = tmp_path / "p3"
    (project / "sub").mkdir(parents=True)
    (project / "compose.yaml").write_bytes(compose)
    (project / "sub" / "base.yaml").write_bytes(base)
    (project / "one.env").write_bytes(b"ONE=1\n")
    layers = build_layers([str(project / "compose.yaml")], str(project), {}, with_env=True)
    hashed = {name: artifact.hashed_name(str(project / name), suffix)
              for name, suffix in (("sub/base.yaml", ".yaml"), ("one.env", ".env"), ("two.env", ".env"))}
    assert layers[0].data.decode() == (
        f"services:\n  web:\n    image: busybox\n    extends:\n      file: {hashed['sub/base.yaml']}\n"
        f"      service: base\n    env_file:\n      - {hashed['one.env']}\n      - path: {hashed['two.env']}\n"
        f"        required: false\n")
    assert layers[1].data == base
    assert layers[1].annotations == {"com.docker.compose.extends": "true", "com.docker.compose.file":
                                     hashed["sub/base.yaml"], "com.docker.compose.version": "2.40.3"}
    # two.env does not exist: left out, as v2 does (required: false)
    assert [(layer.media_type, layer.data) for layer in layers[2:]] == [(artifact.ENV_FILE_MEDIA_TYPE, b"ONE=1\n")]
    assert layers[2].annotations["com.docker.compose.envfile"] == hashed["one.env"]


def test_extends_of_a_missing_file_is_kept_as_written(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    extends:\n      file: oci://x/y\n      service: b\n")
    layers = build_layers([str(tmp_path / "compose.yaml")], str(tmp_path), {})
    assert b"file: oci://x/y" in layers[0].data and len(layers) == 1


def test_replace_value_keeps_every_other_byte():
    assert artifact.replace_value(b"a:\n  b: 'x' # c\nd: 1\n", 2, 6, "new") == b"a:\n  b: new\nd: 1\n"
    assert artifact.replace_value(b"a:\n  b: x", 2, 6, "new") == b"a:\n  b: new"


def test_descriptor_json_field_order_and_base64():
    layer = artifact.env_file_layer("/x/h.env", b"<&>")
    value = layer.as_json()
    assert list(value) == ["mediaType", "digest", "size", "annotations", "data"]
    assert base64.b64decode(value["data"]) == b"<&>"


def test_created_is_rfc3339():
    import re

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)", artifact.created_now())


# `docker compose publish --app` of `services: {web: {image: 127.0.0.1:5055/pbx/busybox:1}}` (pushed by digest)
V2_APP_INDEX = (
    '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":'
    '"application/vnd.docker.distribution.manifest.v2+json","digest":'
    '"sha256:eb00af2209e19caa969009231c39920461afc2072b6188d62ed9bc993a4b16c9","size":527,"annotations":'
    '{"containerd.io/distribution.source.127.0.0.1":"pbx/busybox"}}],"subject":{"mediaType":'
    '"application/vnd.oci.image.manifest.v1+json","digest":'
    '"sha256:8792d678096a865a13dc2789b22dee4de69a938897ad2c2abf2b3f40f6bad6f8","size":1147,"annotations":'
    '{"com.docker.compose.version":"2.40.3"},"artifactType":"application/vnd.docker.compose.project"},'
    '"annotations":{"com.docker.compose.version":"2.40.3"}}')


def test_application_index_is_v2s():
    image = artifact.image_descriptor("application/vnd.docker.distribution.manifest.v2+json",
                                      "sha256:eb00af2209e19caa969009231c39920461afc2072b6188d62ed9bc993a4b16c9", 527,
                                      "127.0.0.1", "pbx/busybox")
    index = artifact.index_bytes([image], "sha256:8792d678096a865a13dc2789b22dee4de69a938897ad2c2abf2b3f40f6bad6f8",
                                 1147, artifact.ARTIFACT_TYPE)
    assert index.decode() == V2_APP_INDEX
    assert artifact.digest_of(index) == "sha256:15a2be0d751d0a1dde1e41c3c3d81bae40d784191f7653c95121654aea817b10"
    subject = artifact.manifest([], "1.0", created="2026-01-01T00:00:00Z")
    assert "artifactType" not in json.loads(artifact.application_index([image], subject))["subject"]
