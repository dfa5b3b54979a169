"""`up` pulls and builds before it creates anything: a failure leaves the engine untouched (FakeEngine)."""

from __future__ import annotations

import pytest

from pycompose import api
from pycompose.engine.fake import FakeEngine
from pycompose.errors import EngineError, NotFound
from pycompose.events import CollectingSink
from pycompose.loader.options import LoadedProject


def _loaded(tmp_path, services: dict) -> LoadedProject:
    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    config = {"name": "p", "services": services,
              "networks": {"default": {"name": "p_default", "ipam": {}}}}
    return LoadedProject(name="p", working_dir=str(tmp_path), config_files=(str(tmp_path / "compose.yaml"),),
                         env_files=(), environment={}, config=config)


def _service(tmp_path, **extra) -> dict:
    return {"build": {"context": str(tmp_path), "dockerfile": "Dockerfile"}, "command": ["true"],
            "networks": {"default": None}, **extra}


def test_a_missing_built_image_is_built_then_the_container_created(tmp_path):
    engine = FakeEngine()
    api.up(_loaded(tmp_path, {"web": _service(tmp_path)}), engine=engine, sink=CollectingSink())
    operations = [operation for operation, _ in engine.calls]
    assert operations.index("build") < operations.index("create_network") < operations.index("create")


def test_a_failing_build_creates_nothing(tmp_path):
    engine = FakeEngine()
    engine.fail[("build_failure", "p-web")] = "boom"
    with pytest.raises(EngineError, match='failed to build service "web"'):
        api.up(_loaded(tmp_path, {"web": _service(tmp_path)}), engine=engine, sink=CollectingSink())
    assert [operation for operation, _ in engine.calls] == ["build"]


def test_an_unpullable_image_creates_nothing(tmp_path):
    engine = FakeEngine()
    services = {"web": {"image": "127.0.0.1:9/nope:1", "networks": {"default": None}}}
    with pytest.raises(NotFound, match=r'service "web": cannot pull image 127\.0\.0\.1:9/nope:1: '):
        api.up(_loaded(tmp_path, services), engine=engine, sink=CollectingSink())
    assert [operation for operation, _ in engine.calls] == ["pull"]


def test_no_build_with_a_missing_image_is_one_clear_error(tmp_path):
    engine = FakeEngine()
    with pytest.raises(NotFound, match="is not available locally and --no-build was given"):
        api.up(_loaded(tmp_path, {"web": _service(tmp_path)}), api.UpOptions(no_build=True), engine=engine,
               sink=CollectingSink())
    assert engine.calls == []


class BuggyEngine(FakeEngine):
    """Pulling, pushing or building `p-bug…` hits a bug in pycompose, not an engine refusal."""

    def pull_image(self, reference, output=None):
        if reference.startswith("p-bug"):
            raise RuntimeError("a bug while pulling")
        return super().pull_image(reference, output)

    def push_image(self, reference, output=None):
        if reference.startswith("p-bug"):
            raise RuntimeError("a bug while pushing")
        return super().push_image(reference, output)

    def build_image(self, spec, context, output):
        if spec.tags[0].startswith("p-bug"):
            raise RuntimeError("a bug while building")
        return super().build_image(spec, context, output)


def test_pull_failures_come_back_in_service_order_and_a_bug_propagates(tmp_path):
    from pycompose.images.pull import pull_images
    from pycompose.model import Service

    engine = FakeEngine()
    engine.pullable = {"ok"}
    services = tuple(Service(name, {"image": name}, name) for name in ("z", "ok", "a"))
    failures = pull_images(services, engine, CollectingSink(), parallel=1)
    assert [(service.name, type(error)) for service, error in failures] == [("z", NotFound), ("a", NotFound)]
    with pytest.raises(RuntimeError, match="a bug while pulling"):
        pull_images((Service("b", {"image": "p-bug"}, "p-bug"),), BuggyEngine(), CollectingSink())


def test_a_bug_in_a_build_or_a_push_propagates_as_itself(tmp_path):
    from pycompose.bind import bind_project
    from pycompose.images import operations
    from pycompose.images.run import build_services

    loaded = _loaded(tmp_path, {"bug": _service(tmp_path, image="p-bug")})
    with pytest.raises(RuntimeError, match="a bug while building"):
        build_services(bind_project(loaded), ("bug",), BuggyEngine(), CollectingSink(), environment={})
    with pytest.raises(RuntimeError, match="a bug while pushing"):
        operations.push(loaded, engine=BuggyEngine(), sink=CollectingSink())
