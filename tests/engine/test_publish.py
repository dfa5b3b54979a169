"""`publish` against a real registry on loopback (the `local_registry` fixture), beside Compose v2 where it is
installed: the same project published by both, manifests and layers compared; v2 reads what pycompose published.

Repositories are `127.0.0.1:PORT/pb<random>/…`; the registry's storage is a temporary directory, so what is pushed
stays there. Both tools talk plain HTTP to it because `__TEST__INSECURE__REGISTRY__` is set, as v2 requires.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.docker

ENV = {**os.environ, "__TEST__INSECURE__REGISTRY__": "1"}
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def pycompose(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pycompose", "--progress", "plain", *args], cwd=cwd, input=stdin,
                          capture_output=True, text=True, timeout=180, env=ENV)


def reference(binary: str, *args: str, cwd: Path, stdin: str = "", env: dict | None = None
              ) -> subprocess.CompletedProcess:
    return subprocess.run([binary, "--progress", "plain", *args], cwd=cwd, input=stdin, capture_output=True,
                          text=True, timeout=180, env=env or ENV)


def fetch(url: str, accept: str | None = None) -> bytes | None:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return None
        raise


def manifest_of(registry: str, repository: str, tag: str) -> dict | None:
    body = fetch(f"http://{registry}/v2/{repository}/manifests/{tag}", MANIFEST)
    return json.loads(body) if body is not None else None


def normalised(manifest: dict) -> dict:
    """The manifest without its creation time (the only field that is not deterministic)."""
    created = manifest["annotations"].pop("org.opencontainers.image.created")
    assert created[:4].isdigit() and "T" in created
    return manifest


@pytest.fixture
def space(local_registry, tmp_path):
    """(registry, repository prefix `pb<random>`, project directory) with a project using env files, extends and an
    override file."""
    prefix = f"pb{uuid.uuid4().hex[:10]}"
    (tmp_path / "sub").mkdir()
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  web:\n"
        "    image: busybox:latest\n"
        '    command: ["sleep", "infinity"]\n'
        "    extends:\n"
        '      file: "./sub/base.yaml"  # shared settings\n'
        "      service: base\n"
        "    env_file:\n"
        "      - app.env\n"
        "  other:\n"
        "    image: busybox\n"
        "    environment:\n"
        "      FOO: bar\n")
    (tmp_path / "compose.override.yaml").write_text("services:\n  other:\n    labels: [pb=1]\n")
    (tmp_path / "sub" / "base.yaml").write_text("services:\n  base:\n    labels:\n      from: base\n")
    (tmp_path / "app.env").write_text("A=1\nB=two words\n")
    return local_registry, prefix, tmp_path


def test_publish_writes_the_artifact_to_the_registry(space):
    registry, prefix, directory = space
    result = pycompose("publish", "--with-env", "-y", f"{registry}/{prefix}/app:1", cwd=directory)
    assert result.returncode == 0, result.stderr
    assert f"{registry}/{prefix}/app:1 published" in result.stderr
    manifest = manifest_of(registry, f"{prefix}/app", "1")
    assert manifest is not None
    assert manifest["artifactType"] == "application/vnd.docker.compose.project"
    assert manifest["config"]["mediaType"] == "application/vnd.oci.empty.v1+json"
    files = [(layer["mediaType"], layer["annotations"].get("com.docker.compose.file") or
              layer["annotations"]["com.docker.compose.envfile"]) for layer in manifest["layers"]]
    assert [name for _, name in files][:2] == ["compose.yaml", "compose.override.yaml"]
    assert [kind for kind, _ in files] == ["application/vnd.docker.compose.file+yaml"] * 3 + [
        "application/vnd.docker.compose.envfile"]
    for layer in manifest["layers"]:  # every blob is in the registry, with the bytes the manifest carries
        blob = fetch(f"http://{registry}/v2/{prefix}/app/blobs/{layer['digest']}")
        assert blob == base64.b64decode(layer["data"])
        assert layer["size"] == len(blob)
    assert base64.b64decode(manifest["layers"][3]["data"]) == b"A=1\nB=two words\n"
    assert fetch(f"http://{registry}/v2/{prefix}/app/blobs/{manifest['config']['digest']}") == b"{}"


@pytest.mark.reference
def test_publish_matches_v2_and_v2_reads_it(space, reference_compose, tmp_path_factory):
    registry, prefix, directory = space
    ours, theirs = f"{registry}/{prefix}/py:1", f"{registry}/{prefix}/v2:1"
    result = pycompose("publish", "--with-env", "-y", ours, cwd=directory)
    assert result.returncode == 0, result.stderr
    result = reference(reference_compose, "publish", "--with-env", "-y", theirs, cwd=directory)
    assert result.returncode == 0, result.stderr
    mine, v2 = manifest_of(registry, f"{prefix}/py", "1"), manifest_of(registry, f"{prefix}/v2", "1")
    assert mine is not None and v2 is not None
    assert normalised(mine) == normalised(v2)

    outputs = []
    for ref in (ours, theirs):  # v2 loads both artifacts the same way
        env = {**ENV, "XDG_CACHE_HOME": str(tmp_path_factory.mktemp("cache"))}
        loaded = reference(reference_compose, "-p", prefix, "-f", f"oci://{ref}", "config", cwd=directory, env=env)
        assert loaded.returncode == 0, loaded.stderr
        outputs.append(loaded.stdout)
    assert outputs[0] == outputs[1]
    assert "B: two words" in outputs[0] and "from: base" in outputs[0]


@pytest.mark.reference
def test_resolve_image_digests_and_oci_1_0_match_v2(space, reference_compose):
    registry, prefix, directory = space
    base = f"{registry}/{prefix}/base:1"
    subprocess.run(["docker", "tag", "busybox:latest", base], check=True, capture_output=True)
    try:
        subprocess.run(["docker", "push", "-q", base], check=True, capture_output=True, timeout=180)
    finally:
        subprocess.run(["docker", "image", "rm", base], capture_output=True)
    (directory / "compose.yaml").write_text(f"services:\n  web:\n    image: {base}\n")
    (directory / "compose.override.yaml").unlink()
    for binary, name in ((None, "py"), (reference_compose, "v2")):
        args = ("publish", "--resolve-image-digests", "--oci-version", "1.0", f"{registry}/{prefix}/{name}:1")
        result = pycompose(*args, cwd=directory) if binary is None else reference(binary, *args, cwd=directory)
        assert result.returncode == 0, result.stderr
    mine, v2 = manifest_of(registry, f"{prefix}/py", "1"), manifest_of(registry, f"{prefix}/v2", "1")
    assert mine is not None and v2 is not None
    assert "artifactType" not in mine
    assert normalised(mine) == normalised(v2)
    pinned = base64.b64decode(mine["layers"][-1]["data"]).decode()
    assert pinned.startswith(f"services:\n  web:\n    image: {base}@sha256:")


@pytest.mark.reference
@pytest.mark.parametrize("answer", ["n\n", "y\n"])
def test_questions_match_v2(space, reference_compose, answer):
    registry, prefix, directory = space
    (directory / "compose.override.yaml").write_text("services:\n  other:\n    volumes: [./data:/data]\n")
    runs = {}
    for binary, name in ((None, "py"), (reference_compose, "v2")):
        args = ("publish", "--with-env", f"{registry}/{prefix}/{name}:1")
        result = (pycompose(*args, cwd=directory, stdin=answer) if binary is None else
                  reference(binary, *args, cwd=directory, stdin=answer))
        runs[name] = result
        assert result.returncode == 0, result.stderr
    # v2 lists services and variables in Go's map order (random): the same lines, in any order
    assert sorted(runs["py"].stdout.splitlines()) == sorted(runs["v2"].stdout.splitlines())
    assert runs["py"].stdout.startswith("you are about to publish bind mounts declaration")
    published = [manifest_of(registry, f"{prefix}/{name}", "1") is not None for name in ("py", "v2")]
    # "y" answers the bind mounts question only: the environment question then reads no answer (no)
    assert published == [False, False]


@pytest.mark.reference
@pytest.mark.parametrize(("compose", "extra"), [
    ("services:\n  web:\n    image: busybox\n    environment: [A=1]\n", ()),
    ("services:\n  web:\n    build: .\n", ("--with-env", "-y")),
    ("include: [inc.yaml]\nservices:\n  web:\n    image: busybox\n", ()),
])
def test_refusals_match_v2(space, reference_compose, compose, extra):
    registry, prefix, directory = space
    (directory / "compose.yaml").write_text(compose)
    (directory / "inc.yaml").write_text("services:\n  inc:\n    image: busybox\n")
    (directory / "compose.override.yaml").unlink()
    runs = {}
    for binary, name in ((None, "py"), (reference_compose, "v2")):
        args = ("publish", *extra, f"{registry}/{prefix}/{name}:1")
        runs[name] = pycompose(*args, cwd=directory) if binary is None else reference(binary, *args, cwd=directory)
    assert runs["py"].returncode == runs["v2"].returncode == 1
    assert runs["py"].stderr.strip() == runs["v2"].stderr.strip()
    assert manifest_of(registry, f"{prefix}/py", "1") is None


@pytest.mark.reference
def test_app_copies_images_and_indexes_them_as_v2_does(space, reference_compose):
    registry, prefix, directory = space
    base = f"{registry}/{prefix}/base:1"
    subprocess.run(["docker", "tag", "busybox:latest", base], check=True, capture_output=True)
    try:
        subprocess.run(["docker", "push", "-q", base], check=True, capture_output=True, timeout=180)
    finally:
        subprocess.run(["docker", "image", "rm", base], capture_output=True)
    (directory / "compose.yaml").write_text(f"services:\n  web:\n    image: {base}\n")
    (directory / "compose.override.yaml").unlink()
    for binary, name in ((None, "py"), (reference_compose, "v2")):
        args = ("publish", "--app", f"{registry}/{prefix}/{name}:1")
        result = pycompose(*args, cwd=directory) if binary is None else reference(binary, *args, cwd=directory)
        assert result.returncode == 0, result.stderr
    image = fetch(f"http://{registry}/v2/{prefix}/base/manifests/1", "application/vnd.docker.distribution.manifest."
                  "v2+json, application/vnd.oci.image.manifest.v1+json")
    assert image is not None
    image_digest = "sha256:" + hashlib.sha256(image).hexdigest()
    indexes = []
    for name in ("py", "v2"):
        # the image is in the artifact's repository, by digest
        assert fetch(f"http://{registry}/v2/{prefix}/{name}/manifests/{image_digest}", json.loads(image)["mediaType"])
        manifest = fetch(f"http://{registry}/v2/{prefix}/{name}/manifests/1", MANIFEST)
        assert manifest is not None
        # the index is pushed by digest only: rebuild what it must be, then ask the registry for that digest
        from pycompose.publish import artifact

        descriptor = artifact.image_descriptor(json.loads(image)["mediaType"], image_digest, len(image), "127.0.0.1",
                                               f"{prefix}/base")
        index = artifact.index_bytes([descriptor], artifact.digest_of(manifest), len(manifest),
                                     artifact.ARTIFACT_TYPE)
        indexes.append(fetch(f"http://{registry}/v2/{prefix}/{name}/manifests/{artifact.digest_of(index)}",
                             artifact.OCI_INDEX_MEDIA_TYPE))
        assert indexes[-1] == index, name


def test_images_of_services_with_build_are_pushed_first(space):
    registry, prefix, directory = space
    image = f"{registry}/{prefix}/built:1"
    (directory / "compose.yaml").write_text(f"services:\n  web:\n    build: .\n    image: {image}\n"
                                            "  plain:\n    image: busybox\n")
    (directory / "compose.override.yaml").unlink()
    subprocess.run(["docker", "tag", "busybox:latest", image], check=True, capture_output=True)
    try:
        result = pycompose("publish", f"{registry}/{prefix}/app:1", cwd=directory)
    finally:
        subprocess.run(["docker", "image", "rm", image], capture_output=True)
    assert result.returncode == 0, result.stderr
    assert fetch(f"http://{registry}/v2/{prefix}/built/manifests/1",
                 "application/vnd.docker.distribution.manifest.v2+json") is not None
    assert manifest_of(registry, f"{prefix}/app", "1") is not None


@pytest.mark.reference
def test_pycompose_reads_v2s_artifact_as_v2_does(space, reference_compose, tmp_path_factory):
    from pycompose.api.publish import fetch_artifact

    registry, prefix, directory = space
    ref = f"{registry}/{prefix}/v2:1"
    result = reference(reference_compose, "publish", "--with-env", "-y", ref, cwd=directory)
    assert result.returncode == 0, result.stderr
    cache = tmp_path_factory.mktemp("cache")
    path = fetch_artifact(f"oci://{ref}", plain_http=True, cache=str(cache / "docker-compose"))
    ours = pycompose("-p", prefix, "-f", path, "config", cwd=directory)
    assert ours.returncode == 0, ours.stderr
    theirs = reference(reference_compose, "-p", prefix, "-f", f"oci://{ref}", "config", cwd=directory,
                       env={**ENV, "XDG_CACHE_HOME": str(cache)})
    assert theirs.returncode == 0, theirs.stderr
    assert ours.stdout == theirs.stdout
    assert "B: two words" in ours.stdout


@pytest.mark.reference
def test_f_oci_loads_a_published_application_as_v2_does(space, reference_compose, tmp_path_factory):
    """`-f oci://…`: the artifact fetched into v2's cache, its files read from there, the project named after the
    working directory (not the cache folder) unless it names itself; `up` runs it."""
    registry, prefix, directory = space
    ref = f"{registry}/{prefix}/remote:1"
    published = pycompose("publish", "--with-env", "-y", ref, cwd=directory)
    assert published.returncode == 0, published.stderr
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    outputs = []
    for tool in ("v2", "pycompose"):
        cache = tmp_path_factory.mktemp(f"cache-{tool}")
        env = {**ENV, "XDG_CACHE_HOME": str(cache)}
        command = [reference_compose] if tool == "v2" else [sys.executable, "-m", "pycompose"]
        # (not `--hash`: with an env_file, pycompose prints the hash `up` writes, a deliberate difference)
        # (`ls` filtered: the engine is shared, other tests' projects come and go between the two runs)
        listing = ("ls", "-q", "--filter", f"name={elsewhere.name}")
        for args in (("config",), ("config", "--format", "json"), ("config", "-q"), listing):
            done = subprocess.run([*command, "-f", f"oci://{ref}", *args], cwd=elsewhere, capture_output=True,
                                  text=True, timeout=120, env=env)
            outputs.append((args, done.returncode, done.stdout.replace(str(cache), "CACHE")))
        assert (cache / "docker-compose").is_dir()
    half = len(outputs) // 2
    assert outputs[half:] == outputs[:half]
    assert f"name: {elsewhere.name}" in outputs[half][2]
    assert "B: two words" in outputs[half][2]

    disabled = subprocess.run([sys.executable, "-m", "pycompose", "-f", f"oci://{ref}", "config"], cwd=elsewhere,
                              capture_output=True, text=True, env={**ENV, "COMPOSE_EXPERIMENTAL_OCI_REMOTE": "0"})
    theirs = subprocess.run([reference_compose, "-f", f"oci://{ref}", "config"], cwd=elsewhere,
                            capture_output=True, text=True, env={**ENV, "COMPOSE_EXPERIMENTAL_OCI_REMOTE": "0"})
    assert (disabled.returncode, disabled.stderr) == (theirs.returncode, theirs.stderr)
    assert 'OCI remote resource is disabled by "COMPOSE_EXPERIMENTAL_OCI_REMOTE"' in disabled.stderr


def test_f_oci_brings_the_application_up(space, tmp_path_factory):
    from engine_cleanup import remove_project_resources

    registry, prefix, directory = space
    ref = f"{registry}/{prefix}/up:1"
    assert pycompose("publish", "--with-env", "-y", ref, cwd=directory).returncode == 0
    cache = tmp_path_factory.mktemp("cache")
    env = {**ENV, "XDG_CACHE_HOME": str(cache)}
    try:
        up = subprocess.run([sys.executable, "-m", "pycompose", "-p", prefix, "-f", f"oci://{ref}", "up", "-d"],
                            cwd=directory, capture_output=True, text=True, timeout=180, env=env)
        assert up.returncode == 0, up.stderr
        printed = subprocess.run(["docker", "exec", f"{prefix}-web-1", "sh", "-c", "echo $B"], capture_output=True,
                                 text=True)
        assert printed.stdout == "two words\n"
    finally:
        remove_project_resources(prefix)


def _remote_stack_runs(command: list[str], ref: str, project: str, cwd: Path, cache: Path) -> list[tuple]:
    """`up -d` and `run` of the remote stack `ref` with no answer on stdin, `y` answered, and `-y`: exit code,
    stdout (the cache folder as CACHE, progress lines left out) and the container's command after each."""
    env = {**ENV, "XDG_CACHE_HOME": str(cache), "NAP": "300"}
    base = [*command, "-p", project, "-f", f"oci://{ref}"]
    outcomes = []
    for args, answer in ((("up", "-d"), ""), (("up", "-d"), "y\n"), (("up", "-d", "-y", "--force-recreate"), ""),
                         (("run", "--rm", "web", "true"), ""), (("run", "--rm", "web", "true"), "y\n")):
        done = subprocess.run([*base, *args], cwd=cwd, input=answer, capture_output=True, text=True, timeout=180,
                              env=env)
        text = "".join(line for line in done.stdout.replace(str(cache), "CACHE").splitlines(keepends=True)
                       if not line.startswith((" Container", " Network")))
        inspected = subprocess.run(["docker", "inspect", "-f", "{{json .Config.Cmd}}", f"{project}-web-1"],
                                   capture_output=True, text=True)
        outcomes.append((args, done.returncode, text, done.stderr.strip().splitlines()[-1:] if done.returncode
                         else [], inspected.stdout.strip()))
    return outcomes


