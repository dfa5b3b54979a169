"""Which trigger a changed path matches, with v2's ignore/include semantics, and what a batch asks for."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from pycompose.api.watch import DockerPatterns, triggers_of
from pycompose.errors import UsageError
from pycompose.loader.options import ProjectOptions
from pycompose.session import project as bound_project
from pycompose.watch.rules import Action, ExecHook, PathMapping, Trigger, plan_batch, quoted_list, sync_message


def _project(tmp_path: Path, compose: str, files: dict[str, str] | None = None):
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(compose))
    for name, text in (files or {}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    project, _ = bound_project(ProjectOptions(files=(str(tmp_path / "compose.yaml"),), project_name="wau"))
    return project


def _triggers(tmp_path: Path, compose: str, files: dict[str, str] | None = None) -> list[Trigger]:
    project = _project(tmp_path, compose, files)
    return [t for s in project.services for t in triggers_of(s)]


APP = """
services:
  app:
    build: .
    develop:
      watch:
        - path: ./src
          target: /app
          action: sync
          ignore: ["*.tmp", "cache/"]
        - path: ./src/conf.ini
          target: /etc/conf.ini
          action: sync+restart
        - path: ./package.json
          action: rebuild
        - path: ./web
          target: /web
          action: sync+exec
          include: ["*.html"]
          exec:
            command: ["touch", "/reloaded"]
            user: root
            environment: {MODE: dev}
"""


def test_a_path_under_a_sync_trigger_maps_to_its_target(tmp_path: Path) -> None:
    triggers = _triggers(tmp_path, APP, {"Dockerfile": "FROM busybox\n"})
    mapping = triggers[0].matches(str(tmp_path / "src" / "pkg" / "a.py"))
    assert mapping == PathMapping(str(tmp_path / "src" / "pkg" / "a.py"), "/app/pkg/a.py")
    assert triggers[0].matches(str(tmp_path / "srcother" / "a.py")) is None
    assert triggers[0].matches(str(tmp_path / "src")) == PathMapping(str(tmp_path / "src"), "/app")


def test_ignore_patterns_are_relative_to_the_trigger_path_and_cover_directories(tmp_path: Path) -> None:
    sync = _triggers(tmp_path, APP, {"Dockerfile": "FROM busybox\n"})[0]
    assert sync.matches(str(tmp_path / "src" / "x.tmp")) is None
    assert sync.matches(str(tmp_path / "src" / "cache" / "deep" / "f")) is None
    assert sync.matches(str(tmp_path / "src" / "sub" / "x.tmp")) is not None  # `*` never crosses `/`


def test_dockerignore_of_the_build_context_applies_to_every_trigger(tmp_path: Path) -> None:
    files = {"Dockerfile": "FROM busybox\n", ".dockerignore": "src/secret*\n!src/secret.ok\n"}
    sync = _triggers(tmp_path, APP, files)[0]
    assert sync.matches(str(tmp_path / "src" / "secret.key")) is None
    assert sync.matches(str(tmp_path / "src" / "secret.ok")) is not None


def test_a_dockerfile_specific_ignore_file_wins(tmp_path: Path) -> None:
    compose = APP.replace("build: .", "build: {context: ., dockerfile: app.Dockerfile}")
    sync = _triggers(tmp_path, compose, {"app.Dockerfile": "FROM busybox\n", ".dockerignore": "src/a\n",
                                        "app.Dockerfile.dockerignore": "src/b\n"})[0]
    assert sync.matches(str(tmp_path / "src" / "a")) is not None
    assert sync.matches(str(tmp_path / "src" / "b")) is None


def test_editor_temporary_files_are_never_synced(tmp_path: Path) -> None:
    sync = _triggers(tmp_path, APP, {"Dockerfile": "FROM busybox\n"})[0]
    for name in ("a.py~", ".a.py.swp", "4913", ".#a.py", "#a.py#", "x___jb_tmp___"):
        assert sync.matches(str(tmp_path / "src" / name)) is None, name
    assert sync.matches(str(tmp_path / "src" / ".idea" / "x.xml")) is None


def test_include_limits_a_trigger_to_its_patterns(tmp_path: Path) -> None:
    web = _triggers(tmp_path, APP, {"Dockerfile": "FROM busybox\n"})[3]
    assert web.matches(str(tmp_path / "web" / "index.html")) is not None
    assert web.matches(str(tmp_path / "web" / "app.js")) is None
    assert web.exec == ExecHook(("touch", "/reloaded"), user="root", environment={"MODE": "dev"})


def test_a_bare_star_keeps_only_the_exceptions_as_v2_does(tmp_path: Path) -> None:
    matcher = DockerPatterns(str(tmp_path), ["*", "!keep"])
    assert not matcher.matches(str(tmp_path / "anything"))
    assert not matcher.matches(str(tmp_path / "keep"))


def test_rebuild_without_build_is_refused(tmp_path: Path) -> None:
    compose = """
    services:
      app:
        image: busybox
        develop:
          watch:
            - {path: ./src, action: rebuild}
    """
    with pytest.raises(UsageError, match='can\'t watch service "app" with action rebuild without a build context'):
        _triggers(tmp_path, compose)


def test_a_batch_is_planned_as_v2_orders_it(tmp_path: Path) -> None:
    triggers = _triggers(tmp_path, APP, {"Dockerfile": "FROM busybox\n"})
    paths = [str(tmp_path / p) for p in ("src/a.py", "src/conf.ini", "package.json", "web/a.html",
                                         "web/b.html", "web/c.js", "elsewhere")]
    plan = plan_batch(paths, triggers)
    assert plan.rebuild == ("app",)
    assert plan.restart == ("app",)
    # conf.ini is under two sync triggers: synced (and counted) twice, as v2 does
    assert [m.container_path for m in plan.sync["app"]] == [
        "/app/a.py", "/app/conf.ini", "/etc/conf.ini", "/web/a.html", "/web/b.html"]
    assert plan.exec == {"app": (ExecHook(("touch", "/reloaded"), user="root", environment={"MODE": "dev"}),)}
    assert not plan_batch([str(tmp_path / "elsewhere")], triggers)


def test_messages_are_worded_as_v2_prints_them() -> None:
    assert sync_message("app", 2) == 'Syncing service "app" after 2 changes were detected'
    assert quoted_list(("app", "web")) == '["app" "web"]'
    assert Action("sync+restart") is Action.SYNC_RESTART and Action.SYNC_EXEC.syncs and not Action.REBUILD.syncs


def test_only_sync_and_sync_restart_copy_at_start_as_v2s_is_sync() -> None:
    assert [a.value for a in Action if a.copies_at_start] == ["sync", "sync+restart"]


LEGACY = """
services:
  app:
    build: .
    x-develop:
      watch:
        - path: ./src
          target: /app
          action: sync
          initial_sync: true
  both:
    image: busybox
    x-develop:
      watch:
        - {path: ./old, target: /old, action: sync}
    develop:
      watch:
        - {path: ./new, target: /new, action: sync, x-initialSync: true}
