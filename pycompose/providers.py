"""`provider:` services: the external program that runs a service instead of a container (v2 plugins.go).

`up` runs `<program> compose --project-name=<p> up --<option>=<value>… <service>` and `down` the same with `down`.
The program is the Docker CLI plugin `docker-<type>` when one is installed, else `<type>` on PATH. It answers with
JSON messages on its stdout, `{"type": "info"|"error"|"setenv"|"debug", "message": …}`: `info` is shown as progress,
`error` fails the service, `setenv KEY=VALUE` becomes `<SERVICE>_KEY=VALUE` in the environment of the services that
depend on the provider service (`with_provider_environment`). Its stderr is discarded, as v2 discards it.

Before either command v2 asks `<program> compose metadata` which options each command takes; when it answers, only
those options are passed and the required ones must be set.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from pycompose.errors import ProviderFailed
from pycompose.events import Event, EventSink
from pycompose.model import Project, Service

SYSTEM_PLUGIN_DIRS = (
    "/usr/local/lib/docker/cli-plugins", "/usr/local/libexec/docker/cli-plugins",
    "/usr/lib/docker/cli-plugins", "/usr/libexec/docker/cli-plugins",
)
"""The Docker CLI's plugin folders after the config dir's `cli-plugins` (docker/cli `defaultSystemPluginDirs`)."""

_ACTIONS = {"up": ("create", "Creating", "Created"), "down": ("remove", "Removing", "Removed")}
_REEXEC_VARIABLE = "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND"
"""Removed from the program's environment so that a CLI plugin knows it runs standalone (v2 `prepareShellOut`)."""

log = logging.getLogger("pycompose.providers")


def docker_config_dir(environ: Mapping[str, str]) -> str:
    """`$DOCKER_CONFIG`, else `~/.docker` (docker/cli `config.Dir`)."""
    return environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")


def plugin_dirs(environ: Mapping[str, str]) -> list[str]:
    """The Docker CLI's plugin folders, in its order: `cliPluginsExtraDirs` of config.json, the config dir's
    `cli-plugins`, then the system folders."""
    config_dir = docker_config_dir(environ)
    extra: list[str] = []
    try:
        with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as handle:
            found = json.load(handle).get("cliPluginsExtraDirs") or []
            extra = [str(d) for d in found] if isinstance(found, list) else []
    except (OSError, ValueError, AttributeError):
        pass
    return [*extra, os.path.join(config_dir, "cli-plugins"), *SYSTEM_PLUGIN_DIRS]


def find_program(kind: str, environ: Mapping[str, str] | None = None) -> str:
    """The provider's executable: the CLI plugin `docker-<kind>`, else `<kind>` on PATH (v2 `getPluginBinaryPath`).

    Raises:
        ProviderFailed: `compose` as a type, or no such program (Go's `exec.LookPath` message).
    """
    environ = os.environ if environ is None else environ
    if kind == "compose":
        raise ProviderFailed("'compose' is not a valid provider type")
    for folder in plugin_dirs(environ):
        candidate = os.path.join(folder, f"docker-{kind}")
        if os.path.isfile(candidate):
            return candidate
    if "/" in kind:
        if os.path.isfile(kind) and os.access(kind, os.X_OK):
            return kind
        raise ProviderFailed(f'exec: "{kind}": stat {kind}: no such file or directory')
    found = shutil.which(kind, path=environ.get("PATH", ""))
    if found is None:
        raise ProviderFailed(f'exec: "{kind}": executable file not found in $PATH')
    if not os.path.isabs(found):  # Go 1.19+ refuses a program found through a relative PATH entry
        raise ProviderFailed(f'exec: "{kind}": cannot run executable found relative to current directory')
    return found


def program_environment(project: Project) -> dict[str, str]:
    """The project's environment (OS over `.env`, and COMPOSE_PROJECT_NAME) for the program, as v2 passes it."""
    environment = {key: value for key, value in project.environment.items() if value is not None}
    environment["COMPOSE_PROJECT_NAME"] = project.name
    environment.pop(_REEXEC_VARIABLE, None)
    return environment


