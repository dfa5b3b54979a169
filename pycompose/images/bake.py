"""`build --print`: the bake file v2.40.3 would hand to `docker buildx bake`, from the loaded model.

v2 (`build_bake.go` `doBuildBake`) prints it even without buildx: a `group.default` listing the targets to build and
one `target` per service with a `build:` section in the selected project, in Go's `json.MarshalIndent` form. Go
iterates maps at random where v2 builds lists from them (the group's targets, `ulimits`, the target two services
share when their names only differ by `.`/`_`); those come out here in service/ulimit name order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pycompose import labels as compose_labels
from pycompose.errors import ConfigError
from pycompose.gofmt import go_quote
from pycompose.images.naming import BUILDKIT, build_labels, image_for_service
from pycompose.images.spec import builder_of, resolve_args
from pycompose.render import gojson

if TYPE_CHECKING:
    from pycompose.model import Project as ModelProject

SERVICE_PREFIX = "service:"
_GO_TRUE = {"1", "t", "T", "TRUE", "true", "True"}
_GO_FALSE = {"0", "f", "F", "FALSE", "false", "False"}
_PROXY_KEYS = (("httpProxy", "HTTP_PROXY"), ("httpsProxy", "HTTPS_PROXY"), ("noProxy", "NO_PROXY"),
               ("ftpProxy", "FTP_PROXY"), ("allProxy", "ALL_PROXY"))


@dataclass(frozen=True)
class BakeOptions:
    """The `build` flags that change the bake file."""

    services: tuple[str, ...] = ()
    with_dependencies: bool = False
    no_cache: bool = False
    pull: bool = False
    push: bool = False
    check: bool = False
    build_args: Mapping[str, str | None] = field(default_factory=dict)
    ssh: tuple[tuple[str, str], ...] = ()
    """`--ssh ID[=PATH]` as (id, path)."""
    proxies: Mapping[str, str] = field(default_factory=dict)
    """Build args from the docker CLI's `proxies` configuration (`proxy_args`): added when not already set."""


def bake_warning(environ: Mapping[str, str]) -> str | None:
    """The warning v2 prints when it decides not to build with Bake (`buildWithBake`), here where buildx is absent.

    Raises:
        ConfigError: COMPOSE_BAKE or DOCKER_BUILDKIT not a Go boolean, with v2's message.
    """
    value = environ.get("COMPOSE_BAKE")
    if value is not None:
        if value in _GO_FALSE:
            return ("COMPOSE_BAKE=false is deprecated, support for internal compose builder will be removed in next "
                    "release")
        if value not in _GO_TRUE:
            raise ConfigError(f'strconv.ParseBool: parsing "{value}": invalid syntax')
    if builder_of(environ) != BUILDKIT:
        return "Docker Compose is configured to build using Bake, but buildkit isn't enabled"
    return "Docker Compose is configured to build using Bake, but buildx isn't installed"


def proxy_args(environ: Mapping[str, str], docker_host: str) -> dict[str, str]:
    """The proxy build args of the docker CLI configuration (`config.json` `proxies`, for `docker_host`, else
    `default`), as buildx `storeutil.GetProxyConfig` reads them; {} when there is none."""
    folder = environ.get("DOCKER_CONFIG") or os.path.join(os.path.expanduser("~"), ".docker")
    try:
        with open(os.path.join(folder, "config.json"), encoding="utf-8") as handle:
            config = json.load(handle)
    except (OSError, ValueError):
        return {}
    proxies = config.get("proxies") if isinstance(config, dict) else None
    if not isinstance(proxies, dict):
        return {}
    chosen = proxies.get(docker_host, proxies.get("default"))
    if not isinstance(chosen, dict):
        return {}
    return {arg: str(chosen[key]) for key, arg in _PROXY_KEYS if chosen.get(key)}


