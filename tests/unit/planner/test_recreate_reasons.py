"""Why a container is recreated: the service compared with what the engine reports (planner/diff.py)."""

from __future__ import annotations

from dataclasses import replace

from conftest import container, project, service

from pycompose.graph import build_graph
from pycompose.observed import ObservedConfig, ObservedImage, ObservedMount, ObservedNetwork, ObservedState, PortBinding
from pycompose.planner.options import UpPlanOptions
from pycompose.planner.up import plan_up

IMAGE = ObservedImage(id="sha256:busybox", env=("PATH=/bin",), labels={})
NETWORK = {"p_default": ObservedNetwork(id="n1", name="p_default", labels={"com.docker.compose.project": "p",
                                                                        "com.docker.compose.network": "default"})}


def reason(proj, observed_container, image=IMAGE) -> str:
    observed = ObservedState(project="p", networks=NETWORK, images={"busybox:latest": image},
                             containers=(observed_container,))
    plan = plan_up(proj, observed, build_graph(proj), UpPlanOptions())
    recreates = [a for a in plan.actions if a.kind.value == "recreate container"]
    assert len(recreates) == 1, plan.render()
    return recreates[0].reason


def inspected(proj, name="web", **config):
    base = dict(env=("PATH=/bin", "DEBUG=0"), command=("httpd",), entrypoint=None)
    base.update(config)
    return replace(container(proj, name, config_hash="old"), config=ObservedConfig(**base))


def test_changed_environment_variable_is_named():
    proj = project({"web": service("httpd", environment={"DEBUG": "1"})})
    assert reason(proj, inspected(proj)) == "environment.DEBUG changed"


def test_added_and_removed_variables_are_told_apart_from_the_image_ones():
    proj = project({"web": service("httpd", environment={"NEW": "x"})})
    assert reason(proj, inspected(proj)) == "environment.DEBUG removed, environment.NEW added"


def test_removed_variable_is_not_claimed_when_the_image_env_is_unknown():
    proj = project({"web": service("httpd")})
    assert reason(proj, inspected(proj), image=ObservedImage(id="sha256:busybox")) == "config hash changed"


def test_command_and_entrypoint():
    proj = project({"web": service("httpd -f", environment={"DEBUG": "0"}, entrypoint=["/init"])})
    assert reason(proj, inspected(proj)) == "entrypoint changed, command changed"


def test_image_reference_from_the_summary():
    proj = project({"web": service("httpd", image="busybox:1.36")})
    observed = replace(container(proj, "web", config_hash="old"), image="busybox:latest")
    assert reason(proj, observed, image=ObservedImage(id="sha256:busybox")) == "image changed"


def test_labels_from_the_summary():
    proj = project({"web": service("httpd", labels={"tier": "front"})})
    observed = container(proj, "web", config_hash="old")
    observed = replace(observed, labels={**observed.labels, "tier": "back"})
    assert reason(proj, observed) == "labels.tier changed"


def test_published_ports_of_a_running_container():
    proj = project({"web": service("httpd", ports=[{"mode": "ingress", "target": 80, "published": "8081",
                                                    "protocol": "tcp"}])})
    observed = replace(container(proj, "web", config_hash="old"), ports=(
        PortBinding(ip="0.0.0.0", private_port=80, public_port=8080),
        PortBinding(ip="::", private_port=80, public_port=8080)))
    assert reason(proj, observed) == "ports changed"
    same = replace(observed, ports=(PortBinding(ip="0.0.0.0", private_port=80, public_port=8081),))
    assert reason(proj, same) == "config hash changed"


def test_any_free_host_port_compares_the_container_port_only():
    proj = project({"web": service("httpd", ports=[{"mode": "ingress", "target": 80, "protocol": "tcp"}])})
    observed = replace(container(proj, "web", config_hash="old"),
                       ports=(PortBinding(ip="0.0.0.0", private_port=80, public_port=32768),))
    assert reason(proj, observed) == "config hash changed"


def test_mounts_compare_named_volumes_by_engine_name_and_ignore_image_volumes():
    proj = project({"web": service("httpd", volumes=[{"type": "volume", "source": "data", "target": "/data",
                                                      "volume": {}}])},
                   volumes={"data": {"name": "p_data"}})
    mounts = (ObservedMount("volume", "p_data", "/data"), ObservedMount("volume", "0123abcd", "/var/lib/x"))
    observed = replace(container(proj, "web", config_hash="old"), mounts=mounts)
    image = ObservedImage(id="sha256:busybox", volumes=("/var/lib/x",))
    assert reason(proj, observed, image=image) == "config hash changed"
    moved = replace(observed, mounts=(ObservedMount("volume", "p_data", "/old"),))
    assert reason(proj, moved, image=image) == "volumes changed"


def test_many_changes_are_summarised():
    proj = project({"web": service("httpd -f", environment={"A": "1", "B": "2", "C": "3"})})
    assert reason(proj, inspected(proj, env=("PATH=/bin",))) == \
        "environment.A added, environment.B added, environment.C added and 1 more"


def test_nothing_comparable_falls_back_to_the_hash():
    proj = project({"web": service("httpd", healthcheck={"test": ["CMD", "true"]})})
    assert reason(proj, inspected(proj, env=("PATH=/bin",))) == "config hash changed"
