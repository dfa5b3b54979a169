"""Files in and out of service containers (`cp`, v2 `pkg/compose/cp.go`), and the project's volumes (`volumes`).

`copy` moves tar archives through the engine port's `get_archive` / `put_archive` and reshapes them as the docker
CLI's archive package does, so that `cp SRC DST` names the copy as `cp` would: into an existing directory under the
source's own name, otherwise under the destination's name.
"""

from __future__ import annotations

import io
import os
import posixpath
import stat as stat_module
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Any

from pycompose.errors import ComposeError, OperationFailed, UsageError
from pycompose.session import ProjectSource, engine_of, project_or_labels

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.events import EventSink
    from pycompose.observed import ObservedContainer

__all__ = ["CopyOptions", "VolumeSummary", "copy", "split_copy_argument", "volumes"]

# Go's os.FileMode bits, as the engine reports a path's mode
_GO_MODE_DIR = 1 << 31
_GO_MODE_SYMLINK = 1 << 27
_GO_MODE_TYPE = (1 << 31) | (1 << 27) | (1 << 26) | (1 << 25) | (1 << 24) | (1 << 21) | (1 << 19)


@dataclass(frozen=True)
class CopyOptions:
    """`cp SOURCE DESTINATION`: one side `SERVICE:PATH`, the other a local path or `-` (a tar on stdin/stdout).

    Copying into a service writes into every container of the service (or only number `index`); copying out of
    one reads from its first container (or number `index`). Does not start stopped containers: the engine copies
    into and out of them as they are.
    """

    source: str
    destination: str
    index: int = 0
    """The container number; 0: every container (into a service), the first (out of one)."""
    all_containers: bool = False
    """Include one-off (`run`) containers."""
    follow_link: bool = False
    """A symbolic link as SRC_PATH is followed: its target is copied under the link's name."""
    copy_uid_gid: bool = False
    """Files written into a container belong to the container's user instead of root (`-a`)."""


@dataclass(frozen=True)
class VolumeSummary:
    """One of the project's volumes as `volumes` lists it (the engine's volume list entry)."""

    name: str
    driver: str = ""
    scope: str = ""
    mountpoint: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)


def split_copy_argument(argument: str) -> tuple[str, str]:
    """(service, path): an absolute path or one without `:` (or starting with `.`) is local (service "")."""
    if argument.startswith("/"):
        return "", argument
    service, sep, path = argument.partition(":")
    if not sep or service.startswith("."):
        return "", argument
    return service, path


def volumes(source: ProjectSource, services: tuple[str, ...] = (), *, engine: Engine | None = None,
            ) -> list[VolumeSummary]:
    """The volumes labelled with the project, by name; with `services`, only those their running containers mount.

    Raises:
        UsageError: a service the compose file does not declare (with `-p NAME` and no `-f`, names are not checked).
    """
    from pycompose.errors import NoConfigFile
    from pycompose.loader.options import ProjectOptions
    from pycompose.session import check_services, project

    engine = engine_of(engine)
    try:
        model, _ = project(source)
    except NoConfigFile:
        model, _ = project_or_labels(source, engine)
    else:
        # v2 (`projectOrName`) checks the names only against a project it loaded: not with `-p NAME` and no `-f`
        if not (isinstance(source, ProjectOptions) and source.project_name and not source.files):
            check_services(model, services)
    project_name = model.name
    observed = engine.observe(project_name, all_containers=False)
    from pycompose import labels

    found = [v for v in observed.volumes.values() if v.labels.get(labels.PROJECT) == project_name]
    if services:
        mounted = {m.name for c in observed.containers if c.service in services for m in c.mounts}
        found = [v for v in found if v.name in mounted]
    return [
        VolumeSummary(name=v.name, driver=v.driver, scope=v.scope, mountpoint=v.mountpoint, labels=dict(v.labels))
        for v in sorted(found, key=lambda v: v.name)
    ]


def copy(source: ProjectSource, options: CopyOptions, *, sink: EventSink | None = None,
         stdin: IO[bytes] | None = None, stdout: IO[bytes] | None = None, working_directory: str | None = None,
         engine: Engine | None = None) -> None:
    """Copy between a service's containers and the local filesystem (v2 `cp`).

    `stdin` / `stdout` are the binary streams `-` stands for; `working_directory` resolves relative local paths
    (default: the process's). Progress goes to `sink` (`Copying`, `Copied`, named by container).

    Raises:
        UsageError: both sides or neither name a service, an empty side.
        OperationFailed: no container of the service (number `index`).
        NotFound: the path does not exist in the container.
        ComposeError: a local path that does not exist, or a copy the destination cannot take.
    """
    from pycompose.events import Event, LoggingSink

    if options.source == "":
        raise UsageError("source can not be empty")
    if options.destination == "":
        raise UsageError("destination can not be empty")
    sink = sink or LoggingSink()
    engine = engine_of(engine)
    cwd = working_directory or os.getcwd()
    src_service, src_path = split_copy_argument(options.source)
    dst_service, dst_path = split_copy_argument(options.destination)
    if src_service and dst_service:
        raise UsageError("copying between services is not supported")
    if not src_service and not dst_service:
        raise UsageError("unknown copy direction")
    service = src_service or dst_service
    project, _ = project_or_labels(source, engine)
    targets = _targets(engine, project.name, service, options, from_service=bool(src_service))
    for container in targets:
        if src_service:
            text = f"copy {container.name}:{src_path} to {dst_path}"
        else:
            text = f"copy {src_path} to {container.name}:{dst_path}"
        sink.emit(Event("Container", container.name, "Copying", text, named_alone=True))
        if src_service:
            _copy_out(engine, container, src_path, dst_path, options, stdout, cwd)
        else:
            _copy_in(engine, container, src_path, dst_path, options, stdin, cwd)
        sink.emit(Event("Container", container.name, "Copied", text, named_alone=True))


