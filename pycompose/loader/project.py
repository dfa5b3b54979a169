"""load_project: compose files in, the canonical project (v2's `config --format json` form) out.

The order of the stages is v2's (compose-go `loader/loader.go`): per file, per document: parse → interpolate →
type-cast → validate against the schema → extends → include; then merge the files in order, strip the
`!reset`/`!override` tags, canonicalise, select services by profile, and check consistency.
Every failure is a ConfigError that names the file, the line and the key path where they are known.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pycompose.errors import ConfigError
from pycompose.loader import discovery
from pycompose.loader.options import LoadedProject, ProjectOptions

KeyPath = tuple[str | int, ...]


@dataclass
class _LoadState:
    """What one load accumulates: warnings, every document's marks (to locate errors), and caches."""

    warnings: list[str] = field(default_factory=list)
    documents: list[Any] = field(default_factory=list)  # YamlDocument, in load order
    parsed_files: dict[tuple[str, int], dict] = field(default_factory=dict)
    stdin_text: str | None = None
    mentions_project_name: bool = False
    """A file read so far spells `COMPOSE_PROJECT_NAME`: it must be interpolated with the project's name."""
    implied: dict[str, str] = field(default_factory=dict)
    """Variables the loader adds to every interpolation environment, included projects' too (the project name)."""

    def restart(self, *, keep_warnings: int, implied: dict[str, str]) -> None:
        """Forget what reading the files gathered, to read them again with `implied`; the first `keep_warnings`
        warnings (those said before the files were read) stay."""
        del self.warnings[keep_warnings:]
        self.documents.clear()
        self.parsed_files.clear()
        self.mentions_project_name = False
        self.implied = implied

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def locate(self, path: KeyPath) -> tuple[str, int | None, int | None] | None:
        """File, line and column where `path` (or its nearest defined parent) was written; last file wins."""
        for end in range(len(path), 0, -1):
            prefix = tuple(path[:end])
            for document in reversed(self.documents):
                mark = document.marks.get(prefix)
                if mark is not None:
                    return mark.file, mark.line, mark.column
        return None

    def located(self, error: ConfigError) -> ConfigError:
        if error.file or error.keys is None:
            return error
        where = self.locate(error.keys)
        if where is None:
            return error
        return error.with_location(file=where[0], line=where[1], column=where[2])


def load_project(options: ProjectOptions) -> LoadedProject:
    """Load, merge, validate and canonicalise a compose project as Compose v2 does.

    The load's warnings are in `LoadedProject.warnings`, and passed to `options.warn` too (when set), also those
    met before a failure, as v2 logs them as it goes.

    Raises:
        ConfigError: the project cannot be loaded; the message names file, line and key path where known.
    """
    state = _LoadState()
    try:
        return _load_project(options, state)
    finally:
        if options.warn is not None:
            for message in state.warnings:
                options.warn(message)


def _load_project(options: ProjectOptions, state: _LoadState) -> LoadedProject:
    environ = dict(options.environ)
    cwd = os.path.abspath(options.working_directory)
    environ.setdefault("PWD", cwd)  # v2's interpolation environment always has PWD
    _apply_cwd_dotenv(environ, cwd, options)

    files = discovery.find_config_files(
        options.files,
        environ=environ,
        working_directory=cwd,
        project_directory=options.project_directory,
        warn=state.warn,
        fetch_remote=options.fetch_remote,
    )
    default_directory = files.default_directory or files.project_directory
    env_files, explicit_env_files = discovery.select_env_files(
        options.env_files, environ=environ, working_directory=cwd, project_directory=default_directory
    )
    environment = _interpolation_environment(env_files, environ, must_exist=explicit_env_files, warn=state.warn)
    before_files = len(state.warnings)  # what finding the files and reading `.env` said

    try:
        merged = _load_merged(files.paths, files.project_directory, environment, options, state)
        name = discovery.resolve_project_name(
            option=options.project_name,
            environment=environment,
            declared=merged.get("name") if isinstance(merged.get("name"), str) else None,
            project_directory=default_directory,
        )
        if "COMPOSE_PROJECT_NAME" not in environment:
            # v2 knows the name before it interpolates (from `-p`, `name:` or the directory) and exposes it as
            # COMPOSE_PROJECT_NAME; we learn it from the first pass, and load again only when a file uses it
            environment = {**environment, "COMPOSE_PROJECT_NAME": name}
            if state.mentions_project_name and options.interpolate:
                state.restart(keep_warnings=before_files, implied={"COMPOSE_PROJECT_NAME": name})
                merged = _load_merged(files.paths, files.project_directory, environment, options, state)
        config = _canonical(merged, name, files.project_directory, environment, options, state)
        config, disabled = _select_profiles(config, environment, options)
        if options.consistency:
            from pycompose.loader import checks

            checks.check_project(config, disabled_services=disabled)
    except ConfigError as error:
        raise state.located(error) from None

    return LoadedProject(
        name=name,
        working_dir=files.project_directory,
        config_files=tuple(path for path in files.paths),
        env_files=tuple(env_files) if explicit_env_files else (),
        environment=environment,
        config=config,
        disabled_services=disabled,
        warnings=tuple(state.warnings),
    )


