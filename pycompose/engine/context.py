"""Which engine to talk to: DOCKER_HOST, else the current docker context, else the default socket.

Same precedence as the docker CLI: DOCKER_HOST, DOCKER_CONTEXT, `currentContext` of ~/.docker/config.json; a
context's endpoint lives in ~/.docker/contexts/meta/<sha256 of its name>/meta.json.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass

from pycompose.errors import ConfigError

DEFAULT_HOST = "unix:///var/run/docker.sock"


@dataclass(frozen=True)
class EngineEndpoint:
    host: str
    tls_verify: bool = False
    cert_path: str | None = None


def resolve_endpoint(environ: Mapping[str, str] | None = None) -> EngineEndpoint:
    """The engine address the docker CLI would use in this environment."""
    env = os.environ if environ is None else environ
    tls = env.get("DOCKER_TLS_VERIFY", "") not in ("", "0")
    if env.get("DOCKER_HOST"):
        return EngineEndpoint(_checked_host(env["DOCKER_HOST"]), tls, env.get("DOCKER_CERT_PATH"))
    config_dir = env.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    context = env.get("DOCKER_CONTEXT") or _current_context(config_dir)
    if not context or context == "default":
        return EngineEndpoint(DEFAULT_HOST)
    import hashlib

    meta = os.path.join(config_dir, "contexts", "meta", hashlib.sha256(context.encode()).hexdigest(), "meta.json")
    try:
        with open(meta, encoding="utf-8") as handle:
            endpoint = json.load(handle)["Endpoints"]["docker"]
    except (OSError, KeyError, ValueError):
        raise ConfigError(f'context "{context}": context not found: {meta}') from None
    return EngineEndpoint(endpoint.get("Host") or DEFAULT_HOST, not endpoint.get("SkipTLSVerify", True) and tls)


def _checked_host(host: str) -> str:
    """`host` when it parses as an address, else v2's refusal (before any connection is tried)."""
    from urllib.parse import urlsplit

    try:
        url = urlsplit(host)
        url.port  # noqa: B018 - parsing the port is what raises for `tcp://host:x`
    except ValueError as error:
        if "IPv6" in str(error):
            reason = "missing ']' in host"
        else:  # Go's words for the other failure urlsplit knows, a port that is not a number
            reason = f'invalid port ":{host.rsplit(":", 1)[-1]}" after host' if "Port" in str(error) else str(error)
        message = f'Failed to initialize: unable to resolve docker endpoint: parse "{host}": {reason}'
        raise ConfigError(message) from None
    return host


def _current_context(config_dir: str) -> str | None:
    try:
        with open(os.path.join(config_dir, "config.json"), encoding="utf-8") as handle:
            return json.load(handle).get("currentContext")
    except (OSError, ValueError):
        return None
