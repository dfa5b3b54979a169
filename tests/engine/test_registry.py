"""Pull and push against a real registry on loopback (scripts/registry.sh, via the `local_registry` fixture).

Every image a test makes is named `127.0.0.1:PORT/<project>/…` (or `<project>-…` locally) and removed by
reference afterwards: busybox:latest, which they are all built FROM, is never touched. The registry's own content
stays (its storage is a temporary directory; the project names are random). Seeding goes through the docker CLI,
never through pycompose, so what a test asserts is what pycompose did.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from engine_cleanup import remove_project_resources

pytestmark = pytest.mark.docker

UNREACHABLE = "127.0.0.1:9"
MANIFEST_V2 = "application/vnd.docker.distribution.manifest.v2+json"


def docker(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=180, input=input,
                            env={**os.environ, "DOCKER_BUILDKIT": "0"})
    assert result.returncode == 0, f"docker {' '.join(args)}: {result.stderr}"
    return result


def image_id(reference: str) -> str | None:
    result = subprocess.run(["docker", "image", "inspect", "--format", "{{.Id}}", reference], capture_output=True,
                            text=True)
    return result.stdout.strip() if result.returncode == 0 else None


def registry_get(url: str, accept: str | None = None) -> dict | None:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


@dataclass
class Workspace:
    project: str
    registry: str
    directory: Path

    def ref(self, name: str, tag: str) -> str:
        """`127.0.0.1:PORT/<project>/<name>:<tag>`."""
        return f"{self.registry}/{self.project}/{name}:{tag}"

    def write(self, compose: str, dockerfile: str = "FROM busybox:latest\nRUN echo built > /built\n") -> None:
        (self.directory / "compose.yaml").write_text(compose)
        (self.directory / "Dockerfile").write_text(dockerfile)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pycompose", "-p", self.project, "--progress", "plain", *args],
                              cwd=self.directory, capture_output=True, text=True, timeout=180, env={**os.environ})

    def tags(self, name: str) -> list[str]:
        """What the registry lists for `<project>/<name>` (empty when it has no such repository)."""
        found = registry_get(f"http://{self.registry}/v2/{self.project}/{name}/tags/list")
        return sorted((found or {}).get("tags") or [])

    def registry_config_digest(self, name: str, tag: str) -> str | None:
        """The image id (config digest) the registry holds under the tag."""
        manifest = registry_get(f"http://{self.registry}/v2/{self.project}/{name}/manifests/{tag}", MANIFEST_V2)
        return manifest["config"]["digest"] if manifest else None

    def publish(self, reference: str, marker: str, *, layer: bool = False) -> str:
        """Build a distinct image FROM busybox (labelled with `marker`; with `layer`, one layer of its own), push
        it to `reference` with the docker CLI; the local tag then points at it. Its id."""
        dockerfile = "FROM busybox:latest\n" + (f"RUN echo {marker} > /marker\n" if layer else "")
        docker("build", "-q", "--label", f"pycompose.test.marker={marker}", "-t", reference, "-", input=dockerfile)
        docker("push", "-q", reference)
        return str(image_id(reference))

    def container(self, service: str) -> dict:
        return json.loads(docker("inspect", f"{self.project}-{service}-1").stdout)[0]

    def cleanup(self) -> None:
        remove_project_resources(self.project)
        listed = subprocess.run(["docker", "image", "ls", "--format", "{{.Repository}} {{.Tag}} {{.ID}}"],
                                capture_output=True, text=True).stdout.splitlines()
        prefixes = (f"{self.registry}/{self.project}/", f"{UNREACHABLE}/{self.project}/", f"{self.project}-")
        mine = [line.split() for line in listed if line.startswith(prefixes)]
        tagged = [f"{repository}:{tag}" for repository, tag, _ in mine if tag != "<none>"]
        # an image left without a tag (the registry moved on) goes by id; busybox:latest's id never
        keep = image_id("busybox:latest") or "-"
        untagged = [ident for _, tag, ident in mine if tag == "<none>" and not keep.endswith(ident.split(":")[-1])]
        for batch in (tagged, untagged):  # by reference first: an image shared with busybox is only untagged
            if batch:
                subprocess.run(["docker", "image", "rm", *batch], capture_output=True, text=True)


@pytest.fixture
def ws(loader, local_registry, project_name, tmp_path):
    workspace = Workspace(project=project_name, registry=local_registry, directory=tmp_path)
    yield workspace
    workspace.cleanup()


def last_line(result: subprocess.CompletedProcess) -> str:
    return result.stderr.strip().splitlines()[-1]


# -- push --------------------------------------------------------------------------------------------------------

def test_push_sends_the_image_and_its_build_tags(ws):
    image, extra = ws.ref("app", "1"), ws.ref("app", "extra")
    ws.write(f"""\
