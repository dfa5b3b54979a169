"""What `config` prints (v2.40.3 cmd/compose/config.go): the model as YAML or JSON, or one of its lists.

`ConfigOutput` (in `loader.options`, so that `config -q` imports no renderer) names each output and
`config_load_options` says how v2 loads the project for it; `render_output` gives the text, in chunks written as
they come (v2 prints the `--hash` lines before an unknown service, then fails). Where v2 iterates a Go map
(volumes, networks, images, variables) its order is random; pycompose prints the canonical (sorted) order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from pycompose.errors import UsageError
from pycompose.loader.options import ConfigOutput, LoadedProject

if TYPE_CHECKING:
    from pycompose.loader.variables import Variable


def check_model_format(fmt: str | None) -> str:
    """The model's format (default yaml), checked before anything is loaded as v2 does.

    Raises:
        UsageError: neither yaml nor json.
    """
    fmt = fmt or "yaml"
    if fmt not in ("yaml", "json"):
        raise UsageError(f'unsupported format "{fmt}"')
    return fmt


def render_output(
    output: ConfigOutput,
    loaded: LoadedProject,
    *,
    fmt: str | None = None,
    hash_selection: str = "*",
    service_hash: Callable[[dict], str] | None = None,
    interpolated: bool = True,
) -> Iterator[str]:
    """The text `config` prints for `output`, in chunks (one per line for the lists).

    `fmt` is the `--format` value (model: yaml/json; variables: table/json/yaml); `service_hash` gives the
    `--hash` lines their hash (`pycompose.hashing.service_hash`, a layer above this one); `interpolated` is False
    for `--no-interpolate`, whose model v2 prints with every key sorted and `$` not doubled.

    Raises:
        UsageError: an unknown format, or a `--hash` service that does not exist (after the lines before it).
    """
    config = loaded.config
    if output is ConfigOutput.MODEL:
        yield render_model(config, check_model_format(fmt), escape_dollars=interpolated, sort_keys=not interpolated)
    elif output is ConfigOutput.VARIABLES:
        from pycompose.loader.variables import extract_variables

        yield render_variables(extract_variables(config), fmt or "table")
    else:
        yield from (f"{line}\n" for line in _lines(output, loaded, hash_selection, service_hash))


def _lines(
    output: ConfigOutput, loaded: LoadedProject, hash_selection: str, service_hash: Callable[[dict], str] | None
) -> Iterable[str]:
    config = loaded.config
    if output is ConfigOutput.SERVICES:
        from pycompose.loader.service_order import dependencies_first

        return dependencies_first(config)
    if output in (ConfigOutput.VOLUMES, ConfigOutput.NETWORKS):
        return list(config.get(output.value) or {})
    if output is ConfigOutput.MODELS:
        models = config.get("models") or {}
        return [model["model"] for model in models.values() if isinstance(model, dict) and model.get("model")]
    if output is ConfigOutput.HASH:
        if service_hash is None:
            raise TypeError("the --hash output needs service_hash")
        return hash_lines(config, hash_selection, service_hash)
    if output is ConfigOutput.PROFILES:
        from pycompose.loader.profiles import list_profiles

        return list_profiles(config, dict(loaded.disabled_services))
    if output is ConfigOutput.IMAGES:
        return image_names(config, loaded.name)
    return environment_lines(loaded.environment, loaded.name, os.getcwd())


def render_model(config: dict, fmt: str, *, escape_dollars: bool = True, sort_keys: bool = False) -> str:
    """The model as `config` prints it: v2's YAML or indented JSON, with every `$` doubled when interpolated.

    v2 renders a `--no-interpolate` model as a plain map, so every key is sorted (`sort_keys`).
    """
    from pycompose.render import gojson, goyaml

    if not sort_keys:
        config = _without_env_files(config)
    if fmt == "json":
        document = _sorted_bytewise(config) if sort_keys else goyaml.json_document(config)
        content = gojson.dumps(document, indent=2)
    else:
        content = goyaml.dumps(config) if sort_keys else goyaml.dumps_config(config)
    return content.replace("$", "$$") if escape_dollars else content


def _without_env_files(config: dict) -> dict:
    """v2 loads `config`'s project with WithDiscardEnvFile: `env_file` and `label_file` are never printed (read or
    not)."""
    services = config.get("services") or {}
    if not any(isinstance(service, dict) and ("env_file" in service or "label_file" in service)
               for service in services.values()):
        return config
    trimmed = {
        name: (
            {key: value for key, value in service.items() if key not in ("env_file", "label_file")}
            if isinstance(service, dict)
            else service
        )
        for name, service in services.items()
    }
    return {**config, "services": trimmed}


def _sorted_bytewise(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _sorted_bytewise(value[key]) for key in sorted(value, key=lambda k: str(k).encode())}
    if isinstance(value, list):
        return [_sorted_bytewise(item) for item in value]
    return value


def hash_lines(config: dict, selection: str, service_hash: Callable[[dict], str]) -> Iterator[str]:
    """`NAME HASH` lines for `--hash a,b` (or `*`), sorted by name, as v2 prints them.

    Lazy, like v2: the lines before an unknown service are printed, then the error is raised.
    """
    services = config.get("services") or {}
    names = sorted(services) if selection == "*" else sorted(selection.split(","))
    for name in names:
        if name not in services:
            raise UsageError(f"no such service: {name}: not found")
        yield f"{name} {service_hash(services[name])}"


def image_names(config: dict, project_name: str) -> list[str]:
    """Each service's image, or `{project}-{service}` for a service that only builds."""
    return [
        (service or {}).get("image") or f"{project_name}-{name}"
        for name, service in (config.get("services") or {}).items()
    ]


