"""The context tar's headers, generated Dockerfiles and errors (expectations from docker CLI 28.2.2's tar)."""

from __future__ import annotations

import gzip
import io
import os
import tarfile

import pytest

from pycompose.errors import ConfigError
from pycompose.images.context import generated_dockerfile_name, iter_context, make_context_tar
from pycompose.images.dockerignore import compile_patterns

DOCKERFILE = "FROM busybox:latest\n"


def write(path, text="x", mode=None):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    if mode is not None:
        os.chmod(path, mode)
    return path


def members(stream):
    with tarfile.open(fileobj=stream) as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else None) for m in tar]


def test_headers_are_those_docker_writes(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "bin" / "run", "#!/bin/sh\n", 0o4755)
    write(tmp_path / "secret", "s", 0o600)
    os.link(tmp_path / "secret", tmp_path / "z-hard")
    os.symlink("secret", tmp_path / "link")
    os.utime(tmp_path / "secret", (1_700_000_000.75, 1_700_000_000.75))
    got = {m.name: (m, data) for m, data in members(make_context_tar(str(tmp_path))[0])}
    assert list(got) == ["Dockerfile", "bin", "bin/run", "link", "secret", "z-hard"]
    for member, _ in got.values():
        assert (member.uid, member.gid, member.uname, member.gname) == (0, 0, "", "")
        assert not member.name.startswith("/") and ".." not in member.name.split("/")
    assert got["bin"][0].isdir() and got["bin"][0].mode == 0o755
    assert got["bin/run"][0].mode == 0o4755 and got["bin/run"][1] == b"#!/bin/sh\n"
    assert got["secret"][0].mode == 0o600 and got["secret"][0].mtime == 1_700_000_000
    assert got["link"][0].issym() and got["link"][0].linkname == "secret" and got["link"][0].mode == 0o777
    assert got["z-hard"][0].islnk() and got["z-hard"][0].linkname == "secret" and got["z-hard"][0].size == 0


def test_stream_is_seekable_plain_tar_and_reproducible(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "a" / "b", "data")
    first, _ = make_context_tar(str(tmp_path))
    second, _ = make_context_tar(str(tmp_path))
    raw = first.read()
    assert raw == second.read() and len(raw) % 512 == 0 and raw[257:263] == b"ustar\x00"
    first.seek(0)
    assert [m.name for m, _ in members(first)] == ["Dockerfile", "a", "a/b"]


