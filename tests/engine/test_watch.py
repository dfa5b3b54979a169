"""`watch` on the engine: a saved file reaches the container, sync+restart restarts, sync+exec runs its command,
rebuild recreates only its service, ignore and .dockerignore hold; `up --watch`; the same result as v2's watch.

Each test copies `samples/watch/` into its own directory with its own project name (prefix `wa`)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

from pycompose.api.watch import Watch, WatchOptions
from pycompose.errors import UsageError
from pycompose.loader.options import ProjectOptions

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "watch"
PYCOMPOSE = [sys.executable, "-m", "pycompose"]


def _remove_images(name: str) -> None:
    subprocess.run(["docker", "rmi", "-f", f"{name}-app"], capture_output=True, check=False)
    listed = subprocess.run(["docker", "images", "-q", "--filter", "dangling=true", "--filter",
                             f"label=com.docker.compose.project={name}"], capture_output=True, text=True)
    for image in listed.stdout.split():
        subprocess.run(["docker", "rmi", "-f", image], capture_output=True, check=False)


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(project name, a copy of samples/watch); everything the project made is removed afterwards."""
    name = f"wa{uuid.uuid4().hex[:10]}"
    folder = tmp_path / "watch"
    shutil.copytree(SAMPLE, folder)
    yield name, folder
    remove_project_resources(name)
    _remove_images(name)


def _options(name: str, folder: Path) -> ProjectOptions:
    return ProjectOptions(files=(str(folder / "compose.yaml"),), project_name=name, environ=dict(os.environ))


