"""`down --rmi`: v2's image selection (image_pruner.go)."""

from __future__ import annotations

import pytest

from pycompose.images.prune import familiar, images_to_remove
from pycompose.model import Project, Service
from pycompose.observed import ObservedImage


def _project() -> Project:
    return Project(name="p", services=(
        Service("a", {"build": {"context": "."}}, "p-a"),
        Service("b", {"image": "me/b:1", "build": {"context": "."}}, "me/b:1"),
        Service("c", {"image": "busybox"}, "busybox"),
    ), networks=(), volumes=(), working_dir="/p")


LABELLED = [
    ObservedImage("sha256:1", repo_tags=("me/b:1",),
                  labels={"com.docker.compose.project": "p", "com.docker.compose.service": "b"}),
    ObservedImage("sha256:2", repo_tags=("old:1",),
                  labels={"com.docker.compose.project": "p", "com.docker.compose.service": "gone"}),
    ObservedImage("sha256:3", labels={"com.docker.compose.project": "p", "com.docker.compose.service": "a"}),
]


@pytest.mark.parametrize("mode, orphans, present, expected", [
    ("local", False, {"p-a", "me/b:1", "busybox"}, ["me/b:1", "p-a:latest"]),
    ("local", False, {"busybox"}, ["me/b:1"]),   # labelled images come from the engine's own list
    ("local", True, {"p-a"}, ["me/b:1", "old:1", "p-a:latest"]),
    ("all", False, {"p-a", "me/b:1", "busybox"}, ["busybox:latest", "me/b:1", "p-a:latest"]),
])
def test_images_removed(mode, orphans, present, expected):
    found = images_to_remove(_project(), mode, labelled=LABELLED, exists=lambda name: name in present,
                             remove_orphans=orphans)
    assert found == expected


def test_classic_built_images_without_labels_are_kept_by_local():
    assert images_to_remove(_project(), "local", labelled=[], exists=lambda name: True) == ["p-a:latest"]


def test_familiar_names():
    assert familiar("docker.io/library/busybox") == "busybox:latest"
    assert familiar("127.0.0.1:5000/x") == "127.0.0.1:5000/x:latest"
    assert familiar("x@sha256:ab") == "x@sha256:ab"
