"""The registry client and `api.publish` against a fake distribution registry on loopback (no engine)."""

from __future__ import annotations

import base64
import json

import pytest

from pycompose.api.publish import PublishOptions, publish
from pycompose.events import CollectingSink
from pycompose.loader.options import ProjectOptions
from pycompose.publish import artifact
from pycompose.publish.checks import PublishRefused
from pycompose.publish.registry import Credentials, RegistryClient, RegistryError, load_credentials, parse_challenge
from pycompose.session import RunOptions


def test_blob_upload_and_manifest_put(fake_registry):
    client = RegistryClient(fake_registry.address, "pb/app", plain_http=True)
    client.push_blob(b"hello", artifact.digest_of(b"hello"))
    client.push_blob(b"hello", artifact.digest_of(b"hello"))  # already there: HEAD only
    assert [method for method, _ in fake_registry.requests].count("POST") == 1
    assert client.get_blob(artifact.digest_of(b"hello")) == b"hello"
    digest = client.put_manifest("v1", artifact.OCI_MANIFEST_MEDIA_TYPE, b'{"a":1}')
    assert digest == artifact.digest_of(b'{"a":1}')
    assert client.get_manifest("v1") == (b'{"a":1}', artifact.OCI_MANIFEST_MEDIA_TYPE, digest)
    assert client.manifest_digest("v1") == digest


def test_status_errors_carry_the_status(fake_registry):
    client = RegistryClient(fake_registry.address, "pb/app", plain_http=True)
    with pytest.raises(RegistryError) as failed:
        client.get_manifest("missing")
    assert failed.value.status == 404
    assert "404 Not Found: MANIFEST_UNKNOWN: unknown" in str(failed.value)


def test_https_to_a_plain_registry_fails_clearly(fake_registry):
    with pytest.raises(RegistryError, match=r'failed to do request: Head "https://127\.0\.0\.1:\d+/v2/pb/app/blobs'):
        RegistryClient(fake_registry.address, "pb/app").blob_exists("sha256:" + "0" * 64)


@pytest.mark.parametrize("auth", ["basic", "bearer"])
def test_authentication_challenges_are_answered(make_registry, auth):
    registry = make_registry(auth=auth)
    anonymous = RegistryClient(registry.address, "pb/app", plain_http=True)
    with pytest.raises(RegistryError) as failed:
        anonymous.push_blob(b"x", artifact.digest_of(b"x"))
    assert failed.value.status == 401
    client = RegistryClient(registry.address, "pb/app", plain_http=True,
                            credentials=Credentials(registry.user, registry.password))
    client.push_blob(b"x", artifact.digest_of(b"x"))
    assert registry.blobs[artifact.digest_of(b"x")] == b"x"


def test_credentials_from_docker_config(tmp_path):
    auth = base64.b64encode(b"pb:s3cret").decode()
    (tmp_path / "config.json").write_text(json.dumps({"auths": {"reg.example": {"auth": auth},
                                                                "other": {"identitytoken": "idt"}}}))
    environ = {"DOCKER_CONFIG": str(tmp_path)}
    assert load_credentials("reg.example", environ) == Credentials("pb", "s3cret")
    assert load_credentials("other", environ).identity_token == "idt"
    assert load_credentials("nowhere", environ) == Credentials()
    assert parse_challenge('Bearer realm="https://a/token",service="reg",scope="repository:x:pull"') == (
        "bearer", {"realm": "https://a/token", "service": "reg", "scope": "repository:x:pull"})


def _project(tmp_path, text: str) -> ProjectOptions:
    (tmp_path / "compose.yaml").write_text(text)
    return ProjectOptions(files=(str(tmp_path / "compose.yaml"),), working_directory=str(tmp_path),
                          environ={}, project_name="pbunit")


def test_publish_pushes_layers_config_and_manifest(fake_registry, tmp_path):
    source = _project(tmp_path, "services:\n  web:\n    image: busybox\n")
    sink = CollectingSink()
    result = publish(source, f"{fake_registry.address}/pb/app:v1", sink=sink, plain_http=True)
    assert result is not None and result.digest is not None
    media_type, body = fake_registry.manifests[("pb/app", "v1")]
    assert media_type == artifact.OCI_MANIFEST_MEDIA_TYPE and artifact.digest_of(body) == result.digest
    manifest = json.loads(body)
    assert manifest["artifactType"] == artifact.ARTIFACT_TYPE
    assert fake_registry.blobs[manifest["layers"][0]["digest"]] == (tmp_path / "compose.yaml").read_bytes()
    assert fake_registry.blobs[manifest["config"]["digest"]] == b"{}"
    assert [(e.name, e.status) for e in sink.events] == [("web", "Skipped"),
                                                         (f"{fake_registry.address}/pb/app:v1", "publishing"),
                                                         (f"{fake_registry.address}/pb/app:v1", "published")]