def _targets(engine: Engine, project: str, service: str, options: CopyOptions, *, from_service: bool,
             ) -> list[ObservedContainer]:
    """The containers `cp` copies to, or the one it copies from: without `--index`, v2 takes the first the engine
    lists (the newest: `getContainers` does not sort), which is not always replica 1."""
    observed = engine.observe(project, all_containers=True)
    listed = [c for c in observed.containers if c.service == service and (options.all_containers or not c.oneoff)]
    if from_service and options.index <= 0 and listed:
        return listed[:1]
    mine = sorted(listed, key=lambda c: (c.oneoff, c.number, c.name))
    if options.index > 0:
        chosen = [c for c in mine if not c.oneoff and c.number == options.index]
        if not chosen:
            raise OperationFailed(f'service "{service}" is not running container #{options.index}')
        return chosen[:1]
    if not mine:
        raise OperationFailed(f'no container found for service "{service}"')
    return mine[:1] if from_service else mine


# out of a container -----------------------------------------------------------------------------------------------


def _copy_out(engine: Engine, container: ObservedContainer, src_path: str, dst_path: str, options: CopyOptions,
              stdout: IO[bytes] | None, cwd: str) -> None:
    if dst_path != "-":  # the docker CLI's ValidateOutputPath, before the container is asked anything
        local = os.path.normpath(_local_path(dst_path, cwd))
        if not os.path.exists(os.path.dirname(local)):
            raise ComposeError(f'invalid output path: directory "{os.path.dirname(local)}" does not exist')
        try:
            os.stat(local)
        except FileNotFoundError:
            pass
        except OSError as error:  # Go's message: the lower-case strerror
            reason = (error.strerror or str(error))
            raise ComposeError(f"stat {local}: {reason[:1].lower()}{reason[1:]}") from None
    rebase = ""
    if options.follow_link:
        _, stat = engine.get_archive(container.id, src_path)
        if int(stat.get("mode", 0)) & _GO_MODE_SYMLINK:
            target = str(stat.get("linkTarget", ""))
            if not target.startswith("/"):
                target = posixpath.join(posixpath.dirname(src_path.rstrip("/")) or "/", target)
            rebase = posixpath.basename(src_path.rstrip("/"))
            src_path = target
    data, stat = engine.get_archive(container.id, src_path)
    if dst_path == "-":
        if stdout is not None:
            stdout.write(data)
            stdout.flush()
        return
    source_base = posixpath.basename(src_path.rstrip("/")) or "/"
    if rebase:
        data = _rebase(data, source_base, rebase)
        source_base = rebase
    is_dir = bool(int(stat.get("mode", 0)) & _GO_MODE_DIR)
    _extract_to(data, source_base, is_dir, _local_path(dst_path, cwd), src_path)


def _extract_to(data: bytes, source_base: str, is_dir: bool, destination: str, src_path: str) -> None:
    """The docker CLI's archive.CopyTo: into an existing directory under the source's name, else as `destination`
    (its parent must exist; a missing `dir/` is created only for a directory source), with its messages."""
    if os.path.exists(destination):  # CopyInfoDestinationPath follows symlinks
        if os.path.isdir(destination):
            target_dir, rename = destination, None
        elif is_dir:
            raise ComposeError("cannot copy directory")
        else:
            target_dir, rename = os.path.dirname(destination), os.path.basename(destination)
    else:
        parent, base = _split_dir_entry(destination)
        if not os.path.exists(parent):
            raise ComposeError(f"stat {parent}: no such file or directory")
        if not os.path.isdir(parent):
            raise ComposeError("not a directory")
        if not is_dir and (destination.endswith(("/", "/.")) or destination == "."):
            raise ComposeError("no such directory")  # a file cannot make the directory the path asserts
        target_dir, rename = parent, base
    if src_path.endswith("/.") and is_dir and rename is None:
        data = _rebase(data, source_base, ".")
    elif rename is not None:
        data = _rebase(data, source_base, rename)
    _extract(data, target_dir)


