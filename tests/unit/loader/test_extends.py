"""resolve_extends(): expectations measured with docker-compose v2.40.3 on the same files (see comments)."""

from __future__ import annotations

import os

import pytest
import yaml

from pycompose.errors import ConfigError
from pycompose.loader.extends import rebase_service_paths, resolve_extends


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as handle:
        handle.write(text)


def load(path):
    with open(path) as handle:
        return yaml.safe_load(handle)


@pytest.fixture()
def project(tmp_path):
    root = str(tmp_path)
    write(f"{root}/sub/base.yaml", """
services:
  base:
    image: busybox
    build: {context: ./ctx, additional_contexts: {x: ./xc, y: "docker-image://foo"}}
    env_file: [a.env, {path: b.env, required: false}]
    label_file: l.txt
    volumes: ["./data:/data", "named:/named", {type: bind, source: ./lb, target: /lb}, "~/h:/h"]
    depends_on: [dep]
    links: [dep]
    volumes_from: [dep]
    ports: ["80:80"]
    environment: [A=1]
    develop: {watch: [{path: ./src, action: sync, target: /app}]}
  mid:
    extends: {service: base2, file: deeper/b2.yaml}
""")
    write(f"{root}/sub/deeper/b2.yaml", "services:\n  base2:\n    image: busybox\n    env_file: b2.env\n"
                                        "    volumes: ['./d2:/d2']\n")
    write(f"{root}/compose.yaml", """
services:
  web:
    extends: {file: sub/base.yaml, service: base}
    ports: ["81:81"]
    environment: {B: 2}
  m:
    extends: {file: sub/base.yaml, service: mid}
  dep:
    image: busybox
""")
    return root


def test_base_from_other_file_paths_rebased_and_everything_inherited(project):
    out = resolve_extends(load(f"{project}/compose.yaml"), file=f"{project}/compose.yaml", load_file=load,
                          working_dir=project)
    web = out["services"]["web"]
    sub = f"{project}/sub"
    # binary: context/additional_contexts/watch path/bind sources absolute in sub/, depends_on, links and
    # volumes_from inherited, ports 80 then 81, environment A=1 B=2
    assert web["build"] == {"context": f"{sub}/ctx", "additional_contexts": {"x": f"{sub}/xc",
                                                                            "y": "docker-image://foo"}}
    assert web["env_file"] == [f"{sub}/a.env", {"path": f"{sub}/b.env", "required": False}]
    assert web["label_file"] == f"{sub}/l.txt"
    assert web["volumes"] == [f"{sub}/data:/data", "named:/named",
                              {"type": "bind", "source": f"{sub}/lb", "target": "/lb"}, "~/h:/h"]
    assert web["depends_on"] == ["dep"] and web["links"] == ["dep"] and web["volumes_from"] == ["dep"]
    assert web["ports"] == ["80:80", "81:81"]
    assert web["environment"] == ["A=1", "B=2"]
    assert web["develop"]["watch"][0]["path"] == f"{sub}/src"
    assert "extends" not in web
    # binary: chained extends across files, paths relative to the deepest file
    assert out["services"]["m"] == {"image": "busybox", "env_file": f"{sub}/deeper/b2.env",
                                    "volumes": [f"{sub}/deeper/d2:/d2"]}


def test_extends_file_is_relative_to_working_dir(tmp_path):
    # binary: `-f compose.yaml -f other/o.yaml` with `extends.file: x.yaml` reads ./x.yaml, not other/x.yaml
    root = str(tmp_path)
    write(f"{root}/x.yaml", "services:\n  xb:\n    image: from-project-dir\n")
    write(f"{root}/other/x.yaml", "services:\n  xb:\n    image: from-other-dir\n")
    doc = {"services": {"o": {"extends": {"file": "x.yaml", "service": "xb"}}}}
    out = resolve_extends(doc, file=f"{root}/other/o.yaml", load_file=load, working_dir=root)
    assert out["services"]["o"] == {"image": "from-project-dir"}


def test_same_file_chain_and_reset():
    doc = {"services": {
        "a": {"extends": "b", "image": "a"},
        "b": {"extends": {"service": "c"}, "environment": {"B": "1"}},
        "c": {"image": "c", "ports": ["80:80"], "command": ["x"]},
    }}
    out = resolve_extends(doc, file="/p/compose.yaml", load_file=load)
    assert out["services"]["a"] == {"image": "a", "ports": ["80:80"], "command": ["x"],
                                    "environment": {"B": "1"}}
    assert doc["services"]["a"] == {"extends": "b", "image": "a"}  # input untouched


def test_reset_in_extending_service_drops_inherited_key():
    from pycompose.loader.tags import Reset

    doc = {"services": {"a": {"extends": "c", "ports": Reset([])}, "c": {"image": "c", "ports": ["80:80"]}}}
    assert resolve_extends(doc, file="/p/c.yaml", load_file=load)["services"]["a"] == {"image": "c"}