services:
  app:
    build:
      context: .
      tags: ["{extra}"]
    image: {image}
  other:
    image: busybox:latest
""")
    assert ws.cli("build", "-q").returncode == 0
    built = image_id(image)
    assert built is not None and image_id(extra) == built

    result = ws.cli("push")
    assert result.returncode == 0, result.stderr
    assert ws.tags("app") == ["1", "extra"]
    # what the registry holds is the image we built, under both tags
    assert ws.registry_config_digest("app", "1") == built
    assert ws.registry_config_digest("app", "extra") == built
    assert " Service other  Skipped" in result.stderr
    for tag in (image, extra):
        assert f" Image {tag}  Pushed" in result.stderr
    assert "Traceback" not in result.stderr


def test_push_quiet_prints_nothing_and_pushes(ws):
    image = ws.ref("app", "1")
    ws.write(f"services:\n  app:\n    build: .\n    image: {image}\n  other:\n    image: busybox:latest\n")
    assert ws.cli("build", "-q").returncode == 0

    result = ws.cli("push", "-q")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # v2: no progress at all with -q
    assert ws.tags("app") == ["1"]
    assert ws.registry_config_digest("app", "1") == image_id(image)


def test_build_push_with_dependencies_builds_what_the_service_depends_on_and_pushes_it(ws):
    app, base = ws.ref("app", "1"), ws.ref("base", "1")
    ws.write(f"services:\n  app:\n    build: .\n    image: {app}\n    depends_on: [base]\n"
             f"  base:\n    build: .\n    image: {base}\n  other:\n    build: .\n    image: {ws.ref('other', '1')}\n")
    result = ws.cli("build", "-q", "--push", "--with-dependencies", "app")
    assert result.returncode == 0, result.stderr
    assert ws.tags("app") == ["1"] and ws.tags("base") == ["1"]
    assert ws.registry_config_digest("app", "1") == image_id(app)
    assert image_id(ws.ref("other", "1")) is None  # not a dependency: not built


def test_push_to_an_unreachable_registry_fails_with_one_line(ws):
    image = f"{UNREACHABLE}/{ws.project}/bad:1"
    ws.write(f"services:\n  bad:\n    build: .\n    image: {image}\n")
    assert ws.cli("build", "-q").returncode == 0

    result = ws.cli("push", "-q")
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert last_line(result).startswith(f'service "bad": cannot push image {image}: ')
    assert "connection refused" in last_line(result)
    assert "Traceback" not in result.stderr


def test_push_ignore_push_failures_pushes_the_rest_and_warns(ws):
    good, bad = ws.ref("good", "1"), f"{UNREACHABLE}/{ws.project}/bad:1"
    ws.write(f"services:\n  good:\n    build: .\n    image: {good}\n  bad:\n    build: .\n    image: {bad}\n")
    assert ws.cli("build", "-q").returncode == 0

    failed = ws.cli("push")
    assert failed.returncode == 1
    assert last_line(failed).startswith(f'service "bad": cannot push image {bad}: ')

    result = ws.cli("push", "--ignore-push-failures")
    assert result.returncode == 0, result.stderr
    assert ws.tags("good") == ["1"]
    warning = [line for line in result.stderr.splitlines() if "level=warning" in line]
    assert len(warning) == 1 and f'cannot push image {bad}' in warning[0] and 'service \\"bad\\"' in warning[0]
    assert "Traceback" not in result.stderr


# -- pull --------------------------------------------------------------------------------------------------------

def test_pull_fetches_an_image_only_the_registry_has_and_up_runs_it(ws):
    image = ws.ref("base", "1")
    published = ws.publish(image, "one")
    docker("image", "rm", image)
    assert image_id(image) is None
    ws.write(f"services:\n  web:\n    image: {image}\n    command: sleep 3600\n    init: true\n")

    result = ws.cli("pull")
    assert result.returncode == 0, result.stderr
    assert image_id(image) == published
    assert " web Pulled \n" in result.stderr

    up = ws.cli("up", "-d")
    assert up.returncode == 0, up.stderr
    assert "Pulling" not in up.stderr  # present now: the default policy (missing) pulls nothing
    container = ws.container("web")
    assert container["State"]["Running"] is True
    assert container["Image"] == published


def test_pull_policy_always_pulls_again_on_up_and_recreates(ws):
    image = ws.ref("base", "1")
    first = ws.publish(image, "one")
    docker("image", "rm", image)
    ws.write(f"services:\n  web:\n    image: {image}\n    pull_policy: always\n    command: sleep 3600\n"
             "    init: true\n")

    up = ws.cli("up", "-d")
    assert up.returncode == 0, up.stderr
    assert " web Pulled \n" in up.stderr
    assert ws.container("web")["Image"] == first

    second = ws.publish(image, "two")  # the registry moves on; locally the tag goes back to the first image
    docker("tag", first, image)
    assert second != first and image_id(image) == first

    again = ws.cli("up", "-d")
    assert again.returncode == 0, again.stderr
    assert " web Pulled \n" in again.stderr
    assert image_id(image) == second
    container = ws.container("web")
    assert container["Image"] == second  # the image changed: recreated, as v2 does
    assert container["State"]["Running"] is True


def test_pull_policy_missing_does_not_pull_a_present_image(ws):
    image = ws.ref("base", "1")
    first = ws.publish(image, "one")
    ws.publish(image, "two")
    docker("tag", first, image)  # present locally, older than the registry's
    ws.write(f"services:\n  web:\n    image: {image}\n    pull_policy: missing\n    command: sleep 3600\n"
             "    init: true\n")

    up = ws.cli("up", "-d")
    assert up.returncode == 0, up.stderr
    assert "Pulling" not in up.stderr and "Pulled" not in up.stderr
    assert image_id(image) == first
    container = ws.container("web")
    assert container["Image"] == first and container["State"]["Running"] is True

    pulled = ws.cli("pull")  # v2 `pull` honours `missing` for a tag other than latest
    assert pulled.returncode == 0, pulled.stderr
    assert " web Skipped - Image is already present locally \n" in pulled.stderr
    assert image_id(image) == first


def test_up_pull_always_overrides_the_policy(ws):
    image = ws.ref("base", "1")
    first = ws.publish(image, "one")
    second = ws.publish(image, "two")
    docker("tag", first, image)
    ws.write(f"services:\n  web:\n    image: {image}\n    pull_policy: missing\n    command: sleep 3600\n"
             "    init: true\n")

    up = ws.cli("up", "-d", "--pull", "always")
    assert up.returncode == 0, up.stderr
    assert " web Pulled \n" in up.stderr
    assert image_id(image) == second
    container = ws.container("web")
    assert container["Image"] == second and container["State"]["Running"] is True


def test_pull_of_a_tag_the_registry_lacks_fails_naming_service_and_image(ws):
    present, missing = ws.ref("base", "1"), ws.ref("base", "nope")
    ws.publish(present, "one")
    ws.write(f"services:\n  web:\n    image: {missing}\n")

    result = ws.cli("pull", "-q")
    assert result.returncode == 1
    assert last_line(result).startswith(f'service "web": cannot pull image {missing}: ')
    assert "not found" in last_line(result)
    assert "Traceback" not in result.stderr

    up = ws.cli("up", "-d")
    assert up.returncode == 1
    assert last_line(up).startswith(f'service "web": cannot pull image {missing}: ')
    leftovers = docker("ps", "-aq", "--filter", f"label=com.docker.compose.project={ws.project}").stdout
    assert leftovers == ""


TRANSIENT = ("Waiting", "Downloading", "Verifying Checksum", "Download complete", "Extracting", "Pulling fs layer")


def _pull_lines(stderr: str) -> set[str]:
    """The distinct plain progress lines of a pull that do not depend on timing: the service's lines and each
    layer's outcome (how often and in what order the engine reports download progress varies run to run)."""
    return {line for line in stderr.splitlines()
            if line.startswith(" ") and not any(f" {word}" in line for word in TRANSIENT)}


def test_pull_progress_says_what_v2_says(ws, docker_compose):
    image = ws.ref("base", "1")
    ws.publish(image, "one", layer=True)
    docker("image", "rm", image)
    ws.write(f"services:\n  web:\n    image: {image}\n")

    theirs = docker_compose("-p", ws.project, "--progress", "plain", "pull", cwd=str(ws.directory))
    assert theirs.returncode == 0, theirs.stderr
    docker("image", "rm", image)
    ours = ws.cli("pull")
    assert ours.returncode == 0, ours.stderr
    assert _pull_lines(ours.stderr) == _pull_lines(theirs.stderr)  # the same lines, byte for byte
    assert " web Pulling " in ours.stderr.splitlines() and " web Pulled " in ours.stderr.splitlines()
    assert any(line.endswith(" Pull complete ") for line in ours.stderr.splitlines())
    for line in ("Pulling from", "Digest:", "Status:"):  # v2 shows no message that is not about a layer
        assert line not in ours.stderr and line not in theirs.stderr