def test_publish_falls_back_to_oci_1_0(make_registry, tmp_path):
    registry = make_registry(refuse_artifact_type=True)
    source = _project(tmp_path, "services:\n  web:\n    image: busybox\n")
    publish(source, f"{registry.address}/pb/app:v1", plain_http=True)
    manifest = json.loads(registry.manifests[("pb/app", "v1")][1])
    assert "artifactType" not in manifest and manifest["config"]["mediaType"] == artifact.EMPTY_CONFIG_MEDIA_TYPE
    with pytest.raises(RegistryError):  # asked for 1.1 explicitly: no fallback
        publish(source, f"{registry.address}/pb/app:v2", PublishOptions(oci_version="1.1"), plain_http=True)


def test_publish_questions(fake_registry, tmp_path):
    source = _project(tmp_path, "services:\n  web:\n    image: busybox\n    volumes: [./d:/d]\n"
                                "    environment: [A=1]\n")
    asked: list[str] = []

    def no(question: str) -> bool:
        asked.append(question)
        return False

    address = f"{fake_registry.address}/pb/app:v1"
    assert publish(source, address, PublishOptions(with_env=True), confirm=no, plain_http=True) is None
    assert asked[0].endswith("Are you ok to publish these bind mount declarations?") and len(asked) == 1
    assert not fake_registry.manifests
    with pytest.raises(PublishRefused, match="you are about to publish bind mounts"):  # a library does not prompt
        publish(source, address, PublishOptions(with_env=True), plain_http=True)
    with pytest.raises(PublishRefused, match='service "web" has environment variable'):
        publish(source, address, confirm=lambda question: True, plain_http=True)
    answers = []
    result = publish(source, address, PublishOptions(with_env=True), confirm=lambda q: answers.append(q) or True,
                     plain_http=True)
    assert result is not None and len(answers) == 2 and "A=1\n" in answers[1]
    assert publish(source, address, PublishOptions(assume_yes=True), plain_http=True) is not None


def test_publish_refusals(fake_registry, tmp_path):
    address = f"{fake_registry.address}/pb/app:v1"
    (tmp_path / "inc.yaml").write_text("services:\n  other:\n    image: busybox\n")
    with pytest.raises(PublishRefused, match="^cannot publish compose file with local includes$"):
        publish(_project(tmp_path, "include: [inc.yaml]\nservices:\n  web:\n    image: busybox\n"), address,
                plain_http=True)
    with pytest.raises(PublishRefused, match="only contains a build section"):
        publish(_project(tmp_path, "services:\n  web:\n    build: .\n"), address, plain_http=True)
    assert not fake_registry.requests


def test_dry_run_pushes_nothing(fake_registry, tmp_path):
    source = _project(tmp_path, "services:\n  web:\n    image: busybox\n")
    result = publish(source, f"{fake_registry.address}/pb/app:v1", run=RunOptions(dry_run=True), plain_http=True)
    assert result is not None and result.digest is None and not fake_registry.requests


def test_resolve_image_digests(fake_registry, tmp_path):
    client = RegistryClient(fake_registry.address, "pb/base", plain_http=True)
    digest = client.put_manifest("1", artifact.OCI_MANIFEST_MEDIA_TYPE, b'{"schemaVersion":2}')
    source = _project(tmp_path, f"services:\n  web:\n    image: {fake_registry.address}/pb/base:1\n")
    result = publish(source, f"{fake_registry.address}/pb/app:v1", PublishOptions(resolve_image_digests=True),
                     plain_http=True)
    assert result is not None
    assert result.layers[-1].data == f"services:\n  web:\n    image: {fake_registry.address}/pb/base:1@{digest}\n" \
        .encode()


