"""`cp` and `volumes` on real containers, beside v2: the same files land in the same places, the same errors end
the same way (message and exit code)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = [pytest.mark.docker, pytest.mark.reference]

COMPOSE_YAML = """\
services:
  app:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "mkdir -p /src/sub && echo deep > /src/sub/y && echo top > /src/x && ln -s /src/x /src/link
              && sleep 3600"]
    volumes: [data:/data]
  multi:
    image: busybox:latest
    init: true
    command: ["sleep", "3600"]
    deploy: {replicas: 2}
    volumes: [other:/other]
volumes:
  data:
  other:
"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory, reference_compose):
    directory = tmp_path_factory.mktemp("cp")
    (directory / "compose.yaml").write_text(COMPOSE_YAML)
    (directory / "f.txt").write_text("hello\n")
    (directory / "d" / "sub").mkdir(parents=True)
    (directory / "d" / "sub" / "y").write_text("y\n")
    name = f"cf-{uuid.uuid4().hex[:10]}"

    def tool(binary: list[str]):
        def call(*args: str, stdin: bytes | None = None, cwd: Path = directory) -> tuple[int, bytes, str]:
            done = subprocess.run([*binary, "-p", name, *args], cwd=cwd, input=stdin, capture_output=True,
                                  timeout=120)
            return done.returncode, done.stdout, done.stderr.decode()
        return call

    ours, theirs = tool([sys.executable, "-m", "pycompose"]), tool([reference_compose])
    try:
        code, _, err = theirs("up", "-d", "--wait")
        assert code == 0, err
        yield ours, theirs, name, directory
    finally:
        remove_project_resources(name)


def in_container(name: str, container: str, *command: str) -> str:
    return subprocess.run(["docker", "exec", f"{name}-{container}", *command], capture_output=True, text=True,
                          check=True).stdout


def tree(path: Path) -> dict[str, str]:
    """Every file under `path` (relative name → content; directories as `<dir>`, links as `-> target`)."""
    found = {}
    for root, dirs, files in os.walk(path):
        for entry in dirs:
            found[os.path.relpath(os.path.join(root, entry), path)] = "<dir>"
        for entry in files:
            full = Path(root, entry)
            found[os.path.relpath(full, path)] = f"-> {os.readlink(full)}" if full.is_symlink() else full.read_text()
    return found


@pytest.mark.parametrize(("source", "destination"), [
    ("app:/src/x", "{out}/x-copy"),            # a file under a new name
    ("app:/src/x", "{out}/"),                  # into an existing directory, under its own name
    ("app:/src", "{out}/new"),                 # a directory that does not exist yet
    ("app:/src", "{out}"),                     # a directory into an existing one
    ("app:/src/.", "{out}"),                   # a directory's contents
    ("app:/src/link", "{out}/l"),              # a link, copied as a link
])
def test_out_of_a_container_the_same_tree_as_v2(stack, tmp_path, source, destination):
    ours, theirs, _, _ = stack
    results = []
    for tool, label in ((ours, "ours"), (theirs, "theirs")):
        out = tmp_path / label
        out.mkdir()
        code, _, err = tool("cp", source, destination.format(out=out))
        results.append((code, tree(out) if not source.endswith("link") else os.readlink(out / "l")))
    assert results[0] == results[1]
    assert results[0][0] == 0


def test_follow_link_copies_the_target_under_the_links_name(stack, tmp_path):
    ours, theirs, _, _ = stack
    for tool, label in ((ours, "ours"), (theirs, "theirs")):
        (tmp_path / label).mkdir()
        code, _, err = tool("cp", "-L", "app:/src/link", str(tmp_path / label))
        assert code == 0, err
    assert tree(tmp_path / "ours") == tree(tmp_path / "theirs") == {"link": "top\n"}