def selected_services(project: ModelProject, services: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(asked, kept): the services asked for (all by default) plus those their `additional_contexts` name as
    `service:…`, and those with their `depends_on`, transitively (v2 `addBuildDependencies`, `WithSelectedServices`)."""
    names = set(project.service_names())
    asked = list(services or project.service_names())
    index = 0
    while index < len(asked):
        build = project.service(asked[index]).config.get("build") or {}
        for value in (build.get("additional_contexts") or {}).values():
            target = str(value)
            if target.startswith(SERVICE_PREFIX) and target[len(SERVICE_PREFIX):] not in asked:
                asked.append(target[len(SERVICE_PREFIX):])
        index += 1
    kept = list(asked)
    index = 0
    while index < len(kept):
        for dependency in project.service(kept[index]).depends_on:
            if dependency.service in names and dependency.service not in kept:
                kept.append(dependency.service)
        index += 1
    return tuple(asked), tuple(kept)


def bake_config(project: ModelProject, environment: Mapping[str, str],
                options: BakeOptions = BakeOptions()) -> dict[str, Any] | None:
    """v2's bake file (`bakeConfig`) as an ordered dict ready for `render`; None when nothing is to be built (v2
    then prints nothing)."""
    asked, kept = selected_services(project, options.services)
    to_build = [name for name in (kept if options.with_dependencies else asked)
                if project.service(name).config.get("build") is not None]
    if not to_build:
        return None
    platforms = build_platforms(project, environment)
    targets = {name: name.replace(".", "_") for name in kept}
    configs: dict[str, dict[str, Any]] = {}
    for name in sorted(kept):
        service = project.service(name)
        if service.config.get("build") is None:
            continue
        configs[targets[name]] = _target(project, name, service.config, environment, options, targets,
                                         platforms[name])
    return {
        "group": {"default": {"targets": sorted(targets[name] for name in to_build)}},
        "target": dict(sorted(configs.items())),
    }


def build_platforms(project: ModelProject, environment: Mapping[str, str]) -> dict[str, list[str]]:
    """{service with `build:`: the platforms to build for}: `build.platforms`, else the service's `platform`
    (else DOCKER_DEFAULT_PLATFORM), as v2's `build` sets them (`applyPlatforms`).

    Raises:
        ConfigError: a platform `build.platforms` does not list, with v2's message.
    """
    default = environment.get("DOCKER_DEFAULT_PLATFORM", "")
    out: dict[str, list[str]] = {}
    for service in project.services:
        build = service.config.get("build")
        if build is None:
            continue
        listed = [str(item) for item in build.get("platforms") or ()]
        platform = str(service.config.get("platform") or "")
        if default and not platform:
            if listed and default not in listed:
                raise ConfigError(f"service {go_quote(service.name)} build.platforms does not support value set by "
                                  f"DOCKER_DEFAULT_PLATFORM: {default}")
            platform = default
        if platform and listed and platform not in listed:
            raise ConfigError(f"service {go_quote(service.name)} build configuration does not support platform: "
                              f"{platform}")
        out[service.name] = listed or ([platform] if platform else [])
    return out


def render(config: Mapping[str, Any]) -> str:
    """The bytes v2 prints: `json.MarshalIndent(cfg, "", "  ")` and a newline."""
    return gojson.dumps(config, indent=2) + "\n"


def _target(project: ModelProject, name: str, service: Mapping[str, Any], environment: Mapping[str, str],
            options: BakeOptions, targets: Mapping[str, str], platforms: list[str]) -> dict[str, Any]:
    build: Mapping[str, Any] = service["build"]
    context = str(build.get("context") or "")
    args = resolve_args(build.get("args") or {}, options.build_args, environment)
    for key, value in options.proxies.items():
        args.setdefault(key, value)
    labels = build_labels(service, compose_labels.compose_version(), project=project.name, service_name=name,
                          builder=BUILDKIT)
    entitlements = [str(item) for item in build.get("entitlements") or ()]
    if build.get("privileged"):
        entitlements.append("security.insecure")
    push = options.push and bool(service.get("image"))
    call = ""
    outputs: list[str] = []
    if options.check:
        call = "lint"
    elif len(platforms) > 1:
        outputs = [f"type=image,push={'true' if push else 'false'}"]
    else:
        outputs = ["type=registry" if push else "type=docker"]
    shm_size = build.get("shm_size")
    candidates: list[tuple[str, Any]] = [
        ("context", context),
        ("contexts", _contexts(build.get("additional_contexts") or {}, targets)),
        ("dockerfile", dockerfile_path(context, str(build.get("dockerfile") or ""))),
        ("dockerfile-inline", str(build.get("dockerfile_inline") or "").replace("${", "$${")),
        ("args", {key: value.replace("${", "$${") for key, value in sorted(args.items())}),
        ("labels", dict(sorted(labels.items()))),
        ("tags", [*(str(tag) for tag in build.get("tags") or ()), image_for_service(project.name, name, service)]),
        ("cache-from", [str(item) for item in build.get("cache_from") or ()]),
        ("cache-to", [str(item) for item in build.get("cache_to") or ()]),
        ("target", str(build.get("target") or "")),
        ("secret", _secrets(project, build.get("secrets") or ())),
        ("ssh", [_ssh_entry(str(item)) for item in build.get("ssh") or ()] + [f"{i}={p}" for i, p in options.ssh]),
        ("platforms", platforms),
        ("pull", bool(build.get("pull")) or options.pull),
        ("no-cache", bool(build.get("no_cache")) or options.no_cache),
        ("network", str(build.get("network") or "")),
        ("shm-size", str(int(shm_size)) if shm_size not in (None, "", 0, "0") else ""),
        ("ulimits", _ulimits(build.get("ulimits") or {})),
        ("call", call),
        ("entitlements", entitlements),
        ("extra-hosts", _extra_hosts(build.get("extra_hosts") or ())),
        ("output", outputs),
        ("attest", _attest(build)),
    ]
    return {key: value for key, value in candidates if value}  # omitempty: "", false, empty lists and maps


def dockerfile_path(context: str, dockerfile: str) -> str:
    """v2 `dockerFilePath`: the Dockerfile joined to a local context, its folder's symlinks resolved; a git
    context's Dockerfile as written."""
    if not dockerfile:
        return ""
    if _is_git_url(context):
        return dockerfile
    path = dockerfile if os.path.isabs(dockerfile) else os.path.join(context, dockerfile)
    path = os.path.normpath(path) if path else path
    folder = os.path.dirname(path) or "."
    if os.path.exists(folder):
        return os.path.join(os.path.realpath(folder), os.path.basename(path))
    return path


