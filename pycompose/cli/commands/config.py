"""`pycompose config`: like `docker compose config` (v2.40.3, cmd/compose/config.go).

Prints the canonical model as YAML (default) or JSON, or one of its lists (`--services`, `--volumes`,
`--networks`, `--models`, `--profiles`, `--images`), the service config hashes (`--hash`), the variables
the model uses (`--variables`) or the interpolation environment (`--environment`). The first of these flags
wins, in v2's order: services, volumes, networks, models, hash, profiles, images, variables, environment.
Where v2 iterates a Go map (volumes, networks, images, variables) its order is random; pycompose prints
the canonical (sorted) order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Iterable, Iterator, Optional

import typer

HELP = "Parse, resolve and render compose file in canonical format"


def register(app: typer.Typer) -> None:
    app.command("config", help=HELP)(config)


def config(
    ctx: typer.Context,
    services: Annotated[Optional[list[str]], typer.Argument(metavar="SERVICE", show_default=False)] = None,
    format_: Annotated[
        Optional[str],
        typer.Option("--format", metavar="string", help="Format the output. Values: [yaml | json]"),
    ] = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only validate the configuration, don't print anything")
    ] = False,
    no_interpolate: Annotated[
        bool, typer.Option("--no-interpolate", help="Don't interpolate environment variables")
    ] = False,
    no_normalize: Annotated[
        bool, typer.Option("--no-normalize", help="Don't normalize compose model")
    ] = False,
    no_path_resolution: Annotated[
        bool, typer.Option("--no-path-resolution", help="Don't resolve file paths")
    ] = False,
    no_consistency: Annotated[
        bool,
        typer.Option(
            "--no-consistency",
            help="Don't check model consistency - warning: may produce invalid Compose output",
        ),
    ] = False,
    no_env_resolution: Annotated[
        bool, typer.Option("--no-env-resolution", help="Don't resolve service env files")
    ] = False,
    list_services: Annotated[
        bool, typer.Option("--services", help="Print the service names, one per line.")
    ] = False,
    list_volumes: Annotated[
        bool, typer.Option("--volumes", help="Print the volume names, one per line.")
    ] = False,
    list_networks: Annotated[
        bool, typer.Option("--networks", help="Print the network names, one per line.")
    ] = False,
    list_models: Annotated[
        bool, typer.Option("--models", help="Print the model names, one per line.")
    ] = False,
    list_profiles: Annotated[
        bool, typer.Option("--profiles", help="Print the profile names, one per line.")
    ] = False,
    list_images: Annotated[
        bool, typer.Option("--images", help="Print the image names, one per line.")
    ] = False,
    hash_: Annotated[
        Optional[str],
        typer.Option("--hash", metavar="string", help="Print the service config hash, one per line."),
    ] = None,
    variables: Annotated[
        bool, typer.Option("--variables", help="Print model variables and default values.")
    ] = False,
    environment: Annotated[
        bool, typer.Option("--environment", help="Print environment used for interpolation.")
    ] = False,
    output: Annotated[
        Optional[str],
        typer.Option("--output", "-o", metavar="string", help="Save to file (default to stdout)"),
    ] = None,
) -> None:
    from pycompose.cli.options import global_options

    opts = global_options(ctx)
    request = ConfigRequest(
        services=tuple(services or ()),
        interpolate=not no_interpolate,
        normalize=not (no_normalize or opts.compatibility),
        resolve_paths=not no_path_resolution,
        resolve_env_files=not no_env_resolution,
        consistency=not no_consistency,
    )

    def load(
        *,
        services: tuple[str, ...] = (),
        resolve_env_files: bool | None = None,
        interpolate: bool | None = None,
    ):
        from pycompose.loader.project import load_project

        loaded = load_project(
            opts.project_options(
                services=services,
                interpolate=request.interpolate if interpolate is None else interpolate,
                normalize=request.normalize,
                resolve_paths=request.resolve_paths,
                resolve_env_files=(
                    request.resolve_env_files if resolve_env_files is None else resolve_env_files
                ),
                consistency=request.consistency,
            )
        )
        _warn(loaded.warnings)
        return loaded

    # v2 checks the list flags in this order and runs only the first one set; these load the project
    # without reading env_file (WithoutEnvironmentResolution), with the SERVICE arguments only where v2
    # uses them.
    if list_services:
        _echo_lines(service_names(load(resolve_env_files=False).config))
    elif list_volumes:
        _echo_lines(load(resolve_env_files=False).config.get("volumes") or {})
    elif list_networks:
        _echo_lines(load(resolve_env_files=False).config.get("networks") or {})
    elif list_models:
        models = load(resolve_env_files=False).config.get("models") or {}
        _echo_lines(
            model["model"] for model in models.values() if isinstance(model, dict) and model.get("model")
        )
    elif hash_:
        _echo_lines(hash_lines(load(resolve_env_files=False).config, hash_))
    elif list_profiles:
        loaded = load(services=request.services, resolve_env_files=False)
        _echo_lines(profile_names(loaded.config, loaded.disabled_services))
    elif list_images:
        loaded = load(services=request.services, resolve_env_files=False)
        _echo_lines(image_names(loaded.config, loaded.name))
    elif variables:
        # v2 reads the model without interpolation (and without env_file) to find the ${...} forms
        loaded = load(services=request.services, resolve_env_files=False, interpolate=False)
        _write_stdout(render_variables(extract_variables(loaded.config), format_ or "table"))
    elif environment:
        loaded = load(services=request.services)
        _echo_lines(environment_lines(loaded.environment, loaded.name, loaded.working_dir))
    else:
        fmt = format_ or "yaml"
        if fmt not in ("yaml", "json"):
            from pycompose.errors import UsageError

            raise UsageError(f'unsupported format "{fmt}"')
        loaded = load(services=request.services)
        if quiet:  # loaded and checked is all -q asks; rendering a valid model cannot fail
            return
        content = render(
            loaded.config, fmt, escape_dollars=request.interpolate, sort_keys=not request.interpolate
        )
        if output:
            _write_output(output, content)
            return
        _write_stdout(content)


@dataclass(frozen=True)
class ConfigRequest:
    """The load options one `config` invocation asks for."""

    services: tuple[str, ...]
    interpolate: bool
    normalize: bool
    resolve_paths: bool
    resolve_env_files: bool
    consistency: bool


def render(config: dict, fmt: str, *, escape_dollars: bool = True, sort_keys: bool = False) -> str:
    """The text `config` prints: v2's YAML or indented JSON, with every `$` doubled when interpolating.

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
    """v2 loads `config`'s project with WithDiscardEnvFile: `env_file` is never printed (read or not)."""
    services = config.get("services") or {}
    if not any(isinstance(service, dict) and "env_file" in service for service in services.values()):
        return config
    trimmed = {
        name: (
            {key: value for key, value in service.items() if key != "env_file"}
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


def service_names(config: dict) -> list[str]:
    """Service names with every service after the services it depends on (v2's ForEachService).

    v2 starts from its services in Go map order; pycompose starts from them sorted.
    """
    services = config.get("services") or {}
    ordered: list[str] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in services:
            return
        seen.add(name)
        for dependency in sorted((services[name] or {}).get("depends_on") or {}):
            visit(dependency)
        ordered.append(name)

    for name in sorted(services):
        visit(name)
    return ordered


def hash_lines(config: dict, selection: str) -> Iterator[str]:
    """`NAME HASH` lines for `--hash a,b` (or `*`), sorted by name, as v2 prints them.

    Lazy, like v2: the lines before an unknown service are printed, then the error is raised.
    """
    from pycompose import hashing
    from pycompose.errors import UsageError

    services = config.get("services") or {}
    names = sorted(services) if selection == "*" else sorted(selection.split(","))
    for name in names:
        if name not in services:
            raise UsageError(f"no such service: {name}: not found")
        yield f"{name} {hashing.service_hash(services[name])}"


def profile_names(config: dict, disabled_services: Any = None) -> list[str]:
    """Every profile of every service, enabled or not, sorted and unique."""
    profiles: set[str] = set()
    for group in (config.get("services") or {}, disabled_services or {}):
        for service in group.values():
            profiles.update((service or {}).get("profiles") or ())
    return sorted(profiles)


def image_names(config: dict, project_name: str) -> list[str]:
    """Each service's image, or `{project}-{service}` for a service that only builds."""
    return [
        (service or {}).get("image") or f"{project_name}-{name}"
        for name, service in (config.get("services") or {}).items()
    ]


def environment_lines(environment: Any, project_name: str, working_dir: str) -> list[str]:
    """`KEY=VALUE` of the interpolation environment, sorted as strings (compose-go Mapping.Values)."""
    import os

    values = dict(environment)
    values.setdefault("COMPOSE_PROJECT_NAME", project_name)
    values.setdefault("PWD", os.getcwd())
    return sorted(f"{key}={value}" for key, value in values.items())


@dataclass(frozen=True)
class Variable:
    """One `${NAME...}` form of the model (compose-go template.Variable)."""

    name: str
    default_value: str = ""
    presence_value: str = ""
    required: bool = False


_VARIABLE = None


def _variable_pattern():
    global _VARIABLE
    if _VARIABLE is None:
        import re

        _VARIABLE = re.compile(
            r"\$(?i:(?P<escaped>\$)|(?P<named>[_a-z][_a-z0-9]*)"
            r"|\{(?:(?P<braced>[_a-z][_a-z0-9]*(?::?[-+?](.*))?)\}|(?P<invalid>)))"
        )
    return _VARIABLE


def _first_closing_brace(text: str) -> int:
    depth = 0
    index = 0
    while index < len(text):
        if text[index] == "}":
            depth -= 1
            if depth == 0:
                return index
        if text[index] == "{":
            depth += 1
            index += 1
        index += 1
    return -1


def _variables_in(text: str) -> list[Variable]:
    found: list[Variable] = []
    for match in _variable_pattern().finditer(text):
        if match.group("escaped"):
            continue
        value = match.group("named") or ""
        if not value:
            value = match.group("braced") or ""
            whole = match.group(0)
            closing = _first_closing_brace(whole)
            if closing > 0:
                value = whole[2:closing]
                found.extend(_variables_in(whole[closing + 1 :]))
        name, default, presence, required = value, "", "", False
        cut = next(
            (i for i, char in enumerate(value) if not (char.isascii() and (char.isalnum() or char == "_"))),
            -1,
        )
        if cut > 0:
            name, rest = value[:cut], value[cut:]
            if rest.startswith(":?") or rest.startswith("?"):
                required = True
            elif rest.startswith(":-"):
                default = rest[2:]
            elif rest.startswith("-"):
                default = rest[1:]
            elif rest.startswith(":+"):
                presence = rest[2:]
            elif rest.startswith("+"):
                presence = rest[1:]
        found.append(Variable(name, default, presence, required))
        if default:
            found.extend(_variables_in(default))
        if presence:
            found.extend(_variables_in(presence))
    return found


def extract_variables(model: Any) -> dict[str, Variable]:
    """Every variable the (uninterpolated) model refers to, by name (compose-go template.ExtractVariables).

    Values are scanned, keys are not. When a name occurs more than once the last occurrence wins (v2 merges
    Go maps, so its choice is random).
    """
    variables: dict[str, Variable] = {}
    if isinstance(model, str):
        for variable in _variables_in(model):
            variables[variable.name] = variable
    elif isinstance(model, dict):
        for value in model.values():
            variables.update(extract_variables(value))
    elif isinstance(model, list):
        for value in model:
            variables.update(extract_variables(value))
    return variables


def render_variables(variables: dict[str, Variable], fmt: str) -> str:
    """`config --variables` output: a table (v2's tabwriter: min width 20, padding 3), json or yaml."""
    from pycompose.errors import UsageError

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
        required = "true" if variable.required else "false"
        rows.append((name, required, variable.default_value, variable.presence_value))
    return _tabwriter(rows)


def _tabwriter(rows: list[tuple[str, ...]], min_width: int = 20, padding: int = 3) -> str:
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


def _echo_lines(lines: Iterable[str]) -> None:
    import sys

    try:
        for line in lines:
            sys.stdout.write(f"{line}\n")
    finally:
        sys.stdout.flush()


def _write_stdout(content: str) -> None:
    import sys

    sys.stdout.write(content)
    sys.stdout.flush()


def _write_output(path: str, content: str) -> None:
    from pycompose.errors import ComposeError

    if not content:
        return
    try:
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(content)
    except OSError as error:
        raise ComposeError(f"open {path}: {(error.strerror or str(error)).lower()}") from None


def _warn(warnings: Iterable[str]) -> None:
    warnings = tuple(warnings)
    if warnings:
        from pycompose.cli.output import warn

        warn(warnings)