def _apply_cwd_dotenv(environ: dict[str, str], cwd: str, options: ProjectOptions) -> None:
    """v2 reads COMPOSE_* settings from `.env` in the working directory before it looks for files."""
    if options.env_files or environ.get("COMPOSE_ENV_FILES") or discovery.is_true(
        environ.get("COMPOSE_DISABLE_ENV_FILE")
    ):
        return
    path = os.path.join(cwd, ".env")
    if not os.path.isfile(path):
        return
    from pycompose.loader import dotenv

    for key, value in dotenv.read_dotenv(path, lookup=environ.get).items():
        if key.startswith("COMPOSE_") and key not in environ:
            environ[key] = value


def _interpolation_environment(
    env_files: tuple[str, ...], environ: Mapping[str, str], *, must_exist: bool, warn=None
) -> dict[str, str]:
    """Values of the env files (later files win), overridden by the OS environment."""
    from pycompose.loader import dotenv

    values: dict[str, str] = {}
    for path in env_files:
        if not os.path.isfile(path):
            if must_exist:
                raise ConfigError(f"couldn't find env file: {path}")
            continue

        def lookup(key: str, _values: dict[str, str] = values) -> str | None:
            return environ.get(key, _values.get(key))

        values.update(dotenv.read_dotenv(path, lookup=lookup, warn=warn))
    return {**values, **environ}


def _read_text(path: str, state: _LoadState, options: ProjectOptions) -> str:
    if path == discovery.STDIN:
        if state.stdin_text is None:
            stream = options.stdin if options.stdin is not None else sys.stdin
            state.stdin_text = stream.read()
        state.mentions_project_name |= "COMPOSE_PROJECT_NAME" in state.stdin_text
        return state.stdin_text
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        state.mentions_project_name |= "COMPOSE_PROJECT_NAME" in text
        return text
    except UnicodeDecodeError as error:
        raise ConfigError(f"file is not valid UTF-8 text: {error.reason}", file=path) from None
    except IsADirectoryError:
        raise ConfigError(f"read {path}: is a directory") from None
    except OSError as error:
        raise ConfigError(f"open {path}: {error.strerror.lower() if error.strerror else error}") from None


def _parse_file(
    path: str,
    working_dir: str,
    environment: Mapping[str, str],
    options: ProjectOptions,
    state: _LoadState,
) -> list[dict]:
    """One file's documents, each parsed, interpolated, type-cast and validated (empty documents dropped)."""
    from pycompose.loader import yaml_file

    display = "stdin" if path == discovery.STDIN else path
    text = _read_text(path, state, options)
    prepared: list[dict] = []
    for document in yaml_file.load_documents(text, display):
        state.documents.append(document)
        data = document.data
        if not isinstance(data, dict):  # v2 also refuses an empty document after `---`
            raise ConfigError("top-level object must be a mapping", file=display)
        if data:  # `{}` adds nothing; a file of only `{}` is "empty compose file", as in v2
            prepared.append(_prepare_document(data, environment, options, state, display, document))
    if not prepared:
        raise ConfigError("empty compose file", file=display)
    return prepared


def _prepare_document(
    data: dict,
    environment: Mapping[str, str],
    options: ProjectOptions,
    state: _LoadState,
    display: str,
    document: Any,
) -> dict:
    from pycompose.loader import interpolate, schema

    def locate(path: KeyPath) -> tuple[str, int | None, int | None] | None:
        mark = None
        for end in range(len(path), 0, -1):
            mark = document.marks.get(tuple(path[:end]))
            if mark is not None:
                return mark.file, mark.line, mark.column
        return (display, None, None)

    try:
        if options.interpolate:
            data = interpolate.interpolate(data, environment, warn=state.warn)
            data = interpolate.cast_types(data, warn=state.warn)
        if "version" in data:
            state.warn(f"{display}: the attribute `version` is obsolete, it will be ignored, "
                       "please remove it to avoid potential confusion")
        schema.validate(_without_tags(data), locate=locate)
    except ConfigError as error:
        if error.file is None and error.keys is not None:
            where = locate(error.keys)
            if where:
                raise error.with_location(file=where[0], line=where[1], column=where[2]) from None
        raise
    return data


