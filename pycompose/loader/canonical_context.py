"""CanonicalContext: what canonicalisation needs besides the merged dict, and the path helpers built on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from pycompose.errors import ConfigError
from pycompose.loader.canonical_volumes import home_directory, resolve_host_path


def _no_env_file(path: str) -> dict[str, str]:
    raise ConfigError(f"env file {path} not found")


@dataclass(frozen=True)
class CanonicalContext:
    """What canonicalize needs besides the merged dict.

    home_dir: expands `~` in bind sources (v2 uses the process's home); None means the current user's.
    """

    project_name: str
    working_dir: str
    environment: Mapping[str, str] = field(default_factory=dict)
    resolve_paths: bool = True
    resolve_env_files: bool = True
    """False: env_file stays in the service (paths made absolute) instead of being read into environment."""
    interpolate: bool = True
    normalize: bool = True
    """False for `--no-normalize`: no implied names, `default` network, dependencies or build defaults."""
    keep_unused: bool = False
    """Keep the top-level resources no service uses (`--all-resources`, and v2's uninterpolated model)."""
    read_env_file: Callable[[str], dict[str, str]] = _no_env_file
    warn: Callable[[str], None] = lambda message: None
    home_dir: str | None = None


def is_remote_context(context: str) -> bool:
    """A build context that is a URL (git, http) and must not be made absolute."""
    return context.startswith(("http://", "https://", "git://", "git@", "ssh://", "github.com/")) \
        or "://" in context


def project_path(path_text: str, ctx: CanonicalContext) -> str:
    """A path relative to the project directory made absolute, unless --no-path-resolution."""
    if not ctx.resolve_paths:
        return path_text
    return resolve_host_path(path_text, ctx.working_dir, user_home(ctx))


def user_home(ctx: CanonicalContext) -> str:
    """The home directory `~` expands to."""
    return ctx.home_dir if ctx.home_dir is not None else home_directory()
