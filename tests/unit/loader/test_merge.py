"""merge(): expected values come from `docker-compose -f a.yaml -f b.yaml config --format json` (v2.40.3).

The binary prints the canonical (long) form; these tables hold the raw shapes our merge produces and that
the canonical stage turns into exactly what the binary printed (noted next to each case).
"""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.merge import enforce_unicity, go_format, merge, merge_service
from pycompose.loader.tags import Override, Reset


def web(**keys):
    return {"services": {"web": keys}}


def web_with(key, value):
    return {"services": {"web": {"image": "busybox", key: value}}}


CASES = [
    # binary: ports 8080/80, 9090/90, 7070/70 in that order
    ("ports", ["8080:80", "9090:90"], ["8080:80", "7070:70"], ["8080:80", "9090:90", "7070:70"]),
    # binary: /data is bind ./b (same position), v1 kept
    ("volumes", ["./a:/data", "v1:/v1"], ["./b:/data"], ["./b:/data", "v1:/v1"]),
    # binary: {A: 1, B: 3, C: null, D: ""}
    ("environment", ["A=1", "B=2"], {"B": 3, "C": None, "D": ""}, ["A=1", "B=3", "C", "D="]),
    ("labels", {"l1": "x"}, ["l2=y"], ["l1=x", "l2=y"]),
    ("labels", ["a=1"], {"a": 2}, ["a=2"]),
    ("command", ["a", "b"], "c", "c"),
    ("command", ["a", "b"], None, None),  # binary: command null
    ("entrypoint", ["a"], ["b"], ["b"]),
    ("dns", "1.1.1.1", ["8.8.8.8", "1.1.1.1"], ["1.1.1.1", "8.8.8.8"]),
    ("cap_add", ["NET_ADMIN"], ["NET_ADMIN", "SYS_ADMIN"], ["NET_ADMIN", "SYS_ADMIN"]),
    ("expose", ["80"], [80, "81"], [80, "81"]),  # binary: ["80", "81"]
    # binary keeps both h1 entries, sorted by the canonical stage
    ("extra_hosts", ["h1:1.1.1.1", "h2=2.2.2.2"], {"h1": "3.3.3.3", "h3": "4.4.4.4"},
     ["h1:1.1.1.1", "h2=2.2.2.2", "h1=3.3.3.3", "h3=4.4.4.4"]),
    ("security_opt", ["a", "b"], ["c"], ["a", "b", "c"]),  # plain append, no de-duplication
    ("depends_on", {"db": {"condition": "service_healthy"}}, ["db"],
     {"db": {"condition": "service_started", "required": True}}),
    ("networks", ["n1"], {"n1": {"aliases": ["x"]}, "n2": None}, {"n1": {"aliases": ["x"]}, "n2": None}),
    ("build", "./ctx", {"dockerfile": "D"}, {"context": "./ctx", "dockerfile": "D"}),
    ("logging", {"driver": "json-file", "options": {"max-size": "1m"}}, {"options": {"max-file": "2"}},
     {"driver": "json-file", "options": {"max-size": "1m", "max-file": "2"}}),
    ("logging", {"driver": "json-file", "options": {"max-size": "1m"}}, {"driver": "syslog"},
     {"driver": "syslog"}),
    ("ulimits", {"nofile": {"soft": 1, "hard": 2}, "nproc": 5},
     {"nofile": 7, "nproc": {"soft": 1, "hard": 2}},
     {"nofile": 7, "nproc": {"soft": 1, "hard": 2}}),
    ("user", "root", None, "root"),  # binary: image kept when the override is null
    ("environment", {"A": 1}, {"B": 1000000.0, "C": 1.50, "D": True, "E": [1, 2]},
     ["A=1", "B=1e+06", "C=1.5", "D=true", "E=2"]),  # binary: E is "2"
    ("environment", {"A": 1}, "x", ["A=1", "x"]),  # binary: {A: "1", x: null}
    ("secrets", ["s1", {"source": "s2", "target": "/run/secrets/s1"}], [],
     [{"source": "s2", "target": "/run/secrets/s1"}]),
]


@pytest.mark.parametrize("key,base,override,expected", CASES)
def test_service_key_rules_match_v2(key, base, override, expected):
    merged = merge(web_with(key, base), web(**{key: override}))
    assert merged["services"]["web"][key] == expected


def test_ipam_config_merged_by_subnet():
    base = {"networks": {"n1": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}]}}}}
    over = {"networks": {"n1": {"ipam": {"config": [{"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/25"},
                                                    {"subnet": "10.1.0.0/24"}]}}, "n2": {}}}
    merged = merge(base, over)
    assert merged["networks"]["n1"]["ipam"]["config"] == [
        {"subnet": "10.0.0.0/24", "gateway": "10.0.0.1", "ip_range": "10.0.0.0/25"},
        {"subnet": "10.1.0.0/24"},
    ]
    assert merged["networks"]["n2"] == {}


