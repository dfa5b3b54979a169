"""`build --print` (the bake file v2.40.3 prints) and v2's outcome for the BuildKit-only `build` flags here.

Expected outputs were printed by `docker compose build --print` v2.40.3 on the same projects."""

from __future__ import annotations

import os
import socket
import textwrap

import pytest

from pycompose import session
from pycompose.errors import ComposeError, ConfigError, UsageError
from pycompose.images import bake, buildkit
from pycompose.loader.options import ProjectOptions

FULL = """\
name: fullproj
services:
  web.app:
    image: example/web:1.0
    build:
      context: ./linkctx
      dockerfile: Dockerfile
      args:
        PLAIN: "a $${LITERAL} b"
        FROMENV:
        MISSING:
        EMPTY: ""
      labels: {zlabel: z, alabel: a}
      tags: [example/web:extra, other/tag]
      cache_from: ["type=local,src=/tmp/c"]
      cache_to: [type=inline]
      network: none
      target: final
      secrets: [filesec, {source: envsec, target: renamed}]
      ssh: [mykey=/tmp/key]
      pull: true
      shm_size: 1gb
      ulimits: {nproc: 65535, nofile: {soft: 1024, hard: 2048}}
      entitlements: [network.host]
      extra_hosts: ["h1=1.1.1.1", "h1=2.2.2.2", "h0:3.3.3.3"]
      privileged: true
      additional_contexts:
        base: service:base
        src: ./other
        img: docker-image://busybox:latest
      provenance: "mode=max"
      sbom: "true"
  base:
    build:
      context: ctx
      dockerfile_inline: |
        FROM busybox
        RUN echo $$Y <&>
      no_cache: true
      platforms: [linux/amd64, linux/arm64]
  plain:
    image: busybox
  pinned:
    build: ctx
    platform: linux/amd64
secrets:
  filesec: {file: ./secret.txt}
  envsec: {environment: ENVSEC}
"""

EXPECTED_BASE = """\
{
  "group": {
    "default": {
      "targets": [
        "base"
      ]
    }
  },
  "target": {
    "base": {
      "context": "ROOT/ctx",
      "dockerfile-inline": "FROM busybox\\nRUN echo $Y \\u003c\\u0026\\u003e\\n",
      "labels": {
        "com.docker.compose.project": "fullproj",
        "com.docker.compose.service": "base",
        "com.docker.compose.version": "2.40.3"
      },
      "tags": [
        "fullproj-base"
      ],
      "platforms": [
        "linux/amd64",
        "linux/arm64"
      ],
      "no-cache": true,
      "output": [
        "type=image,push=false"
      ]
    }
  }
}
"""


@pytest.fixture
def full(tmp_path):
    (tmp_path / "ctx").mkdir()
    (tmp_path / "other").mkdir()
    (tmp_path / "ctx" / "Dockerfile").write_text("FROM busybox\n")
    (tmp_path / "secret.txt").write_text("s")
    os.symlink("ctx", tmp_path / "linkctx")
    (tmp_path / "compose.yaml").write_text(FULL)
    return tmp_path


def load(folder, services=(), **env):
    environ = {"FROMENV": "fe", "ENVSEC": "xx", **env}
    options = ProjectOptions(environ=environ, working_directory=str(folder), services=tuple(services))
    return session.project(options)


def printed(folder, services=(), env=None, **options):
    project, environment = load(folder, **(env or {}))  # v2's build loads every service
    config = bake.bake_config(project, environment, bake.BakeOptions(services=tuple(services), **options))
    return None if config is None else bake.render(config).replace(str(folder), "ROOT")


def test_a_dockerfile_inline_target_is_printed_as_v2_prints_it(full):
    assert printed(full, ("base",)) == EXPECTED_BASE


