"""The Engine port on docker-py: the only module of pycompose that imports docker.

Translates ContainerSpec and friends to Engine API calls, the engine's JSON to our values (`ObservedContainer`,
`PortBinding`, `ObservedImage`), and docker / requests exceptions to pycompose.errors inside one context manager
(`_errors`, like httpx `map_httpcore_exceptions`): by exception type and HTTP status, never by message text. Only
docker's, requests' and the reader's exceptions are translated; anything else is a bug and propagates as it is.

Reads (lists and inspections) go through `engine/reader.py`, the standard library alone, where the endpoint allows
(a unix socket or plain TCP): docker-py, and the start-up time it costs, is imported only when a command changes
the engine, streams, or needs TLS or SSH. The docker-py client is built on first use: its constructor asks the
engine for its API version.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any

from pycompose import labels
from pycompose.engine.context import EngineEndpoint, resolve_endpoint
from pycompose.engine.reader import EngineReader, EngineWire, read_all
from pycompose.errors import EngineError, EngineUnreachable, InUse, NotFound, NotSupported
from pycompose.observed import (
    ObservedConfig,
    ObservedContainer,
    ObservedImage,
    ObservedMount,
    ObservedNetwork,
    ObservedState,
    ObservedVolume,
    PortBinding,
)

if TYPE_CHECKING:  # values of the port, only annotated here
    from pycompose.engine.base import (
        AttachSpec,
        BuildSpec,
        ContainerSpec,
        ContainerStats,
        EngineEvent,
        ExecSpec,
        NetworkAttachment,
        OutputLine,
    )

_DAEMON = "Error response from daemon: "
"""How the docker CLI (and v2) prefix the engine's own error messages."""
_EXIT_CODE = re.compile(r"Exited \((-?\d+)\)")


