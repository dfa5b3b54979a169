"""The command line itself: entry points, `compose` prefix, version, help without heavy imports."""

from __future__ import annotations

import json
import subprocess
import sys

from pycompose import __version__
from pycompose.cli.main import run


def test_version_forms(capsys):
    assert run(["version", "--short"]) == 0
    assert capsys.readouterr().out == f"{__version__}\n"
    assert run(["version", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["version"] == f"v{__version__}"
    for flag in ("--version", "-v"):  # alone, as the standalone `docker-compose --version` (it was "Missing command")
        assert run([flag]) == 0
        assert capsys.readouterr().out == f"pycompose version v{__version__}\n"


def test_compose_prefix_is_accepted():
    out = subprocess.run(
        [sys.executable, "-m", "pycompose", "compose", "version", "--short"], capture_output=True, text=True
    )
    assert out.returncode == 0
    assert out.stdout.strip() == __version__


def test_unknown_command_is_a_usage_error_without_traceback():  # exit 1, as v2 (cobra); click says 2
    out = subprocess.run([sys.executable, "-m", "pycompose", "nosuchcommand"], capture_output=True, text=True)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "nosuchcommand" in out.stderr


def test_help_imports_no_heavy_package():
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "pycompose", "--help"], capture_output=True, text=True
    )
    assert out.returncode == 0
    imported = {line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if "|" in line}
    heavy = imported & {"docker", "networkx", "jsonschema", "rich"}
    assert not heavy, heavy
    assert "Usage:" in out.stdout


def test_import_pycompose_is_light():
    code = (
        "import sys, pycompose, pycompose.errors; "
        "print(sorted(m for m in ('docker','networkx','jsonschema','rich','yaml','typer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_an_error_under_json_progress_is_a_json_line_as_in_v2(tmp_path, monkeypatch, capsys):
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: busybox\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COMPOSE_PROGRESS", raising=False)
    assert run(["--progress", "json", "config", "a<b"]) != 0
    assert json.loads(capsys.readouterr().err) == {"error": True, "message": "no such service: a<b"}
    monkeypatch.setenv("COMPOSE_PROGRESS", "json")
    assert run(["config", "nosuch"]) != 0
    assert capsys.readouterr().err == '{"error":true,"message":"no such service: nosuch"}\n'
    monkeypatch.delenv("COMPOSE_PROGRESS")
    assert run(["config", "nosuch"]) != 0
    assert capsys.readouterr().err == "no such service: nosuch\n"
