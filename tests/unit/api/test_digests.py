"""Image references pinned as compose-go's WithImagesResolved pins them (ParseDockerRef, then WithDigest)."""

from __future__ import annotations

import pytest

from pycompose.api.digests import pinned_images, with_pinned_images
from pycompose.engine.fake import FakeEngine
from pycompose.errors import ComposeError

DIGEST = "sha256:" + "ab" * 32


def test_references_are_normalised_and_asked_once():
    engine = FakeEngine()
    engine.registry_digests = {"docker.io/library/busybox:latest": DIGEST, "reg:5000/team/app:1": DIGEST}
    pinned = pinned_images({"a": {"image": "busybox"}, "b": {"image": "busybox:latest"},
                            "c": {"image": "reg:5000/team/app:1"}, "d": {"image": f"app:2@{DIGEST}"},
                            "e": {"build": {"context": "."}}}, engine)
    assert pinned == {"a": f"docker.io/library/busybox:latest@{DIGEST}",
                      "b": f"docker.io/library/busybox:latest@{DIGEST}",
                      "c": f"reg:5000/team/app:1@{DIGEST}",
                      "d": f"docker.io/library/app@{DIGEST}"}  # a digest given wins over the tag, unasked
    assert [call for call in engine.calls if call[0] == "distribution"] == [
        ("distribution", "docker.io/library/busybox:latest"), ("distribution", "reg:5000/team/app:1")]


def test_an_unknown_image_names_the_reference():
    with pytest.raises(ComposeError, match="^failed to resolve digest for docker.io/library/nope:latest: Error "
                                           "response from daemon: manifest unknown"):
        pinned_images({"a": {"image": "nope"}}, FakeEngine())


def test_the_lock_file_holds_only_images():
    config = {"name": "p", "services": {"a": {"image": "x", "command": ["sh"]}, "b": {"build": {}}},
              "networks": {"default": {}}}
    assert with_pinned_images(config, {"a": "x@d"}, lock=True) == {
        "name": "", "services": {"a": {"command": None, "entrypoint": None, "image": "x@d"},
                                 "b": {"command": None, "entrypoint": None}}}
    assert with_pinned_images(config, {"a": "x@d"}, lock=True, typed=False) == {
        "services": {"a": {"image": "x@d"}, "b": {}}}
    assert with_pinned_images(config, {"a": "x@d"})["services"]["a"] == {"image": "x@d", "command": ["sh"]}
