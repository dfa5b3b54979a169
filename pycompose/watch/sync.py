"""Copying changed files into a service's containers as v2's tar syncer does (`internal/sync/tar.go`): paths that
no longer exist on the host are removed with one `rm -rf` exec per container, the others go in one tar archive
extracted at `/` with the host's owners kept (`CopyUIDGID`). Errors of one container do not stop the others."""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

from pycompose.errors import EngineError

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.watch.rules import PathMapping


def split(mappings: Sequence[PathMapping]) -> tuple[list[PathMapping], list[str]]:
    """(paths to copy, container paths to delete): a host path that is gone is deleted in the container."""
    copy: list[PathMapping] = []
    delete: list[str] = []
    for mapping in mappings:
        if os.path.exists(mapping.host_path):
            copy.append(mapping)
        elif mapping.container_path:
            delete.append(mapping.container_path)
    return copy, delete


def archive(mappings: Sequence[PathMapping]) -> bytes:
    """One tar of the host paths (directories with everything under them), named by their container paths
    relative to `/`; a path that vanished meanwhile is skipped."""
    entries: dict[str, str] = {}
    for mapping in mappings:
        name = mapping.container_path.lstrip("/")
        if not name:
            continue
        if os.path.isdir(mapping.host_path):
            entries[name] = mapping.host_path
            for root, dirs, files in os.walk(mapping.host_path):
                rel_root = os.path.relpath(root, mapping.host_path)
                for entry in sorted(dirs) + sorted(files):
                    rel = entry if rel_root == "." else os.path.join(rel_root, entry)
                    entries[f"{name}/{rel.replace(os.sep, '/')}"] = os.path.join(root, entry)
        else:
            entries[name] = mapping.host_path
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, host_path in entries.items():
            try:
                info = tar.gettarinfo(host_path, arcname=name)
                if info.isreg():
                    with open(host_path, "rb") as handle:
                        data = handle.read()
                    info.size = len(data)
                    tar.addfile(info, io.BytesIO(data))
                else:
                    tar.addfile(info)
            except FileNotFoundError:
                continue
    return buffer.getvalue()


def sync_containers(engine: Engine, container_ids: Sequence[str], mappings: Sequence[PathMapping]) -> list[str]:
    """Bring each container up to date with `mappings`; the errors met, one message each (v2 joins them)."""
    from pycompose.engine.base import ExecSpec

    copy, delete = split(mappings)
    data = archive(copy) if copy else b""
    errors: list[str] = []
    for container_id in container_ids:
        if delete:
            try:
                code = engine.exec_container(container_id, ExecSpec(command=("rm", "-rf", *delete)))
                if code:
                    errors.append(f"deleting paths in {container_id}: exit code {code}")
            except EngineError as error:
                errors.append(f"deleting paths in {container_id}: {error}")
        if data:
            try:
                engine.put_archive(container_id, "/", data, copy_uid_gid=True)
            except EngineError as error:
                errors.append(f"copying files to {container_id}: {error}")
    return errors
