"""The public Python API of pycompose: the CLI calls only these functions, and so can test fixtures.

Each operation: load and bind the project, observe the engine once, plan, execute. Options are frozen
dataclasses; progress goes to an EventSink (by default the `logging` module: a library prints nothing unless
asked). The names below are the surface; they live in one module per concern and are imported on first use,
so `import pycompose.api` stays cheap:

    options      UpOptions, DownOptions, ExecOptions (RunOptions: `pycompose.session`)
    records      ContainerRecord, PublishedPort
    lifecycle    up, down, stop, start, restart, kill, rm
    containers   ps, images, list_projects, service_names, port, exec_command, logs, wait, wait_healthy
    attached     attach (attached `up`) and the AttachView it reports to
    run          run_oneoff (`run`: a one-off container)
    control      pause, unpause, top, stats, events, export, commit, attach_service, scale
    publish      publish, fetch_artifact (the application as an OCI artifact)
    watch        Watch, WatchOptions, watch (`watch`, `up --watch`)
    project      Project, the object API
    (images)     build, pull, push and their options live in `pycompose.images`
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pycompose.api.attached import AttachView, attach  # noqa: F401 - for type checkers; served by __getattr__
    from pycompose.api.containers import (  # noqa: F401 - Terminal: beside the curated surface
        Terminal,
        exec_command,
        images,
        list_projects,
        logs,
        port,
        ps,
        service_names,
        wait,
        wait_healthy,
    )
    from pycompose.api.control import (
        ContainerProcesses,
        ContainerUsage,
        ProjectEvent,
        attach_service,
        commit,
        events,
        export,
        pause,
        scale,
        stats,
        top,
        unpause,
    )
    from pycompose.api.lifecycle import down, kill, restart, rm, start, stop, up
    from pycompose.api.options import DownOptions, ExecOptions, OneOffOptions, OneOffResult, UpOptions
    from pycompose.api.project import Project
    from pycompose.api.publish import PublishOptions, PublishResult, fetch_artifact, publish
    from pycompose.api.records import ContainerRecord, PublishedPort
    from pycompose.api.run import run_oneoff
    from pycompose.api.watch import Watch, WatchOptions, watch
    from pycompose.images.operations import BuildOptions, PullOptions, PushOptions, build, pull, push
    from pycompose.logs import resolve_for_logs  # noqa: F401 - beside the curated surface
    from pycompose.session import RunOptions

__all__ = [
    "BuildOptions", "PullOptions", "PushOptions", "build", "pull", "push",
    "ContainerRecord", "DownOptions", "ExecOptions", "Project", "PublishedPort", "RunOptions", "UpOptions", "attach",
    "down", "exec_command", "images", "kill", "list_projects", "logs", "port", "ps", "restart", "rm", "service_names",
    "start", "stop", "up", "wait", "wait_healthy",
    "OneOffOptions", "OneOffResult", "run_oneoff",
    "ContainerProcesses", "ContainerUsage", "ProjectEvent", "attach_service", "commit", "events", "export", "pause",
    "scale", "stats", "top", "unpause",
    "PublishOptions", "PublishResult", "fetch_artifact", "publish",
    "Watch", "WatchOptions", "watch",
]

_HOMES = {
    "pycompose.api.options": ("UpOptions", "DownOptions", "ExecOptions", "OneOffOptions", "OneOffResult"),
    "pycompose.api.run": ("run_oneoff",),
    "pycompose.api.control": ("ContainerProcesses", "ContainerUsage", "ProjectEvent", "attach_service", "commit",
                              "events", "export", "pause", "scale", "stats", "top", "unpause"),
    "pycompose.api.records": ("ContainerRecord", "PublishedPort"),
    "pycompose.api.lifecycle": ("up", "down", "stop", "start", "restart", "kill", "rm"),
    "pycompose.api.containers": ("ps", "images", "list_projects", "service_names", "port", "exec_command", "logs",
                                 "wait", "wait_healthy", "Terminal"),
    "pycompose.logs": ("resolve_for_logs",),
    "pycompose.api.attached": ("attach", "AttachView"),
    "pycompose.api.project": ("Project",),
    "pycompose.api.publish": ("PublishOptions", "PublishResult", "publish", "fetch_artifact"),
    "pycompose.api.watch": ("Watch", "WatchOptions", "watch"),
    "pycompose.images.operations": ("BuildOptions", "PullOptions", "PushOptions", "build", "pull", "push"),
    "pycompose.session": ("RunOptions",),
}
_HOME_OF = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    """Import the module a public name lives in on first use (PEP 562), then keep the name here."""
    module = _HOME_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'pycompose.api' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOME_OF})