def environment_lines(environment: Any, project_name: str, working_dir: str) -> list[str]:
    """`KEY=VALUE` of the interpolation environment, sorted as strings (compose-go Mapping.Values).

    `working_dir` is the PWD v2 adds when the environment has none (its own current directory).
    """
    values = dict(environment)
    values.setdefault("COMPOSE_PROJECT_NAME", project_name)
    values.setdefault("PWD", working_dir)
    return sorted(f"{key}={value}" for key, value in values.items())


def render_variables(variables: dict[str, Variable], fmt: str) -> str:
    """`config --variables` output: a table (v2's tabwriter: min width 20, padding 3), json or yaml.

    Raises:
        UsageError: a format other than table (pretty, empty), json or yaml.
    """
    names = sorted(variables)
    if fmt == "yaml":
        from pycompose.render import goyaml

        # yaml.Marshal of map[string]Variable: names in yaml.v3's order, fields in struct order
        return goyaml.dumps(
            {
                name: {
                    "name": variables[name].name,
                    "defaultvalue": variables[name].default_value,
                    "presencevalue": variables[name].presence_value,
                    "required": variables[name].required,
                }
                for name in goyaml.sort_keys(names)
            },
            indent=4,
            keep_order=True,
        )
    if fmt == "json":
        from pycompose.render import gojson

        document = {
            name: {
                "Name": variables[name].name,
                "DefaultValue": variables[name].default_value,
                "PresenceValue": variables[name].presence_value,
                "Required": variables[name].required,
            }
            for name in names
        }
        return gojson.dumps(document, indent=4, escape_html=False) + "\n\n"
    if fmt.lower() not in ("table", "pretty", ""):
        raise UsageError(f'format value "{fmt}" could not be parsed: parsing failed')
    rows = [("NAME", "REQUIRED", "DEFAULT VALUE", "ALTERNATE VALUE")]
    for name in names:
        variable = variables[name]
        rows.append((name, "true" if variable.required else "false", variable.default_value, variable.presence_value))
    return tabwriter(rows)


def tabwriter(rows: list[tuple[str, ...]], min_width: int = 20, padding: int = 3) -> str:
    """Go's text/tabwriter with flags 0: every cell but a line's last is padded to its column's width."""
    columns = max(len(row) for row in rows) - 1
    widths = [
        max(min_width, max(len(row[column]) for row in rows if len(row) > column + 1) + padding)
        for column in range(columns)
    ]
    lines = []
    for row in rows:
        cells = [cell.ljust(widths[index]) for index, cell in enumerate(row[:-1])]
        lines.append("".join(cells) + row[-1] + "\n")
    return "".join(lines)