def _split_dir_entry(path: str) -> tuple[str, str]:
    """archive.SplitPathDirEntry: a trailing `/.` stays part of the entry (`a/b/.` → `a/b`, `.`)."""
    cleaned = os.path.normpath(path)
    if path.endswith("/.") or path == ".":
        cleaned += "/."
    return os.path.dirname(cleaned), os.path.basename(cleaned)


def _extract(data: bytes, directory: str) -> None:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
        for member in archive.getmembers():
            if member.name.startswith("/") or ".." in member.name.split("/"):
                raise ComposeError(f"invalid path in archive: {member.name}")
        archive.extractall(directory, filter="fully_trusted", numeric_owner=os.geteuid() == 0)


def _rebase(data: bytes, old: str, new: str) -> bytes:
    """The archive with its top entry `old` (and what is under it) renamed `new` (archive.RebaseArchiveEntries)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as source, tarfile.open(fileobj=out, mode="w:") as target:
        for member in source.getmembers():
            name = member.name
            if name == old or name.startswith(old + "/"):
                member.name = posixpath.normpath(new + name[len(old):]) if new != "." or name != old else "."
            if member.islnk() and (member.linkname == old or member.linkname.startswith(old + "/")):
                member.linkname = new + member.linkname[len(old):]
            target.addfile(member, source.extractfile(member) if member.isfile() else None)
    return out.getvalue()


# into a container -------------------------------------------------------------------------------------------------


def _copy_in(engine: Engine, container: ObservedContainer, src_path: str, dst_path: str, options: CopyOptions,
             stdin: IO[bytes] | None, cwd: str) -> None:
    dst_stat = _stat(engine, container.id, dst_path)
    if dst_stat is not None and int(dst_stat.get("mode", 0)) & _GO_MODE_SYMLINK:
        target = str(dst_stat.get("linkTarget", ""))
        if not target.startswith("/"):
            target = posixpath.join(posixpath.dirname(dst_path.rstrip("/")) or "/", target)
        dst_path = target
        dst_stat = _stat(engine, container.id, target)
    mode = int(dst_stat.get("mode", 0)) if dst_stat is not None else 0
    if mode & _GO_MODE_TYPE and not mode & _GO_MODE_DIR:
        raise ComposeError(f'destination "{container.id}:{dst_path}" must be a directory or a regular file: '
                           "got a special file")
    exists, is_dir = dst_stat is not None, bool(mode & _GO_MODE_DIR)
    if src_path == "-":
        if not is_dir:
            raise ComposeError(f'destination "{container.id}:{dst_path}" must be a directory')
        _put(engine, container.id, dst_path, stdin.read() if stdin is not None else b"", options)
        return
    local = _local_path(src_path, cwd)
    if options.follow_link:
        local_source = os.path.realpath(local)
    else:
        local_source = local
    try:
        source_stat = os.lstat(local_source)
    except FileNotFoundError:
        raise ComposeError(f"lstat {local_source.rstrip('/')}: no such file or directory") from None
    source_is_dir = stat_module.S_ISDIR(source_stat.st_mode)
    base = os.path.basename(local.rstrip("/")) or "."
    if exists and is_dir:
        directory, name = dst_path, base
        if src_path.endswith("/.") and source_is_dir:
            name = "."
    elif exists:
        if source_is_dir:
            raise ComposeError("cannot copy directory")  # archive.ErrCannotCopyDir
        directory, name = posixpath.dirname(dst_path) or "/", posixpath.basename(dst_path)
    else:
        if dst_path.endswith("/") and not source_is_dir:  # a directory source creates it (PrepareArchiveCopy)
            raise ComposeError("no such directory")
        trimmed = dst_path.rstrip("/") or "/"
        directory, name = posixpath.dirname(trimmed) or "/", posixpath.basename(trimmed)
    _put(engine, container.id, directory, _tar_local(local_source, name), options)


def _stat(engine: Engine, container_id: str, path: str) -> Mapping[str, Any] | None:
    """The engine's stat of a path in the container, None when it does not exist."""
    return engine.stat_path(container_id, path)


def _put(engine: Engine, container_id: str, path: str, data: bytes, options: CopyOptions) -> None:
    engine.put_archive(container_id, path, data, copy_uid_gid=options.copy_uid_gid)


def _tar_local(path: str, name: str) -> bytes:
    """A tar of a local file or directory whose top entry is `name` (`.`: the directory's contents)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:", format=tarfile.PAX_FORMAT) as archive:
        if name == ".":
            for entry in sorted(os.listdir(path)):
                archive.add(os.path.join(path, entry), arcname=entry)
        else:
            archive.add(path, arcname=name)
    return out.getvalue()


def _local_path(path: str, cwd: str) -> str:
    """An absolute local path that keeps a trailing `/` or `/.` (archive.PreserveTrailingDotOrSeparator)."""
    absolute = os.path.normpath(os.path.join(cwd, path))
    if path.endswith("/.") or path == ".":
        return absolute + "/."
    if path.endswith("/"):
        return absolute + "/"
    return absolute
