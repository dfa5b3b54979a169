"""`run` (one-off containers) and the per-container commands (pause, top, stats, events, export, commit) above
the Engine port, on the fake engine."""

from __future__ import annotations

import io
import tarfile

import pytest

from pycompose import api, labels
from pycompose.engine.base import ContainerStats, EngineEvent
from pycompose.engine.fake import FakeEngine
from pycompose.errors import EngineError, OperationFailed, UsageError
from pycompose.events import CollectingSink
from pycompose.loader.options import LoadedProject


def _loaded() -> LoadedProject:
    base = {"command": None, "entrypoint": None, "image": "busybox:latest", "networks": {"default": None}}
    app = {**base, "depends_on": {"db": {"condition": "service_started", "required": True, "restart": False}},
           "restart": "always", "labels": {"team": "blue"}, "environment": {"A": "1"},
           "ports": [{"mode": "ingress", "target": 80, "published": "8080", "protocol": "tcp"}]}
    config = {"name": "p", "services": {"app": app, "db": dict(base)},
              "networks": {"default": {"name": "p_default", "ipam": {}}}}
    return LoadedProject(name="p", working_dir="/tmp", config_files=("/tmp/compose.yaml",), env_files=(),
                         environment={}, config=config)


def _run(engine: FakeEngine, options: api.OneOffOptions, service: str = "app", stdin: bytes | None = None):
    out, err = io.BytesIO(), io.BytesIO()
    result = api.run_oneoff(_loaded(), service, options, stdin=io.BytesIO(stdin) if stdin is not None else None,
                            stdout=out, stderr=err, engine=engine, sink=CollectingSink())
    return result, out.getvalue(), err.getvalue()


def test_a_one_off_starts_its_dependencies_and_returns_its_exit_code_and_output():
    engine = FakeEngine()
    result, out, _ = _run(engine, api.OneOffOptions(command=("echo", "hi"), remove=True))
    assert (result.exit_code, out) == (0, b"hi\n")
    assert engine.containers["p-db-1"].running and "p-app-1" not in engine.containers
    assert result.name not in engine.containers  # --rm: AutoRemove
    failed, _, _ = _run(engine, api.OneOffOptions(command=("false",), no_deps=True))
    assert failed.exit_code == 1
    stdin, out, _ = _run(engine, api.OneOffOptions(command=("cat",), no_deps=True), stdin=b"piped")
    assert out == b"piped"


def test_no_deps_starts_nothing_but_the_networks():
    engine = FakeEngine()
    _run(engine, api.OneOffOptions(command=("true",), no_deps=True))
    assert "p-db-1" not in engine.containers and "p_default" in engine.networks


def test_the_one_off_is_named_labelled_and_configured_as_v2_does():
    engine = FakeEngine()
    result, _, _ = _run(engine, api.OneOffOptions(command=("true",), env={"B": "2"}, labels={"x": "y"},
                                                  user="1000", workdir="/w", cap_add=("NET_ADMIN",)))
    spec = engine.specs[result.name]
    body = spec.body
    slug = body["Labels"][labels.PREFIX + "slug"]
    assert result.name == f"p-app-run-{slug[:12]}" and len(slug) == 64
    assert body["Labels"][labels.ONEOFF] == "True" and labels.CONTAINER_NUMBER not in body["Labels"]
    assert body["Labels"]["team"] == "blue" and body["Labels"]["x"] == "y"
    assert body["Labels"][labels.DEPENDS_ON] == "db:service_started:false"
    assert sorted(body["Env"]) == ["A=1", "B=2"]
    assert (body["User"], body["WorkingDir"], body["Cmd"]) == ("1000", "/w", ["true"])
    assert "RestartPolicy" not in body["HostConfig"] and body["HostConfig"]["PortBindings"] == {}
    assert body["HostConfig"]["CapAdd"] in (["NET_ADMIN"], ["CAP_NET_ADMIN"])
    assert body["HostConfig"]["AutoRemove"] is False
    assert spec.networks[0].endpoint["Aliases"] == [result.name]
    # one-offs are not the service's containers: ps and the lifecycle commands do not see them
    assert [c.name for c in api.ps(_loaded(), all_containers=True, engine=engine)] == ["p-db-1"]
    assert [c.name for c in engine.list_oneoff_containers("p")] == [result.name]


def test_service_ports_publish_and_aliases_are_opt_in():
    engine = FakeEngine()
    result, _, _ = _run(engine, api.OneOffOptions(command=("true",), service_ports=True, use_aliases=True,
                                                  name="custom", no_deps=True))
    spec = engine.specs["custom"]
    assert "80/tcp" in spec.body["HostConfig"]["PortBindings"]
    assert spec.networks[0].endpoint["Aliases"] == ["custom", "app"]
    assert spec.body["Labels"][labels.DEPENDS_ON] == ""
    published, _, _ = _run(engine, api.OneOffOptions(command=("true",), publish=("9000:90",), no_deps=True))
    assert list(engine.specs[published.name].body["HostConfig"]["PortBindings"]) == ["90/tcp"]


