"""`pycompose config`: flags and output, with the loader replaced by golden v2 output (no engine, no binary).

The canonical project is the one v2.40.3 printed for tests/unit/render/cases/services_full; expected lines
were measured with `docker-compose config` on the same project.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycompose.cli.main import run
from pycompose.loader.options import LoadedProject

GOLDEN = Path(__file__).resolve().parents[1] / "render" / "golden"


def _unescape(value):
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, dict):
        return {_unescape(k): _unescape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    return value


@pytest.fixture
def loaded(monkeypatch):
    """Replace load_project; record the options each call asked for."""
    calls = []
    config = _unescape(json.loads((GOLDEN / "services_full.json").read_text()))

    def fake_load_project(options):
        calls.append(options)
        return LoadedProject(
            name=config["name"],
            working_dir="/tmp/pycompose-golden/services_full",
            config_files=("/tmp/pycompose-golden/services_full/compose.yaml",),
            env_files=(),
            environment={"HOME": "/root", "PATH": "/bin"},
            config=config,
            disabled_services={"profiled": {"image": "busybox", "profiles": ["debug"]}},
            warnings=(),
        )

    import pycompose.loader.project as project

    monkeypatch.setattr(project, "load_project", fake_load_project)
    return calls


def _only_config_command():
    """The real root callback with only the config command (other commands' state does not matter here)."""
    import typer

    from pycompose.cli import app as app_module
    from pycompose.cli.commands import config as config_command

    app = typer.Typer(name="pycompose", pretty_exceptions_enable=False, rich_markup_mode=None)
    app.callback()(app_module._root)
    config_command.register(app)
    return typer.main.get_command(app)


@pytest.fixture(autouse=True)
def _isolated_app(monkeypatch):
    import pycompose.cli.app as app_module

    monkeypatch.setattr(app_module, "build_command", _only_config_command)


def _run(capsys, *args):
    code = run(["config", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_default_output_is_v2_yaml(loaded, capsys):
    code, out, _ = _run(capsys)
    assert code == 0
    assert out == (GOLDEN / "services_full.yaml").read_text()
    assert loaded[0].interpolate and loaded[0].resolve_env_files


def test_json_format_is_v2_json(loaded, capsys):
    code, out, _ = _run(capsys, "--format", "json")
    assert code == 0
    assert out == (GOLDEN / "services_full.json").read_text()


def test_unknown_format_is_an_error(loaded, capsys):
    code, out, err = _run(capsys, "--format", "toml")
    assert code == 1 and out == ""
    assert err == 'unsupported format "toml"\n'


def test_quiet_prints_nothing(loaded, capsys):
    assert _run(capsys, "-q") == (0, "", "")


def test_output_file(loaded, capsys, tmp_path):
    target = tmp_path / "out.json"
    code, out, _ = _run(capsys, "--format", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert target.read_text() == (GOLDEN / "services_full.json").read_text()


def test_services_are_listed_dependencies_first(loaded, capsys):
    code, out, _ = _run(capsys, "--services")
    assert out.splitlines() == ["full", "other"]
    assert loaded[0].resolve_env_files is False


def test_volumes_networks_profiles_images(loaded, capsys):
    assert _run(capsys, "--volumes")[1] == "named\n"
    assert _run(capsys, "--networks")[1] == "back\nfront\n"
    assert _run(capsys, "--profiles")[1] == "debug\n"
    assert _run(capsys, "--images")[1] == "busybox\nbusybox\n"


def test_hash_lines_match_v2(loaded, capsys):
    expected = (GOLDEN / "services_full.hash").read_text()
    assert _run(capsys, "--hash", "*")[1] == expected
    assert _run(capsys, "--hash", "other,full")[1] == expected


def test_hash_of_an_unknown_service(loaded, capsys):
    code, out, err = _run(capsys, "--hash", "nope")
    assert code == 1 and err == "no such service: nope: not found\n"
    # v2 prints the lines before the unknown name, then fails
    code, out, err = _run(capsys, "--hash", "full,zzz")
    assert code == 1 and out.startswith("full ") and err == "no such service: zzz: not found\n"


def test_environment_adds_project_name_and_pwd(loaded, capsys, monkeypatch):
    monkeypatch.chdir("/")
    out = _run(capsys, "--environment")[1]
    assert out == "COMPOSE_PROJECT_NAME=services_full\nHOME=/root\nPATH=/bin\nPWD=/\n"


def test_positional_services_and_flags_reach_the_loader(loaded, capsys):
    _run(capsys, "--no-interpolate", "--no-path-resolution", "--no-consistency", "--no-env-resolution", "full")
    options = loaded[0]
    assert options.services == ("full",)
    assert not options.interpolate and not options.resolve_paths and not options.consistency
    assert not options.resolve_env_files and options.normalize


def test_no_interpolate_sorts_every_key_and_keeps_dollars(loaded, capsys):
    out = _run(capsys, "--no-interpolate", "--format", "json")[1]
    document = json.loads(out)
    assert list(document) == sorted(document)
    assert list(document["services"]["full"]) == sorted(document["services"]["full"])


# `docker-compose config --variables [--format json|yaml]` (v2.40.3) on a service with
# image "busybox:${TAG:-latest}" and environment A: ${REQ:?need it},
# B: $$ESC and $NAMED ${ALT:+yes} ${NESTED:-${INNER:-x}}, C: "${LONGNAME_VARIABLE_HERE-d}"
# (table rows sorted: v2 prints them in Go map order)
VARIABLES_MODEL = {
    "services": {
        "s": {
            "image": "busybox:${TAG:-latest}",
            "environment": {
                "A": "${REQ:?need it}",
                "B": "$$ESC and $NAMED ${ALT:+yes} ${NESTED:-${INNER:-x}}",
                "C": "${LONGNAME_VARIABLE_HERE-d}",
            },
        }
    }
}
VARIABLES_TABLE = (
    'NAME                     REQUIRED            DEFAULT VALUE       ALTERNATE VALUE\n'
    'ALT                      false                                   yes\n'
    'INNER                    false               x                   \n'
    'LONGNAME_VARIABLE_HERE   false               d                   \n'
    'NAMED                    false                                   \n'
    'NESTED                   false               ${INNER:-x}         \n'
    'REQ                      true                                    \n'
    'TAG                      false               latest              \n'
)
VARIABLES_JSON = (
    '{\n'
    '    "ALT": {\n'
    '        "Name": "ALT",\n'
    '        "DefaultValue": "",\n'
    '        "PresenceValue": "yes",\n'
    '        "Required": false\n'
    '    },\n'
    '    "INNER": {\n'
    '        "Name": "INNER",\n'
    '        "DefaultValue": "x",\n'
    '        "PresenceValue": "",\n'
    '        "Required": false\n'
    '    },\n'
    '    "LONGNAME_VARIABLE_HERE": {\n'
    '        "Name": "LONGNAME_VARIABLE_HERE",\n'
    '        "DefaultValue": "d",\n'
    '        "PresenceValue": "",\n'
    '        "Required": false\n'
    '    },\n'
    '    "NAMED": {\n'
    '        "Name": "NAMED",\n'
    '        "DefaultValue": "",\n'
    '        "PresenceValue": "",\n'
    '        "Required": false\n'
    '    },\n'
    '    "NESTED": {\n'
    '        "Name": "NESTED",\n'
    '        "DefaultValue": "${INNER:-x}",\n'
    '        "PresenceValue": "",\n'
    '        "Required": false\n'
    '    },\n'
    '    "REQ": {\n'
    '        "Name": "REQ",\n'
    '        "DefaultValue": "",\n'
    '        "PresenceValue": "",\n'
    '        "Required": true\n'
    '    },\n'
    '    "TAG": {\n'
    '        "Name": "TAG",\n'
    '        "DefaultValue": "latest",\n'
    '        "PresenceValue": "",\n'
    '        "Required": false\n'
    '    }\n'
    '}\n'
    '\n'
)
VARIABLES_YAML = (
    'ALT:\n'
    '    name: ALT\n'
    '    defaultvalue: ""\n'
    '    presencevalue: "yes"\n'
    '    required: false\n'
    'INNER:\n'
    '    name: INNER\n'
    '    defaultvalue: x\n'
    '    presencevalue: ""\n'
    '    required: false\n'
    'LONGNAME_VARIABLE_HERE:\n'
    '    name: LONGNAME_VARIABLE_HERE\n'
    '    defaultvalue: d\n'
    '    presencevalue: ""\n'
    '    required: false\n'
    'NAMED:\n'
    '    name: NAMED\n'
    '    defaultvalue: ""\n'
    '    presencevalue: ""\n'
    '    required: false\n'
    'NESTED:\n'
    '    name: NESTED\n'
    '    defaultvalue: ${INNER:-x}\n'
    '    presencevalue: ""\n'
    '    required: false\n'
    'REQ:\n'
    '    name: REQ\n'
    '    defaultvalue: ""\n'
    '    presencevalue: ""\n'
    '    required: true\n'
    'TAG:\n'
    '    name: TAG\n'
    '    defaultvalue: latest\n'
    '    presencevalue: ""\n'
    '    required: false\n'
)


@pytest.mark.parametrize(
    ("fmt", "expected"), [("table", VARIABLES_TABLE), ("json", VARIABLES_JSON), ("yaml", VARIABLES_YAML)]
)
def test_variables_output_matches_v2(fmt, expected):
    from pycompose.loader.variables import extract_variables
    from pycompose.render.config_output import render_variables

    assert render_variables(extract_variables(VARIABLES_MODEL), fmt) == expected