def read_metadata(program: str, kind: str, environment: Mapping[str, str],
                  environ: Mapping[str, str] | None = None) -> Mapping[str, Any]:
    """What `<program> compose metadata` says about its commands' parameters; `{}` when it fails or says nothing
    readable. v2 also saves the answer as `<docker config dir>/compose/providers/<type>.json` (for Docker's LSP)."""
    try:
        done = subprocess.run([program, "compose", "metadata"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, env=dict(environment), check=False)
    except OSError as error:
        log.debug("failed to start plugin metadata command: %s", error)
        return {}
    if done.returncode != 0:
        log.debug("failed to start plugin metadata command: exit status %d", done.returncode)
        return {}
    try:
        metadata = json.loads(done.stdout)
    except ValueError as error:
        log.debug("failed to decode plugin metadata: %s", error)
        return {}
    if not isinstance(metadata, dict):
        return {}
    folder = os.path.join(docker_config_dir(os.environ if environ is None else environ), "compose", "providers")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        target = os.path.join(folder, f"{kind}.json")
        with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
            handle.write(done.stdout)
    except OSError as error:
        log.debug("failed to save plugin metadata: %s", error)
    return metadata


def command_line(program: str, project_name: str, service: Service, command: str,
                 metadata: Mapping[str, Any]) -> list[str]:
    """The program's argv: `compose --project-name=<p> <command> --<key>=<value>… <service>`.

    A list option gives one flag per value. With metadata, only the command's declared parameters are passed, and
    a required one missing from the options is an error (v2 `setupPluginCommand`; v2 passes the options in Go's
    random map order, pycompose in the file's).

    Raises:
        ProviderFailed: a required parameter is missing.
    """
    assert service.provider is not None
    provider = service.provider
    declared = _parameters(metadata, command)
    options = dict(provider.options)
    if declared is not None:
        for parameter in declared:
            if parameter.get("required") and parameter.get("name") not in options:
                raise ProviderFailed(f'required parameter "{parameter.get("name")}" is missing from provider '
                                     f'"{provider.type}" definition')
    names = {parameter.get("name") for parameter in declared or ()}
    argv = [program, "compose", f"--project-name={project_name}", command]
    for key, values in provider.options:
        if declared is None or key in names:
            argv.extend(f"--{key}={value}" for value in values)
    argv.append(service.name)
    return argv


def _parameters(metadata: Mapping[str, Any], command: str) -> list[Mapping[str, Any]] | None:
    """The command's declared parameters; None when the metadata is empty (then every option is passed)."""
    def parameters_of(name: str) -> Any:
        section = metadata.get(name)
        return section.get("parameters") if isinstance(section, dict) else None

    if not metadata.get("description") and parameters_of("up") is None and parameters_of("down") is None:
        return None
    found = parameters_of(command)
    return [p for p in found if isinstance(p, dict)] if isinstance(found, list) else []


def run_provider(project: Project, service: Service, command: str, sink: EventSink,
                 environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Run the service's provider program for `up` or `down`; returns the variables it set (`setenv`).

    Progress, as v2 shows it: `<service> Creating`, each `info` message, then `<service> Created` (`Removing` /
    `Removed` for `down`); an `error` message or a non-zero exit is an `Error` event and fails the service.

    Raises:
        ProviderFailed: no program, a missing required option, an `error` message, an unreadable answer, or the
            program exited non-zero (`failed to create service provider: exit status 1`).
    """
    assert service.provider is not None
    action, working, done = _ACTIONS[command]
    program = find_program(service.provider.type, environ)
    environment = program_environment(project)
    metadata = read_metadata(program, service.provider.type, environment, environ)
    argv = command_line(program, project.name, service, command, metadata)
    sink.emit(_event(service.name, working))
    try:
        process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, env=environment)
    except OSError as error:
        raise ProviderFailed(f'fork/exec {program}: {error.strerror}') from None
    assert process.stdout is not None
    try:
        variables = _read_messages(process.stdout, service.name, sink)
    except ProviderFailed:
        _abandon(process)
        raise
    code = process.wait()
    if code != 0:
        status = f"exit status {code}" if code > 0 else f"signal: {_signal_name(-code)}"
        sink.emit(_event(service.name, "Error", status))
        raise ProviderFailed(f"failed to {action} service provider: {status}")
    sink.emit(_event(service.name, done))
    return variables


def _read_messages(stream: Any, service: str, sink: EventSink) -> dict[str, str]:
    """Decode the JSON values the program writes, as they come (Go's `json.Decoder` over its stdout)."""
    decoder = json.JSONDecoder()
    variables: dict[str, str] = {}
    pending = ""
    for chunk in iter(stream.readline, b""):
        pending += chunk.decode("utf-8", "replace")
        while True:
            pending = pending.lstrip(" \t\r\n")
            if not pending:
                break
            try:
                message, end = decoder.raw_decode(pending)
            except json.JSONDecodeError as error:
                if _incomplete(error, pending):
                    break
                raise ProviderFailed(_go_syntax_error(error, pending)) from None
            pending = pending[end:]
            _handle(message, service, sink, variables)
    if pending.strip():
        raise ProviderFailed("unexpected EOF")
    return variables


def _handle(message: Any, service: str, sink: EventSink, variables: dict[str, str]) -> None:
    if not isinstance(message, dict):
        raise ProviderFailed(f"json: cannot unmarshal {type(message).__name__} into Go value of type "
                             "compose.JsonMessage")
    kind, text = str(message.get("type") or ""), str(message.get("message") or "")
    if kind == "error":
        sink.emit(_event(service, "Error", text))
        raise ProviderFailed(text)
    if kind == "info":
        sink.emit(_event(service, "Working", text))
    elif kind == "setenv":
        key, separator, value = text.partition("=")
        if not separator:
            raise ProviderFailed(f"invalid response from plugin: {text}")
        variables[key] = value
    elif kind == "debug":
        log.debug("%s: %s", service, text)
    else:
        raise ProviderFailed(f"invalid response from plugin: {kind}")


def _incomplete(error: json.JSONDecodeError, text: str) -> bool:
    """Whether more input could still complete the value (as opposed to a syntax error already)."""
    if error.msg.startswith("Invalid control character"):
        return False
    if error.msg.startswith("Unterminated string"):
        return True
    return error.pos >= len(text.rstrip())


def _go_syntax_error(error: json.JSONDecodeError, text: str) -> str:
    """Go's wording for the usual syntax errors (`invalid character '\\n' in string literal`)."""
    char = text[error.pos] if error.pos < len(text) else ""
    quoted = {"\n": "'\\n'", "\t": "'\\t'", "\r": "'\\r'"}.get(char, f"'{char}'")
    if error.msg.startswith("Invalid control character"):
        return f"invalid character {quoted} in string literal"
    return f"invalid character {quoted} looking for beginning of value"


def _abandon(process: subprocess.Popen) -> None:
    """v2 stops reading at an error; the program is not waited for. Close its stdout and reap it if it ends."""
    if process.stdout is not None:
        process.stdout.close()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _signal_name(number: int) -> str:
    """Go's name of a signal in an exit error (`signal: killed`)."""
    return {1: "hangup", 2: "interrupt", 9: "killed", 15: "terminated"}.get(number, f"signal {number}")


def _event(service: str, status: str, detail: str = "") -> Event:
    """v2 names a provider service's progress by the service name alone (` db  Creating`)."""
    return Event("Provider", service, status, detail, named_alone=True)


def with_provider_environment(project: Project, provider: str, variables: Mapping[str, str]) -> Project:
    """The project with `<PROVIDER>_<KEY>=<value>` added to the environment of every service that depends on the
    provider service (v2 `runPlugin`); the config hash of those services changes with it, as v2's does."""
    if not variables:
        return project
    from pycompose.loader.canonical_service import SERVICE_KEYS

    prefix = provider.upper() + "_"
    order = {key: index for index, key in enumerate(SERVICE_KEYS)}
    services = []
    for service in project.services:
        if not any(dep.service == provider for dep in service.depends_on):
            services.append(service)
            continue
        environment = dict(service.config.get("environment") or {})
        environment.update({prefix + key: value for key, value in variables.items()})
        changed = {**service.config, "environment": dict(sorted(environment.items()))}  # a Go map: sorted
        config = {key: changed[key] for key in sorted(changed, key=lambda key: order.get(key, len(order)))}
        services.append(replace(service, config=config))
    return replace(project, services=tuple(services))