@pytest.mark.parametrize(("source", "destination", "check"), [
    ("f.txt", "app:/tmp/", "/tmp/f.txt"),
    ("f.txt", "app:/tmp/renamed", "/tmp/renamed"),
    ("d", "app:/tmp/dnew", "/tmp/dnew/sub/y"),
    ("d/.", "app:/tmp/", "/tmp/sub/y"),
])
def test_into_a_container_lands_where_v2_puts_it(stack, source, destination, check):
    ours, theirs, name, _ = stack
    code, _, err = ours("cp", source, destination)
    assert code == 0, err
    mine = in_container(name, "app-1", "sh", "-c", f"cat {check}; find /tmp | sort; rm -rf /tmp/*")
    code, _, err = theirs("cp", source, destination)
    assert code == 0, err
    reference = in_container(name, "app-1", "sh", "-c", f"cat {check}; find /tmp | sort; rm -rf /tmp/*")
    assert mine == reference


def test_into_every_replica_or_only_the_one_indexed(stack):
    ours, _, name, _ = stack
    assert ours("cp", "f.txt", "multi:/tmp/all")[0] == 0
    assert ours("cp", "--index", "2", "f.txt", "multi:/tmp/second")[0] == 0
    listing = [in_container(name, f"multi-{n}", "ls", "/tmp").split() for n in (1, 2)]
    assert listing == [["all"], ["all", "second"]]


def test_a_tar_on_stdin_and_stdout(stack):
    ours, theirs, name, _ = stack
    archive = io.BytesIO()
    with tarfile.open(fileobj=archive, mode="w:") as tar:
        info = tarfile.TarInfo("from-stdin")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert ours("cp", "-", "app:/tmp/", stdin=archive.getvalue())[0] == 0
    assert in_container(name, "app-1", "cat", "/tmp/from-stdin") == "abc"
    mine, reference = ours("cp", "app:/src", "-"), theirs("cp", "app:/src", "-")
    assert mine[0] == reference[0] == 0

    def members(data: bytes) -> list[tuple[str, int]]:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
            return [(m.name, m.size) for m in tar.getmembers()]
    assert members(mine[1]) == members(reference[1])


@pytest.mark.parametrize("args", [
    ("cp", "nosuch:/a", "x"),
    ("cp", "a", "b"),
    ("cp", "app:/a", "app:/b"),
    ("cp", "nofile", "app:/tmp"),
    ("cp", "f.txt", "app:/nonexist/dir/"),
    ("cp", "-", "app:/tmp/z/"),
    ("cp", "--index", "9", "f.txt", "multi:/tmp"),
    ("cp", "", "x"),
])
def test_errors_end_as_v2s(stack, args):
    ours, theirs, _, _ = stack
    mine, reference = ours(*args, stdin=b""), theirs(*args, stdin=b"")
    assert mine[0] == reference[0] != 0
    assert mine[2].strip().splitlines()[-1] == reference[2].strip().splitlines()[-1]


def test_a_missing_path_in_the_container_fails_as_v2(stack):
    ours, theirs, _, _ = stack
    mine, reference = ours("cp", "app:/nonexist", "x"), theirs("cp", "app:/nonexist", "x")
    assert mine[0] == reference[0] == 1
    assert reference[2].strip().endswith(mine[2].strip().splitlines()[-1])


@pytest.mark.parametrize("args", [
    ("volumes",), ("volumes", "-q"), ("volumes", "app"), ("volumes", "multi", "app"), ("volumes", "-q", "multi"),
    ("volumes", "--format", "{{.Name}}\\t{{.Driver}}"),
])
def test_volumes_of_services_as_v2(stack, args):
    """The engine lists volumes in no set order (v2 prints them as they come): the rows are compared sorted."""
    ours, theirs, _, _ = stack

    def rows(result: tuple[int, bytes, str]) -> tuple[int, list[str], str]:
        lines = result[1].decode().splitlines(keepends=True)
        head = lines[:1] if lines and lines[0].startswith("DRIVER") else []
        return result[0], head + sorted(lines[len(head):]), result[2]
    assert rows(ours(*args)) == rows(theirs(*args))
