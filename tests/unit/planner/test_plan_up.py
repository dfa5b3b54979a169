"""plan_up golden strings: desired project + observed state → actions with reasons."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import container, project, service

from pycompose.errors import ConfigError
from pycompose.graph import build_graph
from pycompose.observed import ObservedImage, ObservedNetwork, ObservedState, ObservedVolume
from pycompose.planner.options import RecreatePolicy, UpPlanOptions
from pycompose.planner.up import plan_up

IMAGES = {"busybox:latest": ObservedImage(id="sha256:busybox")}
NETWORK = {"p_default": ObservedNetwork(id="n1", name="p_default", labels={"com.docker.compose.project": "p",
                                                                        "com.docker.compose.network": "default"})}


def plan(proj, observed=None, **options):
    observed = observed or ObservedState(project=proj.name, images=IMAGES)
    return plan_up(proj, observed, build_graph(proj), UpPlanOptions(**options))


def web_db(condition: str = "service_healthy", restart: bool = False):
    dep = {"condition": condition, "required": True}
    if restart:
        dep["restart"] = True
    return project({
        "db": service("sleep 1", healthcheck={"test": ["CMD", "true"]}),
        "web": service("httpd", depends_on={"db": dep}),
    })


def test_fresh_project_creates_network_then_containers_and_waits_for_health():
    assert plan(web_db()).render() == "\n".join([
        "create network p_default: not found",
        "create container p-db-1: not found [after create-network:p_default]",
        "create container p-web-1: not found [after create-network:p_default, create:p-db-1]",
        "start container p-db-1: created [after create:p-db-1, create:p-web-1]",
        "wait container p-db-1: web depends on it (service_healthy) [after start:p-db-1]",
        "start container p-web-1: created [after create:p-db-1, create:p-web-1, wait:p-db-1:service_healthy]",
    ])


def test_up_to_date_project_only_waits_for_the_dependency_conditions():
    """v2 `startService` checks every dependency condition again even when nothing starts."""
    proj = web_db()
    observed = ObservedState(project="p", containers=(container(proj, "db"), container(proj, "web")),
                             networks=NETWORK, images=IMAGES)
    assert plan(proj, observed).render() == "wait container p-db-1: web depends on it (service_healthy)"


def test_up_to_date_project_without_conditions_plans_nothing():
    proj = web_db(condition="service_started")
    observed = ObservedState(project="p", containers=(container(proj, "db"), container(proj, "web")),
                             networks=NETWORK, images=IMAGES)
    assert plan(proj, observed).render() == ""


def test_exited_one_shot_runs_again_and_is_waited_for_but_its_dependent_stays():
    proj = web_db(condition="service_completed_successfully")
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, containers=(
        container(proj, "db", state="exited"), container(proj, "web")))
    assert plan(proj, observed).render() == "\n".join([
        "start container p-db-1: stopped",
        "wait container p-db-1: web depends on it (service_completed_successfully) [after start:p-db-1]",
    ])


def test_changed_service_is_recreated_alone_and_stopped_one_started():
    proj = web_db()
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, containers=(
        container(proj, "db", state="exited"), container(proj, "web", config_hash="old")))
    assert plan(proj, observed).render() == "\n".join([
        "recreate container p-web-1: config hash changed",
        "start container p-db-1: stopped [after recreate:p-web-1]",  # v2 `up`: create, then start
        "wait container p-db-1: web depends on it (service_healthy) [after start:p-db-1]",
        "start container p-web-1: recreated [after recreate:p-web-1, wait:p-db-1:service_healthy]",
    ])


def test_recreated_dependency_stops_and_restarts_restart_true_dependents():
    proj = web_db(condition="service_started", restart=True)
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, containers=(
        container(proj, "db", config_hash="old"), container(proj, "web")))
    assert plan(proj, observed).render() == "\n".join([
        "stop container p-web-1: dependency db is recreated (restart: true)",
        "recreate container p-db-1: config hash changed [after stop:p-web-1]",
        "start container p-db-1: recreated [after recreate:p-db-1]",
        "start container p-web-1: stopped first: dependency db is recreated (restart: true) "
        "[after recreate:p-db-1, start:p-db-1, stop:p-web-1]",
    ])


def test_new_image_recreates_and_no_recreate_does_not():
    proj = web_db()
    observed = ObservedState(project="p", networks=NETWORK, containers=(
        container(proj, "db"), container(proj, "web")), images={"busybox:latest": ObservedImage(id="sha256:new")})
    assert "recreate container p-db-1: image changed" in plan(proj, observed).render()
    assert plan(proj, observed, recreate=RecreatePolicy.NEVER,
                recreate_dependencies=RecreatePolicy.NEVER).render() == (
        "wait container p-db-1: web depends on it (service_healthy)")


def test_network_mode_service_follows_its_target():
    proj = project({"vpn": service("sleep 1"),
                    "app": service("sleep 2", network_mode="service:vpn", networks=None)})
    proj = replace(proj, services=tuple(replace(s, networks=()) if s.name == "app" else s for s in proj.services))
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, containers=(
        container(proj, "vpn", config_hash="old"), container(proj, "app", config_hash="whatever")))
    rendered = plan(proj, observed).render()
    assert "recreate container p-vpn-1: config hash changed" in rendered
    assert "recreate container p-app-1: dependency vpn recreated [after recreate:p-vpn-1]" in rendered


def test_scale_up_and_down_by_numbers():
    proj = project({"w": service("sleep 1", deploy={"replicas": 3})})
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES,
                             containers=(container(proj, "w", 1), container(proj, "w", 2)))
    rendered = plan(proj, observed).render()
    assert "create container p-w-3: not found" in rendered
    down = plan(proj, observed, scale={"w": 1}).render()
    assert down == "\n".join([
        "stop container p-w-2: scale down",
        "remove container p-w-2: scale down [after stop:p-w-2]",
    ])


def test_orphans_are_warned_about_or_removed():
    proj = project({"a": service()})
    orphan = container(proj, "gone")
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, containers=(container(proj, "a"), orphan))
    warned = plan(proj, observed)
    assert warned.render() == ""
    assert warned.warnings[0].startswith("Found orphan containers ([p-gone-1]) for this project.")
    assert plan(proj, observed, remove_orphans=True).render() == "\n".join([
        "stop container p-gone-1: orphan",
        "remove container p-gone-1: orphan [after stop:p-gone-1]",
    ])


def test_external_network_must_exist():
    proj = project({"a": service()}, networks={"default": {"name": "shared", "external": True}})
    with pytest.raises(ConfigError, match="network shared declared as external, but could not be found"):
        plan(proj)


def test_named_volume_created_once_and_wait_flag_adds_waits():
    proj = project({"a": service(volumes=[{"type": "volume", "source": "data", "target": "/d", "volume": {}}])},
                   volumes={"data": {"name": "p_data"}})
    rendered = plan(proj, wait=True).render()
    assert rendered.splitlines()[:2] == ["create network p_default: not found", "create volume p_data: not found"]
    assert "wait container p-a-1: --wait [after start:p-a-1]" in rendered
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES,
                             volumes={"p_data": ObservedVolume(name="p_data")})
    assert "create volume" not in plan(proj, observed).render()


def test_no_deps_and_no_start():
    proj = web_db()
    assert plan(proj, services=("web",), no_deps=True, start=False).render() == "\n".join([
        "create network p_default: not found",
        "create container p-web-1: not found [after create-network:p_default]",
    ])


def test_running_container_off_its_network_or_without_its_volume_is_recreated():
    from pycompose.observed import ObservedMount

    proj = project({"a": service(volumes=[{"type": "volume", "source": "data", "target": "/d", "volume": {}}])},
                   volumes={"data": {"name": "p_data"}})
    volumes = {"p_data": ObservedVolume(name="p_data")}
    on_other_network = replace(container(proj, "a"), network_ids=("n-old",),
                               mounts=(ObservedMount("volume", "p_data", "/d"),))
    observed = ObservedState(project="p", networks=NETWORK, images=IMAGES, volumes=volumes,
                             containers=(on_other_network,))
    assert plan(proj, observed).render().startswith("recreate container p-a-1: not attached to network p_default")
    without_volume = replace(container(proj, "a"), network_ids=("n1",), mounts=(ObservedMount("volume", "x", "/d"),))
    observed = replace(observed, containers=(without_volume,))
    assert plan(proj, observed).render().startswith("recreate container p-a-1: volume p_data not mounted")
    fine = replace(without_volume, mounts=(ObservedMount("volume", "p_data", "/d"),))
    assert plan(proj, replace(observed, containers=(fine,))).render() == ""


def test_changed_network_is_replaced_with_its_containers_stopped_then_started():
    proj = project({"a": service()}, networks={"default": {"name": "p_default", "labels": {"x": "2"}, "ipam": {}}})
    stale = {"p_default": ObservedNetwork(id="n1", name="p_default", labels={
        "com.docker.compose.project": "p", "com.docker.compose.network": "default",
        "com.docker.compose.config-hash": "old"})}
    running = replace(container(proj, "a"), network_names=("p_default",))
    observed = ObservedState(project="p", networks=stale, images=IMAGES, containers=(running,))
    assert plan(proj, observed).render() == "\n".join([
        "stop container p-a-1: network p_default is replaced",
        "disconnect p-a-1: network p_default is replaced [after stop:p-a-1]",
        "remove network p_default: config hash changed [after disconnect:p-a-1:p_default]",
        "create network p_default: config hash changed [after remove-network:p_default]",
        "connect p-a-1: network p_default is replaced [after create-network:p_default]",
        "start container p-a-1: stopped first: network p_default is replaced "
        "[after connect:p-a-1:p_default, create-network:p_default, stop:p-a-1]",
    ])


def test_a_selected_service_using_models_is_refused_like_v2_without_the_model_plugin():
    """v2.40.3 without the Docker Model plugin: `up llm` fails before anything is created; `up plain` works."""
    from pycompose.errors import UsageError

    proj = project({"plain": service(), "llm": service(models={"small": {}})})
    with pytest.raises(UsageError, match="^'models' support requires Docker Model plugin$"):
        plan(proj, services=("llm",))
    assert plan(proj, services=("plain",)).render().startswith("create network p_default")


def test_nothing_starts_before_every_container_is_created():
    """v2 `up` is `create` then `start`: a container that cannot be created (say `volumes_from` a volume the engine
    refuses) leaves the others created and not started (tests/differential key09-volumes)."""
    proj = project({"app": service(), "reader": service(volumes_from=["app:ro"])})
    rendered = plan(proj).render().splitlines()
    starts = [line for line in rendered if line.startswith("start container")]
    assert starts == ["start container p-app-1: created [after create:p-app-1, create:p-reader-1]",
                      "start container p-reader-1: created [after create:p-app-1, create:p-reader-1, start:p-app-1]"]
