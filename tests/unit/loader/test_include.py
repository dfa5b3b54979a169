"""resolve_includes(): behaviour measured with docker-compose v2.40.3 (see comments)."""

from __future__ import annotations

import pytest

from pycompose.errors import ConfigError
from pycompose.loader.include import IncludeSpec, absolute_paths, parse_includes, resolve_includes


def loader(result, calls=None):
    def load_included(spec):
        if calls is not None:
            calls.append(spec)
        return result

    return load_included


def test_entries_resolved_against_project_directory(tmp_path):
    # binary: a second -f file in o/ including inc/i.yaml loads <project>/inc/i.yaml
    root = str(tmp_path)
    (tmp_path / "e.env").write_text("A=1\n")
    doc = {"include": ["sub/compose.yaml",
                       {"path": ["x/a.yaml", "x/b.yaml"], "project_directory": "pd", "env_file": "e.env"}]}
    specs = parse_includes(doc, project_directory=root)
    assert specs == [
        IncludeSpec(paths=(f"{root}/sub/compose.yaml",), project_directory=f"{root}/sub", env_files=()),
        IncludeSpec(paths=(f"{root}/x/a.yaml", f"{root}/x/b.yaml"), project_directory=f"{root}/pd",
                    env_files=(f"{root}/e.env",)),
    ]


def test_resources_imported_and_include_removed():
    doc = {"include": ["sub/compose.yaml"], "services": {"web": {"image": "busybox"}}}
    calls = []
    imported = {"services": {"redis": {"image": "redis"}}, "volumes": {"data": {}}, "name": "ignored"}
    out = resolve_includes(doc, file="/p/compose.yaml", project_directory="/p",
                           load_included=loader(imported, calls))
    assert out == {"services": {"web": {"image": "busybox"}, "redis": {"image": "redis"}},
                   "volumes": {"data": {}}}
    assert calls[0].paths == ("/p/sub/compose.yaml",)
    assert "include" in doc  # input untouched


@pytest.mark.parametrize("local,imported,error", [
    # binary: `services.redis conflicts with imported resource`
    ({"services": {"redis": {"image": "r"}}}, {"services": {"redis": {"image": "r", "build": "/p/sub/ctx"}}},
     "services.redis conflicts with imported resource"),
    # binary: same `image: x` service in both is accepted; same volume `{}` too
    ({"services": {"q": {"image": "x"}}}, {"services": {"q": {"image": "x"}}}, None),
    ({"volumes": {"data": {}}}, {"volumes": {"data": {}}}, None),
    # binary: a different volume definition conflicts
    ({"volumes": {"data": {"driver": "local"}}}, {"volumes": {"data": {}}},
     "volumes.data conflicts with imported resource"),
    # binary: identical `ports: ["80:80"]` conflicts (v2 compares against the canonical form)
    ({"services": {"q": {"image": "x", "ports": ["80:80"]}}},
     {"services": {"q": {"image": "x", "ports": ["80:80"]}}},
     "services.q conflicts with imported resource"),
])
def test_conflicts(local, imported, error):
    doc = {"include": ["s/c.yaml"], **local}
    if error is None:
        resolve_includes(doc, file="/p/c.yaml", project_directory="/p", load_included=loader(imported))
    else:
        with pytest.raises(ConfigError) as caught:
            resolve_includes(doc, file="/p/c.yaml", project_directory="/p", load_included=loader(imported))
        assert caught.value.message == error


def test_cycle_message_as_v2():
    # binary: cy1 includes cy2 includes cy1
    doc = {"include": ["cy1.yaml"]}
    with pytest.raises(ConfigError) as caught:
        resolve_includes(doc, file="/tmp/i/cy2.yaml", project_directory="/tmp/i", load_included=loader({}),
                         included_from=("/tmp/i/cy1.yaml",))
    assert caught.value.message == (
        "include cycle detected:\n/tmp/i/cy1.yaml\n include /tmp/i/cy2.yaml\n include /tmp/i/cy1.yaml"
    )


def test_self_include():
    with pytest.raises(ConfigError) as caught:
        resolve_includes({"include": ["cy3.yaml"]}, file="/tmp/i/cy3.yaml", project_directory="/tmp/i",
                         load_included=loader({}))
    assert caught.value.message == "include cycle detected:\n/tmp/i/cy3.yaml\n include /tmp/i/cy3.yaml"


