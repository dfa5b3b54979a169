"""pytest plugin: a compose stack per session (or module), up and healthy before the tests that use it.

    @pytest.mark.pycompose("compose.yaml")          # relative to the test file; several files merge in order
    def test_web(pycompose):                        # the running stack, a pycompose.api.Project
        host, port = pycompose.endpoint("web", 80)

Marker arguments: the compose files, `scope="session"|"module"` (default: the `pycompose_scope` ini option,
else session), `profiles=[…]`, `env={…}`. Without a marker the `pycompose_file` ini option names the files
(relative to the rootdir). Stacks with the same files, profiles and env are shared within their scope.

Every stack gets a project name unique to the run and the process (pytest-xdist workers included):
`pytest-<worker>-<pid>-<n>-<random>`. It is taken down with its volumes at the end of its scope, unless
`--pycompose-keep` is given. When a test that used a stack fails, the services' logs are added to its report.
Enabled by the `pycompose` pytest11 entry point, or with `-p pycompose.testing.plugin`.
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pycompose.api import Project

MARKER = "pycompose"
_counter = itertools.count(1)
_STACKS = pytest.StashKey[dict]()
_KEPT = pytest.StashKey[list]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pycompose", "compose stacks for tests (pycompose)")
    group.addoption("--pycompose-keep", action="store_true", default=False,
                    help="leave the compose stacks up after the run (their project names are printed)")
    parser.addini("pycompose_file", type="args", default=[],
                  help="compose file(s) for tests without a pycompose marker, relative to the rootdir")
    parser.addini("pycompose_scope", default="session", help="default stack scope: session or module")
    parser.addini("pycompose_wait_timeout", default="120",
                  help="seconds to wait for the services to be running/healthy")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*files, scope=None, profiles=(), env=None): the compose stack the `pycompose` fixture brings up",
    )
    config.stash[_KEPT] = []


@dataclass(frozen=True)
class StackSpec:
    """Which stack a test asks for; equal specs in the same scope share one stack."""

    files: tuple[str, ...]
    scope: str
    profiles: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = field(default_factory=tuple)


def unique_project_name() -> str:
    """`pytest-<xdist worker or main>-<pid>-<n>-<4 hex>`: distinct across workers, processes and runs."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    return f"pytest-{worker}-{os.getpid()}-{next(_counter)}-{secrets.token_hex(2)}".lower()


def _spec(request: pytest.FixtureRequest) -> StackSpec:
    config = request.config
    marker = request.node.get_closest_marker(MARKER)
    default_scope = str(config.getini("pycompose_scope") or "session")
    if marker is not None and marker.args:
        base = Path(str(request.node.path)).parent
        files = tuple(str((base / str(f)).resolve()) for f in marker.args)
    else:
        names = config.getini("pycompose_file")
        if not names:
            pytest.fail("no compose file: mark the test with @pytest.mark.pycompose('compose.yaml') "
                        "or set the pycompose_file ini option", pytrace=False)
        files = tuple(str((config.rootpath / name).resolve()) for name in names)
    kwargs = marker.kwargs if marker is not None else {}
    scope = kwargs.get("scope") or default_scope
    if scope not in ("session", "module"):
        pytest.fail(f"pycompose scope must be session or module, got {scope!r}", pytrace=False)
    return StackSpec(files=files, scope=scope, profiles=tuple(kwargs.get("profiles") or ()),
                     env=tuple(sorted((kwargs.get("env") or {}).items())))


class _Stacks:
    """The stacks of one scope: brought up on first use, taken down (with volumes) when the scope ends."""

    def __init__(self, config: pytest.Config) -> None:
        self._config = config
        self._running: dict[StackSpec, Project] = {}

    def get(self, spec: StackSpec) -> Project:
        if spec not in self._running:
            self._running[spec] = self._start(spec)
        return self._running[spec]

    def _start(self, spec: StackSpec) -> Project:
        from pycompose.api import Project
        from pycompose.errors import ComposeError
        from pycompose.events import CollectingSink

        try:
            stack = Project.load(spec.files, profiles=spec.profiles, env=dict(spec.env),
                                 project_name=unique_project_name(), sink=CollectingSink(),
                                 wait_timeout=float(self._config.getini("pycompose_wait_timeout") or 120))
        except ComposeError as error:
            pytest.fail(f"pycompose: {error}", pytrace=False)
        try:
            stack.up(wait=True)
        except (ComposeError, KeyboardInterrupt) as error:
            logs = _logs(stack)
            self._down(stack)
            if isinstance(error, KeyboardInterrupt):
                raise
            pytest.fail(f"pycompose: project {stack.name} did not come up: {error}\n\nservice logs:\n{logs}",
                        pytrace=False)
        return stack

    def close(self) -> None:
        while self._running:
            _, stack = self._running.popitem()
            self._down(stack)

    def _down(self, stack: Project) -> None:
        if self._config.getoption("pycompose_keep"):
            self._config.stash[_KEPT].append(stack.name)
            return
        stack.down(volumes=True, remove_orphans=True)


@pytest.fixture(scope="session")
def _pycompose_session_stacks(pytestconfig: pytest.Config) -> Iterator[_Stacks]:
    stacks = _Stacks(pytestconfig)
    yield stacks
    stacks.close()


@pytest.fixture(scope="module")
def _pycompose_module_stacks(pytestconfig: pytest.Config) -> Iterator[_Stacks]:
    stacks = _Stacks(pytestconfig)
    yield stacks
    stacks.close()


@pytest.fixture
def pycompose(request: pytest.FixtureRequest) -> Project:
    """The running compose stack of the test's `pycompose` marker (or the `pycompose_file` ini option)."""
    spec = _spec(request)
    stacks: _Stacks = request.getfixturevalue(f"_pycompose_{spec.scope}_stacks")
    stack = stacks.get(spec)
    request.node.stash[_STACKS] = {stack.name: stack}
    return stack


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    for name, stack in item.stash.get(_STACKS, {}).items():
        report.sections.append((f"pycompose logs ({name})", _logs(stack)))


def _logs(stack: Project) -> str:
    try:
        return stack.logs() or "(no output)\n"
    except Exception as error:
        return f"(could not read the logs: {error})\n"


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    kept = config.stash.get(_KEPT, [])
    if kept:
        terminalreporter.write_line(f"pycompose: left up (--pycompose-keep): {', '.join(kept)}")
