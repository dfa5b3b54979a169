"""Copy an image (its manifest chain: an index, its manifests, their configs and layers) from one repository to
another, as containerd's `CopyChain` does for v2's `publish --app`."""

from __future__ import annotations

import json

from pycompose.publish.registry import RegistryClient

_INDEX_TYPES = ("application/vnd.oci.image.index.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json")


def copy_image(source: RegistryClient, target: RegistryClient, reference: str) -> tuple[str, str, int]:
    """Copy `reference` (a tag or digest in `source`) into `target`, children first; (media type, digest, size)
    of the top manifest, pushed by digest.

    Raises:
        RegistryError: either registry failed.
    """
    body, media_type, digest = source.get_manifest(reference)
    _copy_manifest(source, target, body, media_type)
    if not digest:
        from pycompose.publish.artifact import digest_of

        digest = digest_of(body)
    target.put_manifest(digest, media_type, body)
    return media_type, digest, len(body)


def _copy_manifest(source: RegistryClient, target: RegistryClient, body: bytes, media_type: str) -> None:
    document = json.loads(body)
    media_type = document.get("mediaType") or media_type
    if media_type in _INDEX_TYPES or "manifests" in document:
        for child in document.get("manifests") or ():
            child_body, child_type, _ = source.get_manifest(child["digest"])
            _copy_manifest(source, target, child_body, child.get("mediaType") or child_type)
            target.put_manifest(child["digest"], child.get("mediaType") or child_type, child_body)
        return
    blobs = [document["config"]] if document.get("config") else []
    for descriptor in [*blobs, *(document.get("layers") or ())]:
        if not target.blob_exists(descriptor["digest"]):
            target.push_blob(source.get_blob(descriptor["digest"]), descriptor["digest"])
