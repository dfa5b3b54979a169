"""providers: finding a provider program, its argv and environment, reading its JSON messages (v2 plugins.go)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from pycompose.errors import ProviderFailed
from pycompose.events import CollectingSink, Event
from pycompose.model import DependsOn, Project, Provider, Service
from pycompose.presentation.plain import plain_line
from pycompose.providers import command_line, find_program, run_provider, with_provider_environment

DB = Service(name="db", config={"provider": {}}, image="p-db",
             provider=Provider(type="fakeprov", options=(("size", ("small", "large")), ("tier", ("gold",)))))
WEB = Service(name="web", config={"image": "busybox", "environment": {"Z": "1"}}, image="busybox",
              depends_on=(DependsOn(service="db"),))
OTHER = Service(name="other", config={"image": "busybox"}, image="busybox")


def project(environment: dict | None = None) -> Project:
    return Project(name="proj", working_dir="/w", services=(DB, WEB, OTHER),
                   environment={"FROM_DOTENV": "1", "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND": "x",
                                **(environment or {})})


def program(folder: Path, name: str, body: str) -> Path:
    """A python script `name` in `folder` that records its argv and environment, then runs `body`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"#!{sys.executable}\n"
                    "import json, os, sys\n"
                    "if sys.argv[1:3] != ['compose', 'metadata']:\n"
                    "    with open(os.environ['RECORD'], 'w') as f: json.dump([sys.argv[1:], dict(os.environ)], f)\n"
                    + body)
    path.chmod(0o755)
    return path


def environ(tmp_path: Path, *folders: Path) -> dict:
    return {"PATH": os.pathsep.join(str(f) for f in folders), "DOCKER_CONFIG": str(tmp_path / "config")}


MESSAGES = """\
if sys.argv[1:3] == ['compose', 'metadata']:
    sys.exit(1)
print(json.dumps({"type": "info", "message": "provisioning"}), flush=True)
print(json.dumps({"type": "debug", "message": "not shown"}))
print(json.dumps({"type": "setenv", "message": "URL=tcp://x:1=2"}), json.dumps({"type": "setenv", "message": "T=a"}))
print("to stderr", file=sys.stderr)
"""


def test_a_cli_plugin_comes_before_the_program_on_path(tmp_path):
    on_path = program(tmp_path / "bin", "fakeprov", "")
    env = environ(tmp_path, tmp_path / "bin")
    assert find_program("fakeprov", env) == str(on_path)
    plugin = program(tmp_path / "config" / "cli-plugins", "docker-fakeprov", "")
    assert find_program("fakeprov", env) == str(plugin)


def test_missing_programs_fail_with_gos_words(tmp_path, monkeypatch):
    with pytest.raises(ProviderFailed, match=r'^exec: "nope": executable file not found in \$PATH$'):
        find_program("nope", environ(tmp_path, tmp_path))
    with pytest.raises(ProviderFailed, match="^'compose' is not a valid provider type$"):
        find_program("compose", environ(tmp_path, tmp_path))
    program(tmp_path / "rel", "fakeprov", "")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ProviderFailed, match="cannot run executable found relative to current directory"):
        find_program("fakeprov", {"PATH": "rel", "DOCKER_CONFIG": str(tmp_path / "config")})


def test_argv_has_one_flag_per_value_and_the_service_last():
    assert command_line("/bin/p", "proj", DB, "up", {}) == [
        "/bin/p", "compose", "--project-name=proj", "up", "--size=small", "--size=large", "--tier=gold", "db"]


def test_metadata_keeps_the_declared_options_and_requires_the_required_ones():
    metadata = {"description": "d", "up": {"parameters": [{"name": "tier", "required": True}]},
                "down": {"parameters": []}}
    assert command_line("/bin/p", "proj", DB, "up", metadata)[4:] == ["--tier=gold", "db"]
    assert command_line("/bin/p", "proj", DB, "down", metadata)[4:] == ["db"]
    metadata["up"]["parameters"].append({"name": "region", "required": True})
    with pytest.raises(ProviderFailed, match='^required parameter "region" is missing from provider "fakeprov" '
                                             'definition$'):
        command_line("/bin/p", "proj", DB, "up", metadata)


