"""The layers of the artifact, in v2's order: each compose file (its env_file and extends.file values replaced by
hashed names), the files they extend, the env files (`--with-env`), the image digests override."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence

from pycompose.errors import ConfigError
from pycompose.publish.artifact import Descriptor, compose_file_layer, env_file_layer, hashed_name, replace_value
from pycompose.publish.sources import read_references


def _read(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise ConfigError(f"{path}: {error.strerror or error}") from None


def _process(file: str, content: bytes, working_dir: str, environment: Mapping[str, str],
             extends: dict[str, str], env_files: dict[str, str]) -> bytes:
    """The file's bytes as they go into the artifact; records the env files and extends files it names."""
    references = read_references(file, content.decode("utf-8", "replace"), working_dir, environment)
    edits = []
    for value in references.env_files:
        name = env_files.setdefault(value.path, hashed_name(value.path, ".env"))
        edits.append((value.line, value.column, name))
    for value in references.extends_files:
        if not os.path.exists(value.path):  # loaded fine, yet not here: a remote resource
            continue
        name = extends.setdefault(value.path, hashed_name(value.path, ".yaml"))
        edits.append((value.line, value.column, name))
    # a replacement changes one line only: later lines first keeps earlier positions right
    for line, column, name in sorted(edits, reverse=True):
        content = replace_value(content, line, column, name)
    return content


def build_layers(compose_files: Sequence[str], working_dir: str, environment: Mapping[str, str], *,
                 with_env: bool = False, image_digests: Mapping[str, str] | None = None,
                 read: Callable[[str], bytes] = _read) -> list[Descriptor]:
    """The layers v2 pushes for these compose files (absolute paths, in `-f` order).

    Raises:
        ConfigError: a file cannot be read or parsed.
    """
    layers: list[Descriptor] = []
    extends: dict[str, str] = {}
    env_files: dict[str, str] = {}
    for file in compose_files:
        data = _process(file, read(file), working_dir, environment, extends, env_files)
        layers.append(compose_file_layer(file, data))
    done: set[str] = set()
    while len(done) < len(extends):
        for path, name in list(extends.items()):
            if path in done:
                continue
            done.add(path)
            data = _process(path, read(path), working_dir, environment, extends, env_files)
            layers.append(compose_file_layer(name, data, extends=True))
    if with_env:
        for path, name in env_files.items():
            try:
                content = read(path)
            except ConfigError:  # v2 leaves out an env file it cannot read (`required: false`)
                continue
            layers.append(env_file_layer(name, content))
    if image_digests is not None:
        from pycompose.publish.artifact import image_digests_layer

        layers.append(image_digests_layer(image_digests))
    return layers