def _is_git_url(context: str) -> bool:
    """docker/cli `build.DetectContextType` → git: `urlutil.IsGitURL`."""
    if context.startswith(("http://", "https://")):
        path = context.split("#", 1)[0]
        return path.endswith(".git")
    return context.startswith(("git://", "github.com/", "git@"))


def _contexts(contexts: Mapping[str, Any], targets: Mapping[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in sorted(contexts.items()):
        text = str(value)
        if text.startswith(SERVICE_PREFIX):
            text = "target:" + targets.get(text[len(SERVICE_PREFIX):], "")
        out[str(key)] = text
    return out


def _secrets(project: ModelProject, secrets: Any) -> list[str]:
    out: list[str] = []
    for ref in secrets:
        source = str(ref.get("source") if isinstance(ref, Mapping) else ref)
        target = str(ref.get("target") or "") if isinstance(ref, Mapping) else ""
        definition = project.secrets.get(source) or {}
        target = target or source
        if definition.get("environment"):
            out.append(f"id={target},type=env,env={definition['environment']}")
        elif definition.get("file"):
            out.append(f"id={target},type=file,src={definition['file']}")
    return out


def _ssh_entry(item: str) -> str:
    key, sep, path = item.partition("=")
    return f"{key}={path}" if sep else f"{key}="


def _ulimits(ulimits: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for name, limit in sorted(ulimits.items()):
        if isinstance(limit, Mapping):
            single = int(limit.get("single") or 0)
            if single > 0:
                out.append(f"{name}={single}")
            else:
                out.append(f"{name}={int(limit.get('soft') or 0)}:{int(limit.get('hard') or 0)}")
        elif int(limit) > 0:
            out.append(f"{name}={int(limit)}")
        else:
            out.append(f"{name}=0:0")
    return out


def _extra_hosts(hosts: Any) -> dict[str, str]:
    grouped: dict[str, list[str]] = {}
    items = hosts.items() if isinstance(hosts, Mapping) else (_host_item(str(entry)) for entry in hosts)
    for host, addresses in items:
        values = addresses if isinstance(addresses, (list, tuple)) else [addresses]
        grouped.setdefault(str(host), []).extend(str(value) for value in values)
    return {host: ",".join(addresses) for host, addresses in sorted(grouped.items())}


def _host_item(entry: str) -> tuple[str, str]:
    host, sep, address = entry.partition("=")
    if not sep:
        host, _, address = entry.partition(":")
    return host, address


def _attest(build: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    for key in ("provenance", "sbom"):
        value = build.get(key)
        if value is None or value == "":
            continue
        text = "true" if value is True else "false" if value is False else str(value)
        if text == "true":
            out.append(f"type={key}")
        elif text != "false":
            out.append(f"type={key},{text}")
    return out