def test_every_build_key_takes_v2s_bake_form(full):
    text = printed(full, ("web.app",))
    target = __import__("json").loads(text)["target"]
    assert list(target) == ["base", "web_app"]  # base: named by additional_contexts
    web = target["web_app"]
    assert list(web) == ["context", "contexts", "dockerfile", "args", "labels", "tags", "cache-from", "cache-to",
                         "target", "secret", "ssh", "pull", "network", "shm-size", "ulimits", "entitlements",
                         "extra-hosts", "output", "attest"]
    assert web["context"] == "ROOT/linkctx" and web["dockerfile"] == "ROOT/ctx/Dockerfile"  # symlink resolved
    assert web["contexts"] == {"base": "target:base", "img": "docker-image://busybox:latest", "src": "ROOT/other"}
    assert web["args"] == {"EMPTY": "", "FROMENV": "fe", "PLAIN": "a $${LITERAL} b"}
    assert list(web["labels"]) == ["alabel", "com.docker.compose.project", "com.docker.compose.service",
                                   "com.docker.compose.version", "zlabel"]
    assert web["labels"]["com.docker.compose.service"] == "web.app"
    assert web["tags"] == ["example/web:extra", "other/tag", "example/web:1.0"]
    assert web["secret"] == ["id=filesec,type=file,src=ROOT/secret.txt", "id=renamed,type=env,env=ENVSEC"]
    assert web["ssh"] == ["mykey=/tmp/key"]
    assert web["shm-size"] == "1073741824"
    assert web["ulimits"] == ["nofile=1024:2048", "nproc=65535"]
    assert web["entitlements"] == ["network.host", "security.insecure"]
    assert web["extra-hosts"] == {"h0": "3.3.3.3", "h1": "1.1.1.1,2.2.2.2"}
    assert web["output"] == ["type=docker"]
    assert web["attest"] == ["type=provenance,mode=max", "type=sbom"]
    # base is built too: web.app's build needs it
    assert __import__("json").loads(text)["group"] == {"default": {"targets": ["base", "web_app"]}}


def test_flags_change_the_targets(full):
    import json

    text = printed(full, ("web.app", "pinned"), no_cache=True, pull=True, push=True, check=True,
                   build_args={"X": "1", "FROMENV": None, "NOPE": None}, ssh=(("default", ""),))
    target = json.loads(text)["target"]
    assert target["pinned"]["platforms"] == ["linux/amd64"]  # the service's platform
    assert target["pinned"]["args"] == {"FROMENV": "fe", "X": "1"}  # a value-less one from the environment
    assert target["pinned"]["pull"] is True and target["pinned"]["no-cache"] is True
    assert target["pinned"]["call"] == "lint" and "output" not in target["pinned"]
    assert target["web_app"]["ssh"] == ["mykey=/tmp/key", "default="]
    assert json.loads(printed(full, ("web.app",), push=True))["target"]["web_app"]["output"] == ["type=registry"]
    assert json.loads(printed(full, ("pinned",), push=True))["target"]["pinned"]["output"] == ["type=docker"]
    assert json.loads(printed(full, ("base",), push=True))["target"]["base"]["output"] == ["type=image,push=false"]


def test_proxies_of_the_cli_config_are_args_that_never_override(full, tmp_path_factory):
    import json

    folder = tmp_path_factory.mktemp("dockercfg")
    (folder / "config.json").write_text(json.dumps({"proxies": {"default": {"httpProxy": "http://p:3128",
                                                                            "noProxy": "x${y}"}}}))
    proxies = bake.proxy_args({"DOCKER_CONFIG": str(folder)}, "unix:///var/run/docker.sock")
    assert proxies == {"HTTP_PROXY": "http://p:3128", "NO_PROXY": "x${y}"}
    text = printed(full, ("pinned",), proxies=proxies, build_args={"HTTP_PROXY": "mine"})
    assert json.loads(text)["target"]["pinned"]["args"] == {"HTTP_PROXY": "mine", "NO_PROXY": "x$${y}"}
    assert bake.proxy_args({"DOCKER_CONFIG": str(folder / "none")}, "") == {}


def test_nothing_to_build_prints_nothing(full):
    assert printed(full, ("plain",)) is None


def test_dependencies_are_targets_but_only_built_when_asked(tmp_path):
    import json

    (tmp_path / "Dockerfile").write_text("FROM busybox\n")
    (tmp_path / "compose.yaml").write_text(textwrap.dedent("""\
        services:
          a: {build: ., depends_on: [b]}
          b: {build: .}
          d: {image: busybox, depends_on: [a]}
        """))
    assert json.loads(printed(tmp_path, ("a",)))["group"]["default"]["targets"] == ["a"]
    assert list(json.loads(printed(tmp_path, ("a",)))["target"]) == ["a", "b"]
    assert json.loads(printed(tmp_path, ("d",), with_dependencies=True))["group"]["default"]["targets"] == ["a", "b"]
    assert printed(tmp_path, ("d",)) is None


