"""Image names and labels for built services, as measured on `docker-compose build` (v2.40.3, engine 20.10):
`docker image inspect` showed, for a service with `build.labels: {foo: bar, com.docker.compose.project: override}`,
classic builder (DOCKER_BUILDKIT=0): {"com.docker.compose.image.builder": "classic",
"com.docker.compose.project": "override", "foo": "bar"};
BuildKit: {"com.docker.compose.project": "proj", "com.docker.compose.service": "app",
"com.docker.compose.version": "2.40.3", "foo": "bar"}."""

from __future__ import annotations

import pytest

from pycompose.images.naming import build_labels, default_image_name, image_for_service

SERVICE = {"build": {"context": "/p", "dockerfile": "Dockerfile",
                     "labels": {"com.docker.compose.project": "override", "foo": "bar"}}}


def test_default_image_name():
    assert default_image_name("proj", "app") == "proj-app"


def test_image_for_service():
    assert image_for_service("proj", "app", SERVICE) == "proj-app"
    assert image_for_service("proj", "named", {"image": "myimg:1", "build": {"context": "."}}) == "myimg:1"
    assert image_for_service("proj", "app", {"image": "", "build": {}}) == "proj-app"


def test_classic_labels_measured_on_v2():
    assert build_labels(SERVICE, "2.40.3") == {
        "com.docker.compose.image.builder": "classic",
        "com.docker.compose.project": "override",
        "foo": "bar",
    }
    assert build_labels({"image": "myimg:1", "build": {"context": "."}}, "2.40.3") == {
        "com.docker.compose.image.builder": "classic"}


def test_buildkit_labels_measured_on_v2():
    assert build_labels(SERVICE, "2.40.3", project="proj", service_name="app", builder="buildkit") == {
        "com.docker.compose.project": "proj",
        "com.docker.compose.service": "app",
        "com.docker.compose.version": "2.40.3",
        "foo": "bar",
    }


def test_list_form_labels_and_none_values():
    service = {"build": {"labels": ["a=1", "b=", "c"]}}
    assert build_labels(service, "2.40.3") == {"a": "1", "b": "", "c": "",
                                               "com.docker.compose.image.builder": "classic"}
    assert build_labels({"build": {"labels": {"x": None}}}, "v")["x"] == ""


def test_labels_do_not_mutate_the_service():
    build_labels(SERVICE, "2.40.3")
    assert SERVICE["build"]["labels"] == {"com.docker.compose.project": "override", "foo": "bar"}


def test_unknown_builder():
    with pytest.raises(ValueError):
        build_labels(SERVICE, "2.40.3", builder="bake")
