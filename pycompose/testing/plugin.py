"""pytest plugin: a compose stack per session (or module), up and healthy before the tests that use it.

    @pytest.mark.pycompose("compose.yaml")          # relative to the test file; several files merge in order
    def test_web(pycompose):                        # the running stack, a pycompose.api.Project
        host, port = pycompose.endpoint("web", 80)

Marker arguments: the compose files, `scope="session"|"module"` (default: the `pycompose_scope` ini option,
else session), `profiles=[…]`, `env={…}`, `stop_timeout=N` (seconds a container gets to stop at teardown;
default: the `pycompose_stop_timeout` ini option, 1 s: tests need not wait out a service's 10 s grace period),
`setup=[("web", "python manage.py migrate"), …]` (one-off commands run once the stack is up, as `run --rm`; a
non-zero exit fails the tests that use the stack). Without a marker the `pycompose_file` ini option names the
files (relative to the rootdir). Stacks with the same files, profiles, env, stop timeout and setup are shared
within their scope. In a test, `pycompose.run("web", ["pytest", "-x"])` runs a one-off and returns its exit code
and output.

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
DEFAULT_STOP_TIMEOUT = 1
"""Seconds a container gets to stop at teardown: short, services without `init` ignore SIGTERM as PID 1."""
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
    parser.addini("pycompose_stop_timeout", default=str(DEFAULT_STOP_TIMEOUT),
                  help="seconds a container gets to stop when a stack is taken down (default 1)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*files, scope=None, profiles=(), env=None, stop_timeout=None, setup=()): the compose stack the "
        "`pycompose` fixture brings up",
    )
    config.stash[_KEPT] = []


@dataclass(frozen=True)
class StackSpec:
    """Which stack a test asks for; equal specs in the same scope share one stack."""

    files: tuple[str, ...]
    scope: str
    profiles: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    stop_timeout: int = DEFAULT_STOP_TIMEOUT
    setup: tuple[tuple[str, str | tuple[str, ...]], ...] = ()
    """One-off commands (service, command) run once the stack is up."""


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
    stop_timeout = kwargs.get("stop_timeout")
    if stop_timeout is None:
        stop_timeout = config.getini("pycompose_stop_timeout") or DEFAULT_STOP_TIMEOUT
    try:
        stop_timeout = int(stop_timeout)
    except (TypeError, ValueError):
        pytest.fail(f"pycompose stop_timeout must be a whole number of seconds, got {stop_timeout!r}", pytrace=False)
    setup = tuple((str(service), command if isinstance(command, str) else tuple(command))
                  for service, command in kwargs.get("setup") or ())
    return StackSpec(files=files, scope=scope, profiles=tuple(kwargs.get("profiles") or ()),
                     env=tuple(sorted((kwargs.get("env") or {}).items())), stop_timeout=stop_timeout, setup=setup)


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
                                 wait_timeout=float(self._config.getini("pycompose_wait_timeout") or 120),
                                 stop_timeout=spec.stop_timeout)
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
        for service, command in spec.setup:
            self._setup(stack, service, command)
        return stack

    def _setup(self, stack: Project, service: str, command: str | tuple[str, ...]) -> None:
        """One setup one-off (`run --rm`); the stack is taken down again when it fails."""
        from pycompose.errors import ComposeError

        try:
            code, output = stack.run(service, command)
        except ComposeError as error:
            code, output = -1, str(error)
        if code != 0:
            self._down(stack)
            pytest.fail(f"pycompose: setup command {command!r} of service {service} exited {code}:\n{output}",
                        pytrace=False)

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