def test_gzip_stream_is_reproducible(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    one, _ = make_context_tar(str(tmp_path), compress=True)
    two, _ = make_context_tar(str(tmp_path), compress=True)
    raw = one.read()
    assert raw[:2] == b"\x1f\x8b" and raw == two.read()
    assert [m.name for m, _ in members(io.BytesIO(gzip.decompress(raw)))] == ["Dockerfile"]


def test_inline_dockerfile_is_added_and_listed_in_dockerignore(tmp_path):
    write(tmp_path / ".dockerignore", "src\n")
    write(tmp_path / "src" / "x")
    write(tmp_path / "app.py")
    stream, name = make_context_tar(str(tmp_path), dockerfile_inline="FROM busybox:latest\nRUN true\n")
    assert name == generated_dockerfile_name(b"FROM busybox:latest\nRUN true\n")
    assert name.startswith(".dockerfile.") and len(name) == len(".dockerfile.") + 20
    got = members(stream)
    # docker: the context (with .dockerignore rewritten in place), then the generated file, mode 0600
    assert [m.name for m, _ in got] == [".dockerignore", "app.py", name]
    assert got[0][1] == f"src\n\n{name}\n".encode()
    assert got[2][0].mode == 0o600 and got[2][1] == b"FROM busybox:latest\nRUN true\n"


def test_dockerfile_outside_context(tmp_path):
    context = tmp_path / "ctx"
    write(context / "app.py")
    write(tmp_path / "docker" / "Dockerfile", DOCKERFILE)
    stream, name = make_context_tar(str(context), dockerfile="../docker/Dockerfile")
    assert name == generated_dockerfile_name(DOCKERFILE.encode())
    got = members(stream)
    # no .dockerignore in the context: docker appends one naming itself and the generated file
    assert [m.name for m, _ in got] == ["app.py", name, ".dockerignore"]
    assert got[1][1] == DOCKERFILE.encode()
    assert got[2][1] == f".dockerignore\n{name}\n".encode() and got[2][0].mode == 0o600


def test_absolute_dockerfile_outside_context_in_empty_context(tmp_path):
    (tmp_path / "ctx").mkdir()
    dockerfile = write(tmp_path / "Dockerfile", DOCKERFILE)
    stream, name = make_context_tar(str(tmp_path / "ctx"), dockerfile=str(dockerfile))
    assert [m.name for m, _ in members(stream)] == [name, ".dockerignore"]


def test_absolute_dockerfile_inside_context_is_made_relative(tmp_path):
    dockerfile = write(tmp_path / "sub" / "Dockerfile.dev", DOCKERFILE)
    _, name = make_context_tar(str(tmp_path), dockerfile=str(dockerfile))
    assert name == "sub/Dockerfile.dev"


def test_symlinked_dockerfile_resolves_to_its_target(tmp_path):
    # docker CLI: `-f Dockerfile` -> Dockerfile -> real/Dockerfile sends dockerfile=real/Dockerfile
    write(tmp_path / "real" / "Dockerfile", DOCKERFILE)
    write(tmp_path / ".dockerignore", "real\n")
    os.symlink("real/Dockerfile", tmp_path / "Dockerfile")
    stream, name = make_context_tar(str(tmp_path))
    assert name == "real/Dockerfile"
    names = [m.name for m, _ in members(stream)]
    assert names == [".dockerignore", "Dockerfile", "real/Dockerfile"]


def test_empty_context_with_inline_dockerfile(tmp_path):
    stream, name = make_context_tar(str(tmp_path), dockerfile_inline=DOCKERFILE)
    assert [m.name for m, _ in members(stream)] == [name, ".dockerignore"]


def test_per_dockerfile_ignore_file_wins_unless_classic(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "Dockerfile.dockerignore", "a\n")
    write(tmp_path / ".dockerignore", "b\n")
    write(tmp_path / "a")
    write(tmp_path / "b")
    names = [m.name for m, _ in members(make_context_tar(str(tmp_path))[0])]
    assert names == [".dockerignore", "Dockerfile", "Dockerfile.dockerignore", "b"]
    classic = [m.name for m, _ in members(make_context_tar(str(tmp_path), per_dockerfile_ignore=False)[0])]
    assert classic == [".dockerignore", "Dockerfile", "Dockerfile.dockerignore", "a"]


def test_iter_context_yields_absolute_paths(tmp_path):
    write(tmp_path / "d" / "f")
    assert list(iter_context(str(tmp_path), compile_patterns([]))) == [
        (str(tmp_path / "d"), "d"), (str(tmp_path / "d" / "f"), "d/f")]


PATH = ("services", "web", "build")


def test_missing_context_names_the_service(tmp_path):
    with pytest.raises(ConfigError) as caught:
        make_context_tar(str(tmp_path / "nope"), path=PATH)
    assert caught.value.keys == PATH
    assert str(caught.value) == f"services.web.build: build context {str(tmp_path / 'nope')!r} does not exist"


def test_context_that_is_a_file(tmp_path):
    write(tmp_path / "f")
    with pytest.raises(ConfigError, match="is not a directory"):
        make_context_tar(str(tmp_path / "f"), path=PATH)


def test_missing_dockerfile(tmp_path):
    with pytest.raises(ConfigError) as caught:
        make_context_tar(str(tmp_path), dockerfile="Dockerfile.prod", path=PATH)
    assert "cannot locate Dockerfile" in str(caught.value) and caught.value.keys == PATH


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads unreadable files")
def test_unreadable_file(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "locked", mode=0o000)
    with pytest.raises(ConfigError, match="no permission to read from"):
        make_context_tar(str(tmp_path), path=PATH)


def test_unreadable_file_that_is_ignored_is_fine(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / ".dockerignore", "locked\n")
    write(tmp_path / "locked", mode=0o000)
    names = [m.name for m, _ in members(make_context_tar(str(tmp_path))[0])]
    assert names == [".dockerignore", "Dockerfile"]


def test_bad_pattern_is_a_config_error(tmp_path):
    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / ".dockerignore", "[a\n")
    with pytest.raises(ConfigError) as caught:
        make_context_tar(str(tmp_path))
    assert caught.value.file == str(tmp_path / ".dockerignore")


def test_unreadable_file_reported_even_as_root(tmp_path, monkeypatch):
    import builtins

    from pycompose.images import context

    write(tmp_path / "Dockerfile", DOCKERFILE)
    write(tmp_path / "locked")

    def fake_open(name, *args, **kwargs):
        if str(name).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return builtins.open(name, *args, **kwargs)

    monkeypatch.setattr(context, "open", fake_open, raising=False)
    with pytest.raises(ConfigError) as caught:
        make_context_tar(str(tmp_path), path=PATH)
    assert str(caught.value) == (
        f"services.web.build: no permission to read from '{tmp_path / 'locked'}': Permission denied")
