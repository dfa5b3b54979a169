"""The pytest plugin, run as pytest in a subprocess on a small test file in a temporary directory."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from importlib.metadata import entry_points

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

COMPOSE = """\
services:
  app:
    image: busybox:latest
    init: true
    command: ["sh", "-c", "echo app says hello; exec httpd -f -p 8000 -h /"]
    ports: ["8000"]
    healthcheck:
      test: ["CMD", "true"]
      interval: 1s
"""

TESTS = '''\
import os
import pytest

pytestmark = pytest.mark.pycompose("compose.yaml")


def _remember(stack):
    with open(os.environ["PYCOMPOSE_NAMES"], "a") as names:
        names.write(stack.name + "\\n")


def test_passes(pycompose):
    _remember(pycompose)
    assert pycompose.ps()[0].health == "healthy"
    assert pycompose.exec("app", "echo inside") == (0, "inside\\n")


def test_fails(pycompose):
    _remember(pycompose)
    assert pycompose.port("app", 8000)[1] == 1, "deliberate failure"
'''


@pytest.fixture
def run_pytest(loader, tmp_path):
    """Run pytest with the plugin in tmp_path; afterwards remove whatever the inner run left."""
    names = tmp_path / "names.txt"
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "test_stack.py").write_text(TESTS)

    # once the pytest11 entry point is installed the plugin loads by itself (and must not be named twice)
    load = [] if entry_points(group="pytest11", name="pycompose") else ["-p", "pycompose.testing.plugin"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "pytest", *load, "-p", "no:cacheprovider", "-o", "addopts=", *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=300,
            env={**_inner_environment(), "PYCOMPOSE_NAMES": str(names)},
        )

    yield run
    for name in set(names.read_text().split()) if names.exists() else ():
        remove_project_resources(name)


def _inner_environment() -> dict[str, str]:
    """This environment without the xdist worker's variables: the inner pytest is a session of its own (the
    plugin names stacks after the worker it runs on, `pytest-main-…` outside xdist)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST_") and k != "PYTEST_CURRENT_TEST"}


def _project_names(tmp_path) -> list[str]:
    return (tmp_path / "names.txt").read_text().split()


def _containers(name: str) -> list[str]:
    out = subprocess.run(["docker", "ps", "-aq", "--filter", f"label=com.docker.compose.project={name}"],
                         capture_output=True, text=True, check=True)
    return out.stdout.split()


def test_one_stack_per_session_logs_on_failure_and_down_at_the_end(run_pytest, tmp_path):
    result = run_pytest("test_stack.py")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout
    assert "deliberate failure" in result.stdout
    assert "pycompose logs (pytest-main-" in result.stdout  # the failing test's report has the logs section
    assert "app-1  | app says hello" in result.stdout
    names = _project_names(tmp_path)
    assert len(names) == 2 and len(set(names)) == 1  # shared by both tests
    assert names[0].startswith("pytest-main-")
    assert _containers(names[0]) == []


def test_keep_leaves_the_stack_up_and_module_scope_and_ini_file(run_pytest, tmp_path):
    (tmp_path / "test_stack.py").write_text(TESTS.replace('pytestmark = pytest.mark.pycompose("compose.yaml")',
                                                          'pytestmark = pytest.mark.pycompose(scope="module")'))
    (tmp_path / "pytest.ini").write_text("[pytest]\npycompose_file = compose.yaml\n")
    (tmp_path / "test_other.py").write_text(textwrap.dedent('''\
        import os


        def test_other_module(pycompose):
            with open(os.environ["PYCOMPOSE_NAMES"], "a") as names:
                names.write(pycompose.name + "\\n")
    '''))
    result = run_pytest("--pycompose-keep", "test_stack.py", "test_other.py")
    assert "1 failed, 2 passed" in result.stdout, result.stdout + result.stderr
    names = _project_names(tmp_path)
    assert len(set(names)) == 2  # one stack per module
    assert "pycompose: left up (--pycompose-keep): " in result.stdout
    for name in set(names):
        assert len(_containers(name)) == 1