def _exec(container: str, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", "exec", container, *command], capture_output=True, text=True)


def _until(check: Callable[[], bool], timeout: float = 10.0) -> float:
    """Seconds until `check()` held; fails the test after `timeout`."""
    began = time.monotonic()
    while not check():
        if time.monotonic() - began > timeout:
            pytest.fail(f"not within {timeout} s")
        time.sleep(0.02)
    return time.monotonic() - began


def _inspect(container: str, template: str) -> str:
    return subprocess.run(["docker", "inspect", "-f", template, container], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_saved_file_is_synced_within_a_second_and_ignores_hold(sample: tuple[str, Path]) -> None:
    name, folder = sample
    lines: list[str] = []
    with Watch(_options(name, folder), log=lines.append) as running:
        app = f"{name}-app-1"
        assert lines == ["Watch enabled"]
        (folder / "src" / "x.tmp").write_text("ignored by the trigger")
        (folder / "src" / "private.key").write_text("ignored by .dockerignore")
        (folder / "src" / "editor.txt~").write_text("an editor's backup")
        (folder / "src" / "nested").mkdir()
        began = time.monotonic()
        (folder / "src" / "nested" / "new.txt").write_text("saved")
        _until(lambda: _exec(app, "cat", "/app/nested/new.txt").stdout == "saved", timeout=5)
        assert time.monotonic() - began < 1.5  # the bench measures the median (< 1 s)
        assert running.wait_batches(1, timeout=5)
        listed = _exec(app, "ls", "-a", "/app").stdout.split()
        assert "x.tmp" not in listed and "private.key" not in listed and "editor.txt~" not in listed
        (folder / "src" / "nested" / "new.txt").unlink()
        _until(lambda: _exec(app, "test", "-e", "/app/nested/new.txt").returncode != 0, timeout=5)
        assert running.wait_batches(2, timeout=5)
    assert lines[1:] == ['Syncing service "app" after 2 changes were detected',
                         'Syncing service "app" after 1 changes were detected']


def test_sync_restart_restarts_and_sync_exec_runs_the_command(sample: tuple[str, Path]) -> None:
    name, folder = sample
    lines: list[str] = []
    with Watch(_options(name, folder), log=lines.append) as running:
        app = f"{name}-app-1"
        started = _inspect(app, "{{.State.StartedAt}}")
        (folder / "src" / "settings.ini").write_text("[app]\nmode=dev\n")
        _until(lambda: _inspect(app, "{{.State.StartedAt}}") != started)
        assert _exec(app, "cat", "/etc/settings.ini").stdout == "[app]\nmode=dev\n"
        assert running.wait_batches(1, timeout=10)
        (folder / "web" / "index.html").write_text("<h1>new</h1>")
        _until(lambda: _exec(app, "test", "-s", "/web/.reloaded").returncode == 0)
        assert _exec(app, "cat", "/web/index.html").stdout == "<h1>new</h1>"
        assert running.wait_batches(2, timeout=10)
    assert 'service(s) ["app"] restarted' in lines
    assert lines.count('Syncing service "app" after 1 changes were detected') == 1  # the exec's batch
    assert 'Syncing service "app" after 2 changes were detected' in lines  # settings.ini: both triggers


def test_rebuild_recreates_only_the_service_whose_context_changed(sample: tuple[str, Path]) -> None:
    name, folder = sample
    lines: list[str] = []
    with Watch(_options(name, folder), log=lines.append) as running:
        app, other = f"{name}-app-1", f"{name}-other-1"
        before = {c: _inspect(c, "{{.Id}}") for c in (app, other)}
        with open(folder / "Dockerfile", "a") as dockerfile:
            dockerfile.write("RUN echo rebuilt > /version\n")
        assert running.wait_batches(1, timeout=60)
        assert _inspect(app, "{{.Id}}") != before[app]
        assert _inspect(other, "{{.Id}}") == before[other]
        assert _exec(app, "cat", "/version").stdout == "rebuilt\n"
        assert _inspect(app, "{{.State.Running}}") == "true"
    assert lines[1] == 'Rebuilding service(s) ["app"] after changes were detected...'
    assert 'service(s) ["app"] successfully built' in lines


def test_watch_refuses_a_project_without_develop_watch(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text("services:\n  x:\n    image: busybox:latest\n")
    options = ProjectOptions(files=(str(tmp_path / "compose.yaml"),), project_name=f"wa{uuid.uuid4().hex[:8]}")
    with pytest.raises(UsageError, match="none of the selected services is configured for watch"):
        Watch(options, WatchOptions(no_up=True)).start()
    done = subprocess.run([*PYCOMPOSE, "-f", str(tmp_path / "compose.yaml"), "-p", options.project_name or "",
                           "watch", "--no-up"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.strip().endswith(
        "none of the selected services is configured for watch, consider setting a 'develop' section")


def test_up_watch_syncs_while_attached_and_ctrl_c_exits_130(sample: tuple[str, Path]) -> None:
    name, folder = sample
    process = subprocess.Popen([*PYCOMPOSE, "-f", str(folder / "compose.yaml"), "-p", name, "up", "--watch",
                                "--timeout", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        app = f"{name}-app-1"
        _until(lambda: _exec(app, "true").returncode == 0, timeout=60)
        time.sleep(1.0)  # `Watch enabled` comes after the containers start
        (folder / "src" / "up.txt").write_text("from up --watch")
        _until(lambda: _exec(app, "cat", "/app/up.txt").stdout == "from up --watch")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 130, err
    assert "\u29bf Watch enabled" in out
    assert '\u29bf Syncing service "app" after 1 changes were detected' in out


def _tree(container: str) -> list[str]:
    found = _exec(container, "sh", "-c", "cd /app && find . -type f | sort | while read f; do "
                                         "echo \"$f $(cat \"$f\")\"; done")
    return found.stdout.splitlines()


def _edit(folder: Path) -> None:
    """The same edits for both tools: new, nested, ignored, deleted and overwritten files."""
    (folder / "src" / "deep" / "er").mkdir(parents=True)
    (folder / "src" / "deep" / "er" / "f.txt").write_text("deep")
    (folder / "src" / "skip.tmp").write_text("ignored")
    (folder / "src" / "private.pem").write_text("dockerignored")
    (folder / "src" / "hello.txt").write_text("changed")
    (folder / "src" / "gone.txt").write_text("soon gone")
    time.sleep(1.0)
    (folder / "src" / "gone.txt").unlink()


def test_the_container_ends_up_as_v2s_watch_leaves_it(tmp_path: Path, reference_compose: str) -> None:
    results = []
    for tool in ("v2", "pycompose"):
        name = f"wa{uuid.uuid4().hex[:10]}"
        folder = tmp_path / tool
        shutil.copytree(SAMPLE, folder)
        command = [reference_compose] if tool == "v2" else PYCOMPOSE
        process = subprocess.Popen([*command, "-f", str(folder / "compose.yaml"), "-p", name, "watch"],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            app = f"{name}-app-1"
            _until(lambda app=app: _exec(app, "true").returncode == 0, timeout=60)
            time.sleep(1.5)
            _edit(folder)
            time.sleep(2.5)
            results.append(_tree(app))
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
            results.append((process.returncode, err.splitlines()[-1:]))  # v2 says nothing more on Ctrl-C
            results.append([line for line in out.splitlines() if line.startswith(("Watch", "Syncing"))])
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
            remove_project_resources(name)
            _remove_images(name)
    v2_tree, v2_end, v2_lines, py_tree, py_end, py_lines = results
    assert py_tree == v2_tree
    assert "./deep/er/f.txt deep" in py_tree and "./hello.txt changed" in py_tree
    assert py_end[0] == v2_end[0] == 130
    assert "Interrupted" not in "".join(py_end[1])
    assert py_lines == v2_lines


def test_initial_sync_copies_what_changed_since_the_image_was_built(sample: tuple[str, Path]) -> None:
    from pycompose.api import UpOptions, up

    name, folder = sample
    compose = folder / "compose.yaml"
    text = compose.read_text().replace('ignore: ["*.tmp"]', 'ignore: ["*.tmp"]\n          initial_sync: true')
    assert "initial_sync" in text
    compose.write_text(text)
    up(_options(name, folder), UpOptions(build=True))
    app = f"{name}-app-1"
    os.utime(folder / "src" / "settings.ini", (0, 0))  # older than the image: left out
    (folder / "src" / "edited.txt").write_text("edited before watching")
    (folder / "src" / "skip.tmp").write_text("ignored")
    with Watch(_options(name, folder), WatchOptions(no_up=True)):
        assert _exec(app, "cat", "/app/edited.txt").stdout == "edited before watching"
        listed = _exec(app, "ls", "/app").stdout.split()
        assert "settings.ini" not in listed and "skip.tmp" not in listed


def _image_exists(image_id: str) -> bool:
    return subprocess.run(["docker", "image", "inspect", image_id], capture_output=True).returncode == 0


def test_prune_removes_what_the_previous_rebuild_replaced_as_v2(sample: tuple[str, Path]) -> None:
    name, folder = sample
    with Watch(_options(name, folder)) as running:
        first = _inspect(f"{name}-app-1", "{{.Image}}")
        for count, step in ((1, "one"), (2, "two")):
            with open(folder / "Dockerfile", "a") as dockerfile:
                dockerfile.write(f"RUN echo {step} > /version\n")
            assert running.wait_batches(count, timeout=60)
            if count == 1:
                second = _inspect(f"{name}-app-1", "{{.Image}}")
                # pruned before the recreate, as v2: the old container still used it, so it stays until the next
                assert _image_exists(first)
    assert not _image_exists(first)
    assert _image_exists(second)  # the one the second rebuild replaced, left as v2 leaves it


def test_initial_sync_leaves_the_container_as_v2s(tmp_path: Path, reference_compose: str) -> None:
    """v2 matches `ignore:` against each entry's base name at start: nested `*.tmp` and any `.git` are skipped."""
    runs = []
    for tool in ("v2", "pycompose"):
        name = f"wa{uuid.uuid4().hex[:10]}"
        folder = tmp_path / tool
        shutil.copytree(SAMPLE, folder)
        for path in folder.rglob("*"):
            os.utime(path, (0, 0))  # older than either tool's image, however each builder dates it
        compose = folder / "compose.yaml"
        trigger = 'ignore: ["*.tmp", "deep/skip.txt"]\n          initial_sync: true'
        compose.write_text(compose.read_text().replace('ignore: ["*.tmp"]', trigger))
        runs.append((tool, name, folder))
    try:
        for tool, name, folder in runs:
            command = [reference_compose] if tool == "v2" else PYCOMPOSE
            subprocess.run([*command, "-f", str(folder / "compose.yaml"), "-p", name, "up", "-d", "--build"],
                           capture_output=True, check=True)
        time.sleep(1.1)  # the files below are newer than both images
        trees = []
        for tool, name, folder in runs:
            for rel in ("new.txt", "top.tmp", "deep/x.tmp", "deep/skip.txt", "deep/.git/HEAD", ".git/HEAD"):
                (folder / "src" / rel).parent.mkdir(parents=True, exist_ok=True)
                (folder / "src" / rel).write_text(rel)
            command = [reference_compose] if tool == "v2" else PYCOMPOSE
            process = subprocess.Popen([*command, "-f", str(folder / "compose.yaml"), "-p", name, "watch",
                                        "--no-up"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    if "Watch enabled" in line:
                        break
                trees.append(_tree(f"{name}-app-1"))
            finally:
                process.kill()
                process.communicate()
    finally:
        for _, name, _ in runs:
            remove_project_resources(name)
            _remove_images(name)
    v2_tree, py_tree = trees
    assert py_tree == v2_tree
    assert "./new.txt new.txt" in py_tree and "./deep/skip.txt deep/skip.txt" in py_tree
    assert not any(".tmp" in line or ".git" in line for line in py_tree)


LEGACY = """\
services:
  app:
    build: .
    init: true
    command: ["sleep", "86400"]
    x-develop:
      watch:
        - path: ./src
          target: /app
          action: sync
          ignore: ["*.tmp"]
  other:
    image: busybox:latest
    init: true
    command: ["sleep", "86400"]
    develop:
      watch:
        - path: ./web
          target: /web
          action: sync
          x-initialSync: true
"""


def _warnings(stderr: str) -> list[str]:
    """The messages of v2's logrus warnings (`level=warning msg="…"` or `WARN[0000] …`), and ours."""
    import re

    found = []
    for line in stderr.splitlines():
        match = re.search(r'level=warning msg="(.*?)(?:\\n)?"$', line) or re.search(r"^WARN\[\d+\] (.*)$", line)
        if match:
            found.append(match.group(1).rstrip())
    return found


def test_legacy_x_develop_and_x_initial_sync_work_as_in_v2(tmp_path: Path, reference_compose: str) -> None:
    """v2.40 still reads `x-develop` (when there is no `develop`) and a trigger's `x-initialSync`, warning that
    each is deprecated: the same files reach the containers, with the same warnings."""
    results = []
    for tool in ("v2", "pycompose"):
        name = f"wa{uuid.uuid4().hex[:10]}"
        folder = tmp_path / tool
        shutil.copytree(SAMPLE, folder)
        (folder / "compose.yaml").write_text(LEGACY)
        (folder / "web" / "index.html").write_text("initial")
        command = [reference_compose] if tool == "v2" else PYCOMPOSE
        try:
            subprocess.run([*command, "-f", str(folder / "compose.yaml"), "-p", name, "up", "-d", "--build"],
                           capture_output=True, check=True)
            process = subprocess.Popen([*command, "-f", str(folder / "compose.yaml"), "-p", name, "watch",
                                        "--no-up"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            try:
                assert process.stdout is not None
                for line in process.stdout:
                    if "Watch enabled" in line:
                        break
                web = _exec(f"{name}-other-1", "cat", "/web/index.html").stdout
                time.sleep(0.5)
                (folder / "src" / "legacy.txt").write_text("synced")
                _until(lambda name=name: _exec(f"{name}-app-1", "cat", "/app/legacy.txt").stdout == "synced")
            finally:
                process.send_signal(signal.SIGINT)
                _, err = process.communicate(timeout=30)
            results.append((web, _warnings(err)))
        finally:
            remove_project_resources(name)
            _remove_images(name)
    (v2_web, v2_warnings), (py_web, py_warnings) = results
    assert py_web == v2_web == "initial"
    assert sorted(py_warnings) == sorted(v2_warnings)
    assert "x-develop is DEPRECATED, please use the official `develop` attribute" in py_warnings
    assert "x-initialSync is DEPRECATED, please use the official `initial_sync` attribute" in py_warnings
