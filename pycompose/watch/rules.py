"""The triggers of `develop.watch` and what a batch of changed paths asks for (v2 `watchRule.Matches`,
`handleWatchBatch`). Values only: no engine, no file system except what `os.path` says about paths."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol


class Action(str, Enum):
    """What a trigger does when a path under it changes."""

    SYNC = "sync"
    SYNC_RESTART = "sync+restart"
    SYNC_EXEC = "sync+exec"
    REBUILD = "rebuild"
    RESTART = "restart"

    @property
    def syncs(self) -> bool:
        return self in (Action.SYNC, Action.SYNC_RESTART, Action.SYNC_EXEC)

    @property
    def copies_at_start(self) -> bool:
        """v2's `isSync`: only `sync` and `sync+restart` honour `initial_sync`, and only their paths go unwatched
        under a bind mount (a `sync+exec` path is watched there, and never synced at start)."""
        return self in (Action.SYNC, Action.SYNC_RESTART)


EPHEMERAL_PATTERNS = (
    # editors' temporary files, which v2 never syncs (pkg/watch/ephemeral.go), relative to "/"
    "**/*___jb_old___", "**/*___jb_tmp___", "**/.idea/**",  # GoLand
    "**/.#*", "**/#*#",  # Emacs
    "**/4913", "**/*~", "**/.*.swp", "**/.*.swx", "**/.*.swo", "**/.*.swn",  # Vim
    "**/.*.kate-swp",  # Kate
    "**/*-go-tmp-umask",  # Go
)
"""Ignored under every trigger, with `/.git` (v2 roots its `.git/` pattern at `/`, so only `/.git` matches)."""


class PathMatcher(Protocol):
    """Whether a host path (or one of its parents) matches a set of Docker ignore patterns; a relative path is
    taken relative to the matcher's own root (v2 `dockerPathMatcher`: what `initial_sync` asks of base names)."""

    def matches(self, path: str) -> bool: ...


class AnyPath:
    """The include matcher of a trigger without `include:`: every path."""

    def matches(self, path: str) -> bool:
        return True


class NoPath:
    """An ignore matcher that ignores nothing."""

    def matches(self, path: str) -> bool:
        return False


@dataclass(frozen=True)
class ExecHook:
    """`exec:` of a `sync+exec` trigger: what runs in each container after the sync."""

    command: tuple[str, ...]
    user: str | None = None
    privileged: bool = False
    working_dir: str | None = None
    environment: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PathMapping:
    """A changed host path and where it lives in the container (`container_path` empty without `target`)."""

    host_path: str
    container_path: str


@dataclass(frozen=True)
class Trigger:
    """One `develop.watch` entry of one service, its matchers compiled."""

    service: str
    path: str
    """Absolute, cleaned (the loader makes it absolute; symlinks resolved as v2 does)."""
    action: Action
    target: str = ""
    ignore: PathMatcher = field(default_factory=NoPath, compare=False)
    """`.dockerignore`, editors' temporary files, `/.git` and the trigger's `ignore:` together."""
    include: PathMatcher = field(default_factory=AnyPath, compare=False)
    exec: ExecHook | None = None
    initial_sync: bool = False

    def matches(self, path: str) -> PathMapping | None:
        """Where `path` goes in the container, or None when this trigger does not apply to it."""
        if not is_child(self.path, path) or not self.include.matches(path) or self.ignore.matches(path):
            return None
        target = ""
        if self.target:
            rel = os.path.relpath(path, self.path)
            target = posixpath.normpath(posixpath.join(self.target, rel.replace(os.sep, "/")))
        return PathMapping(path, target)


def is_child(parent: str, path: str) -> bool:
    """`path` is `parent` or inside it (v2 `paths.IsChild`)."""
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


@dataclass(frozen=True)
class BatchPlan:
    """What one batch of changed paths asks for, in the order v2 does it: rebuild, sync, restart, exec."""

    rebuild: tuple[str, ...] = ()
    sync: Mapping[str, tuple[PathMapping, ...]] = field(default_factory=dict)
    restart: tuple[str, ...] = ()
    exec: Mapping[str, tuple[ExecHook, ...]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.rebuild or self.sync or self.restart or self.exec)


def plan_batch(paths: Iterable[str], triggers: Sequence[Trigger]) -> BatchPlan:
    """Every trigger each path matches: a path under two sync triggers is synced twice, as in v2 (its message
    counts both); each `exec:` runs once per batch however many paths matched it."""
    rebuild: dict[str, None] = {}
    restart: dict[str, None] = {}
    sync: dict[str, list[PathMapping]] = {}
    execs: dict[str, dict[int, ExecHook]] = {}
    for path in paths:
        for index, trigger in enumerate(triggers):
            mapping = trigger.matches(path)
            if mapping is None:
                continue
            if trigger.action is Action.REBUILD:
                rebuild[trigger.service] = None
                continue
            if trigger.action is Action.RESTART:
                restart[trigger.service] = None
                continue
            sync.setdefault(trigger.service, []).append(mapping)
            if trigger.action is Action.SYNC_RESTART:
                restart[trigger.service] = None
            elif trigger.action is Action.SYNC_EXEC and trigger.exec is not None:
                execs.setdefault(trigger.service, {})[index] = trigger.exec
    return BatchPlan(
        rebuild=tuple(sorted(rebuild)),
        sync={service: tuple(found) for service, found in sync.items()},
        restart=tuple(sorted(restart)),
        exec={service: tuple(hooks[i] for i in sorted(hooks)) for service, hooks in execs.items()},
    )


def exec_hook(config: Mapping[str, Any] | None) -> ExecHook | None:
    """The canonical `exec:` mapping as a value; None without a command."""
    if not config or not config.get("command"):
        return None
    return ExecHook(
        command=tuple(config["command"]),
        user=config.get("user") or None,
        privileged=bool(config.get("privileged")),
        working_dir=config.get("working_dir") or None,
        environment={key: "" if value is None else str(value)
                     for key, value in (config.get("environment") or {}).items()},
    )


def quoted_list(names: Sequence[str]) -> str:
    """Go's `%q` of a []string, as v2's messages print service lists: `["app" "web"]`."""
    return "[" + " ".join('"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"' for name in names) + "]"


def sync_message(service: str, count: int) -> str:
    return f'Syncing service "{service}" after {count} changes were detected'