def test_reset_removes_key_and_override_replaces():
    base = web(image="busybox", ports=["80:80"], environment={"A": 1}, labels=["a=1"])
    over = web(ports=Reset([]), environment=Override({"Z": 1}), labels=["b=2"])
    merged = merge(base, over)["services"]["web"]
    assert "ports" not in merged  # binary: ports null
    assert merged["environment"] == {"Z": 1}  # binary: {Z: "1"}
    assert merged["labels"] == ["a=1", "b=2"]


def test_later_reset_of_whole_service():
    merged = merge({"services": {"a": {"image": "x"}, "b": {"image": "y"}}}, {"services": {"b": Reset(None)}})
    assert merged == {"services": {"a": {"image": "x"}}}


def test_tags_are_gone_and_inputs_untouched():
    base = web(image="x", environment=Override({"A": "1"}))
    over = web(dns=["1.1.1.1"])
    snapshot = repr((base, over))
    merged = merge(base, over)
    assert merged["services"]["web"]["environment"] == {"A": "1"}
    assert repr((base, over)) == snapshot


@pytest.mark.parametrize("key,base,override,message", [
    ("ports", ["80:80"], "90:90", "cannot override services.web.ports"),  # binary: same text
    ("cap_add", ["A"], 5, "cannot override services.web.cap_add"),  # binary: same text
    ("cap_add", ["A"], [5], "unexpected type int"),  # binary: services.web.cap_add.[1]: unexpected type int
    ("volumes", ["/x:/y"], "a:b:c:d", "cannot override services.web.volumes"),
    ("volumes", ["/x:/y"], [{"type": "bind", "source": "/q"}], "missing a mount target"),
    ("logging", {"driver": "x"}, 5, "cannot override services.web.logging"),  # binary panics
])
def test_errors(key, base, override, message):
    with pytest.raises(ConfigError) as caught:
        merge(web(image="x", **{key: base}), web(**{key: override}))
    assert message in str(caught.value)


def test_service_replaced_by_scalar_is_an_error():
    with pytest.raises(ConfigError, match="cannot override services.web"):
        merge(web(image="x"), {"services": {"web": 5}})


def test_merge_service_uses_service_rules():
    merged = merge_service({"image": "x", "command": ["a"], "ports": ["80:80"]},
                           {"command": "b", "ports": ["80:80", "81:81"], "ulimits": {"nofile": 1}})
    assert merged == {"image": "x", "command": "b", "ports": ["80:80", "81:81"], "ulimits": {"nofile": 1}}


def test_enforce_unicity_on_long_syntax():
    doc = web(ports=[{"target": 80, "published": "8080"}, {"target": 80, "published": "8080", "mode": "host"},
                     {"target": 81}],
              secrets=["a", {"source": "a"}], configs=["c", {"source": "d", "target": "/c"}])
    out = enforce_unicity(doc)["services"]["web"]
    assert out["ports"] == [{"target": 80, "published": "8080", "mode": "host"}, {"target": 81}]
    assert out["secrets"] == [{"source": "a"}]
    assert out["configs"] == [{"source": "d", "target": "/c"}]


@pytest.mark.parametrize("value,text", [(1.5, "1.5"), (1000000.0, "1e+06"), (100000.0, "100000"),
                                        (0.0001, "0.0001"), (0.00001, "1e-05"), (3.0, "3"), (True, "true")])
def test_go_format(value, text):
    assert go_format(value) == text


@pytest.mark.parametrize("ports,expected", [
    # binary: `8080:80` then `{target: 80, published: 8080}` (int) → two entries; `"8080"` (string) → one
    ([{"target": 80, "published": "8080", "protocol": "tcp", "mode": "ingress"},
      {"target": 80, "published": 8080}], 2),
    ([{"target": 80, "published": "8080", "protocol": "tcp", "mode": "ingress"},
      {"target": 80, "published": "8080"}], 1),
    # binary: `0.0.0.0:8080:80` replaces `8080:80` (host_ip defaults to 0.0.0.0)
    ([{"target": 80, "published": "8080"}, {"target": 80, "published": "8080", "host_ip": "0.0.0.0"}], 1),
    ([{"target": 80}, {"target": 80, "published": "8080"}], 2),
    ([80, "80"], 1),
])
def test_port_unicity_after_canonical_form(ports, expected):
    assert len(enforce_unicity(web(ports=ports))["services"]["web"]["ports"]) == expected


@pytest.mark.parametrize("key,base,override,expected", [
    ("devices", ["/dev/a:/dev/x"], ["/dev/b:/dev/x"], ["/dev/b:/dev/x"]),  # binary: replaced by target
    ("tmpfs", "/run", ["/run", "/tmp"], ["/run", "/tmp"]),
    ("sysctls", {"net.a": 1}, ["net.a=2"], ["net.a=2"]),
    ("depends_on", {"db": {"condition": "service_healthy", "restart": True}},
     {"db": {"condition": "service_started"}},
     {"db": {"condition": "service_started", "restart": True}}),  # binary adds required: true later
    ("networks", {"n1": {"aliases": ["a1", "a2"]}}, {"n1": {"aliases": ["a2", "a3"]}},
     {"n1": {"aliases": ["a1", "a2", "a3"]}}),
    ("build", {"context": ".", "args": ["X=1"]}, {"args": {"X": 2, "Y": 3}},
     {"context": ".", "args": ["X=2", "Y=3"]}),
    # binary: relative target `s1` is not `/run/secrets/s1`: both kept
    ("secrets", ["s1"], [{"source": "s2", "target": "s1"}], ["s1", {"source": "s2", "target": "s1"}]),
    ("env_file", [{"path": "a.env", "required": False}], "a.env", ["a.env"]),
    ("profiles", ["p1"], ["p1", "p2"], ["p1", "p2"]),
])
def test_more_service_rules(key, base, override, expected):
    assert merge(web_with(key, base), web(**{key: override}))["services"]["web"][key] == expected


