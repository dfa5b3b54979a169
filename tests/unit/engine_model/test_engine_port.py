"""The Engine port: the fake and the adapter implement every method of the protocol with its signature, and the
adapter turns the engine's JSON into our values once."""

from __future__ import annotations

import inspect

import pytest

from pycompose.engine.base import Engine
from pycompose.engine.dockerpy import DockerEngine, _container_from_summary, _image_from_inspect
from pycompose.engine.fake import FakeEngine
from pycompose.observed import PortBinding

PORT_METHODS = sorted(name for name, member in vars(Engine).items()
                      if not name.startswith("_") and (callable(member) or isinstance(member, property)))


def test_the_port_is_what_the_layers_above_it_use():
    assert "host" in PORT_METHODS and "exec_container" in PORT_METHODS and "stream_logs" in PORT_METHODS
    assert "image_details" not in PORT_METHODS  # one image inspection: inspect_image(s)


@pytest.mark.parametrize("implementation", [FakeEngine, DockerEngine], ids=["fake", "adapter"])
@pytest.mark.parametrize("name", PORT_METHODS)
def test_each_implementation_has_every_method_of_the_port_with_its_signature(implementation, name):
    declared = inspect.getattr_static(Engine, name)
    implemented = inspect.getattr_static(implementation, name, None)
    assert implemented is not None, f"{implementation.__name__} lacks {name}"
    if isinstance(declared, property):  # a read-only attribute: a property or a plain value will do
        assert not callable(implemented) or isinstance(implemented, property), name
        return
    assert callable(implemented), name
    want, got = inspect.signature(declared), inspect.signature(implemented)
    assert list(got.parameters) == list(want.parameters), f"{implementation.__name__}.{name}{got} != {want}"
    for parameter, expected in zip(got.parameters.values(), want.parameters.values()):
        assert (parameter.kind, parameter.default, parameter.annotation) == (
            expected.kind, expected.default, expected.annotation), f"{implementation.__name__}.{name}: {parameter}"
    assert got.return_annotation == want.return_annotation, f"{implementation.__name__}.{name} returns"


def test_a_summary_becomes_typed_port_bindings():
    container = _container_from_summary({
        "Id": "abc", "Names": ["/p-web-1"], "State": "running", "Status": "Up 2 seconds (healthy)", "Labels": {},
        "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                  {"PrivatePort": 53, "Type": "udp"}],
    })
    assert container.ports == (PortBinding(private_port=80, protocol="tcp", ip="0.0.0.0", public_port=8080),
                               PortBinding(private_port=53, protocol="udp"))
    assert [p.published for p in container.ports] == [True, False]
    assert (container.name, container.health) == ("p-web-1", "healthy")


def test_an_image_inspection_becomes_one_typed_value():
    image = _image_from_inspect({
        "Id": "sha256:1", "RepoTags": ["busybox:latest"], "Size": 4096, "Created": "2024-01-01T00:00:00Z",
        "Os": "linux", "Architecture": "arm64", "Variant": "v8", "Metadata": {"LastTagTime": "2024-02-01T00:00:00Z"},
        "Config": {"Env": ["PATH=/bin"], "Labels": None, "Volumes": {"/data": {}}},
    })
    assert (image.id, image.repo_tags, image.size, image.platform) == ("sha256:1", ("busybox:latest",), 4096,
                                                                       "linux/arm64/v8")
    assert (image.volumes, image.env, image.labels, image.last_tagged) == (("/data",), ("PATH=/bin",), {},
                                                                           "2024-02-01T00:00:00Z")


def test_the_adapter_offers_nothing_beside_the_port():
    public = {name for name, member in vars(DockerEngine).items()
              if not name.startswith("_") and (callable(member) or isinstance(member, property))}
    assert public == set(PORT_METHODS)
