"""`initial_sync`: which files under a trigger's path to copy before watching starts (v2 `initialSyncFiles`).

v2 walks the path in lexical order without following symlinks and copies the files modified since the
service's image was created. Its ignore test differs from the one change events get: it asks the trigger's
matchers about an entry's *base name*, which each matcher takes relative to its own root (the trigger's path
for `ignore:`, the build context for `.dockerignore`, `/` for `.git/` and editors' files). So `ignore: ["*.tmp"]`
skips `sub/x.tmp` here (a change to it is synced), `sub/x.tmp` as a pattern never applies here, and any
directory named `.git` is skipped. `include:` is not consulted. Values only: the caller reads the image's
creation time and does the copy.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable

from pycompose.watch.rules import PathMapping, Trigger


def initial_sync_mappings(trigger: Trigger, created: float | None,
                          bind_mounted: Callable[[str], bool]) -> list[PathMapping]:
    """The files to copy: not ignored (by base name), not under a bind mount, modified at or after `created`
    (epoch seconds; None: every file). A trigger on a single file copies it to `target` when it is newer."""
    if os.path.isfile(trigger.path):
        name = os.path.basename(trigger.path)
        if trigger.ignore.matches(name) or bind_mounted(trigger.path):
            return []
        if created is not None and os.stat(trigger.path).st_mtime <= created:
            return []  # v2 copies a single file only when modified strictly after the image
        return [PathMapping(trigger.path, trigger.target)]
    if not os.path.isdir(trigger.path):
        return []
    found: list[PathMapping] = []
    _walk(trigger, trigger.path, created, bind_mounted, found)
    return found


def _walk(trigger: Trigger, directory: str, created: float | None, bind_mounted: Callable[[str], bool],
          found: list[PathMapping]) -> None:
    try:
        entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
    except FileNotFoundError:
        return
    for entry in entries:
        if trigger.ignore.matches(entry.name) or bind_mounted(entry.path):
            continue  # a directory is skipped whole (v2 fs.SkipDir)
        if entry.is_dir(follow_symlinks=False):
            _walk(trigger, entry.path, created, bind_mounted, found)
            continue
        try:
            modified = entry.stat(follow_symlinks=False).st_mtime
        except FileNotFoundError:
            continue
        if created is not None and modified < created:
            continue
        rel = os.path.relpath(entry.path, trigger.path).replace(os.sep, "/")
        found.append(PathMapping(entry.path, posixpath.join(trigger.target, rel)))