@pytest.mark.parametrize("include,message", [
    ("x", "`include` must be a list, got x"),  # binary: same text
    ([5], "expected a string or a mapping, got int"),
    (["oci://docker.io/foo/bar:latest"], "remote (git or OCI) includes are not supported"),
    (["git@github.com:foo/bar.git"], "remote (git or OCI) includes are not supported"),
    ([{"path": "a.yaml", "env_file": "nope.env"}],
     "stat /nonexistent-dir/nope.env: no such file or directory"),
])
def test_invalid_entries(include, message):
    with pytest.raises(ConfigError) as caught:
        resolve_includes({"include": include}, file="/nonexistent-dir/c.yaml",
                         project_directory="/nonexistent-dir", load_included=loader({}))
    assert message in caught.value.message


def test_absolute_paths_of_sub_project():
    doc = {"services": {"s": {"build": "./ctx", "volumes": ["./d:/d", "v:/v"], "env_file": "e.env"}},
           "secrets": {"k": {"file": "./k.txt"}}, "configs": {"c": {"file": "/abs"}},
           "volumes": {"b": {"driver": "local", "driver_opts": {"o": "bind", "device": "./dev"}}}}
    out = absolute_paths(doc, "/sub")
    assert out["services"]["s"] == {"build": "/sub/ctx", "volumes": ["/sub/d:/d", "v:/v"],
                                    "env_file": "/sub/e.env"}
    assert out["secrets"]["k"]["file"] == "/sub/k.txt" and out["configs"]["c"]["file"] == "/abs"
    assert out["volumes"]["b"]["driver_opts"]["device"] == "/sub/dev"
    assert doc["services"]["s"]["build"] == "./ctx"


@pytest.mark.parametrize("definition,accepted", [
    # binary: `include` of s2/e.yaml defining `q` the same way as the including file
    ({"image": "x", "environment": {"A": "1"}}, True),
    ({"image": "x", "environment": ["A=1"]}, True),
    ({"image": "x", "command": "echo hi"}, True),
    ({"image": "x", "labels": ["a=1"]}, True),
    ({"image": "x", "healthcheck": {"test": ["CMD", "true"]}}, True),
    ({"image": "x", "networks": {"default": None}}, True),
    ({"image": "x", "expose": ["80"]}, True),
    ({"image": "x", "scale": 1}, True),
    ({"image": "x", "secrets": [{"source": "s"}]}, False),
    ({"image": "x", "depends_on": {"q2": {"condition": "service_started"}}}, False),
])
def test_identical_redefinition(definition, accepted):
    doc = {"include": ["s2/e.yaml"], "services": {"q": definition}}
    imported = {"services": {"q": dict(definition)}}
    if accepted:
        out = resolve_includes(doc, file="/p/c.yaml", project_directory="/p", load_included=loader(imported))
        assert out["services"] == {"q": definition}
    else:
        with pytest.raises(ConfigError, match="services.q conflicts with imported resource"):
            resolve_includes(doc, file="/p/c.yaml", project_directory="/p", load_included=loader(imported))


def test_build_without_context_gets_sub_project_directory():
    # binary (compose-go testdata include/project-directory.yaml): context is the sub-project directory
    out = absolute_paths({"services": {"s": {"build": {"dockerfile_inline": "FROM busybox"}}}}, "/sub")
    assert out["services"]["s"]["build"] == {"dockerfile_inline": "FROM busybox", "context": "/sub"}


def test_random_entries_raise_only_config_errors():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    scalars = st.one_of(st.none(), st.integers(0, 2), st.booleans(), st.sampled_from(["a.yaml", "", "/abs.yaml"]))
    values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=2),
                                                           st.dictionaries(st.sampled_from(
                                                               ["path", "project_directory", "env_file", "image",
                                                                "ports", "q", "services"]), inner, max_size=3)),
                          max_leaves=8)
    resources = st.dictionaries(st.sampled_from(["services", "volumes", "networks", "name"]),
                                st.one_of(values, st.dictionaries(st.sampled_from(["q", "r"]), values)), max_size=3)

    @settings(max_examples=200, deadline=None)
    @given(values, resources, resources)
    def check(include, local, imported):
        try:
            resolve_includes({"include": include, **local}, file="/nonexistent/c.yaml",
                             project_directory="/nonexistent", load_included=loader(imported))
            absolute_paths(imported, "/sub")
        except ConfigError:
            pass

    check()