def test_app_copies_the_images_and_pushes_an_index(fake_registry, tmp_path):
    source = RegistryClient(fake_registry.address, "pb/base", plain_http=True)
    config, layer = b'{"architecture":"amd64"}', b"layer-bytes"
    for blob in (config, layer):
        source.push_blob(blob, artifact.digest_of(blob))
    image = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                   "digest": artifact.digest_of(config), "size": len(config)},
                        "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                    "digest": artifact.digest_of(layer), "size": len(layer)}]}).encode()
    image_digest = artifact.digest_of(image)
    source.put_manifest(image_digest, artifact.OCI_MANIFEST_MEDIA_TYPE, image)
    index = json.dumps({"schemaVersion": 2, "mediaType": artifact.OCI_INDEX_MEDIA_TYPE, "manifests": [
        {"mediaType": artifact.OCI_MANIFEST_MEDIA_TYPE, "digest": image_digest, "size": len(image)}]}).encode()
    source.put_manifest("1", artifact.OCI_INDEX_MEDIA_TYPE, index)
    project = _project(tmp_path, f"services:\n  web:\n    image: {fake_registry.address}/pb/base:1\n")
    result = publish(project, f"{fake_registry.address}/pb/app:v1", PublishOptions(app=True), plain_http=True)
    assert result is not None and result.layers[-1].annotations["com.docker.compose.file"] == "image-digests.yaml"
    assert fake_registry.manifests[("pb/app", image_digest)][1] == image
    assert fake_registry.manifests[("pb/app", artifact.digest_of(index))][1] == index
    pushed = [json.loads(body) for (repo, _), (kind, body) in fake_registry.manifests.items()
              if repo == "pb/app" and kind == artifact.OCI_INDEX_MEDIA_TYPE and b"subject" in body]
    assert len(pushed) == 1
    assert pushed[0]["subject"]["digest"] == result.digest
    assert pushed[0]["manifests"] == [{"mediaType": artifact.OCI_INDEX_MEDIA_TYPE, "digest": artifact.digest_of(index),
                                       "size": len(index), "annotations": {
                                           "containerd.io/distribution.source.127.0.0.1": "pb/base"}}]


def test_fetch_artifact_writes_v2s_cache_layout(fake_registry, tmp_path):
    from pycompose.api.publish import fetch_artifact
    from pycompose.publish.remote import RemoteError

    project = tmp_path / "project"
    (project / "sub").mkdir(parents=True)
    (project / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n    env_file: app.env\n"
                                          "    extends: {file: sub/base.yaml, service: base}\n")
    (project / "compose.override.yaml").write_text("services:\n  web:\n    labels: [a=b]\n")
    (project / "sub" / "base.yaml").write_text("services:\n  base:\n    image: busybox\n")
    (project / "app.env").write_text("A=1\n")
    source = ProjectOptions(files=(str(project / "compose.yaml"), str(project / "compose.override.yaml")),
                            working_directory=str(project), environ={}, project_name="pbunit")
    result = publish(source, f"{fake_registry.address}/pb/app:v1", PublishOptions(with_env=True, assume_yes=True),
                     plain_http=True)
    assert result is not None and result.digest is not None
    path = fetch_artifact(f"oci://{fake_registry.address}/pb/app:v1", plain_http=True, cache=str(tmp_path / "c"))
    directory = tmp_path / "c" / result.digest.split(":")[1]
    assert path == str(directory / "compose.yaml")
    env_name = artifact.hashed_name(str(project / "app.env"), ".env")
    base_name = artifact.hashed_name(str(project / "sub" / "base.yaml"), ".yaml")
    assert sorted(p.name for p in directory.iterdir()) == sorted(["compose.yaml", env_name, base_name])
    assert (directory / "compose.yaml").read_bytes() == (
        result.layers[0].data + b"\n---\n" + (project / "compose.override.yaml").read_bytes())
    assert (directory / base_name).read_bytes() == b"\n---\n" + (project / "sub" / "base.yaml").read_bytes()
    assert (directory / env_name).read_text() == "A=1\n"
    client = RegistryClient(fake_registry.address, "pb/other", plain_http=True)
    client.put_manifest("x", artifact.OCI_MANIFEST_MEDIA_TYPE, json.dumps(
        {"schemaVersion": 2, "artifactType": "application/vnd.other", "config": {}, "layers": []}).encode())
    with pytest.raises(RemoteError, match="is not a compose project OCI artifact, but application/vnd.other"):
        fetch_artifact(f"oci://{fake_registry.address}/pb/other:x", plain_http=True, cache=str(tmp_path / "c"))


def test_fetch_artifact_refuses_names_outside_its_directory(fake_registry, tmp_path):
    from pycompose.api.publish import fetch_artifact
    from pycompose.publish.remote import RemoteError

    client = RegistryClient(fake_registry.address, "pb/evil", plain_http=True)
    layer = artifact.env_file_layer("x.env", b"A=1\n")
    manifest = json.loads(artifact.manifest([layer], "1.1", created="2026-01-01T00:00:00Z").json_bytes())
    manifest["layers"][0]["annotations"]["com.docker.compose.envfile"] = "../escape.env"
    client.push_blob(layer.data, layer.digest)
    client.put_manifest("x", artifact.OCI_MANIFEST_MEDIA_TYPE, json.dumps(manifest).encode())
    with pytest.raises(RemoteError, match="^invalid OCI artifact$"):
        fetch_artifact(f"oci://{fake_registry.address}/pb/evil:x", plain_http=True, cache=str(tmp_path / "c"))
    assert not (tmp_path / "escape.env").exists() and not list((tmp_path / "c").iterdir())