def _without_tags(data: Any) -> Any:
    from pycompose.loader.tags import strip_tags

    return strip_tags(data)


def _load_merged(
    paths: tuple[str, ...],
    working_dir: str,
    environment: Mapping[str, str],
    options: ProjectOptions,
    state: _LoadState,
    included_from: tuple[str, ...] = (),
) -> dict:
    """Every document of every file in order: extends, then include, then merged into the project so far.

    v2 works per document, not per file: a `!reset` in a second document also removes values from earlier
    files, and `extends` cannot see services of an earlier document. Merging starts from `{}`, so duplicate
    list entries inside a single file are de-duplicated too.
    """
    from pycompose.loader import merge as merging

    def load_file(path: str) -> dict:
        key = (path, id(environment))
        if key not in state.parsed_files:
            whole: dict = {}
            for data in _parse_file(path, working_dir, environment, options, state):
                whole = merging.merge(whole, data)
            state.parsed_files[key] = whole
        return state.parsed_files[key]

    merged: dict = {}
    for path in paths:
        file_for_paths = path if path != discovery.STDIN else os.path.join(working_dir, "stdin")
        chain = (*included_from, file_for_paths)

        def load_included(spec: Any, _chain: tuple[str, ...] = chain) -> dict:
            return _load_included(spec, options, state, _chain, working_dir)

        for data in _parse_file(path, working_dir, environment, options, state):
            if _may_extend(data):  # extends and include are imported only by files that use them (start-up)
                from pycompose.loader import extends

                data = extends.resolve_extends(data, file=file_for_paths, load_file=load_file,
                                               working_dir=working_dir, relative_paths=not options.resolve_paths)
            if isinstance(data, dict) and "include" in data:
                from pycompose.loader import include

                data = include.resolve_includes(
                    data,
                    file=file_for_paths,
                    project_directory=working_dir,
                    load_included=load_included,
                    included_from=included_from,
                )
            merged = merging.merge(merged, data)
    return merged


def _may_extend(doc: Any) -> bool:
    """Whether `extends.resolve_extends` has anything to do (or to refuse) in `doc`."""
    services = doc.get("services") if isinstance(doc, dict) else None
    if services is None:
        return False
    return not isinstance(services, dict) or any(isinstance(s, dict) and "extends" in s for s in services.values())


def _load_included(
    spec: Any, options: ProjectOptions, state: _LoadState, chain: tuple[str, ...], parent_directory: str
) -> dict:
    """Load an included sub-project with its own project directory and .env, paths made absolute (with
    `--no-path-resolution`: relative to the including project's directory, as compose-go rebases them)."""
    from pycompose.loader import include

    env_files = spec.env_files
    if not env_files:
        default = os.path.join(spec.project_directory, ".env")
        env_files = (default,) if os.path.isfile(default) else ()
    environment = _interpolation_environment(
        env_files, options.environ, must_exist=bool(spec.env_files), warn=state.warn
    )
    environment = {**state.implied, **environment}
    merged = _load_merged(spec.paths, spec.project_directory, environment, options, state, chain)
    base = spec.project_directory
    if not options.resolve_paths:
        base = os.path.relpath(base, parent_directory)
    return include.absolute_paths(merged, base)


def _canonical(
    merged: dict,
    name: str,
    working_dir: str,
    environment: Mapping[str, str],
    options: ProjectOptions,
    state: _LoadState,
) -> dict:
    from pycompose.loader import canonical, dotenv

    def read_env_file(path: str) -> dict[str, str]:
        return dotenv.read_dotenv(path, lookup=environment.get, warn=state.warn)

    context = canonical.CanonicalContext(
        project_name=name,
        working_dir=working_dir,
        environment=environment,
        resolve_paths=options.resolve_paths,
        # v2 prints an uninterpolated model with its env_file unread
        resolve_env_files=not options.keep_env_files and options.interpolate,
        interpolate=options.interpolate,
        normalize=options.normalize,
        keep_unused=options.all_resources or not options.interpolate,
        read_env_file=read_env_file,
        warn=state.warn,
    )
    return canonical.canonicalize(merged, context)


def _select_profiles(
    config: dict, environment: Mapping[str, str], options: ProjectOptions
) -> tuple[dict, dict]:
    from pycompose.loader import profiles

    if not options.interpolate:  # v2 prints this model as loaded: every service, every resource
        return config, {}
    enabled = list(options.profiles)
    if not enabled and environment.get("COMPOSE_PROFILES"):
        enabled = [part.strip() for part in environment["COMPOSE_PROFILES"].split(",") if part.strip()]
    return profiles.select_services(
        config, profiles=enabled, explicit=options.services, keep_unused=options.all_resources
    )