"""


def test_x_develop_is_read_when_there_is_no_develop_and_warned_about(tmp_path: Path) -> None:
    project = _project(tmp_path, LEGACY, {"Dockerfile": "FROM busybox\n", "src/a.txt": "a"})
    warnings: list[str] = []
    app = triggers_of(project.service("app"), str(tmp_path), warnings.append)
    assert [(t.path, t.target, t.action) for t in app] == [(str(tmp_path.resolve() / "src"), "/app", Action.SYNC)]
    assert not app[0].initial_sync  # v2 2.40 decodes x-develop without the newer keys
    assert warnings == ["x-develop is DEPRECATED, please use the official `develop` attribute"]


def test_develop_wins_over_x_develop_and_x_initial_sync_still_works(tmp_path: Path) -> None:
    project = _project(tmp_path, LEGACY, {"Dockerfile": "FROM busybox\n"})
    warnings: list[str] = []
    both = triggers_of(project.service("both"), str(tmp_path), warnings.append)
    assert [(t.path, t.target, t.initial_sync) for t in both] == [(str(tmp_path / "new"), "/new", True)]
    assert warnings == ["x-develop is DEPRECATED, please use the official `develop` attribute",
                        "x-initialSync is DEPRECATED, please use the official `initial_sync` attribute\n"]


def test_x_develop_rebuild_without_build_is_refused_with_v2s_words(tmp_path: Path) -> None:
    compose = "services:\n  web:\n    image: busybox\n    x-develop:\n      watch: [{path: ., action: rebuild}]\n"
    project = _project(tmp_path, compose)
    with pytest.raises(UsageError, match="^service rebuild doesn't have a build section, can't apply web on watch$"):
        triggers_of(project.service("web"), str(tmp_path))
