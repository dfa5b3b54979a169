"""select_services()/list_profiles(): expectations measured with docker-compose v2.40.3 on the project below
(`config --format json [svc...]`, `--profile`, `COMPOSE_PROFILES`, `config --profiles`)."""

from __future__ import annotations

import pytest

from pycompose.errors import ComposeError
from pycompose.loader.profiles import drop_unused_resources, list_profiles, select_services


def started(required=True):
    return {"condition": "service_started", "required": required}


def service(*, profiles=None, depends_on=None, volumes=None, networks=None):
    out = {}
    if profiles:
        out["profiles"] = profiles
    out.update({"command": None, "image": "busybox"})
    if depends_on:
        out["depends_on"] = depends_on
    out["networks"] = networks or {"default": None}
    if volumes:
        out["volumes"] = [{"type": "volume", "source": v, "target": "/" + v, "volume": {}} for v in volumes]
    return out


CONFIG = {
    "name": "p",
    "services": {
        "web": service(depends_on={"db": started()}, volumes=["data"],
                       networks={"default": None, "front": None}),
        "db": service(),
        "dbg": service(profiles=["debug", "zz"], depends_on={"tool": started(False)}, volumes=["dbgvol"]),
        "tool": service(profiles=["tools", "aa"]),
        "hard": service(profiles=["hard"], depends_on={"tool": started()}),
    },
    "networks": {"default": {"name": "p_default"}, "front": {"name": "p_front"},
                 "unusednet": {"name": "p_u"}},
    "volumes": {"data": {"name": "p_data"}, "dbgvol": {"name": "p_dbgvol"}, "unused": {"name": "p_unused"}},
}


def summary(config):
    return (sorted(config["services"]), sorted(config.get("volumes", {})), sorted(config.get("networks", {})),
            {n: s["depends_on"] for n, s in config["services"].items() if s.get("depends_on")})


CASES = [
    ([], [], (["db", "web"], ["data"], ["default", "front"], {"web": {"db": started()}})),
    (["debug"], [], (["db", "dbg", "web"], ["data", "dbgvol"], ["default", "front"],
                     {"dbg": {"tool": started(False)}, "web": {"db": started()}})),
    # --profile hard: the entry is kept; the consistency check reports `depends on undefined service "tool"`
    (["hard"], [], (["db", "hard", "web"], ["data"], ["default", "front"],
                    {"hard": {"tool": started()}, "web": {"db": started()}})),
    ([], ["dbg"], (["dbg"], ["dbgvol"], ["default"], {})),
    ([], ["web"], (["db", "web"], ["data"], ["default", "front"], {"web": {"db": started()}})),
    ([], ["dbg", "web"], (["db", "dbg", "web"], ["data", "dbgvol"], ["default", "front"],
                          {"web": {"db": started()}})),
    (["debug"], ["web"], (["db", "web"], ["data"], ["default", "front"], {"web": {"db": started()}})),
    (["*"], [], (["db", "dbg", "hard", "tool", "web"], ["data", "dbgvol"], ["default", "front"],
                 {"dbg": {"tool": started(False)}, "hard": {"tool": started()}, "web": {"db": started()}})),
    (["debug", "tools"], [], (["db", "dbg", "tool", "web"], ["data", "dbgvol"], ["default", "front"],
                              {"dbg": {"tool": started(False)}, "web": {"db": started()}})),
    (["tools"], ["hard"], (["hard", "tool"], [], ["default"], {"hard": {"tool": started()}})),
]


@pytest.mark.parametrize("profiles,explicit,expected", CASES)
def test_selection_matches_v2(profiles, explicit, expected):
    config, disabled = select_services(CONFIG, profiles=profiles, explicit=explicit)
    assert summary(config) == expected
    assert sorted(disabled) == sorted(set(CONFIG["services"]) - set(config["services"]))
    assert config["name"] == "p"


@pytest.mark.parametrize("explicit,message", [
    (["hard"], "no such service: tool"),  # its dependency's profile is not activated
    (["nope"], "no such service: nope"),
    (["nope", "web"], "no such service: nope"),
    (["w*"], "no such service: w*"),  # no globbing in v2's config
])
def test_errors_as_v2(explicit, message):
    with pytest.raises(ComposeError) as caught:
        select_services(CONFIG, profiles=[], explicit=explicit)
    assert caught.value.message == message


def test_input_untouched():
    before = repr(CONFIG)
    select_services(CONFIG, profiles=[], explicit=["dbg"])
    assert repr(CONFIG) == before