def test_cycle_message_as_v2():
    doc = {"services": {"a": {"extends": "b", "image": "x"}, "b": {"extends": {"service": "c"}},
                        "c": {"extends": "a"}}}
    with pytest.raises(ConfigError) as caught:
        resolve_extends(doc, file="/tmp/e/cyc.yaml", load_file=load)
    assert caught.value.message == ("Circular reference:\n  a in /tmp/e/cyc.yaml\n"
                                    "  extends b in /tmp/e/cyc.yaml\n"
                                    "  extends c in /tmp/e/cyc.yaml\n  extends a in /tmp/e/cyc.yaml")


@pytest.mark.parametrize("service,message", [
    ({"extends": "nope"}, 'cannot extend service "a" in /p/c.yaml: service "nope" not found'),
    ({"extends": {"file": "b.yaml"}}, "extends.a.service is required"),
    ({"extends": 5}, 'cannot extend service "a" in /p/c.yaml: service "" not found'),
])
def test_errors_as_v2(service, message):
    with pytest.raises(ConfigError) as caught:
        resolve_extends({"services": {"a": service}}, file="/p/c.yaml", load_file=load)
    assert caught.value.message == message


def test_missing_service_in_other_file(project):
    doc = {"services": {"a": {"extends": {"service": "nope", "file": "sub/base.yaml"}}}}
    with pytest.raises(ConfigError) as caught:
        resolve_extends(doc, file=f"{project}/c.yaml", load_file=load, working_dir=project)
    assert caught.value.message == (f'cannot extend service "a" in {project}/c.yaml: '
                                    'service "nope" not found in sub/base.yaml')


def test_other_file_without_services(tmp_path):
    write(f"{tmp_path}/nosvc.yaml", "x: 1\n")
    doc = {"services": {"a": {"extends": {"service": "q", "file": "nosvc.yaml"}}}}
    with pytest.raises(ConfigError) as caught:
        resolve_extends(doc, file=f"{tmp_path}/c.yaml", load_file=load)
    assert caught.value.message == f'cannot extend service "a" in {tmp_path}/nosvc.yaml: no services section'


def test_null_base_leaves_service_unchanged():
    out = resolve_extends({"services": {"a": {"extends": "b", "image": "x"}, "b": None}}, file="/p/c.yaml",
                          load_file=load)
    assert out["services"]["a"] == {"image": "x"}


def test_services_not_a_mapping():
    with pytest.raises(ConfigError, match="services must be a mapping"):
        resolve_extends({"services": [1]}, file="/p/c.yaml", load_file=load)


def test_rebase_keeps_remote_and_named():
    service = {"build": "https://github.com/x/y.git", "volumes": ["data:/d", "/abs:/a"]}
    out = rebase_service_paths(service, "/base")
    assert out == {"build": "https://github.com/x/y.git", "volumes": ["data:/d", "/abs:/a"]}


@pytest.mark.parametrize("b_yaml,message", [
    # binary, a.yaml: web extends {file: b.yaml, service: x}; b.yaml: x extends {file: a.yaml, service: web}
    ("services:\n  x:\n    extends: {file: a.yaml, service: web}\n",
     "Circular reference:\n  web in b.yaml\n  extends x in a.yaml\n  extends web in b.yaml"),
    # binary names the project file for lookups without `file`, even inside b.yaml
    ("services:\n  x:\n    extends: y\n  y:\n    extends: x\n",
     "Circular reference:\n  web in b.yaml\n  extends x in {root}/a.yaml\n  extends y in {root}/a.yaml\n"
     "  extends x in {root}/a.yaml"),
    ("services:\n  x:\n    extends: nope\n",
     'cannot extend service "x" in {root}/a.yaml: service "nope" not found'),
])
def test_cross_file_messages_as_v2(tmp_path, b_yaml, message):
    root = str(tmp_path)
    write(f"{root}/a.yaml", "services:\n  web:\n    image: a\n    extends: {file: b.yaml, service: x}\n")
    write(f"{root}/b.yaml", b_yaml)
    with pytest.raises(ConfigError) as caught:
        resolve_extends(load(f"{root}/a.yaml"), file=f"{root}/a.yaml", load_file=load, working_dir=root)
    assert caught.value.message == message.format(root=root)


def test_random_services_raise_only_config_errors():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    names = st.sampled_from(["a", "b", "c", 1])
    scalars = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["a", "b", "./x:/y", "x.yaml", ""]))
    extends = st.one_of(scalars, names, st.dictionaries(st.sampled_from(["service", "file"]),
                                                        st.one_of(scalars, names), max_size=2))
    service = st.one_of(scalars, st.lists(scalars, max_size=2), st.fixed_dictionaries(
        {"extends": extends}, optional={"image": scalars, "ports": st.lists(scalars, max_size=2),
                                        "build": st.one_of(scalars, st.dictionaries(st.just("context"), scalars)),
                                        "volumes": st.lists(scalars, max_size=2)}))
    docs = st.fixed_dictionaries({"services": st.one_of(scalars, st.dictionaries(names, service, max_size=3))})

    @settings(max_examples=200, deadline=None)
    @given(docs, docs)
    def check(doc, other):
        try:
            resolve_extends(doc, file="/p/c.yaml", load_file=lambda path: other)
        except ConfigError:
            pass

    check()
