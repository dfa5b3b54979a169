"""What every test run shares: the reference binary (Compose v2) and the check that every test file is collected."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
PLUGIN_DIRS = ("~/.docker/cli-plugins", "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
               "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins")


@functools.cache
def find_reference() -> tuple[str | None, str]:
    """The Compose v2 binary to compare with, and what was found: (absolute path or None, a sentence).

    A `docker-compose` on PATH may be Debian's Compose v1 (1.29): each candidate is asked its version, and only one
    that answers 2.x is the reference. The docker CLI plugin is run directly: the Go binary works standalone too.
    """
    candidates = [shutil.which("docker-compose")]
    candidates += [os.path.join(os.path.expanduser(folder), "docker-compose") for folder in PLUGIN_DIRS]
    seen: list[str] = []
    for candidate in candidates:
        if not candidate or not os.access(candidate, os.X_OK) or os.path.realpath(candidate) in seen:
            continue
        seen.append(os.path.realpath(candidate))
        try:
            answer = subprocess.run([candidate, "version", "--short"], capture_output=True, text=True, timeout=30)
        except OSError:
            continue
        version = answer.stdout.strip().lstrip("v")
        if answer.returncode == 0 and version.startswith("2."):
            return candidate, f"{candidate} (Docker Compose v{version})"
        first = (answer.stdout or answer.stderr).strip().splitlines()[:1]
        seen[-1] += f" answered {first[0]!r}" if first else " gave no version"
    if not seen:
        return None, "no docker-compose binary on PATH or among the docker CLI plugins"
    return None, "no Compose v2: " + "; ".join(seen)


def reference_or_skip() -> str:
    """The reference binary's path, or skip the calling test saying why there is none."""
    binary, found = find_reference()
    if binary is None:
        pytest.skip(f"the reference (Compose v2) is not installed: {found}")
    return binary


@pytest.fixture(scope="session")
def reference_compose() -> str:
    """Path of the Compose v2 binary (run it as `[path, "-f", …]`); skips the test when there is none."""
    return reference_or_skip()


def _run_facts() -> list[str]:
    import pycompose

    binary, found = find_reference()
    return [
        f"pycompose under test: {Path(pycompose.__file__).parent}",
        f"reference: {found}" if binary else f"reference: none, tests that compare with it skip ({found})",
    ]


def pytest_report_header(config: pytest.Config) -> list[str]:
    return _run_facts()


def pytest_configure(config: pytest.Config) -> None:
    """With PYCOMPOSE_TEST_INSTALLED=1 (scripts/test.sh, CI) the tests must run against the installed wheel."""
    if os.environ.get("PYCOMPOSE_TEST_INSTALLED") == "1":
        import pycompose

        where = Path(pycompose.__file__).resolve().parent
        if where.is_relative_to(TESTS.parent) and not any(part.startswith(".venv") for part in where.parts):
            raise pytest.UsageError(f"PYCOMPOSE_TEST_INSTALLED=1 but pycompose was imported from the source tree "
                                    f"({where}), not from the installed wheel")


# Every test_*.py under tests/ must be collected: pytest's default norecursedirs silently skips folders such as
# build/ or dist/, and a file that is never collected passes forever.
_collected_files: set[Path] = set()
_selected_tests: list[int] = []


def pytest_collectreport(report: pytest.CollectReport) -> None:
    path = Path(str(report.fspath)).resolve() if report.fspath else None
    if path is not None and path.name.startswith("test_") and path.suffix == ".py":
        _collected_files.add(path)


def pytest_collection_finish(session: pytest.Session) -> None:
    _selected_tests.append(len(session.items))
    if not _runs_whole_suite(session.config) or hasattr(session.config, "workerinput"):
        return  # an xdist worker: scripts/test.sh checks the collection in a run of its own first
    expected = {path.resolve() for path in TESTS.rglob("test_*.py") if "__pycache__" not in path.parts}
    missing = sorted(str(path.relative_to(TESTS.parent)) for path in expected - _collected_files)
    if missing:
        raise pytest.UsageError("test files that pytest did not collect: " + ", ".join(missing))


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_node_collection_finished(node, ids: list[str]) -> None:
    """Under pytest-xdist the controller collects nothing itself; it counts what the first worker selected. The
    check above runs where pytest collects in-process (scripts/test.sh runs `--collect-only` first)."""
    if not _distributed_selection:
        _distributed_selection.append(len(ids))


_distributed_selection: list[int] = []


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    for line in _run_facts():  # also under -q, which prints no header
        terminalreporter.write_line(line)
    if not _runs_whole_suite(config):
        return
    if _distributed_selection:
        expected = sum(1 for path in TESTS.rglob("test_*.py") if "__pycache__" not in path.parts)
        terminalreporter.write_line(f"test files under tests/: {expected}; {_distributed_selection[0]} tests selected "
                                    f"(run on {config.getoption('numprocesses', None)} xdist workers)")
    else:
        count = len(_collected_files)
        selected = _selected_tests[-1] if _selected_tests else 0
        terminalreporter.write_line(f"test files collected: {count} of {count} under tests/; {selected} tests selected")


def _runs_whole_suite(config: pytest.Config) -> bool:
    """True when pytest was given no paths (it runs testpaths) or the tests folder itself."""
    given = [Path(arg.split("::")[0]).resolve() for arg in config.args]
    return all(path == TESTS for path in given) and bool(given)
