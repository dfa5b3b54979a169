"""`config --resolve-image-digests` / `--lock-image-digests`: each service's image pinned to the digest its
registry gives it, asked through the engine as v2 asks (`DistributionInspect`, compose-go `WithImagesResolved`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pycompose.session import engine_of

if TYPE_CHECKING:
    from pycompose.engine.base import Engine


def pinned_images(services: Mapping[str, Mapping[str, Any]], engine: Engine | None = None) -> dict[str, str]:
    """Service name → its image as `NAME[:TAG]@DIGEST`, normalised as docker/distribution's ParseDockerRef does
    (`busybox` → `docker.io/library/busybox:latest@sha256:…`; an image that has a digest keeps it and loses its
    tag, unasked). Services without `image` are left out.

    Raises:
        ComposeError: `failed to resolve digest for REF: <the engine's message>`; UsageError: a bad reference.
    """
    from pycompose.errors import ComposeError
    from pycompose.publish.reference import Reference, parse

    pinned: dict[str, str] = {}
    resolved: dict[str, str] = {}
    for name in sorted(services):
        image = services[name].get("image")
        if not isinstance(image, str) or not image:
            continue
        ref = parse(image)
        if ref.digest:
            pinned[name] = str(Reference(ref.domain, ref.path, "", ref.digest))
            continue
        if str(ref) not in resolved:
            engine = engine_of(engine)
            try:
                resolved[str(ref)] = engine.image_digest(str(ref))
            except ComposeError as error:
                raise ComposeError(f"failed to resolve digest for {ref}: {error}") from None
        pinned[name] = str(ref.with_digest(resolved[str(ref)]))
    return pinned


def with_pinned_images(config: Mapping[str, Any], pinned: Mapping[str, str], *, lock: bool = False,
                       typed: bool = True) -> dict[str, Any]:
    """The model with each service's image pinned; with `lock` (`--lock-image-digests`) only the services' images,
    as v2 prints that override file: the typed model keeps an empty name and each service's null command and
    entrypoint (`--format json` shows them), the uninterpolated one only `services`."""
    services = config.get("services") or {}
    if not lock:
        return {**config, "services": {name: ({**service, "image": pinned[name]} if name in pinned else service)
                                        for name, service in services.items()}}
    locked: dict[str, Any] = {}
    for name in services:
        entry: dict[str, Any] = {"command": None, "entrypoint": None} if typed else {}
        if name in pinned:
            entry["image"] = pinned[name]
        locked[name] = entry
    return {"name": "", "services": locked} if typed else {"services": locked}
