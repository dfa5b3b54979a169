"""Fuzzing load_project: whatever the input, it loads or raises a ComposeError, never anything else.

Inputs: random YAML-ish text, and random mutations (deleted keys, values of the wrong type, odd
strings, text-level edits) of valid compose files: the render test cases, the projects v2 accepted in
the conformance expectations (their `--format json` output is itself a valid compose file), and a few
written here.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pycompose.errors import ComposeError
from pycompose.loader.options import ProjectOptions

TESTS = Path(__file__).resolve().parents[2]

OWN_SEEDS = [
    {"services": {"web": {"image": "busybox", "ports": ["80:80"], "command": "echo ${A:-x}"}}},
    {
        "services": {
            "a": {"image": "busybox", "depends_on": {"b": {"condition": "service_healthy"}}, "volumes": ["v:/v"]},
            "b": {"build": ".", "healthcheck": {"test": ["CMD", "true"]}, "networks": ["n"]},
        },
        "volumes": {"v": {}},
        "networks": {"n": {"driver": "bridge"}},
    },
    {"name": "p", "services": {"s": {"image": "i", "profiles": ["x"], "environment": ["A=1", "B"]}}},
]


def _seeds() -> list[dict]:
    seeds = list(OWN_SEEDS)
    for compose in sorted((TESTS / "unit" / "render" / "cases").glob("*/compose.yaml")):
        data = yaml.safe_load(compose.read_text())
        if isinstance(data, dict):
            seeds.append(data)
    for expected in sorted((TESTS / "conformance" / "expected").glob("*.json"))[:40]:
        record = json.loads(expected.read_text())
        if record["json"]["exit"] == 0:
            seeds.append(json.loads(record["json"]["stdout"]))
    return seeds


SEEDS = _seeds()

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["${X}", "${X:?err}", "$", "$$", "${", "80:80:80", "1.5G", "-1", "a=b", "service:x", "!reset", ""]),
)
_values = st.recursive(
    _scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, (*prefix, index))


@st.composite
def _mutated(draw) -> str:
    data = json.loads(json.dumps(draw(st.sampled_from(SEEDS))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [path for path in _paths(data) if path]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete":
            del parent[path[-1]]
        elif action == "replace":
            parent[path[-1]] = draw(_values)
        elif isinstance(parent, dict):
            parent[draw(st.text(max_size=10))] = draw(_values)
        else:
            parent.append(draw(_values))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()):
        # a text-level edit: YAML syntax errors, odd indentation, tags
        position = draw(st.integers(0, len(text)))
        edit = draw(st.sampled_from(["\t", ":", "- ", "{", "'", "!!binary ", "&a ", "*a", "\n  ", "#"]))
        text = text[:position] + edit + text[position:]
    return text


_yaml_text = st.lists(
    st.sampled_from(
        list("ab01:- \n\t{}[],'\"#&*!|>%@`$?.~\\\u2028é")
        + ["services", "image", "<<", "services:\n  a:\n    ", "!reset", "!override", "${X}", "&a", "*a"]
    ),
    max_size=40,
).map("".join)


def _load(text: str) -> None:
    from pycompose.loader.project import load_project

    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "compose.yaml").write_text(text, encoding="utf-8")
        options = ProjectOptions(files=("compose.yaml",), working_directory=folder, environ={"X": "1"})
        try:
            load_project(options)
        except ComposeError:
            pass


_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(_yaml_text)
def test_random_yaml_text_loads_or_raises_compose_error(text):
    _load(text)


@_settings
@given(_mutated())
def test_mutated_compose_files_load_or_raise_compose_error(text):
    _load(text)


@st.composite
def _aliased(draw) -> tuple[str, bool]:
    """Flow-style YAML whose aliases may name any anchor already opened, enclosing ones too, with some deep nesting.

    Returns the text and whether an alias names an anchor it is written in (outside `!reset`): a cycle. Anchors
    defined inside a `!reset` are not named outside it (through them a cycle can leave the `!reset`).
    """
    defined: list[str] = []
    open_: list[str] = []
    cyclic = False
    count = 0

    def node(depth: int, in_reset: bool) -> str:
        nonlocal cyclic, count
        choice = draw(st.integers(0, 5 if depth < 4 else 1))
        if choice == 0:
            return draw(st.sampled_from(["1", "x", "''", "'${X}'", "null"]))
        if choice == 1 and (defined or open_):
            name = draw(st.sampled_from(defined + open_))
            cyclic = cyclic or (name in open_ and not in_reset)
            return f"*{name} "
        tag = draw(st.sampled_from(["", "", "", "!reset ", "!override "]))
        anchor = f"a{count}"
        count += 1
        open_.append(anchor)
        inner_reset = in_reset or tag == "!reset "
        known = len(defined)
        if choice in (2, 3):
            body = "[" + ", ".join(node(depth + 1, inner_reset) for _ in range(draw(st.integers(0, 3)))) + "]"
        else:
            keys = [f"k{index}" for index in range(draw(st.integers(0, 3)))]
            if draw(st.booleans()):
                keys.append("<<")
            body = "{" + ", ".join(f"{key}: {node(depth + 1, inner_reset)}" for key in keys) + "}"
        open_.remove(anchor)
        if tag == "!reset ":
            del defined[known:]
        defined.append(anchor)
        levels = draw(st.sampled_from([0, 0, 0, 1, 198, 199, 250, 1500]))
        return f"&{anchor} {tag}" + "[" * levels + body + "]" * levels

    text = "{x-f: " + node(0, False) + ", services: {s: {image: busybox}}}\n"
    return text, cyclic


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_aliased())
def test_recursive_and_deeply_nested_aliases_are_config_errors(case):
    from pycompose.errors import ConfigError
    from pycompose.loader.yaml_file import load_documents

    text, cyclic = case
    try:
        load_documents(text, "f")
    except ConfigError as error:
        message = str(error)
        assert message.startswith("f:1:"), message  # located
        if "exceeded max depth of 200" in message:  # nesting libyaml refuses is found before any alias
            return
        if cyclic:
            assert "cycle detected: node at path x-f" in message or "value contains itself" in message, message
        else:
            assert "map merge requires map or sequence of maps" in message, message
    else:
        assert not cyclic
    _load(text)


@pytest.mark.parametrize("index", range(len(OWN_SEEDS)))
def test_seeds_are_valid(index):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "compose.yaml").write_text(yaml.safe_dump(OWN_SEEDS[index]))
        os.makedirs(folder, exist_ok=True)
        from pycompose.loader.project import load_project

        load_project(ProjectOptions(files=("compose.yaml",), working_directory=folder, environ={}))


# The same promise from the command line: random global flags and COMPOSE_*/DOCKER_* variables, run in-process
# through the CLI's one error boundary (`pycompose.cli.main.run`), end in an exit code, never in a bug report.
# Only `config` runs: it needs no engine, and it loads the project as every other command does.

_ENV_NAMES = ("COMPOSE_FILE", "COMPOSE_PROFILES", "COMPOSE_PROJECT_NAME", "COMPOSE_PATH_SEPARATOR",
              "COMPOSE_ENV_FILES", "COMPOSE_DISABLE_ENV_FILE", "COMPOSE_PROGRESS", "COMPOSE_ANSI",
              "COMPOSE_PARALLEL_LIMIT", "COMPOSE_REMOVE_ORPHANS", "COMPOSE_IGNORE_ORPHANS", "DOCKER_HOST",
              "DOCKER_CONTEXT", "DOCKER_BUILDKIT", "COMPOSE_COMPATIBILITY")
_FILES = {  # what the fuzzed flags and variables may name, beside free text
    "compose.yaml": b"name: fuzz\nservices:\n  a:\n    image: busybox\n    profiles: [p]\n"
                    b"    environment: [X=${X:-1}, N=${COMPOSE_PROJECT_NAME}]\n  b:\n    image: busybox\n",
    "empty.yaml": b"",
    "binary.yaml": bytes(range(256)),
    "deep.yaml": b"a: " + b"[" * 5000 + b"]" * 5000 + b"\n",
    "bad.env": b"A=\xff\xfe\n\xff=1\nB=ok\n",
    "good.env": b"COMPOSE_PROFILES=p\nX=2\n",
}
_odd_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
_names = st.one_of(st.sampled_from([*_FILES, "adir", ".", "", "-", "missing.yaml", "adir/x", "a:b", ",", "::"]),
                   _odd_text)
_env_values = st.one_of(_names, st.sampled_from(["0", "1", "true", "no", "-1", "9" * 30, "p,,q", " p ", "UPPER",
                                                  "-x", "tcp://", "unix:///nope", "ssh://"]), _odd_text)
_global_flags = st.lists(st.one_of(
    st.tuples(st.sampled_from(["-f", "--env-file", "--project-directory"]), _names),
    st.tuples(st.sampled_from(["-p", "--profile", "--progress", "--ansi", "--parallel"]), _env_values),
    st.tuples(st.sampled_from(["--dry-run", "--compatibility", "--all-resources"])),
), max_size=4)
_config_flags = st.lists(st.sampled_from(["-q", "--services", "--volumes", "--profiles", "--images", "--hash=*",
                                          "--environment", "--variables", "--format=json", "--no-interpolate",
                                          "--no-normalize", "--no-path-resolution", "a", "zz"]), max_size=3)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flags=_global_flags, config=_config_flags,
       environ=st.dictionaries(st.sampled_from(_ENV_NAMES), _env_values, max_size=4),
       stdin=st.sampled_from([*(content.decode("utf-8", "replace") for content in _FILES.values()), "{"]))
def test_cli_arguments_and_variables_end_in_an_exit_code_never_a_bug(flags, config, environ, stdin):
    import contextlib
    import io
    from unittest import mock

    from pycompose.cli import main

    def bug(error: BaseException, **_: object) -> int:
        raise AssertionError(f"a bug for {flags} {config} {environ}") from error

    args = [part for flag in flags for part in flag] + ["config", *config]
    kept = {key: value for key, value in os.environ.items() if not key.startswith(("COMPOSE_", "DOCKER_"))}
    with tempfile.TemporaryDirectory() as folder:
        for name, content in _FILES.items():
            Path(folder, name).write_bytes(content)
        Path(folder, "adir").mkdir()
        before = os.getcwd()
        os.chdir(folder)
        try:
            with mock.patch.dict(os.environ, {**kept, **environ}, clear=True), \
                    mock.patch.object(main, "_report_bug", bug), mock.patch("sys.stdin", io.StringIO(stdin)), \
                    contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
                code = main.run(args)
        finally:
            os.chdir(before)
    assert isinstance(code, int) and code != 70, err.getvalue()
    assert "Traceback" not in err.getvalue()
