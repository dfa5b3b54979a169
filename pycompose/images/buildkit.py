"""What v2.40.3 does here with `build`'s BuildKit-only flags (`--builder`, `--ssh`, `--provenance`, `--sbom`), which
pycompose's classic builder cannot honour.

Without buildx, v2 builds through the buildx library it embeds, with the engine's `docker` driver. It then refuses
a builder that does not exist, an SSH agent config it cannot load and any attestation (the `docker` driver has
none); a working `--builder`/`--ssh` just builds, as pycompose does. With `DOCKER_BUILDKIT=0` v2 builds with the
classic builder and ignores all these flags. `--check` only changes the bake file (`build --print`); here v2 builds
as usual.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass

from pycompose.errors import ComposeError, UsageError
from pycompose.gofmt import go_quote
from pycompose.images.naming import BUILDKIT
from pycompose.images.spec import builder_of

ATTESTATION_UNSUPPORTED = ("Attestation is not supported for the docker driver.\n"
                           "Switch to a different driver, or turn on the containerd image store, and try again.\n"
                           "Learn more at https://docs.docker.com/go/attestations/")


@dataclass(frozen=True)
class BuildkitFlags:
    """`build --builder/--ssh/--provenance/--sbom` as given ("" when absent)."""

    builder: str = ""
    ssh: tuple[tuple[str, str], ...] = ()
    provenance: str = ""
    sbom: str = ""


def parse_ssh(value: str) -> tuple[str, str]:
    """`--ssh ID[=PATH]` as (id, path); a bare `--ssh` is `default`.

    Raises:
        UsageError: an id other than `default` without a path (`invalid ssh key "x"`).
    """
    key, sep, path = value.partition("=")
    if not sep and key != "default":
        raise UsageError(f"invalid ssh key {go_quote(value)}")
    return key, path


def check(flags: BuildkitFlags, environ: Mapping[str, str]) -> None:
    """Raise what v2 reports for these flags before building, on this machine (BuildKit through the `docker`
    driver, no buildx); nothing with `DOCKER_BUILDKIT=0`, where v2 ignores them.

    Raises:
        ComposeError: `no builder "x" found`; the SSH agent config v2 cannot load; attestations unsupported.
    """
    if builder_of(environ) != BUILDKIT:
        return
    builder = flags.builder or environ.get("BUILDX_BUILDER", "")
    if builder and builder not in known_builders(environ):
        raise ComposeError(f"no builder {go_quote(builder)} found")
    for key, path in flags.ssh:
        problem = ssh_agent_problem(key, path, environ)
        if problem:
            paths = f"[{path}]" if path else "[]"
            raise ComposeError(f"failed to convert agent config {{{key} {paths} false}}: {problem}")
    if flags.provenance or flags.sbom:
        raise ComposeError(ATTESTATION_UNSUPPORTED)


def known_builders(environ: Mapping[str, str]) -> set[str]:
    """The builders buildx can load here: `default`, one per docker context, the instances in buildx's store."""
    folder = environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    names = {"default"}
    try:
        names.update(entry for entry in os.listdir(os.path.join(folder, "buildx", "instances")))
    except OSError:
        pass
    meta = os.path.join(folder, "contexts", "meta")
    try:
        entries = os.listdir(meta)
    except OSError:
        entries = []
    for entry in entries:
        try:
            with open(os.path.join(meta, entry, "meta.json"), encoding="utf-8") as handle:
                name = json.load(handle).get("Name")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(name, str):
            names.add(name)
    return names


def ssh_agent_problem(key: str, path: str, environ: Mapping[str, str]) -> str | None:
    """Why BuildKit's `sshprovider` would refuse `--ssh key=path` (None: it loads): an empty agent socket, a path
    that does not exist, a folder, a file that is no private key."""
    if not path:
        path = environ.get("SSH_AUTH_SOCK", "")
        if not path:
            return "invalid empty ssh agent socket: make sure SSH_AUTH_SOCK is set"
    prefix = f"failed to convert agent config for ID: {go_quote(key)}: "
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return f"{prefix}stat {path}: no such file or directory"
    except OSError as error:
        return f"{prefix}stat {path}: {(error.strerror or str(error)).lower()}"
    if stat.S_ISSOCK(mode):
        return None
    if stat.S_ISDIR(mode):
        return f"{prefix}failed to read {path}: read {path}: is a directory"
    try:
        with open(path, "rb") as handle:
            data = handle.read(100 * 1024)
    except OSError as error:
        return f"{prefix}failed to open {path}: open {path}: {(error.strerror or str(error)).lower()}"
    if b"-----BEGIN" not in data or b"PRIVATE KEY-----" not in data:
        return f"{prefix}failed to parse {path}: ssh: no key found"
    return None