def test_a_stack_that_does_not_come_up_fails_setup_with_its_logs(run_pytest, tmp_path):
    (tmp_path / "compose.yaml").write_text(COMPOSE.replace('["CMD", "true"]', '["CMD", "false"]')
                                           .replace("interval: 1s", "interval: 1s\n      retries: 1"))
    (tmp_path / "test_stack.py").write_text(TESTS.replace("\ndef test_fails", "\ndef _unused"))
    result = run_pytest("test_stack.py")
    assert result.returncode == 1
    assert "1 error" in result.stdout
    assert "did not come up" in result.stdout and "app says hello" in result.stdout


STUBBORN = """\
services:
  app:
    image: busybox:latest
    command: ["sleep", "3600"]
"""
"""No `init`: busybox's sleep as PID 1 ignores SIGTERM, so only the stop timeout ends it."""

SETUP_TESTS = '''\
import os
import pytest

pytestmark = pytest.mark.pycompose("compose.yaml", setup=[("app", "sh -c 'echo migrated > /tmp/done'")])


def test_setup_ran_and_a_one_off_runs_in_the_test(pycompose):
    with open(os.environ["PYCOMPOSE_NAMES"], "a") as names:
        names.write(pycompose.name + "\\n")
    assert pycompose.run("app", ["echo", "one-off"]) == (0, "one-off\\n")
    assert pycompose.run("app", "sh -c 'exit 4'")[0] == 4
'''


def test_teardown_uses_a_short_stop_timeout_and_setup_one_offs_run(run_pytest, tmp_path):
    """The stack's services ignore SIGTERM: teardown takes about the plugin's 1 s, not the 10 s grace; the
    marker's setup one-off ran (a failing one would fail the test)."""
    import time

    (tmp_path / "compose.yaml").write_text(STUBBORN)
    (tmp_path / "test_stack.py").write_text(SETUP_TESTS)
    began = time.monotonic()
    result = run_pytest("test_stack.py", "--durations=0", "-vv")
    assert result.returncode == 0, result.stdout + result.stderr
    teardown = [line for line in result.stdout.splitlines() if " teardown " in line]
    assert teardown and float(teardown[0].split("s", 1)[0]) < 8, teardown
    assert time.monotonic() - began < 120
    (name,) = set(_project_names(tmp_path))
    assert _containers(name) == []


def test_a_failing_setup_one_off_fails_the_test(run_pytest, tmp_path):
    (tmp_path / "compose.yaml").write_text(STUBBORN)
    (tmp_path / "test_stack.py").write_text(SETUP_TESTS.replace("echo migrated > /tmp/done", "exit 3"))
    result = run_pytest("test_stack.py")
    assert result.returncode == 1
    assert "setup command" in result.stdout and "exited 3" in result.stdout


INTERRUPTED_TESTS = '''\
import os
import time
import pytest

pytestmark = pytest.mark.pycompose("compose.yaml")


def test_waits_for_ctrl_c(pycompose):
    with open(os.environ["PYCOMPOSE_NAMES"], "a") as names:
        names.write(pycompose.name + "\\n")
    time.sleep(300)
'''


def test_an_interrupted_test_session_leaves_no_stack_behind(run_pytest, tmp_path):
    """Ctrl-C in the middle of a test: pytest stops, and the plugin still takes the stack down."""
    import signal
    import time

    (tmp_path / "test_stack.py").write_text(INTERRUPTED_TESTS)
    load = [] if entry_points(group="pytest11", name="pycompose") else ["-p", "pycompose.testing.plugin"]
    inner = subprocess.Popen(
        [sys.executable, "-m", "pytest", *load, "-p", "no:cacheprovider", "-o", "addopts=", "test_stack.py"],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**_inner_environment(), "PYCOMPOSE_NAMES": str(tmp_path / "names.txt")},
    )
    try:
        deadline = time.monotonic() + 120
        while not (tmp_path / "names.txt").exists() and inner.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        (name,) = set(_project_names(tmp_path))
        assert _containers(name), "the stack is up while the test runs"
        inner.send_signal(signal.SIGINT)
        output, _ = inner.communicate(timeout=120)
    finally:
        if inner.poll() is None:
            inner.kill()
    assert inner.returncode == 2, output  # pytest's code for an interrupted session
    assert "KeyboardInterrupt" in output
    assert _containers(name) == []
