"""`publish`: write the compose application to a registry as an OCI artifact (v2 `publish`).

Order as in v2: refuse local includes and build-only services; unless `assume_yes`, ask about bind mounts, about
what looks like secrets, and about environment variables (refused without `with_env`); push the services' images
that have `build:` (failures ignored); then push the layers, the config and the manifest.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pycompose import session
from pycompose.events import Event, EventSink, LoggingSink
from pycompose.session import ProjectSource, RunOptions

if TYPE_CHECKING:
    from pycompose.engine.base import Engine
    from pycompose.loader.options import LoadedProject
    from pycompose.publish.artifact import Descriptor
    from pycompose.publish.registry import RegistryClient

INSECURE_VARIABLE = "__TEST__INSECURE__REGISTRY__"
"""Set (to anything): talk plain HTTP to the registry, as v2 does (v2 documents it as "for testing only")."""

Confirm = Callable[[str], bool]
"""Shown a question (v2's text, several lines), answers yes or no."""


@dataclass(frozen=True)
class PublishOptions:
    """`publish` flags."""

    resolve_image_digests: bool = False
    """Pin every service's image to its digest in the registry (an `image-digests.yaml` layer)."""
    oci_version: str = ""
    """"1.0" or "1.1"; "": 1.1, falling back to 1.0 when the registry refuses the manifest (a non-auth 4xx)."""
    with_env: bool = False
    """Publish environment variables and env files (else a project that declares any is refused)."""
    assume_yes: bool = False
    """Answer yes to every question (and skip the environment check, as v2's `-y` does)."""
    app: bool = False
    """Also copy the services' images into the repository, in an index that names the compose artifact."""


@dataclass(frozen=True)
class PublishResult:
    """What was pushed: the manifest's digest (None in a dry run) and the layers."""

    repository: str
    digest: str | None
    layers: tuple[Descriptor, ...]


def publish(source: ProjectSource, repository: str, options: PublishOptions = PublishOptions(), *,
            run: RunOptions = RunOptions(), engine: Engine | None = None, sink: EventSink | None = None,
            confirm: Confirm | None = None, plain_http: bool | None = None) -> PublishResult | None:
    """Publish the project to `repository` (`REPOSITORY[:TAG]`).

    `confirm` answers v2's questions; without it (a library does not prompt) a question is a refusal unless
    `assume_yes`. `plain_http`: None follows `__TEST__INSECURE__REGISTRY__` as v2 does.

    Returns:
        None when a question was answered no (nothing published, as v2 exits 0), else the PublishResult.

    Raises:
        PublishRefused: a local include, a build-only service, environment without `with_env`, a question and no
            `confirm`. UsageError: an invalid reference or OCI version. RegistryError: the registry failed.
    """
    from pycompose.errors import UsageError
    from pycompose.publish import checks, reference

    sink = sink or LoggingSink()
    if options.oci_version not in ("", "1.0", "1.1"):
        raise UsageError(f"unsupported OCI version: {options.oci_version}")
    loaded = session.loaded(source)
    files = _references(loaded)
    if any(_local_includes(refs) for refs in files.values()):
        raise checks.PublishRefused(checks.LOCAL_INCLUDES)
    services = {**dict(loaded.disabled_services), **loaded.config.get("services", {})}  # v2: every profile
    checks.check_build_only(services)
    if not options.assume_yes and not _accepted(loaded, files, services, options, confirm):
        return None
    _push_images(loaded, run, engine, sink)
    use_http = os.environ.get(INSECURE_VARIABLE) is not None if plain_http is None else plain_http
    digests = _resolve_digests(services, use_http) if options.resolve_image_digests or options.app else None
    from pycompose.publish.layers import build_layers

    layers = tuple(build_layers(loaded.config_files, loaded.working_dir, loaded.environment,
                                with_env=options.with_env, image_digests=digests))
    sink.emit(Event("Artifact", repository, "publishing", named_alone=True))
    digest = None
    if not run.dry_run:
        try:
            target = reference.parse(repository)  # as v2: only when it pushes, after the images
            digest = _push(target, layers, options, use_http, services)
        except Exception:
            sink.emit(Event("Artifact", repository, "Error", detail="publishing", named_alone=True))
            raise
    sink.emit(Event("Artifact", repository, "published", named_alone=True))
    return PublishResult(repository, digest, layers)


def _references(loaded: LoadedProject) -> dict[str, Any]:
    from pycompose.publish.sources import read_references

    found = {}
    for file in loaded.config_files:
        try:
            with open(file, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        found[file] = read_references(file, text, loaded.working_dir, loaded.environment)
    return found


def _local_includes(references: Any) -> bool:
    from pycompose.publish.sources import local_includes

    return bool(local_includes(references))


def _accepted(loaded: LoadedProject, files: Mapping[str, Any], services: Mapping[str, Any],
              options: PublishOptions, confirm: Confirm | None) -> bool:
    """v2's questions, in its order; False as soon as one is answered no."""
    from pycompose.publish import checks

    def ask(question: str) -> bool:
        if confirm is None:
            raise checks.PublishRefused(question.splitlines()[0] + " (answer the question, or assume yes)")
        return confirm(question)

    mounts = checks.bind_mounts(services)
    if mounts and not ask(checks.bind_mounts_question(mounts)):
        return False
    secrets = _sensitive(loaded, files)
    if secrets and not ask(checks.sensitive_question(secrets)):
        return False
    with_files = [value.service for refs in files.values() for value in refs.env_files]
    variables = checks.environment_variables(services, with_files, loaded.config.get("configs", {}),
                                             with_env=options.with_env)
    return not variables or ask(checks.environment_question(variables))


def _sensitive(loaded: LoadedProject, files: Mapping[str, Any]) -> list[Any]:
    from pycompose.publish import checks

    def text_of(path: str) -> str | None:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.read()
        except OSError:
            return None

    found = []
    for file in loaded.config_files:
        found += checks.scan_file(text_of(file) or "", "yaml")
    env_files = dict.fromkeys(value.path for refs in files.values() for value in refs.env_files)
    for path in env_files:
        found += checks.scan_file(text_of(path) or "", "env")
    for kind in ("configs", "secrets"):
        for config in (loaded.config.get(kind) or {}).values():
            if config.get("file"):
                found += checks.scan_file(text_of(config["file"]) or "", "text")
    return found


def _push_images(loaded: LoadedProject, run: RunOptions, engine: Engine | None, sink: EventSink) -> None:
    """v2 pushes the images of services with `build:` first, ignoring failures (`Skipped` for the others)."""
    from pycompose.images.operations import PushOptions, push

    services = loaded.config.get("services", {})
    if not any("build" in config and "image" in config for config in services.values()):
        for name in services:
            sink.emit(Event("Service", name, "Skipped", named_alone=True))
        return
    push(loaded, PushOptions(ignore_push_failures=True), run=run, engine=engine, sink=sink)


def _client(ref: Any, plain_http: bool) -> RegistryClient:
    from pycompose.publish.registry import RegistryClient, load_credentials

    return RegistryClient(ref.registry_host, ref.path, plain_http=plain_http,
                          credentials=load_credentials(ref.auth_key))


def _resolve_digests(services: Mapping[str, Mapping[str, Any]], plain_http: bool) -> dict[str, str]:
    """Each service's image pinned to the digest its registry reports for it (v2 asks the engine's distribution
    inspect, which asks the registry the same question)."""
    from pycompose.errors import ComposeError
    from pycompose.publish import reference

    pinned = {}
    for name, config in services.items():
        image = config.get("image")
        if not image:
            continue
        ref = reference.parse(image)
        if ref.digest:
            pinned[name] = str(reference.Reference(ref.domain, ref.path, "", ref.digest))
            continue
        try:
            digest = _client(ref, plain_http).manifest_digest(ref.tag)
        except ComposeError as error:
            raise type(error)(f"failed to resolve digest for {ref}: {error}") from None
        pinned[name] = str(ref.with_digest(digest))
    return pinned


def _push(target: Any, layers: tuple[Descriptor, ...], options: PublishOptions, plain_http: bool,
          services: Mapping[str, Any]) -> str:
    from pycompose.publish import artifact
    from pycompose.publish.registry import RegistryError

    client = _client(target, plain_http)
    if options.oci_version in ("", "1.1"):
        client.push_blob(artifact.EMPTY_JSON.data, artifact.EMPTY_JSON.digest)
    for layer in layers:
        client.push_blob(layer.data, layer.digest)
    tag = target.tag or target.digest

    def put(version: str) -> artifact.Manifest:
        manifest = artifact.manifest(layers, version)
        client.push_blob(manifest.config.data, manifest.config.digest)
        client.put_manifest(tag, artifact.OCI_MANIFEST_MEDIA_TYPE, manifest.json_bytes())
        return manifest

    try:
        manifest = put(options.oci_version or "1.1")
    except RegistryError as error:
        status = error.status
        if options.oci_version or status is None or not 400 <= status < 500 or status in (401, 403, 407):
            raise
        manifest = put("1.0")
    if options.app:
        _push_application(client, manifest, services, plain_http)
    return manifest.digest


def _push_application(client: RegistryClient, manifest: Any, services: Mapping[str, Any], plain_http: bool) -> None:
    """`--app`: copy every service's image (its whole manifest chain) into the repository, then push, by digest, an
    index of them whose subject is the compose manifest (v2 `oci.Copy`, then the index)."""
    from pycompose.publish import artifact, reference
    from pycompose.publish.copy import copy_image

    images = []
    for config in services.values():
        ref = reference.parse(config["image"])
        source = _client(ref, plain_http)
        media_type, digest, size = copy_image(source, client, ref.digest or ref.tag)
        host = ref.domain.rsplit(":", 1)[0] if not ref.domain.endswith("]") else ref.domain
        images.append(artifact.image_descriptor(media_type, digest, size, host, ref.path))
    index = artifact.application_index(images, manifest)
    client.put_manifest(artifact.digest_of(index), artifact.OCI_INDEX_MEDIA_TYPE, index)


def fetch_artifact(url: str, *, plain_http: bool | None = None, cache: str | None = None) -> str:
    """Fetch a published compose application (`oci://REPOSITORY[:TAG]`) into v2's cache directory
    (`$XDG_CACHE_HOME/docker-compose/<digest>/`) and return the path of its `compose.yaml`, for `Project.load` or
    `-f` (the extends files and env files it names are beside it).

    Raises:
        RemoteError: not a compose artifact. RegistryError: the registry failed. UsageError: an invalid reference.
    """
    from pycompose.publish.remote import materialize

    use_http = os.environ.get(INSECURE_VARIABLE) is not None if plain_http is None else plain_http
    return materialize(url, plain_http=use_http, cache=cache)


OCI_REMOTE_VARIABLE = "COMPOSE_EXPERIMENTAL_OCI_REMOTE"
"""v2's switch for `-f oci://…` (on unless set to a false value)."""


def remote_file_fetcher(environ: Mapping[str, str]) -> Callable[[str], str]:
    """What `ProjectOptions.fetch_remote` calls for `-f oci://…`: v2's OCI remote loader, with its switch
    (COMPOSE_EXPERIMENTAL_OCI_REMOTE) and its plain-HTTP test switch, both read from `environ`."""
    def fetch(url: str) -> str:
        from pycompose.errors import UsageError
        from pycompose.loader.discovery import is_true

        switch = environ.get(OCI_REMOTE_VARIABLE, "")
        if switch:
            if switch.lower() not in ("1", "t", "true", "0", "f", "false"):
                raise UsageError(f"{OCI_REMOTE_VARIABLE} environment variable expects boolean value: "
                                 f'strconv.ParseBool: parsing "{switch}": invalid syntax')
            if not is_true(switch):
                raise UsageError(f'OCI remote resource is disabled by "{OCI_REMOTE_VARIABLE}"')
        return fetch_artifact(url, plain_http=environ.get(INSECURE_VARIABLE) is not None)

    return fetch
