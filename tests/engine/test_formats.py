"""`--format` on real containers: pycompose prints v2's bytes (ps, volumes, images, ls), exit codes included."""

from __future__ import annotations

import re
import subprocess
import sys
import uuid

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE_YAML = """\
services:
  web:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "echo \\"hi there\\"; sleep 3600"]
    ports: ["127.0.0.1::80"]
    volumes: [data:/data]
    labels: {a: b}
  nl:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "echo a\\nsleep 3600"]
volumes:
  data:
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory, reference_compose):
    """A running project made by v2: (run pycompose, run v2), each taking the arguments after `-p NAME`."""
    directory = tmp_path_factory.mktemp("formats")
    (directory / "compose.yaml").write_text(COMPOSE_YAML)
    name = f"cf-{uuid.uuid4().hex[:10]}"

    def tool(binary: list[str]):
        def call(*args: str) -> tuple[int, str, str]:
            done = subprocess.run([*binary, "-p", name, *args], cwd=directory, capture_output=True, text=True,
                                  timeout=120)
            return done.returncode, done.stdout, done.stderr
        return call

    ours, theirs = tool([sys.executable, "-m", "pycompose"]), tool([reference_compose])
    try:
        code, _, err = theirs("up", "-d")
        assert code == 0, err
        yield ours, theirs, name
    finally:
        remove_project_resources(name)


def _sorted_labels(text: str) -> str:
    """Go prints a map's labels in random order: sort them, on each line, in `Labels` values and `labels:` lines."""
    def sort(match: re.Match[str]) -> str:
        return match.group(1) + ",".join(sorted(match.group(2).split(","))) + match.group(3)
    text = re.sub(r'("Labels":")([^"]*)(")', sort, text)
    return re.sub(r"(^labels: )(.*)($)", sort, text, flags=re.M)


_CLOCK = re.compile(r"\b(Less than a second|About an? (minute|hour)|\d+ (seconds?|minutes?|hours?))\b")


def _without_clock(text: str) -> str:
    """Durations masked, and the padding they moved collapsed."""
    return re.sub(r" {2,}", "  ", _CLOCK.sub("T", text))


def same_output(stack, *args: str, attempts: int = 4) -> None:
    """Same stdout, stderr and exit code, byte for byte; when a clock-dependent field (CREATED, STATUS) kept moving
    between the two runs, the same once durations are masked."""
    ours, theirs, _ = stack
    for _ in range(attempts):
        mine, reference = ours(*args), theirs(*args)
        mine = (mine[0], _sorted_labels(mine[1]), mine[2])
        reference = (reference[0], _sorted_labels(reference[1]), reference[2])
        if mine == reference:
            return
    assert (mine[0], _without_clock(mine[1]), mine[2]) == (reference[0], _without_clock(reference[1]), reference[2])


@pytest.mark.parametrize("format_", [
    "table", "json", "{{json .}}", "{{.Name}} {{.State}}", "table {{.Service}}\\t{{.Ports}}", "raw",
    'table {{.Health}}\\t{{.Name}}\\t{{.ExitCode}}\\t{{.Label "a"}}\\t{{.State}}',
    "table {{.Name}}\\t{{pad .State 2 2}}|{{upper .Status}}|{{.Mounts}}",
    "{{json .Publishers}} {{.Publishers}} {{.Command}}", "  {{.Name}}\t ",
    '{{range $i, $p := split .Name "-"}}{{$i}}={{$p}};{{end}}',
    "{{.Foo}}", "{{.Name", "{{upper .ExitCode}}", "{{index .Publishers 5}}",
])
def test_ps_format_is_v2s(stack, format_):
    same_output(stack, "ps", "--format", format_)


@pytest.mark.parametrize("flags", [(), ("--no-trunc",), ("--format", "json", "--no-trunc"), ("-q",), ("--services",),
                                   ("--format", "{{.Name}}", "-q")])
def test_ps_flags_with_formats_are_v2s(stack, flags):
    same_output(stack, "ps", *flags)


@pytest.mark.parametrize("args", [
    ("volumes",), ("volumes", "-q"), ("volumes", "web"), ("volumes", "nl"), ("volumes", "nosuch"),
    ("volumes", "--format", "{{.Name}} {{.Driver}} {{.Scope}}"),
    ("volumes", "--format", "table {{.Name}}\\t{{.Driver}}\\t{{.Labels}}"),
    ("volumes", "--format", "{{.Foo}}"),
])
def test_volumes_are_v2s(stack, args):
    same_output(stack, *args)


def test_volumes_json_has_v2s_fields(stack):
    ours, theirs, _ = stack
    mine, reference = ours("volumes", "--format", "json"), theirs("volumes", "--format", "json")
    assert mine[0] == reference[0] == 0
    import json

    ours_row, their_row = json.loads(mine[1]), json.loads(reference[1])
    assert list(ours_row) == list(their_row)
    for key in ("Name", "Driver", "Scope", "Links", "Size", "Group", "Availability", "Status"):
        assert ours_row[key] == their_row[key], key


@pytest.mark.parametrize("args", [
    ("images",), ("images", "--format", "{{json .}}"),
    ("images", "--format", "table {{.ID}}\\t"), ("ls", "--format", "x"),
    ("images", "nosuch"), ("images", "--format", "json", "nosuch"),  # v2 does not check service names here
])
def test_images_and_ls_formats_are_v2s(stack, args):
    same_output(stack, *args)


def test_images_json_has_v2s_rows(stack):
    """v2 builds `images --format json` by walking a Go map, so its row order changes from run to run: the same rows
    (ours in container order), and the same layout around them."""
    import json

    ours, theirs, _ = stack
    mine, reference = ours("images", "--format", "json"), theirs("images", "--format", "json")
    assert (mine[0], mine[2]) == (reference[0], reference[2]) == (0, "")
    assert mine[1].endswith("]\n\n") and reference[1].endswith("]\n\n")
    rows = sorted(json.dumps(row) for row in json.loads(mine[1]))
    assert rows == sorted(json.dumps(row) for row in json.loads(reference[1]))
    assert len(rows) == 2
    assert [row["ContainerName"] for row in json.loads(mine[1])] == sorted(row["ContainerName"] for row in
                                                                          json.loads(mine[1]))


def test_ls_json_and_table_are_v2s(stack):
    _, _, name = stack
    same_output(stack, "ls", "--filter", f"name={name}", "--format", "json")
    same_output(stack, "ls", "--filter", f"name={name}")
