"""v2's refusals and questions before publishing, and the reference parser."""

from __future__ import annotations

import pytest

from pycompose.errors import UsageError
from pycompose.publish import checks, reference


def test_build_only_services_are_refused_with_v2s_message():
    with pytest.raises(checks.PublishRefused) as refused:
        checks.check_build_only({"a": {"build": {"context": "."}}, "b": {"build": {"context": "."}, "image": "x"},
                                 "c": {"image": "y"}, "d": {"build": {"context": "d"}}})
    assert str(refused.value) == ('your Compose stack cannot be published as it only contains a build section for '
                                  'service(s):\n- "a"\n- "d"\n')
    checks.check_build_only({"b": {"build": {"context": "."}, "image": "x"}})


def test_environment_without_with_env_is_refused():
    services = {"serviceB": {"environment": {"BAR": "baz"}}, "serviceA": {"environment": {"FOO": "bar"}},
                "quiet": {}}
    with pytest.raises(checks.PublishRefused) as refused:
        checks.environment_variables(services, ["serviceB"], {"cfg": {"environment": "VAR"}}, with_env=False)
    assert str(refused.value) == (
        'config "cfg" is declare as an environment variable.\n'
        'service "serviceA" has environment variable(s) declared.\n'
        'service "serviceB" has env_file declared.\n'
        'service "serviceB" has environment variable(s) declared.\n'
        "To avoid leaking sensitive data, you must either explicitly allow the sending of environment variables by "
        "using the --with-env flag,\nor remove sensitive data from your Compose configuration")


def test_environment_with_env_is_a_question():
    variables = checks.environment_variables({"serviceA": {"environment": {"FOO": "bar", "QUIX": None}}}, [], {},
                                             with_env=True)
    assert checks.environment_question(variables) == (
        "you are about to publish environment variables within your OCI artifact.\n"
        "please double check that you are not leaking sensitive data\n"
        "Service/Config  serviceA\nFOO=bar\nQUIX=\nAre you ok to publish these environment variables?")
    assert checks.environment_variables({"a": {}}, [], {}, with_env=False) == {}


def test_bind_mounts_are_listed_as_v2_lists_them():
    services = {"web": {"volumes": [
        {"type": "bind", "source": "/tmp/pbx/p2/data", "target": "/data", "bind": {"create_host_path": True}},
        {"type": "bind", "source": "/etc", "target": "/e", "read_only": True, "bind": {"propagation": "shared"}},
        {"type": "volume", "source": "v", "target": "/v"}]}, "db": {}}
    found = checks.bind_mounts(services)
    assert found == {"web": ["/tmp/pbx/p2/data:/data:rw", "/etc:/e:ro,shared"]}
    assert checks.bind_mounts_question(found) == (
        "you are about to publish bind mounts declaration within your OCI artifact.\n"
        "only the bind mount declarations will be added to the OCI artifact (not content)\n"
        "please double check that you are not mounting potential user's sensitive directories or data\n"
        "web/tmp/pbx/p2/data:/data:rw\n/etc:/e:ro,shared\nAre you ok to publish these bind mount declarations?")


JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIy"
       "fQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw")


def test_secrets_in_a_compose_file_are_found_with_their_key():
    text = ("services:\n  serviceA:\n    image: alpine\n    environment:\n"
            "      AWS_ACCESS_KEY_ID: A3TX1234567890ABCDEF\n      PLAIN: hello\n")
    found = checks.scan_file(text, "yaml")
    assert found == [checks.Secret("AWS Client ID", "services.serviceA.environment.AWS_ACCESS_KEY_ID",
                                   "A3TX1234567890ABCDEF")]
    assert "AWS Client ID\n\"services.serviceA.environment.AWS_ACCESS_KEY_ID\": A3TX1234567890ABCDEF\n" in \
        checks.sensitive_question(found)


def test_secrets_in_env_files_and_free_text():
    found = checks.scan_file("GITHUB_TOKEN=ghp_1234567890abcdefghijklmnopqrstuvwxyz\nOTHER=1\n", "env")
    assert found == [checks.Secret("Github authentication", "GITHUB_TOKEN", "ghp_1234567890abcdefghijklmnopqrstuvwxyz")]
    key = "-----BEGIN DSA PRIVATE KEY-----\nwxyz+ABC=\n-----END DSA PRIVATE KEY-----"
    kinds = {(s.kind, s.value) for s in checks.scan_file(f"{JWT}\n{key}\n", "text")}
    assert ("JSON Web Token", JWT) in kinds and ("Private Key", key) in kinds
    assert checks.scan_file("nothing to see here\n", "text") == []
    assert checks.scan_file("eyJhbGciOi.eyJzdWIi", "text") == []  # not base64 JSON: not a token


@pytest.mark.parametrize(("text", "expected"), [
    ("busybox", "docker.io/library/busybox:latest"),
    ("user/app:1", "docker.io/user/app:1"),
    ("127.0.0.1:5055/pb/app:v1", "127.0.0.1:5055/pb/app:v1"),
    ("localhost/app", "localhost/app:latest"),
    ("reg.io/a/b@sha256:" + "a" * 64, "reg.io/a/b@sha256:" + "a" * 64),
])
def test_references_are_normalised(text, expected):
    assert str(reference.parse(text)) == expected


@pytest.mark.parametrize("text", ["", "UPPER", "a/b:", "a:b:c", "a@sha256:xyz", "-a"])
def test_invalid_references_are_refused(text):
    with pytest.raises(UsageError, match="invalid reference format"):
        reference.parse(text)


def test_registry_host_and_auth_key():
    assert reference.parse("busybox").registry_host == "registry-1.docker.io"
    assert reference.parse("busybox").auth_key == "https://index.docker.io/v1/"
    assert reference.parse("127.0.0.1:5/a").auth_key == "127.0.0.1:5"