class DockerEngine:
    """A Docker engine reached through docker-py's low-level APIClient."""

    def __init__(self, endpoint: EngineEndpoint | None = None) -> None:
        self._endpoint = endpoint
        self._client: Any = None
        self._reader: Any = None
        self._lock = threading.Lock()

    @property
    def host(self) -> str:
        return (self._endpoint or resolve_endpoint()).host

    @property
    def api_version(self) -> str:
        reads = self._reads()
        with self._errors():
            if hasattr(reads, "api_version"):  # docker-py's APIClient, version="auto": asked at connection
                return str(reads.api_version)
            return str(reads._api_version())

    def _api(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client = self._connect()
            return self._client

    def _reads(self) -> Any:
        """What reads go through: the standard-library reader where the endpoint allows, else docker-py."""
        with self._lock:
            if self._client is not None:
                return self._client
            if self._reader is None:
                self._endpoint = self._endpoint or resolve_endpoint()
                self._reader = EngineReader.for_endpoint(self._endpoint) or False
        return self._reader or self._api()

    def _wire(self) -> EngineWire | None:
        """The standard-library path for `run`'s writes where the endpoint allows it (else None: docker-py)."""
        with self._lock:
            self._endpoint = self._endpoint or resolve_endpoint()
            endpoint = self._endpoint
        return EngineWire.for_endpoint(endpoint, lambda: self.api_version)

    def _connect(self) -> Any:
        import docker

        endpoint = self._endpoint or resolve_endpoint()
        self._endpoint = endpoint
        tls: Any = False
        if endpoint.tls_verify and endpoint.cert_path:
            tls = docker.tls.TLSConfig(
                client_cert=(f"{endpoint.cert_path}/cert.pem", f"{endpoint.cert_path}/key.pem"),
                ca_cert=f"{endpoint.cert_path}/ca.pem", verify=True,
            )
        try:
            with self._errors():
                return docker.APIClient(base_url=endpoint.host, version="auto", tls=tls, timeout=120)
        except docker.errors.DockerException as error:
            # the constructor asks for the API version and wraps what went wrong in a DockerException: the cause
            # tells an engine that does not answer from one that answers badly
            cause = error.__cause__
            if isinstance(cause, (docker.errors.APIError, requests_exceptions().RequestException)):
                with self._errors():
                    raise cause from None
            raise EngineError(str(error)) from None  # TLS files, an invalid answer: the engine's side

    @contextlib.contextmanager
    def _errors(self, *, not_found: str | None = None, in_use: bool = False) -> Iterator[None]:
        """docker / requests / reader exceptions → pycompose.errors, with the engine's own explanation.

        404 → NotFound (`not_found`: its message instead of the engine's); with `in_use` (a removal) 403/409 →
        InUse; any other status → EngineError; no answer → EngineUnreachable. Other exceptions pass untouched."""
        try:
            yield
        except Exception as error:
            mapped = self._translate(error, not_found=not_found, in_use=in_use)
            if mapped is None:
                raise
            raise mapped from None

    def _translate(self, error: Exception, *, not_found: str | None, in_use: bool) -> Exception | None:
        # docker and requests are looked up, not imported: if they were never imported, none of theirs was raised
        from pycompose.engine.reader import ReadFailed, ReadUnreachable

        docker_errors = sys.modules.get("docker.errors")
        requests = sys.modules.get("requests.exceptions")
        status: int | None = None
        if isinstance(error, ReadFailed):
            status, message = error.status, f"Error response from daemon: {error.message}"
        elif docker_errors is not None and isinstance(error, docker_errors.APIError):
            status, message = error.status_code, _explain(error)
        if status is not None:
            if status == 404:
                return NotFound(not_found or message)
            if in_use and status in (403, 409):
                return InUse(message)
            if status == 501:
                return NotSupported(message)
            return EngineError(message)
        unreachable = requests is not None and isinstance(error, requests.ConnectionError)
        if unreachable or isinstance(error, ReadUnreachable):
            return EngineUnreachable(
                f"Cannot connect to the Docker daemon at {self.host}. Is the docker daemon running?")
        urllib3 = sys.modules.get("urllib3.exceptions")
        broken = requests is not None and isinstance(error, requests.RequestException)  # a timeout, a broken answer
        if broken or (urllib3 is not None and isinstance(error, urllib3.HTTPError)):  # a stream cut mid-read
            return EngineError(f"error talking to the Docker daemon at {self.host}: {error}")
        return None

    # observation -------------------------------------------------------------------------------------------

    def observe(
        self, project: str, *, networks: tuple[str, ...] = (), volumes: tuple[str, ...] = (),
        images: tuple[str, ...] = (), all_containers: bool = True, details: bool = False,
    ) -> ObservedState:
        """One label-filtered list per resource kind (v2 filters), plus the model's named networks/volumes;
        with `details`, one inspect per container as well (what it was created with)."""
        api = self._reads()
        with self._errors():
            summaries = api.containers(all=all_containers, filters={"label": labels.project_filters(project)})
            network_list = api.networks()
            volume_list = (api.volumes() or {}).get("Volumes") or []
            inspected = {item["Id"]: api.inspect_container(item["Id"]) for item in summaries} if details else {}
        containers = tuple(_container_from_summary(item, inspected.get(item["Id"])) for item in summaries)
        wanted_networks = set(networks)
        found_networks = {
            n["Name"]: ObservedNetwork(id=n["Id"], name=n["Name"], labels=n.get("Labels") or {})
            for n in network_list
            if n["Name"] in wanted_networks or (n.get("Labels") or {}).get(labels.PROJECT) == project
        }
        wanted_volumes = set(volumes)
        found_volumes = {
            v["Name"]: ObservedVolume(name=v["Name"], labels=v.get("Labels") or {}, driver=v.get("Driver") or "",
                                      scope=v.get("Scope") or "", mountpoint=v.get("Mountpoint") or "")
            for v in volume_list
            if v["Name"] in wanted_volumes or (v.get("Labels") or {}).get(labels.PROJECT) == project
        }
        found_images = self.inspect_images(images)
        return ObservedState(project=project, containers=containers, networks=found_networks,
                             volumes=found_volumes, images=found_images)

    def inspect_container(self, container_id: str) -> ObservedContainer:
        with self._errors(not_found=f"No such container: {container_id}"):
            info = self._reads().inspect_container(container_id)
        state = info.get("State") or {}
        health = (state.get("Health") or {}).get("Status")
        return ObservedContainer(
            id=info["Id"], name=info["Name"].lstrip("/"), state=state.get("Status", ""),
            labels=(info.get("Config") or {}).get("Labels") or {}, health=health,
            exit_code=int(state.get("ExitCode") or 0),
        )

    def inspect_images(self, references: tuple[str, ...]) -> dict[str, ObservedImage]:
        """The local images among `references` (inspected at once when there are several)."""
        unique = tuple(dict.fromkeys(references))
        if len(unique) > 1:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(8, len(unique))) as pool:
                inspected = list(pool.map(self.inspect_image, unique))
        else:
            inspected = [self.inspect_image(reference) for reference in unique]
        return {reference: image for reference, image in zip(unique, inspected) if image is not None}

    def inspect_image(self, reference: str) -> ObservedImage | None:
        try:
            with self._errors():
                info = self._reads().inspect_image(reference)
        except NotFound:
            return None
        return _image_from_inspect(info)

    def pull_image(self, reference: str, output: OutputLine | None = None) -> None:
        """Pull `reference` (`:latest` when untagged); progress lines go to `output`."""
        repository, tag = _split_reference(reference)
        with self._errors():
            stream = self._api().pull(repository, tag=tag, stream=True, decode=True)
            _follow_progress(stream, output, shown=_is_pull_layer_progress)

    def image_digest(self, reference: str) -> str:
        with self._errors():
            return str(self._api().inspect_distribution(reference)["Descriptor"]["digest"])

    def push_image(self, reference: str, output: OutputLine | None = None) -> None:
        repository, tag = _split_reference(reference)
        with self._errors():
            stream = self._api().push(repository, tag=tag, stream=True, decode=True)
            _follow_progress(stream, output, shown=_is_layer_message)

    def build_image(self, spec: BuildSpec, context: IO[bytes], output: OutputLine) -> str:
        """`POST /build` (classic builder) with a ready context tar; tags beyond the first are added after.

        The engine reports a failing step inside the stream (`error`), a Dockerfile it cannot parse as an HTTP
        error; both become EngineError with the engine's message.
        """
        api = self._api()
        options: dict[str, Any] = {
            "fileobj": context, "custom_context": True, "tag": spec.tags[0], "dockerfile": spec.dockerfile,
            # forcerm: the container of a failed step goes too (v2 and the docker CLI leave it behind)
            "rm": True, "forcerm": True, "nocache": spec.no_cache, "pull": spec.pull, "decode": True,
            "buildargs": dict(spec.args) or None, "target": spec.target, "labels": dict(spec.labels) or None,
            "network_mode": spec.network, "shmsize": spec.shm_size, "cache_from": list(spec.cache_from) or None,
            "extra_hosts": list(spec.extra_hosts) or None, "platform": spec.platform,
        }
        if spec.memory:
            options["container_limits"] = {"memory": spec.memory}
        image_id = ""
        with self._errors():
            pending = ""
            for message in api.build(**options):
                if message.get("error"):
                    raise EngineError(str(message["error"]).strip())
                aux = message.get("aux") or {}
                image_id = aux.get("ID", image_id)
                text = message.get("stream")
                if text is None and message.get("status"):
                    text = _progress_text(message) + "\n"
                pending += text or ""
                *lines, pending = pending.split("\n")
                for line in lines:
                    output(line)
            if pending:
                output(pending)
            for extra in spec.tags[1:]:
                repository, tag = _split_reference(extra)
                api.tag(image_id or spec.tags[0], repository, tag)
        return image_id

    def list_images(self, label: str, *, dangling: bool = False) -> list[ObservedImage]:
        with self._errors():
            summaries = self._reads().images(filters={"label": label, "dangling": dangling})
        return [ObservedImage(id=item["Id"], repo_tags=tuple(item.get("RepoTags") or ()),
                              labels=dict(item.get("Labels") or {}), size=int(item.get("Size") or 0))
                for item in summaries]

    # networks and volumes ------------------------------------------------------------------------------------

    def create_network(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        from pycompose.engine.payload import network_body

        body = network_body(config)
        try:
            with self._errors(in_use=True):
                self._api().create_network(
                    name, driver=body["Driver"], options=body.get("Options"), ipam=body.get("IPAM"),
                    check_duplicate=True, internal=body.get("Internal", False), labels=dict(labels),
                    enable_ipv6=body.get("EnableIPv6", False), attachable=body.get("Attachable", False),
                )
        except InUse:
            # "already exists": a run killed with its create in flight, or another `up` at the same moment, made
            # it after this run looked; the same network (same labels) is what was asked, anything else is not
            with self._errors():
                found = [n for n in self._reads().networks() if n.get("Name") == name]
            if not any((n.get("Labels") or {}) == dict(labels) for n in found):
                raise

    def remove_network(self, name: str) -> None:
        with self._errors(in_use=True):
            self._api().remove_network(name)

    def create_volume(self, name: str, config: Mapping[str, Any], labels: Mapping[str, str]) -> None:
        with self._errors():
            self._api().create_volume(name, driver=config.get("driver") or "local",
                                      driver_opts=dict(config.get("driver_opts") or {}) or None,
                                      labels=dict(labels))

    def remove_volume(self, name: str) -> None:
        with self._errors(in_use=True):
            self._api().remove_volume(name)

    # containers ------------------------------------------------------------------------------------------

    def create_container(self, spec: ContainerSpec, warn: Callable[[str], None] | None = None) -> str:
        """Create with the primary network; join the others before start (engines older than API 1.44)."""
        body = dict(spec.body)
        if spec.networks:
            first = spec.networks[0]
            body["NetworkingConfig"] = {"EndpointsConfig": {first.network: dict(first.endpoint)}}
        wire = self._wire() if len(spec.networks) <= 1 and not spec.files else None
        with self._errors():
            if wire is not None:
                created = wire.call("POST", "/containers/create", {"name": spec.name}, body)
            else:
                created = self._api().create_container_from_config(body, name=spec.name)
        for warning in created.get("Warnings") or ():
            if warn is not None:
                warn(warning)
        for attachment in spec.networks[1:]:
            self.connect_network(created["Id"], attachment)
        if spec.files:
            from pycompose.engine.base import files_archive

            self.put_archive(created["Id"], "/", files_archive(spec.files))
        return created["Id"]

    def connect_network(self, container_id: str, attachment: NetworkAttachment) -> None:
        # the endpoint as the create body has it (docker-py's helper would sort the links and drop the MAC
        # address and driver options)
        body = {"Container": container_id, "EndpointConfig": dict(attachment.endpoint)}
        wire = self._wire()
        with self._errors():
            if wire is not None:
                wire.call("POST", f"/networks/{attachment.network}/connect", body=body)
            else:
                api = self._api()
                api._raise_for_status(api._post_json(api._url("/networks/{0}/connect", attachment.network),
                                                     data=body))

    def disconnect_network(self, container_id: str, network: str) -> None:
        with self._errors():
            self._api().disconnect_container_from_network(container_id, network, force=True)

    def start_container(self, container_id: str) -> None:
        wire = self._wire()
        with self._errors():
            if wire is not None:
                wire.call("POST", f"/containers/{container_id}/start")
            else:
                self._api().start(container_id)

    def stop_container(self, container_id: str, timeout: int | None) -> None:
        with self._errors():
            if timeout is None:
                self._api().stop(container_id)
            else:
                self._api().stop(container_id, timeout=timeout)

    def restart_container(self, container_id: str, timeout: int | None) -> None:
        """No timeout: the container's own stop timeout (`stop_grace_period`), else the engine's 10 s, as the
        engine does for `stop` (docker-py's `restart` needs a number)."""
        with self._errors():
            if timeout is None:
                config = self._api().inspect_container(container_id).get("Config") or {}
                timeout = config.get("StopTimeout") if config.get("StopTimeout") is not None else 10
            self._api().restart(container_id, timeout=timeout)

    def kill_container(self, container_id: str, signal: str) -> None:
        with self._errors():
            self._api().kill(container_id, signal=signal)

    def remove_container(self, container_id: str, *, volumes: bool = False, force: bool = False) -> None:
        with self._errors():
            self._api().remove_container(container_id, v=volumes, force=force)

    def rename_container(self, container_id: str, name: str) -> None:
        with self._errors():
            self._api().rename(container_id, name)

    def put_archive(self, container_id: str, path: str, archive: bytes, *, copy_uid_gid: bool = False) -> None:
        api = self._api()
        with self._errors(not_found=f"{_DAEMON}Could not find the file {path} in container {container_id}"):
            if not copy_uid_gid:
                api.put_archive(container_id, path, archive)
                return
            # docker-py's put_archive has no copyUIDGID parameter: the same request with it
            url = api._url("/containers/{0}/archive", container_id)
            api._raise_for_status(api._put(url, params={"path": path, "copyUIDGID": "1"}, data=archive))

    def stat_path(self, container_id: str, path: str) -> Mapping[str, Any] | None:
        import base64
        import json

        api = self._api()
        with self._errors(not_found=f"{_DAEMON}No such container: {container_id}"):
            response = api.head(api._url("/containers/{0}/archive", container_id), params={"path": path})
            if response.status_code == 404 and "X-Docker-Container-Path-Stat" not in response.headers:
                inspect = api._get(api._url("/containers/{0}/json", container_id))
                api._raise_for_status(inspect)  # the container itself is missing: NotFound
                return None
            api._raise_for_status(response)
        return json.loads(base64.b64decode(response.headers["X-Docker-Container-Path-Stat"]))

    def get_archive(self, container_id: str, path: str) -> tuple[bytes, Mapping[str, Any]]:
        with self._errors(not_found=f"{_DAEMON}Could not find the file {path} in container {container_id}"):
            chunks, stat = self._api().get_archive(container_id, path)
            return b"".join(chunks), dict(stat)

    def remove_image(self, reference: str) -> bool:
        """Untag/remove an image; False when it is absent or still used by a container (v2 warns and goes on)."""
        try:
            with self._errors(in_use=True):
                self._api().remove_image(reference)
        except (NotFound, InUse):
            return False
        return True

    def stream_logs(
        self, container_id: str, *, follow: bool = False, tail: str = "all", since: str | None = None,
        until: str | None = None, timestamps: bool = False,
    ) -> Iterator[tuple[int, bytes]]:
        """(stream, bytes) chunks of a container's log: 1 stdout, 2 stderr; a TTY container's raw stream is all 1.

        docker-py's `logs()` drops which stream a frame came from, so the multiplexed frames are read here
        (`_frames`). Chunks are not lines: callers split them.
        """
        api = self._api()
        params: dict[str, Any] = {"stdout": 1, "stderr": 1, "follow": int(follow), "timestamps": int(timestamps),
                                  "tail": tail}
        if since:
            params["since"] = since
        if until:
            params["until"] = until
        with self._errors(not_found=f"No such container: {container_id}"):
            tty = bool((api.inspect_container(container_id).get("Config") or {}).get("Tty"))
            response = api._get(api._url("/containers/{0}/logs", container_id), params=params, stream=True)
            api._raise_for_status(response)
        api._disable_socket_timeout(api._get_raw_response_socket(response))
        try:
            with self._errors():  # a connection dropped mid-stream is the engine's failure, not a bug
                if tty:
                    while True:
                        raw = response.raw
                        data = raw.read1(65536) if hasattr(raw, "read1") else raw.read(4096)
                        if not data:
                            return
                        yield 1, data
                yield from _frames(response.raw.read)
        finally:
            response.close()

    def list_project_containers(self, *, all_containers: bool = False) -> list[ObservedContainer]:
        """Every compose-managed service container of every project (label `project` + `config-hash`), as v2 `ls`."""
        with self._errors():
            summaries = self._reads().containers(all=all_containers,
                                                 filters={"label": [labels.PROJECT, labels.CONFIG_HASH]})
        return [_container_from_summary(item) for item in summaries]

    def exec_container(self, container_id: str, spec: ExecSpec, *, stdin: IO[bytes] | None = None,
                       stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int:
        """exec_create + a hijacked exec_start socket: stdin is pumped in by a thread, output read here."""
        import time

        api = self._api()
        attach_stdin = stdin is not None and not spec.detach
        with self._errors():
            created = api.exec_create(
                container_id, list(spec.command), stdout=True, stderr=True, stdin=attach_stdin, tty=spec.tty,
                privileged=spec.privileged, user=spec.user or "",
                environment=[f"{k}={v}" for k, v in spec.env.items()] or None, workdir=spec.workdir,
            )
            exec_id = created["Id"]
            if spec.detach:
                api.exec_start(exec_id, detach=True)
                return 0
            sock = api.exec_start(exec_id, tty=spec.tty, socket=True)
        raw = getattr(sock, "_sock", sock)
        if spec.tty and spec.terminal_size is not None:
            try:
                with self._errors():
                    api.exec_resize(exec_id, height=spec.terminal_size[0], width=spec.terminal_size[1])
            except EngineError:  # a terminal size is a nicety; the command runs without one
                pass
        if attach_stdin:
            threading.Thread(target=_pump_stdin, args=(stdin, raw), daemon=True).start()
        _read_exec_output(raw, spec.tty, stdout, stderr)
        try:
            raw.close()
        except OSError:
            pass
        with self._errors():
            for _ in range(50):  # the stream may end a moment before the engine records the exit code
                info = api.exec_inspect(exec_id)
                if not info.get("Running"):
                    break
                time.sleep(0.05)
        return int(info.get("ExitCode") or 0)

    def wait_container(self, container_id: str, condition: str = "not-running") -> int:
        """Block until the container stops; its exit code."""
        with self._errors(not_found=f"No such container: {container_id}"):
            return int(self._api().wait(container_id, timeout=None, condition=condition)["StatusCode"])

    def attach_container(self, container_id: str, spec: AttachSpec, *, stdin: IO[bytes] | None = None,
                         stdout: IO[bytes] | None = None, stderr: IO[bytes] | None = None) -> int | None:
        """A hijacked `/attach` socket (stdin pumped in by a thread, output read here). With `spec.start`, the
        exit code is awaited (`/wait`, whose answer's headers come once the engine has registered the wait)
        before the container starts, so that neither a quick exit nor an auto-removal is missed."""
        import json

        params: dict[str, Any] = {"stdout": 1, "stderr": 1, "stream": 1, "stdin": int(stdin is not None)}
        if spec.detach_keys:
            params["detachKeys"] = spec.detach_keys
        wire = self._wire() or self._docker_wire()
        waiting = None
        with self._errors(not_found=f"No such container: {container_id}"):
            raw = wire.open("POST", f"/containers/{container_id}/attach", params, upgrade=True)
            if spec.start:
                waiting = wire.open("POST", f"/containers/{container_id}/wait",
                                    {"condition": "removed" if spec.auto_remove else "next-exit"})
                wire.call("POST", f"/containers/{container_id}/start")
        if spec.tty and spec.terminal_size is not None:
            try:
                with self._errors():
                    wire.call("POST", f"/containers/{container_id}/resize",
                              {"h": spec.terminal_size[0], "w": spec.terminal_size[1]})
            except (EngineError, NotFound):  # a terminal size is a nicety; the container runs without one
                pass
        if stdin is not None:
            threading.Thread(target=_pump_stdin, args=(stdin, raw, spec.tty), daemon=True).start()
        _read_exec_output(raw, spec.tty, stdout, stderr)
        try:
            raw.close()
        except OSError:
            pass
        if waiting is not None:
            answer = _answer_within(waiting, seconds=2.0)  # it has ended: the wait answers at once
            if answer is not None:
                waiting.close()
                return int(json.loads(answer or b"{}").get("StatusCode") or 0)
        state = self._state_after_output(container_id)
        if state.get("Running") or state.get("Paused"):  # detached: the wait would block
            if waiting is not None:
                waiting.close()
            return None
        if waiting is None:
            return int(state.get("ExitCode") or 0)
        with self._errors(), waiting:
            answer = read_all(waiting)
        return int(json.loads(answer or b"{}").get("StatusCode") or 0)

    def _docker_wire(self) -> EngineWire:
        """Raw calls where the standard library cannot reach the engine alone: docker-py's own connection."""
        api = self._api()

        def version() -> str:
            return str(api.api_version)

        return _DockerWire(api, version)

    def _state_after_output(self, container_id: str) -> Mapping[str, Any]:
        """The container's state once its output has ended: the engine may close the stream a moment before it
        records the exit, so a container still running is asked again for up to a second (else it was detached
        from). Empty when it is gone (auto-removed)."""
        import time

        state: Mapping[str, Any] = {}
        for _ in range(20):
            try:
                with self._errors(not_found=f"No such container: {container_id}"):
                    state = self._reads().inspect_container(container_id).get("State") or {}
            except NotFound:
                return {}
            if not (state.get("Running") or state.get("Paused")):
                return state
            time.sleep(0.05)
        return state

    def list_oneoff_containers(self, project: str, *, all_containers: bool = True) -> list[ObservedContainer]:
        with self._errors():
            summaries = self._reads().containers(
                all=all_containers, filters={"label": [f"{labels.PROJECT}={project}", f"{labels.ONEOFF}=True"]})
        return [_container_from_summary(item) for item in summaries]

    def pause_container(self, container_id: str) -> None:
        with self._errors(not_found=f"No such container: {container_id}"):
            self._api().pause(container_id)

    def unpause_container(self, container_id: str) -> None:
        with self._errors(not_found=f"No such container: {container_id}"):
            self._api().unpause(container_id)

    def top_container(self, container_id: str, ps_args: str | None = None,
                      ) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
        with self._errors(not_found=f"No such container: {container_id}"):
            answer = self._api().top(container_id, ps_args=ps_args)
        return (tuple(answer.get("Titles") or ()),
                tuple(tuple(str(cell) for cell in row) for row in answer.get("Processes") or ()))

    def container_stats(self, container_id: str) -> ContainerStats:
        with self._errors(not_found=f"No such container: {container_id}"):
            sample = self._api().stats(container_id, stream=False)
        return _stats_from_sample(sample)

    def export_container(self, container_id: str) -> Iterator[bytes]:
        with self._errors(not_found=f"No such container: {container_id}"):
            stream = self._api().export(container_id)
            yield from stream

    def commit_container(self, container_id: str, *, repository: str | None = None, tag: str | None = None,
                         message: str | None = None, author: str | None = None, changes: tuple[str, ...] = (),
                         pause: bool = True) -> str:
        with self._errors(not_found=f"No such container: {container_id}"):
            answer = self._api().commit(container_id, repository=repository, tag=tag, message=message,
                                        author=author, changes=list(changes) or None, pause=pause)
        return str(answer.get("Id") or "")

    def stream_events(self, project: str, *, since: str | None = None, until: str | None = None,
                      ) -> Iterator[EngineEvent]:
        from pycompose.engine.base import EngineEvent

        filters = {"type": ["container"], "label": [f"{labels.PROJECT}={project}"]}
        with self._errors():
            stream = self._api().events(since=since, until=until, filters=filters, decode=True)
            for message in stream:
                actor = message.get("Actor") or {}
                attributes = dict(actor.get("Attributes") or {})
                time_nano = int(message.get("timeNano") or int(message.get("time") or 0) * 1_000_000_000)
                yield EngineEvent(
                    time_nano=time_nano, action=str(message.get("Action") or message.get("status") or ""),
                    container_id=str(actor.get("ID") or message.get("id") or ""),
                    service=attributes.get(labels.SERVICE, ""),
                    attributes={k: v for k, v in attributes.items() if not k.startswith(labels.PREFIX)},
                )


def _pump_stdin(stdin: Any, raw: Any, keep_open: bool = False) -> None:
    """Send `stdin` to the socket until its end, then half-close it (unless `keep_open`: a TTY container reads
    the end of input from the terminal's own ^D, and a half-close would end its output)."""
    import os
    import socket

    fileno = _fileno(stdin)
    try:
        while True:
            data = os.read(fileno, 4096) if fileno is not None else stdin.read(4096)
            if not data:
                break
            raw.sendall(data)
        if not keep_open:
            raw.shutdown(socket.SHUT_WR)
    except (OSError, ValueError):
        pass


def _frames(read: Callable[[int], bytes]) -> Iterator[tuple[int, bytes]]:
    """(stream id, payload) of the engine's multiplexed stream (logs, exec and attach without a TTY): frames of an
    8-byte header (stream id: 1 stdout, 2 stderr; 3 zero bytes; big-endian payload length) and the payload.
    `read(n)` returns n bytes, or fewer only at the end."""
    import struct

    while True:
        header = read(8)
        if len(header) < 8:
            return
        stream, length = struct.unpack(">BxxxL", header)
        if not length:
            continue
        data = read(length)
        if not data:
            return
        yield stream, data


def _read_exec_output(raw: Any, tty: bool, stdout: Any, stderr: Any) -> None:
    """A TTY exec streams raw bytes, written as they come; otherwise multiplexed frames (`_frames`)."""
    try:
        if tty:
            while chunk := raw.recv(65536):
                _write(stdout, chunk)
            return
        with raw.makefile("rb") as reader:
            for stream, data in _frames(reader.read):
                _write(stderr if stream == 2 else stdout, data)
    except OSError:  # the engine closed the connection: the output has ended
        pass


def _write(stream: Any, data: bytes) -> None:
    if stream is None:
        return
    stream.write(data)
    stream.flush()


def _fileno(stream: Any) -> int | None:
    try:
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


def _split_reference(reference: str) -> tuple[str, str]:
    """`repo[:tag]` → (repo, tag); a `host:port/` prefix is not a tag; no tag → `latest`; a digest stays whole."""
    if "@" in reference:
        return reference, ""
    last = reference.rsplit("/", 1)[-1]
    if ":" in last:
        repository, _, tag = reference.rpartition(":")
        return repository, tag
    return reference, "latest"


def _progress_text(message: Mapping[str, Any]) -> str:
    """A pull/push progress message as the docker CLI prints it without a TTY: `id: status progress`."""
    parts = [f"{message['id']}:"] if message.get("id") else []
    parts.append(str(message.get("status", "")))
    if message.get("progress"):
        parts.append(str(message["progress"]))
    return " ".join(parts)


def _is_layer_message(message: Mapping[str, Any]) -> bool:
    """What v2 shows of a push: messages about a layer (`toPushProgressEvent` drops those without an id, such as
    "The push refers to repository" and the final digest line)."""
    return bool(message.get("id"))


def _is_pull_layer_progress(message: Mapping[str, Any]) -> bool:
    """What v2 shows of a pull (`toPullProgressEvent`): layer messages carrying progress, not "Pulling from",
    "Digest:" or "Status: Downloaded newer image"."""
    return bool(message.get("id")) and "progressDetail" in message


def _follow_progress(stream: Iterator[Mapping[str, Any]], output: OutputLine | None,
                     shown: Callable[[Mapping[str, Any]], bool] = lambda message: True) -> None:
    """Drain a pull/push JSON stream; an `error` message in it becomes EngineError (the HTTP status was 200).
    The messages `shown` accepts go to `output`."""
    for message in stream:
        if message.get("error"):
            raise EngineError(f"Error response from daemon: {str(message['error']).strip()}")
        if output is not None and message.get("status") and shown(message):
            output(_progress_text(message))


def requests_exceptions() -> Any:
    """`requests.exceptions`, imported when first needed (docker-py brings requests)."""
    import requests.exceptions

    return requests.exceptions


def _explain(error: Any) -> str:
    """The engine's own message, as the docker CLI prints it."""
    explanation = error.explanation or str(error)
    if isinstance(explanation, bytes):
        explanation = explanation.decode("utf-8", "replace")
    return f"Error response from daemon: {explanation}"


def _image_from_inspect(info: Mapping[str, Any]) -> ObservedImage:
    config = info.get("Config") or {}
    return ObservedImage(
        id=info["Id"], volumes=tuple((config.get("Volumes") or {}).keys()), env=tuple(config.get("Env") or ()),
        labels=dict(config.get("Labels") or {}), last_tagged=str((info.get("Metadata") or {}).get("LastTagTime") or ""),
        repo_tags=tuple(info.get("RepoTags") or ()), size=int(info.get("Size") or 0),
        created=str(info.get("Created") or ""), os=str(info.get("Os") or ""),
        architecture=str(info.get("Architecture") or ""), variant=str(info.get("Variant") or ""),
    )


def _port_from_summary(item: Mapping[str, Any]) -> PortBinding:
    return PortBinding(private_port=int(item.get("PrivatePort") or 0), protocol=str(item.get("Type") or "tcp"),
                       ip=str(item.get("IP") or ""), public_port=int(item.get("PublicPort") or 0))


def _config_from_inspect(info: Mapping[str, Any]) -> ObservedConfig:
    config = info.get("Config") or {}
    bindings = (info.get("HostConfig") or {}).get("PortBindings") or {}
    return ObservedConfig(
        env=tuple(config.get("Env") or ()),
        command=None if config.get("Cmd") is None else tuple(config["Cmd"]),
        entrypoint=None if config.get("Entrypoint") is None else tuple(config["Entrypoint"]),
        working_dir=config.get("WorkingDir") or "",
        user=config.get("User") or "",
        port_bindings=tuple(sorted({(port, binding.get("HostPort") or "")
                                    for port, items in bindings.items() for binding in items or ()})),
    )


def _container_from_summary(item: Mapping[str, Any], inspected: Mapping[str, Any] | None = None) -> ObservedContainer:
    status = item.get("Status") or ""
    health = None
    if "(healthy)" in status:
        health = "healthy"
    elif "(unhealthy)" in status:
        health = "unhealthy"
    elif "(health: starting)" in status:
        health = "starting"
    match = _EXIT_CODE.search(status)
    network_map = (item.get("NetworkSettings") or {}).get("Networks") or {}
    networks = network_map.values()
    mounts = tuple(
        ObservedMount(type=m.get("Type", ""), name=m.get("Name") or m.get("Source", ""),
                      destination=m.get("Destination", ""))
        for m in item.get("Mounts") or ()
    )
    return ObservedContainer(
        id=item["Id"],
        name=(item.get("Names") or ["/"])[0].lstrip("/"),
        state=item.get("State", ""),
        labels=item.get("Labels") or {},
        health=health,
        exit_code=int(match.group(1)) if match else 0,
        network_ids=tuple(n.get("NetworkID", "") for n in networks),
        network_names=tuple(network_map),
        mounts=mounts,
        image=item.get("Image", ""),
        command=item.get("Command", ""),
        created=int(item.get("Created") or 0),
        status=status,
        ports=tuple(_port_from_summary(port) for port in item.get("Ports") or ()),
        config=None if inspected is None else _config_from_inspect(inspected),
    )


def _stats_from_sample(sample: Mapping[str, Any]) -> ContainerStats:
    """The docker CLI's figures from one stats sample (cli/command/container/stats_helpers.go): CPU against the
    previous reading, memory less the page cache, network and block I/O summed over interfaces and devices."""
    from pycompose.engine.base import ContainerStats  # the port's dataclasses are not needed by `up`
    cpu, precpu = sample.get("cpu_stats") or {}, sample.get("precpu_stats") or {}
    cpu_delta = ((cpu.get("cpu_usage") or {}).get("total_usage") or 0) - (
        (precpu.get("cpu_usage") or {}).get("total_usage") or 0)
    system_delta = (cpu.get("system_cpu_usage") or 0) - (precpu.get("system_cpu_usage") or 0)
    online = cpu.get("online_cpus") or len((cpu.get("cpu_usage") or {}).get("percpu_usage") or ()) or 1
    cpu_percent = cpu_delta / system_delta * online * 100.0 if cpu_delta > 0 and system_delta > 0 else 0.0
    memory = sample.get("memory_stats") or {}
    details = memory.get("stats") or {}
    cache = details.get("inactive_file", details.get("total_inactive_file", 0)) if "usage" in memory else 0
    usage = max(int(memory.get("usage") or 0) - int(cache or 0), 0)
    limit = int(memory.get("limit") or 0)
    rx = tx = 0
    for interface in (sample.get("networks") or {}).values():
        rx += int(interface.get("rx_bytes") or 0)
        tx += int(interface.get("tx_bytes") or 0)
    read = write = 0
    for entry in (sample.get("blkio_stats") or {}).get("io_service_bytes_recursive") or ():
        operation = str(entry.get("op") or "").lower()
        if operation == "read":
            read += int(entry.get("value") or 0)
        elif operation == "write":
            write += int(entry.get("value") or 0)
    return ContainerStats(
        cpu_percent=cpu_percent, memory_usage=usage, memory_limit=limit,
        memory_percent=usage / limit * 100.0 if limit else 0.0, net_rx=rx, net_tx=tx, block_read=read,
        block_write=write, pids=int((sample.get("pids_stats") or {}).get("current") or 0),
    )


def _answer_within(sock: Any, seconds: float) -> bytes | None:
    """The whole rest of an answer if it comes within `seconds`, else None (what was read is kept for later)."""
    if not hasattr(sock, "settimeout"):
        return None
    sock.settimeout(seconds)
    chunks: list[bytes] = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except TimeoutError:
        sock.settimeout(None)
        return None if not chunks else _rest_after(sock, chunks)
    except OSError:
        return None
    return b"".join(chunks)


def _rest_after(sock: Any, chunks: list[bytes]) -> bytes:
    """Part of the answer came before the timeout: the rest follows soon."""
    chunks.append(read_all(sock))
    return b"".join(chunks)


class _DockerWire(EngineWire):
    """`EngineWire`'s calls through docker-py (TLS, ssh://…): the same paths, its session and sockets."""

    def __init__(self, api: Any, version: Callable[[], str]) -> None:
        super().__init__(lambda: None, version)
        self._api = api

    def open(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             upgrade: bool = False, timeout: float | None = None) -> Any:
        api = self._api
        query = {key: value for key, value in (params or {}).items() if value is not None}
        headers = {"Connection": "Upgrade", "Upgrade": "tcp"} if upgrade else {}
        response = api._post_json(api._url(path), data=body or {}, params=query, stream=True, headers=headers,
                                  timeout=None)
        api._raise_for_status(response)
        sock = api._get_raw_response_socket(response)
        api._disable_socket_timeout(sock)
        if upgrade:
            return getattr(sock, "_sock", sock)
        return _ResponseReader(response)

    def call(self, method: str, path: str, params: Mapping[str, Any] | None = None, body: Any = None, *,
             timeout: float = 0) -> Any:
        api = self._api
        query = {key: value for key, value in (params or {}).items() if value is not None}
        response = api._post_json(api._url(path), data=body or {}, params=query, headers={})
        api._raise_for_status(response)
        return response.json() if response.content.strip() else None


class _ResponseReader:
    """A streamed docker-py answer read as `EngineWire.open` returns it (`recv`, `close`, a context manager)."""

    def __init__(self, response: Any) -> None:
        self._response = response

    def recv(self, size: int) -> bytes:
        return bytes(self._response.raw.read(size) or b"")

    def close(self) -> None:
        self._response.close()

    def __enter__(self) -> _ResponseReader:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
