"""Which files `initial_sync` copies: v2.40.3's `initialSyncFiles`, whose ignore test takes each entry's base name
relative to each matcher's root (what `docker compose watch` did with the same tree: a.txt and sub/skip.txt
copied, the rest not)."""

from __future__ import annotations

import os
import textwrap
import time
from pathlib import Path

from pycompose.api.watch import triggers_of
from pycompose.loader.options import ProjectOptions
from pycompose.session import project as bound_project
from pycompose.watch.initial import initial_sync_mappings
from pycompose.watch.rules import Action, PathMapping, Trigger

COMPOSE = """
services:
  app:
    build: .
    develop:
      watch:
        - path: ./src
          target: /app
          action: sync
          initial_sync: true
          ignore: ["*.tmp", "sub/skip.txt"]
        - path: ./conf.ini
          target: /etc/conf.ini
          action: sync+restart
          initial_sync: true
"""

FILES = {
    "src/a.txt": "copied",
    "src/top.tmp": "ignored by *.tmp",
    "src/sub/x.tmp": "ignored at start too: its base name matches *.tmp",
    "src/sub/skip.txt": "copied: sub/skip.txt never matches a base name",
    "src/sub/.git/HEAD": "any .git directory is skipped at start",
    "src/.git/HEAD": "so is this one",
    "src/node_modules/n.js": "the base name node_modules matches .dockerignore at the context's root",
    "src/sub/x.txt~": "an editor's backup",
    "conf.ini": "[app]",
    ".dockerignore": "node_modules\n",
}


def _triggers(tmp_path: Path) -> list[Trigger]:
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(COMPOSE))
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    project, _ = bound_project(ProjectOptions(files=(str(tmp_path / "compose.yaml"),), project_name="wai"))
    return triggers_of(project.service("app"))


def _never_mounted(path: str) -> bool:
    return False


def test_ignore_patterns_are_matched_against_base_names_as_v2_does(tmp_path: Path) -> None:
    src, _ = _triggers(tmp_path)
    found = initial_sync_mappings(src, None, _never_mounted)
    assert found == [PathMapping(str(tmp_path / "src" / "a.txt"), "/app/a.txt"),
                     PathMapping(str(tmp_path / "src" / "sub" / "skip.txt"), "/app/sub/skip.txt")]
    # a change event is matched relative to the trigger's path instead: sub/x.tmp is synced, sub/skip.txt not
    assert src.matches(str(tmp_path / "src" / "sub" / "x.tmp")) is not None
    assert src.matches(str(tmp_path / "src" / "sub" / "skip.txt")) is None


def test_only_files_modified_since_the_image_was_created_are_copied(tmp_path: Path) -> None:
    src, conf = _triggers(tmp_path)
    created = time.time() - 100
    os.utime(tmp_path / "src" / "a.txt", (created - 1, created - 1))
    os.utime(tmp_path / "conf.ini", (created, created))  # a single file must be strictly newer
    assert [m.container_path for m in initial_sync_mappings(src, created, _never_mounted)] == ["/app/sub/skip.txt"]
    assert initial_sync_mappings(conf, created, _never_mounted) == []
    os.utime(tmp_path / "conf.ini", (created + 1, created + 1))
    assert initial_sync_mappings(conf, created, _never_mounted) == [
        PathMapping(str(tmp_path / "conf.ini"), "/etc/conf.ini")]


def test_bind_mounted_directories_are_skipped_whole_and_symlinks_not_followed(tmp_path: Path) -> None:
    src, _ = _triggers(tmp_path)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "f").write_text("behind a link")
    os.symlink(tmp_path / "elsewhere", tmp_path / "src" / "link")
    found = initial_sync_mappings(src, None, lambda path: path == str(tmp_path / "src" / "sub"))
    assert [m.container_path for m in found] == ["/app/a.txt", "/app/link"]


def test_a_trigger_without_target_copies_under_the_root_as_v2(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text("x")
    trigger = Trigger(service="app", path=str(tmp_path), action=Action.SYNC)
    assert initial_sync_mappings(trigger, None, _never_mounted) == [PathMapping(str(tmp_path / "f.txt"), "f.txt")]