def test_list_profiles_sorted_like_v2():
    assert list_profiles(CONFIG) == ["aa", "debug", "hard", "tools", "zz"]
    enabled, disabled = select_services(CONFIG, profiles=[], explicit=[])
    assert list_profiles(enabled, disabled) == ["aa", "debug", "hard", "tools", "zz"]


def test_unused_resources_dropped_and_empty_sections_removed():
    config = {"services": {"a": {"network_mode": "host", "secrets": [{"source": "s"}],
                                 "build": {"secrets": [{"source": "b"}]}, "configs": [{"source": "c"}]}},
              "networks": {"default": {}}, "volumes": {"v": {}}, "secrets": {"s": {}, "b": {}, "x": {}},
              "configs": {"c": {}, "d": {}}}
    out = drop_unused_resources(config)
    assert out == {"services": config["services"], "secrets": {"s": {}, "b": {}}, "configs": {"c": {}}}


REFERENCE_PROJECT = """
services:
  web: {image: busybox, depends_on: [db], volumes: ["data:/data"], networks: [front]}
  db: {image: busybox}
  dbg:
    image: busybox
    profiles: [debug, zz]
    depends_on: {tool: {condition: service_started, required: false}}
    volumes: ["dbgvol:/x"]
    secrets: [s1]
  tool: {image: busybox, profiles: [tools, aa], networks: [back]}
  hard: {image: busybox, profiles: [hard], depends_on: [tool]}
volumes: {data: {}, dbgvol: {}}
networks: {front: {}, back: {}}
secrets: {s1: {environment: HOME}}
"""


def _binary_config(binary, tmp_path, *args):
    import json
    import subprocess

    (tmp_path / "compose.yaml").write_text(REFERENCE_PROJECT)
    run = subprocess.run([binary, "-p", "ref", *args], cwd=tmp_path, capture_output=True, text=True,
                         env={"PATH": __import__("os").environ["PATH"], "HOME": "/tmp"}, timeout=60)
    if run.returncode != 0:
        return run.stderr.strip()
    return json.loads(run.stdout) if run.stdout.lstrip().startswith("{") else run.stdout.split()


@pytest.mark.reference
@pytest.mark.parametrize("profiles,explicit", [
    ([], []), (["debug"], []), (["*"], []), (["debug", "tools"], []), ([], ["dbg"]), ([], ["web"]),
    ([], ["dbg", "web"]), (["tools"], ["hard"]), ([], ["hard"]), ([], ["nope"]), (["hard"], []),
])
def test_selection_equals_binary_output(reference_compose, tmp_path, profiles, explicit):
    everything = _binary_config(reference_compose, tmp_path, "--profile", "*", "config", "--format", "json")
    flags = [arg for p in profiles for arg in ("--profile", p)]
    expected = _binary_config(
        reference_compose, tmp_path, *flags, "config", "--no-consistency", "--format", "json", *explicit
    )
    try:
        actual, _ = select_services(everything, profiles=profiles, explicit=explicit)
    except ComposeError as error:
        actual = str(error)
    assert actual == expected
    assert list_profiles(everything) == _binary_config(reference_compose, tmp_path, "config", "--profiles")


def test_random_configs_raise_only_compose_errors():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    names = st.sampled_from(["a", "b", "c"])
    anything = st.one_of(st.none(), st.integers(0, 2), names, st.lists(names, max_size=2))
    service = st.one_of(anything, st.fixed_dictionaries({}, optional={
        "profiles": st.one_of(anything, st.lists(st.sampled_from(["p", "q", 1]), max_size=2)),
        "depends_on": st.one_of(anything, st.dictionaries(names, st.one_of(anything, st.fixed_dictionaries(
            {}, optional={"required": st.booleans()})), max_size=2)),
        "volumes": st.lists(st.fixed_dictionaries({"type": st.just("volume"), "source": anything}), max_size=2),
        "networks": anything, "secrets": st.lists(anything, max_size=2)}))
    configs = st.fixed_dictionaries({"services": st.dictionaries(names, service, min_size=1, max_size=3)},
                                    optional={"volumes": st.dictionaries(names, anything, max_size=2),
                                              "networks": anything})

    @settings(max_examples=300, deadline=None)
    @given(configs, st.lists(st.sampled_from(["p", "q", "*"]), max_size=2), st.lists(names, max_size=2))
    def check(config, profiles, explicit):
        try:
            select_services(config, profiles=profiles, explicit=explicit)
            list_profiles(config)
        except ComposeError:
            pass

    check()
