"""build_services on the FakeEngine: order (depends_on, FROM another service's image), failures, events."""

from __future__ import annotations

import pytest

from pycompose.engine.fake import FakeEngine
from pycompose.errors import ConfigError, EngineError
from pycompose.events import CollectingSink
from pycompose.images.run import build_services, from_images, waits_for
from pycompose.model import Project, Service


def _project(tmp_path, dockerfiles: dict[str, str], depends: dict[str, list[str]] | None = None) -> Project:
    services = []
    for name, text in dockerfiles.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "Dockerfile").write_text(text)
        config = {"build": {"context": str(tmp_path / name), "dockerfile": "Dockerfile"}}
        if depends and name in depends:
            config["depends_on"] = {d: {"condition": "service_started"} for d in depends[name]}
        services.append(Service(name, config, f"p-{name}"))
    return Project(name="p", services=tuple(services), networks=(), volumes=(), working_dir=str(tmp_path))


def test_a_service_built_from_another_services_image_waits_for_it(tmp_path):
    project = _project(tmp_path, {"app": "FROM p-base:latest AS x\nRUN true\n", "base": "FROM busybox\n",
                                  "other": "FROM --platform=linux/amd64 busybox\n"})
    assert from_images(project.service("other").config) == ["busybox"]
    assert waits_for(project, "app", ("app", "base", "other")) == {"base"}
    engine, sink = FakeEngine(), CollectingSink()
    built = build_services(project, ("app", "base", "other"), engine, sink, environment={})
    assert set(built) == {"p-app", "p-base", "p-other"}
    order = [name for operation, name in engine.calls if operation == "build"]
    assert order.index("p-base") < order.index("p-app")
    assert ("Service", "app", "Built") in {(e.resource, e.name, e.status) for e in sink.events}


def test_depends_on_orders_builds_too(tmp_path):
    project = _project(tmp_path, {"a": "FROM busybox\n", "b": "FROM busybox\n"}, depends={"a": ["b"]})
    assert waits_for(project, "a", ("a", "b")) == {"b"}
    assert waits_for(project, "a", ("a",)) == set()


def test_a_failure_names_the_service_and_step_and_stops_dependent_builds(tmp_path):
    project = _project(tmp_path, {"app": "FROM p-base\n", "base": "FROM busybox\n"})
    engine, sink = FakeEngine(), CollectingSink()
    engine.fail[("build_failure", "p-base")] = "The command '/bin/sh -c false' returned a non-zero code: 1"
    with pytest.raises(EngineError) as raised:
        build_services(project, ("app", "base"), engine, sink, environment={}, quiet=True)
    assert str(raised.value) == ('failed to build service "base" at step 1/1 (FROM p-base-base): '
                                 "The command '/bin/sh -c false' returned a non-zero code: 1")
    assert [name for operation, name in engine.calls if operation == "build"] == ["p-base"]
    assert not [e for e in sink.events if e.detail.startswith("Step")]  # quiet: no output lines


def test_a_from_cycle_is_a_config_error(tmp_path):
    project = _project(tmp_path, {"a": "FROM p-b\n", "b": "FROM p-a\n"})
    with pytest.raises(ConfigError, match="build order cycle"):
        build_services(project, ("a", "b"), FakeEngine(), CollectingSink(), environment={})
