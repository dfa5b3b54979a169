"""The build context tar sent to the engine's `/build` endpoint, made as docker CLI's classic path makes it.

What the CLI does (cli/command/image/build, moby/go-archive `TarWithOptions`), and we do:
- walk the context in byte order of names, depth first, directory entry before its contents, symlinks kept as
  links (never followed), hard links after the first as tar links, sockets left out, the context root itself
  not archived; names relative (`dir/`, `dir/file`), uid/gid 0 with empty user/group names, mtime in whole
  seconds, permission bits as on disk;
- skip what the ignore patterns exclude; an excluded directory is not entered unless a `!` pattern literally
  starts with `dir/` (then only its entries that are not excluded are sent, without the directory entry);
- always send the Dockerfile and `.dockerignore` (the engine reads `.dockerignore` and deletes both from the
  context itself when the patterns exclude them);
- a Dockerfile outside the context, or an inline one, goes in as `.dockerfile.<20 hex>` (mode 0600) and that
  name is appended to the tar's `.dockerignore` (created if absent) so the engine drops it from the context.
  The CLI picks the hex at random; we derive it from the Dockerfile's content so the tar is reproducible.
The tar is spooled (memory, then a temporary file past `SPOOL_BYTES`), so files are read once, in chunks.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import stat
import tarfile
import tempfile
from collections.abc import Iterator
from typing import IO

from pycompose.errors import ConfigError
from pycompose.images.dockerignore import (
    Pattern,
    exception_may_match_inside,
    load_patterns,
    match_with_parent,
    trim_build_files,
)

SPOOL_BYTES = 32 * 1024 * 1024
GENERATED_PREFIX = ".dockerfile."

KeyPath = tuple[str | int, ...] | None


def make_context_tar(
    context_dir: str,
    *,
    dockerfile: str = "Dockerfile",
    dockerfile_inline: str | None = None,
    path: KeyPath = None,
    compress: bool = False,
    per_dockerfile_ignore: bool = True,
) -> tuple[IO[bytes], str]:
    """Archive `context_dir` for a build: (seekable stream at offset 0, Dockerfile path to give the engine).

    `dockerfile` is relative to the context unless absolute (compose's `build.dockerfile`); `dockerfile_inline`
    replaces it. `compress=True` gzips the stream (then send it with `Content-Type: application/x-tar` and
    docker-py's `encoding="gzip"`). `per_dockerfile_ignore=False` reads only `<context>/.dockerignore`, as the
    classic `docker build` does; by default `<Dockerfile>.dockerignore` wins when it exists, as with BuildKit.
    `path` is the compose key path errors name, e.g. `("services", "web", "build")`. The caller closes the stream.
    """
    root = _context_root(context_dir, path)
    extra: bytes | None = None
    if dockerfile_inline is not None:
        extra = dockerfile_inline.encode("utf-8")
        patterns = load_patterns(root, None, per_dockerfile=False)
        rel_dockerfile: str | None = None
    else:
        given = dockerfile if os.path.isabs(dockerfile) else os.path.join(context_dir, dockerfile)
        real = _resolve_dockerfile(given, path)
        rel_dockerfile = os.path.relpath(real, root).replace(os.sep, "/")
        if rel_dockerfile == ".." or rel_dockerfile.startswith("../"):
            extra = _read_file(real, path)
            rel_dockerfile = None
        patterns = load_patterns(root, os.path.abspath(given), per_dockerfile=per_dockerfile_ignore)
    patterns = trim_build_files(patterns, rel_dockerfile)
    generated = generated_dockerfile_name(extra) if extra is not None else None

    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        _write_tar(spool, root, patterns, generated, extra, compress, path)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return spool, generated if generated is not None else rel_dockerfile  # type: ignore[return-value]


def generated_dockerfile_name(content: bytes) -> str:
    """The name an out-of-context or inline Dockerfile gets in the tar: `.dockerfile.` + 20 hex digits."""
    return GENERATED_PREFIX + hashlib.sha256(content).hexdigest()[:20]


def iter_context(root: str, patterns: list[Pattern]) -> Iterator[tuple[str, str]]:
    """(absolute path, tar name) of each entry go-archive would send, in its order (see module docstring)."""
    exclusions = any(p.exclusion for p in patterns)

    def visit(dir_abs: str, dir_rel: str, parent: tuple[bool, ...] | None) -> Iterator[tuple[str, str]]:
        try:
            with os.scandir(dir_abs) as listing:
                entries = sorted(listing, key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            raise ConfigError(f"can't stat '{dir_abs}': {exc.strerror}") from exc
        for entry in entries:
            rel = f"{dir_rel}/{entry.name}" if dir_rel else entry.name
            excluded, info = match_with_parent(rel, patterns, parent)
            is_dir = entry.is_dir(follow_symlinks=False)
            if excluded:
                if is_dir and exclusions and exception_may_match_inside(rel, patterns):
                    yield from visit(entry.path, rel, info)
                continue
            yield entry.path, rel
            if is_dir:
                yield from visit(entry.path, rel, info)

    yield from visit(root, "", None)


def _context_root(context_dir: str, path: KeyPath) -> str:
    if not context_dir:
        raise ConfigError("build context is empty", path=path)
    root = os.path.realpath(os.path.abspath(context_dir))
    if not os.path.exists(root):
        raise ConfigError(f"build context {context_dir!r} does not exist", path=path)
    if not os.path.isdir(root):
        raise ConfigError(f"build context {context_dir!r} is not a directory", path=path)
    return root


def _resolve_dockerfile(given: str, path: KeyPath) -> str:
    real = os.path.realpath(given)
    if not os.path.lexists(real):
        raise ConfigError(f"cannot locate Dockerfile: {given!r} does not exist", path=path)
    if os.path.isdir(real):
        raise ConfigError(f"Dockerfile {given!r} is a directory", path=path)
    return real


def _read_file(filename: str, path: KeyPath) -> bytes:
    try:
        with open(filename, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise ConfigError(f"unable to open Dockerfile {filename!r}: {exc.strerror}", path=path) from exc


def _write_tar(
    out: IO[bytes],
    root: str,
    patterns: list[Pattern],
    generated: str | None,
    extra: bytes | None,
    compress: bool,
    path: KeyPath,
) -> None:
    target: IO[bytes] = out
    gz = None
    if compress:
        gz = gzip.GzipFile(filename="", mode="wb", fileobj=out, compresslevel=6, mtime=0)
        target = gz  # type: ignore[assignment]
    seen_inodes: dict[int, str] = {}
    had_ignore_file = False
    with tarfile.open(fileobj=target, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for abs_path, rel in iter_context(root, patterns):
            if generated is not None and rel == ".dockerignore":
                had_ignore_file = True
                _add_ignore_with(tar, abs_path, generated, path)
                continue
            _add_entry(tar, abs_path, rel, seen_inodes, path)
        if generated is not None and extra is not None:
            tar.addfile(_synthetic(generated, len(extra)), io.BytesIO(extra))
            if not had_ignore_file:
                data = f".dockerignore\n{generated}\n".encode()
                tar.addfile(_synthetic(".dockerignore", len(data)), io.BytesIO(data))
    if gz is not None:
        gz.close()


def _header(rel: str, st: os.stat_result) -> tarfile.TarInfo:
    info = tarfile.TarInfo(rel)
    info.mode = stat.S_IMODE(st.st_mode)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = int(st.st_mtime)
    return info


def _synthetic(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.mode = 0o600
    info.size = size
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mtime = 0
    return info


def _add_entry(
    tar: tarfile.TarFile, abs_path: str, rel: str, seen_inodes: dict[int, str], path: KeyPath
) -> None:
    try:
        st = os.lstat(abs_path)
    except OSError as exc:
        raise ConfigError(f"can't stat '{abs_path}': {exc.strerror}", path=path) from exc
    mode = st.st_mode
    info = _header(rel, st)
    if stat.S_ISSOCK(mode):
        return  # Go's tar cannot archive sockets; the CLI logs and leaves them out
    if not stat.S_ISDIR(mode) and st.st_nlink > 1:
        first = seen_inodes.get(st.st_ino)
        if first is not None:
            info.type = tarfile.LNKTYPE
            info.linkname = first
            tar.addfile(info)
            return
        seen_inodes[st.st_ino] = rel
    if stat.S_ISDIR(mode):
        info.type = tarfile.DIRTYPE
        tar.addfile(info)
    elif stat.S_ISLNK(mode):
        info.type = tarfile.SYMTYPE
        info.linkname = os.readlink(abs_path)
        tar.addfile(info)
    elif stat.S_ISFIFO(mode):
        info.type = tarfile.FIFOTYPE
        tar.addfile(info)
    elif stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        info.type = tarfile.CHRTYPE if stat.S_ISCHR(mode) else tarfile.BLKTYPE
        info.devmajor, info.devminor = os.major(st.st_rdev), os.minor(st.st_rdev)
        tar.addfile(info)
    else:
        try:
            handle = open(abs_path, "rb")
        except OSError as exc:
            raise ConfigError(f"no permission to read from '{abs_path}': {exc.strerror}", path=path) from exc
        with handle:
            info.size = os.fstat(handle.fileno()).st_size
            try:
                tar.addfile(info, handle)
            except OSError as exc:
                raise ConfigError(f"error reading '{abs_path}' into the build context: {exc}", path=path) from exc


def _add_ignore_with(tar: tarfile.TarFile, abs_path: str, generated: str, path: KeyPath) -> None:
    """The context's `.dockerignore` with the generated Dockerfile's name appended (CLI
    `AddDockerfileToBuildContext`), keeping its header."""
    st = os.lstat(abs_path)
    try:
        with open(abs_path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ConfigError(f"no permission to read from '{abs_path}': {exc.strerror}", path=path) from exc
    data += f"\n{generated}\n".encode()
    info = _header(".dockerignore", st)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))