def test_reset_inside_a_mapping_only_reaches_mappings():
    # binary: `environment: {A: !reset}` drops A from a map; `labels: {a: !reset}` leaves a list alone
    env = merge(web_with("environment", {"A": 1, "B": 2}), web(environment={"A": Reset(None)}))
    assert env["services"]["web"]["environment"] == ["B=2"]
    labels = merge(web_with("labels", ["a=1", "b=2"]), web(labels={"a": Reset(None)}))
    assert labels["services"]["web"]["labels"] == ["a=1", "b=2"]


def test_override_tag_on_ports():
    merged = merge(web_with("ports", ["8080:80"]), web(ports=Override(["9090:90"])))
    assert merged["services"]["web"]["ports"] == ["9090:90"]


def test_ipam_config_quirks_reproduced():
    # binary: base [10.0 (ip_range), 10.1 (aux)] + override [10.0 (gateway)] keeps ONE entry: 10.0 with the
    # gateway and 10.1's aux_addresses (v2's merge reuses the mutated base entry); an empty base keeps nothing
    def net(config):
        return {"networks": {"n": {"ipam": {"config": config}}}}

    base = net([{"subnet": "10.0.0.0/24", "ip_range": "10.0.0.0/25"},
                {"subnet": "10.1.0.0/24", "aux_addresses": {"a": "10.1.0.5"}}])
    over = net([{"subnet": "10.0.0.0/24", "gateway": "10.0.0.1"}])
    assert merge(base, over)["networks"]["n"]["ipam"]["config"] == [
        {"subnet": "10.0.0.0/24", "aux_addresses": {"a": "10.1.0.5"}, "gateway": "10.0.0.1"}
    ]
    assert merge(net([]), over)["networks"]["n"]["ipam"]["config"] == []


def test_random_documents_raise_only_config_errors():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
                        st.sampled_from(["a", "a=1", "80:80", "./x:/y", "", "10.0.0.0/24"]))
    keys = st.sampled_from(["services", "web", "ports", "volumes", "environment", "labels", "build", "logging",
                            "driver", "ulimits", "nofile", "depends_on", "networks", "ipam", "config", "subnet",
                            "command", "dns", "extra_hosts", "target", "published", "secrets", "x-a", 1])
    values = st.recursive(scalars, lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(keys, inner, max_size=4),
        st.builds(Reset, inner), st.builds(Override, inner)), max_leaves=12)
    service_keys = st.sampled_from(["ports", "volumes", "environment", "labels", "build", "logging", "ulimits",
                                    "depends_on", "networks", "command", "dns", "extra_hosts", "secrets",
                                    "configs", "devices", "expose", "env_file", "tmpfs", "models", "profiles"])
    services = st.fixed_dictionaries({"services": st.fixed_dictionaries(
        {"web": st.one_of(values, st.dictionaries(service_keys, values, max_size=5))})})
    networks = st.fixed_dictionaries({"networks": st.fixed_dictionaries(
        {"n": st.fixed_dictionaries({"ipam": st.fixed_dictionaries({"config": values})})})})
    docs = st.one_of(st.dictionaries(keys, values, max_size=4), services, networks)

    @settings(max_examples=200, deadline=None)
    @given(docs, docs)
    def check(base, override):
        try:
            merge(base, override)
            merge_service(base, override)
            enforce_unicity(base)
        except ConfigError:
            pass

    check()


def test_healthcheck_volumes_env_file_and_extensions_order():
    # binary: healthcheck {test: [CMD, b], interval: 1s}; volume sources /a, /b2, /c; env files a, b, c;
    # x-foo [a, b]
    base = {"services": {"web": {"image": "x", "healthcheck": {"test": ["CMD", "a"], "interval": "1s"},
                                 "volumes": ["/a:/a", "/b:/b"], "env_file": ["a.env", "b.env"]}},
            "x-foo": ["a"]}
    over = {"services": {"web": {"healthcheck": {"test": ["CMD", "b"]}, "volumes": ["/c:/c", "/b2:/b"],
                                 "env_file": ["b.env", "c.env"]}}, "x-foo": ["b"]}
    merged = merge(base, over)
    web = merged["services"]["web"]
    assert web["healthcheck"] == {"test": ["CMD", "b"], "interval": "1s"}
    assert web["volumes"] == ["/a:/a", "/b2:/b", "/c:/c"]
    assert web["env_file"] == ["a.env", "b.env", "c.env"]
    assert merged["x-foo"] == ["a", "b"]
