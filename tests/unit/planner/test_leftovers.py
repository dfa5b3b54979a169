"""Killed recreates: containers left under a temporary name are renamed or removed before anything else."""

from __future__ import annotations

from dataclasses import replace

from conftest import container, project, service

from pycompose.graph import build_graph
from pycompose.observed import ObservedImage, ObservedNetwork, ObservedState
from pycompose.planner.leftovers import final_name
from pycompose.planner.options import RecreatePolicy, UpPlanOptions
from pycompose.planner.up import plan_up

IMAGES = {"busybox:latest": ObservedImage(id="sha256:busybox")}
NETWORK = {"p_default": ObservedNetwork(id="n1", name="p_default", labels={"com.docker.compose.project": "p",
                                                                        "com.docker.compose.network": "default"})}
OLD_ID = "0123456789ab"
OTHER_ID = "ba9876543210"


def plan(proj, *containers, **options):
    observed = ObservedState(project="p", containers=containers, networks=NETWORK, images=IMAGES)
    return plan_up(proj, observed, build_graph(proj), UpPlanOptions(**options))


def temporary(proj, prefix: str, *, state: str = "created", config_hash: str | None = None, created: int = 0,
              cid: str = "id-new"):
    found = container(proj, "web", state=state, config_hash=config_hash)
    return replace(found, id=cid, name=f"{prefix}_{found.name}", created=created)


def test_temporary_names_are_recognised_only_with_id_prefixes():
    proj = project({"web": service()})
    assert final_name(proj, temporary(proj, OLD_ID)) == "p-web-1"
    assert final_name(proj, temporary(proj, f"{OLD_ID}_{OTHER_ID}")) == "p-web-1"
    assert final_name(proj, container(proj, "web")) is None
    assert final_name(proj, temporary(proj, "not-hex-at-all")) is None


def test_replacement_left_beside_the_old_container_is_removed_before_the_old_one_is_recreated():
    proj = project({"web": service()})
    old = container(proj, "web", state="exited", config_hash="old")
    assert plan(proj, old, temporary(proj, OLD_ID)).render() == "\n".join([
        f"remove container {OLD_ID}_p-web-1: unfinished replacement of p-web-1",
        f"recreate container p-web-1: config hash changed [after remove:{OLD_ID}_p-web-1]",
        f"start container p-web-1: recreated [after recreate:p-web-1, remove:{OLD_ID}_p-web-1]",
    ])


def test_replacement_left_beside_a_stopped_up_to_date_container_is_removed_and_the_old_one_started():
    proj = project({"web": service()})
    old = container(proj, "web", state="exited")
    assert plan(proj, old, temporary(proj, OLD_ID, state="running")).render() == "\n".join([
        f"stop container {OLD_ID}_p-web-1: unfinished replacement of p-web-1",
        f"remove container {OLD_ID}_p-web-1: unfinished replacement of p-web-1 [after stop:{OLD_ID}_p-web-1]",
        f"start container p-web-1: stopped [after remove:{OLD_ID}_p-web-1, stop:{OLD_ID}_p-web-1]",
    ])


def test_replacement_alone_takes_its_final_name_then_starts():
    proj = project({"web": service()})
    assert plan(proj, temporary(proj, OLD_ID)).render() == "\n".join([
        f"rename container p-web-1: replacement left as {OLD_ID}_p-web-1",
        f"start container p-web-1: created [after rename:{OLD_ID}_p-web-1]",
    ])


def test_compounded_leftovers_keep_the_newest_and_remove_the_rest():
    proj = project({"web": service()})
    older = temporary(proj, OLD_ID, created=1, cid="id-older")
    newer = temporary(proj, f"{OTHER_ID}_{OLD_ID}", created=2, cid="id-newer")
    assert plan(proj, older, newer, recreate=RecreatePolicy.FORCE).render() == "\n".join([
        f"remove container {OLD_ID}_p-web-1: unfinished replacement of p-web-1",
        f"rename container p-web-1: replacement left as {OTHER_ID}_{OLD_ID}_p-web-1",
        f"recreate container p-web-1: forced [after remove:{OLD_ID}_p-web-1, rename:{OTHER_ID}_{OLD_ID}_p-web-1]",
        f"start container p-web-1: recreated [after recreate:p-web-1, remove:{OLD_ID}_p-web-1, "
        f"rename:{OTHER_ID}_{OLD_ID}_p-web-1]",
    ])


def test_leftover_of_a_service_no_longer_in_the_file_is_an_orphan():
    proj = project({"web": service()})
    other = project({"web": service(), "gone": service()})
    stray = replace(container(other, "gone", state="exited"), name=f"{OLD_ID}_p-gone-1")
    planned = plan(proj, container(proj, "web"), stray)
    assert planned.render() == ""
    assert f"{OLD_ID}_p-gone-1" in planned.warnings[0]
