"""What the compose files themselves say, read as v2's publish reads them (one file at a time, interpolated, paths
resolved against the project directory): where each `env_file` and `extends.file` value is written, so that the
artifact can name them by hash instead, and whether a file includes local files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from pycompose.errors import ConfigError


@dataclass(frozen=True)
class PathValue:
    """A path written in a compose file: where its value starts (1-based, as yaml.v3 counts) and what it resolves
    to (interpolated, absolute)."""

    service: str
    line: int
    column: int
    path: str


@dataclass(frozen=True)
class FileReferences:
    """The env files and extends files one compose file names."""

    env_files: tuple[PathValue, ...]
    extends_files: tuple[PathValue, ...]
    includes: tuple[str, ...]


_REMOTE = re.compile(r"^(oci://|git@|(https?|git|ssh)://)")


def _root(text: str, file: str) -> Any:
    import yaml

    try:
        for document in yaml.compose_all(text, Loader=yaml.SafeLoader):
            return document
    except yaml.YAMLError as error:
        raise ConfigError(f"{file}: {error}") from None
    return None


def _get(node: Any, key: str) -> Any:
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    for key_node, value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
            return value
    return None


def _items(node: Any) -> Iterator[tuple[str, Any]]:
    import yaml

    if isinstance(node, yaml.MappingNode):
        for key_node, value in node.value:
            if isinstance(key_node, yaml.ScalarNode):
                yield key_node.value, value


def _scalars(node: Any) -> Iterator[Any]:
    """env_file: a string, a list of strings, or a list of `{path: …}`: the scalar nodes holding the paths."""
    import yaml

    if isinstance(node, yaml.ScalarNode):
        yield node
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            if isinstance(item, yaml.MappingNode):
                item = _get(item, "path")
            if isinstance(item, yaml.ScalarNode):
                yield item


def read_references(file: str, text: str, working_dir: str, environment: Mapping[str, str]) -> FileReferences:
    """The env_file and extends.file values of `text` (the compose file `file`), resolved against the project's
    `working_dir` with its interpolation `environment`.

    Raises:
        ConfigError: the file is not YAML, or a path's `${…}` form is invalid.
    """
    root = _root(text, file)
    env_files: list[PathValue] = []
    extends_files: list[PathValue] = []
    resolve = _resolver(file, working_dir, environment)
    for name, service in _items(_get(root, "services")):
        for node in _scalars(_get(service, "env_file")):
            env_files.append(PathValue(name, node.start_mark.line + 1, node.start_mark.column + 1,
                                       resolve(node.value)))
        node = _get(_get(service, "extends"), "file")
        if node is not None and hasattr(node, "start_mark") and isinstance(node.value, str) and node.value:
            extends_files.append(PathValue(name, node.start_mark.line + 1, node.start_mark.column + 1,
                                           resolve(node.value)))
    includes = []
    for entry in _include_entries(_get(root, "include")):
        includes.append(entry)
    return FileReferences(tuple(env_files), tuple(extends_files), tuple(includes))


def _include_entries(node: Any) -> Iterator[str]:
    import yaml

    if not isinstance(node, yaml.SequenceNode):
        return
    for item in node.value:
        path = _get(item, "path") if isinstance(item, yaml.MappingNode) else item
        if isinstance(path, yaml.ScalarNode):
            yield path.value
        elif isinstance(path, yaml.SequenceNode):
            yield from (p.value for p in path.value if isinstance(p, yaml.ScalarNode))


def local_includes(references: FileReferences) -> tuple[str, ...]:
    """The `include` paths that name local files (not `oci://` or git remotes)."""
    return tuple(path for path in references.includes if not _REMOTE.match(path))


def _resolver(file: str, working_dir: str, environment: Mapping[str, str]) -> Callable[[str], str]:
    from pycompose.loader.interpolate import RequiredMissing, TemplateInvalid, substitute

    def resolve(value: str) -> str:
        try:
            text = substitute(value, environment.get, lambda *_: None)
        except (TemplateInvalid, RequiredMissing) as error:
            raise ConfigError(f"{file}: {error}") from None
        if text.startswith("~"):
            text = os.path.expanduser(text)
        return os.path.normpath(os.path.join(working_dir, text))

    return resolve