def test_a_detached_one_off_returns_at_once():
    engine = FakeEngine()
    result, _, _ = _run(engine, api.OneOffOptions(detach=True, no_deps=True))
    assert result.exit_code is None and engine.containers[result.name].running


def test_an_unknown_service_is_a_usage_error():
    with pytest.raises(UsageError, match="no such service: nope"):
        _run(FakeEngine(), api.OneOffOptions(), service="nope")


@pytest.fixture
def engine() -> FakeEngine:
    fake = FakeEngine()
    api.up(_loaded(), engine=fake, sink=CollectingSink())
    return fake


def test_pause_and_unpause_report_each_container(engine):
    sink = CollectingSink()
    api.pause(_loaded(), ("db",), engine=engine, sink=sink)
    assert engine.containers["p-db-1"].state == "paused"
    assert [(e.name, e.status) for e in sink.events] == [("p-db-1", "Paused")]
    api.unpause(_loaded(), engine=engine, sink=sink)
    assert engine.containers["p-db-1"].state == "running"
    engine.fail[("pause", "p-app-1")] = "Error response from daemon: already paused"
    with pytest.raises(EngineError, match="already paused"):
        api.pause(_loaded(), engine=engine, sink=CollectingSink())


def test_top_stats_events(engine):
    found = api.top(_loaded(), ("app",), engine=engine)
    assert [(t.name, t.service, t.number) for t in found] == [("p-app-1", "app", 1)]
    engine.stats["p-db-1"] = ContainerStats(cpu_percent=1.5, pids=3)
    usage = {u.name: u.usage for u in api.stats(_loaded(), engine=engine)}
    assert usage["p-db-1"].pids == 3 and usage["p-app-1"] == ContainerStats()
    engine.events.extend([EngineEvent(1, "start", "c1", "app", {"name": "p-app-1"}),
                          EngineEvent(2, "die", "c2", "db", {"name": "p-db-1"})])
    assert [e.action for e in api.events(_loaded(), ("db",), engine=engine)] == ["die"]


def test_events_of_a_service_no_longer_in_the_files_still_show(engine):
    """As v2: the services named filter the events by label, they are not checked against the model."""
    engine.events.append(EngineEvent(3, "stop", "c3", "gone", {"name": "p-gone-1"}))
    assert [e.container_id for e in api.events(_loaded(), ("gone",), engine=engine)] == ["c3"]


def test_export_commit_and_a_missing_container(engine):
    engine.files["p-app-1"] = {"/etc/hello": b"hi"}
    data = b"".join(api.export(_loaded(), "app", engine=engine))
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        assert tar.getnames() == ["etc/hello"]
    image_id = api.commit(_loaded(), "app", "snap:v1", engine=engine)
    assert engine.images["snap:v1"].id == image_id
    with pytest.raises(OperationFailed, match='service "app" is not running container #3'):
        api.commit(_loaded(), "app", index=3, engine=engine)


def test_scale_converges_the_new_replica_count(engine):
    api.scale(_loaded(), {"app": 2}, engine=engine, sink=CollectingSink())
    assert {"p-app-1", "p-app-2"} <= set(engine.containers)


def test_project_run_pause_and_events(engine):
    stack = api.Project(_loaded(), engine=engine, sink=CollectingSink(), stop_timeout=1)
    assert stack.run("app", "echo migrated") == (0, "migrated\n")
    stack.pause(["app"])
    assert engine.containers["p-app-1"].state == "paused"
    stack.unpause()
    assert list(stack.events()) == []
    stack.down()
    assert [c.name for c in engine.containers.values()] == []  # the one-off went with --rm


def test_ps_lists_one_offs_only_when_asked():
    engine = FakeEngine()
    result, _, _ = _run(engine, api.OneOffOptions(detach=True, no_deps=True))
    assert [c.name for c in api.ps(_loaded(), engine=engine)] == []
    assert [c.name for c in api.ps(_loaded(), all_containers=True, oneoff=True, engine=engine)] == [result.name]


def test_remove_orphans_takes_exited_one_offs_away():
    engine = FakeEngine()
    kept, _, _ = _run(engine, api.OneOffOptions(command=("true",), no_deps=True))  # exited, not removed
    assert engine.containers[kept.name].state == "exited"
    _run(engine, api.OneOffOptions(command=("true",), no_deps=True, remove=True, remove_orphans=True))
    assert kept.name not in engine.containers