def test_run_shows_progress_and_returns_the_variables(tmp_path):
    program(tmp_path / "bin", "fakeprov", MESSAGES)
    record = tmp_path / "record.json"
    sink = CollectingSink()
    variables = run_provider(project({"RECORD": str(record)}), DB, "up", sink, environ(tmp_path, tmp_path / "bin"))
    assert variables == {"URL": "tcp://x:1=2", "T": "a"}
    assert [(e.resource, e.name, e.status, e.detail) for e in sink.events] == [
        ("Provider", "db", "Creating", ""), ("Provider", "db", "Working", "provisioning"),
        ("Provider", "db", "Created", "")]
    argv, env = json.loads(record.read_text())
    assert argv == ["compose", "--project-name=proj", "up", "--size=small", "--size=large", "--tier=gold", "db"]
    assert env["COMPOSE_PROJECT_NAME"] == "proj" and env["FROM_DOTENV"] == "1"
    assert "DOCKER_CLI_PLUGIN_ORIGINAL_CLI_COMMAND" not in env


def test_down_says_removing_and_a_failure_is_the_exit_status(tmp_path):
    program(tmp_path / "bin", "fakeprov", "sys.exit(3)\n")
    sink = CollectingSink()
    with pytest.raises(ProviderFailed, match="^failed to remove service provider: exit status 3$"):
        run_provider(project({"RECORD": str(tmp_path / "r")}), DB, "down", sink, environ(tmp_path, tmp_path / "bin"))
    assert [(e.status, e.detail) for e in sink.events] == [("Removing", ""), ("Error", "exit status 3")]


def test_an_error_message_fails_with_the_message(tmp_path):
    program(tmp_path / "bin", "fakeprov",
            'print(json.dumps({"type": "error", "message": "no quota"}), flush=True)\nimport time; time.sleep(1)\n')
    sink = CollectingSink()
    with pytest.raises(ProviderFailed, match="^no quota$"):
        run_provider(project({"RECORD": str(tmp_path / "r")}), DB, "up", sink, environ(tmp_path, tmp_path / "bin"))
    assert [(e.status, e.detail) for e in sink.events] == [("Creating", ""), ("Error", "no quota")]


@pytest.mark.parametrize(("output", "message"), [
    ('{"type": "bogus", "message": "x"}', "invalid response from plugin: bogus"),
    ('{"type": "setenv", "message": "NOEQUALS"}', "invalid response from plugin: NOEQUALS"),
    ('{"type": "info", "message": "a\nb"}', r"invalid character '\n' in string literal"),
    ("hello", "invalid character 'h' looking for beginning of value"),
])
def test_answers_v2_cannot_read(tmp_path, output, message):
    program(tmp_path / "bin", "fakeprov", f"sys.stdout.write({output!r} + '\\n')\n")
    with pytest.raises(ProviderFailed) as failure:
        run_provider(project({"RECORD": str(tmp_path / "r")}), DB, "up", CollectingSink(),
                     environ(tmp_path, tmp_path / "bin"))
    assert str(failure.value) == message


def test_metadata_is_saved_in_the_docker_config_dir(tmp_path):
    answer = {"description": "fake", "up": {"parameters": [{"name": "size"}]}, "down": {"parameters": []}}
    program(tmp_path / "bin", "fakeprov",
            f"if sys.argv[1:3] == ['compose', 'metadata']:\n    print(json.dumps({answer!r}))\n")
    record = tmp_path / "record.json"
    run_provider(project({"RECORD": str(record)}), DB, "up", CollectingSink(), environ(tmp_path, tmp_path / "bin"))
    assert json.loads(record.read_text())[0][2:] == ["up", "--size=small", "--size=large", "db"]
    assert json.loads((tmp_path / "config" / "compose" / "providers" / "fakeprov.json").read_text()) == answer


def test_variables_go_to_the_dependents_prefixed_and_sorted():
    changed = with_provider_environment(project(), "db", {"URL": "u", "A": "b"})
    assert changed.service("web").config["environment"] == {"DB_A": "b", "DB_URL": "u", "Z": "1"}
    assert list(changed.service("web").config["environment"]) == ["DB_A", "DB_URL", "Z"]
    assert changed.service("other") == OTHER and changed.service("db") == DB
    assert with_provider_environment(project(), "db", {}) == project()


def test_plain_progress_names_the_service_alone():
    assert plain_line(Event("Provider", "db", "Creating", named_alone=True)) == " db  Creating"
    assert plain_line(Event("Provider", "db", "Working", "provisioning", named_alone=True)) == " db  provisioning"
    assert plain_line(Event("Provider", "db", "Error", "exit status 1", named_alone=True)) == " db  exit status 1"