def _remote_stack_outcomes(space, tmp_path_factory, tools: dict[str, list[str]]) -> dict[str, list[tuple]]:
    """A stack with two variables published by pycompose, then run by each tool in `tools` from another folder."""
    from engine_cleanup import remove_project_resources

    registry, prefix, directory = space
    (directory / "compose.override.yaml").unlink()
    (directory / "compose.yaml").write_text("services:\n  web:\n    image: ${IMG:-busybox:latest}\n    init: true\n"
                                            '    command: ["sleep", "${NAP:?need}"]\n')
    ref = f"{registry}/{prefix}/vars:1"
    published = subprocess.run([sys.executable, "-m", "pycompose", "publish", "-y", ref], cwd=directory,
                               capture_output=True, text=True, timeout=180, env={**ENV, "NAP": "100"})
    assert published.returncode == 0, published.stderr
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    results = {}
    for tool, command in tools.items():
        try:
            results[tool] = _remote_stack_runs(command, ref, prefix, elsewhere, tmp_path_factory.mktemp("cache"))
        finally:
            remove_project_resources(prefix)
    return results


def test_up_and_run_of_a_remote_stack_show_where_it_is_and_ask_about_its_variables(space, tmp_path_factory):
    """v2's checks before `up`/`run` of a `-f oci://` stack: the line that says where it is stored, the table of
    the variables the model interpolates (their values from the environment or the file's defaults), and the
    question, which an empty answer on a pipe refuses (`operation cancelled by user`, exit 1, nothing created)
    and `-y` skips."""
    ref = f"{space[0]}/{space[1]}/vars:1"
    outcomes = _remote_stack_outcomes(space, tmp_path_factory, {"pycompose": [sys.executable, "-m", "pycompose"]})
    refused, answered, assumed, run_refused, run_answered = outcomes["pycompose"]
    table = ("\nFound the following variables in configuration:\n"
             "VARIABLE   VALUE            SOURCE         REQUIRED   DEFAULT\n"
             "IMG        busybox:latest   compose file   no         busybox:latest\n"
             "NAP        300              environment    yes        \n"
             "\nDo you want to proceed with these variables? [Y/n]: ")
    assert refused[1] == 1 and refused[3] == ["operation cancelled by user"] and refused[4] == ""
    assert refused[2].startswith(f'Your compose stack "oci://{ref}" is stored in "CACHE/docker-compose/')
    assert refused[2].endswith(table)
    assert answered[1] == 0 and answered[2].endswith(table) and answered[4] == '["sleep","300"]'
    assert assumed[1] == 0 and "Found the following" not in assumed[2] and assumed[2].startswith("Your compose")
    assert run_refused[1] == 1 and run_refused[2].endswith(table)
    assert run_answered[1] == 0


@pytest.mark.reference
def test_up_and_run_of_a_remote_stack_as_v2(space, tmp_path_factory, reference_compose):
    """The same runs with v2: the same output, exit codes and containers."""
    outcomes = _remote_stack_outcomes(space, tmp_path_factory, {"pycompose": [sys.executable, "-m", "pycompose"],
                                                                "v2": [reference_compose]})
    assert outcomes["pycompose"] == outcomes["v2"]