def test_a_platform_the_build_does_not_list_is_refused(full):
    with pytest.raises(ConfigError, match='service "(web.app|base)" build.platforms does not support value set by '
                                          "DOCKER_DEFAULT_PLATFORM: linux/s390x"):
        printed(full, ("web.app",), env={"DOCKER_DEFAULT_PLATFORM": "linux/s390x"})


@pytest.mark.parametrize("environ, warning", [
    ({}, "Docker Compose is configured to build using Bake, but buildx isn't installed"),
    ({"COMPOSE_BAKE": "1"}, "Docker Compose is configured to build using Bake, but buildx isn't installed"),
    ({"DOCKER_BUILDKIT": "0"}, "Docker Compose is configured to build using Bake, but buildkit isn't enabled"),
    ({"COMPOSE_BAKE": "false", "DOCKER_BUILDKIT": "0"},
     "COMPOSE_BAKE=false is deprecated, support for internal compose builder will be removed in next release"),
])
def test_the_bake_warning(environ, warning):
    assert bake.bake_warning(environ) == warning


def test_a_bake_switch_that_is_no_boolean_is_refused():
    with pytest.raises(ConfigError, match='strconv.ParseBool: parsing "x": invalid syntax'):
        bake.bake_warning({"COMPOSE_BAKE": "x"})


@pytest.mark.parametrize("context, dockerfile, expected", [
    ("https://github.com/docker/compose.git#main", "sub/Dockerfile", "sub/Dockerfile"),
    ("/nowhere/ctx", "../x/Dockerfile", "/nowhere/x/Dockerfile"),
    ("/nowhere/ctx", "/abs/Dockerfile", "/abs/Dockerfile"),
    ("/nowhere/ctx", "", ""),
])
def test_dockerfile_path(context, dockerfile, expected):
    assert bake.dockerfile_path(context, dockerfile) == expected


def test_ssh_flag_parsing():
    assert buildkit.parse_ssh("default") == ("default", "")
    assert buildkit.parse_ssh("id=/k") == ("id", "/k")
    with pytest.raises(UsageError, match='invalid ssh key "bad"'):
        buildkit.parse_ssh("bad")


def test_buildkit_flags_are_refused_as_v2_refuses_them(tmp_path):
    check = buildkit.check
    env = {"DOCKER_CONFIG": str(tmp_path)}
    with pytest.raises(ComposeError, match='^no builder "foo" found$'):
        check(buildkit.BuildkitFlags(builder="foo"), env)
    with pytest.raises(ComposeError, match='^no builder "bar" found$'):
        check(buildkit.BuildkitFlags(), {**env, "BUILDX_BUILDER": "bar"})
    check(buildkit.BuildkitFlags(builder="default"), env)
    with pytest.raises(ComposeError) as error:
        check(buildkit.BuildkitFlags(ssh=(("default", ""),)), env)
    assert str(error.value) == ("failed to convert agent config {default [] false}: invalid empty ssh agent socket: "
                                "make sure SSH_AUTH_SOCK is set")
    with pytest.raises(ComposeError) as error:
        check(buildkit.BuildkitFlags(provenance="false"), env)
    assert str(error.value) == buildkit.ATTESTATION_UNSUPPORTED
    everything = buildkit.BuildkitFlags(builder="foo", ssh=(("default", ""),), sbom="true")
    check(everything, {**env, "DOCKER_BUILDKIT": "0"})  # the classic builder ignores them all


def test_ssh_agent_problems(tmp_path):
    junk = tmp_path / "junk"
    junk.write_text("junk")
    key = tmp_path / "key"
    key.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nx\n-----END OPENSSH PRIVATE KEY-----\n")
    problem = buildkit.ssh_agent_problem
    prefix = 'failed to convert agent config for ID: "id": '
    assert problem("id", str(tmp_path / "no"), {}) == f"{prefix}stat {tmp_path}/no: no such file or directory"
    assert problem("id", str(junk), {}) == f"{prefix}failed to parse {junk}: ssh: no key found"
    assert problem("id", str(tmp_path), {}) == f"{prefix}failed to read {tmp_path}: read {tmp_path}: is a directory"
    assert problem("id", str(key), {}) is None
    sock_path = str(tmp_path / "agent.sock")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(sock_path)
        assert problem("default", "", {"SSH_AUTH_SOCK": sock_path}) is None
