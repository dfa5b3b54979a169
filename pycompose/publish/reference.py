"""Image and artifact references, normalised as docker/distribution's `ParseDockerRef` does."""

from __future__ import annotations

import re
from dataclasses import dataclass

from pycompose.errors import UsageError

DEFAULT_DOMAIN = "docker.io"
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*"
_PATH = re.compile(rf"^{_COMPONENT}(?:/{_COMPONENT})*$")
_DOMAIN = re.compile(r"^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*"
                     r"|\[[0-9a-fA-F:.]+\])(?::[0-9]+)?$")
_TAG = re.compile(r"^[\w][\w.-]{0,127}$")
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")


@dataclass(frozen=True)
class Reference:
    """`domain/path[:tag][@digest]` with docker.io's defaults filled in."""

    domain: str
    path: str
    tag: str = ""
    digest: str = ""

    @property
    def name(self) -> str:
        return f"{self.domain}/{self.path}"

    def __str__(self) -> str:
        text = self.name
        if self.tag:
            text += f":{self.tag}"
        if self.digest:
            text += f"@{self.digest}"
        return text

    @property
    def registry_host(self) -> str:
        """The host the distribution API answers on (docker.io's is registry-1.docker.io)."""
        return "registry-1.docker.io" if self.domain == DEFAULT_DOMAIN else self.domain

    @property
    def auth_key(self) -> str:
        """The key of this registry in `~/.docker/config.json` (`auths`, `credHelpers`)."""
        return "https://index.docker.io/v1/" if self.domain == DEFAULT_DOMAIN else self.domain

    def with_digest(self, digest: str) -> Reference:
        return Reference(self.domain, self.path, self.tag, digest)


def parse(text: str) -> Reference:
    """Parse and normalise `text`; a missing tag is `latest` unless there is a digest.

    Raises:
        UsageError: not a valid reference (`invalid reference format`).
    """
    remainder, _, digest = text.partition("@")
    if digest and not _DIGEST.match(digest):
        raise UsageError("invalid reference format")
    name, tag = remainder, ""
    last = remainder.rsplit("/", 1)[-1]
    if ":" in last:
        name, tag = remainder[: len(remainder) - len(last)] + last.split(":", 1)[0], last.split(":", 1)[1]
        if not _TAG.match(tag):
            raise UsageError("invalid reference format")
    first, slash, rest = name.partition("/")
    if slash and ("." in first or ":" in first or first == "localhost" or first != first.lower()):
        domain, path = first, rest
        if not _DOMAIN.match(domain):
            raise UsageError("invalid reference format")
    else:
        domain, path = DEFAULT_DOMAIN, name
        if "/" not in path:
            path = f"library/{path}"
    if path != path.lower():
        raise UsageError(f"invalid reference format: repository name ({path}) must be lowercase")
    if not _PATH.match(path):
        raise UsageError("invalid reference format")
    if not tag and not digest:
        tag = "latest"
    return Reference(domain, path, tag, digest)
