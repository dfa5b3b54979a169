"""Hostile input on the command line (issue #11 item 5): one line naming the file (line, key where there is one),
exit 1, no traceback, bounded time and memory. Messages measured on v2.40.3 where v2 has one."""

from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from pycompose.cli import main

SERVICE = "services:\n  a:\n    image: busybox\n"


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    """Run the CLI in-process in `tmp_path`, with no COMPOSE_*/DOCKER_* variable but those given."""
    monkeypatch.chdir(tmp_path)
    for key in list(os.environ):
        if key.startswith(("COMPOSE_", "DOCKER_")):
            monkeypatch.delenv(key)
    monkeypatch.setattr(main, "_report_bug", _no_bug)

    def invoke(*args: str, **environ: str) -> tuple[int, str]:
        for key, value in environ.items():
            monkeypatch.setenv(key, value)
        code = main.run(list(args))
        err = capsys.readouterr().err
        assert "Traceback" not in err
        return code, err.strip()

    return invoke


def _no_bug(error: BaseException, **_: object) -> int:
    raise AssertionError("the CLI reported a bug") from error


def test_a_compose_file_that_is_a_directory(run, tmp_path):
    (tmp_path / "adir").mkdir()
    assert run("-f", "adir", "config", "-q") == (1, f"read {tmp_path / 'adir'}: is a directory")


def test_an_empty_compose_file(run, tmp_path):
    (tmp_path / "empty.yaml").write_text("")
    assert run("-f", "empty.yaml", "config", "-q") == (1, f"{tmp_path / 'empty.yaml'}: empty compose file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without permissions")
def test_an_unreadable_compose_file(run, tmp_path):
    path = tmp_path / "compose.yaml"
    path.write_text(SERVICE)
    path.chmod(0)
    assert run("config", "-q") == (1, f"open {path}: permission denied")


def test_a_binary_compose_file(run, tmp_path):
    (tmp_path / "compose.yaml").write_bytes(bytes(range(256)) * 4)
    code, err = run("config", "-q")
    assert code == 1 and err.startswith(f"{tmp_path / 'compose.yaml'}: ") and "\n" not in err


@pytest.mark.parametrize("text", ["a: " + "[" * 100_000 + "]" * 100_000 + "\n",
                                  "x:\n" + "".join("  " * i + f"k{i}:\n" for i in range(3000))])
def test_deep_nesting_is_refused_quickly_with_the_line(run, tmp_path, text):
    (tmp_path / "compose.yaml").write_text(text)
    start = time.monotonic()
    code, err = run("config", "-q")
    assert time.monotonic() - start < 10
    assert code == 1 and "exceeded max depth" in err and err.startswith(f"{tmp_path / 'compose.yaml'}:")


def test_a_50_mb_compose_file_loads_in_bounded_memory(run, tmp_path):
    (tmp_path / "compose.yaml").write_text(SERVICE + "    labels:\n      big: \"" + "a" * 50_000_000 + "\"\n")
    tracemalloc.start()
    try:
        code, err = run("config", "-q")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (code, err) == (0, "")
    assert peak < 600_000_000  # about 4 times the file: the text, its YAML scalar, the canonical copy


def test_env_files_with_invalid_bytes(run, tmp_path):
    (tmp_path / "compose.yaml").write_text(SERVICE + "    environment:\n      V: ${A}\n")
    (tmp_path / ".env").write_bytes(b"A=\xff\xfe\nB=ok\n")
    assert run("config", "-q") == (0, "")  # as v2: the value keeps them
    (tmp_path / ".env").write_bytes(b"\xff=1\n")
    code, err = run("config", "-q")
    assert code == 1 and err.startswith(f"failed to read {tmp_path / '.env'}: line 1: unexpected character")


@pytest.mark.parametrize(("value", "message"), [
    ("", "read {dir}: is a directory"),  # v2 keeps the empty part: the working directory
    (":::", "read {dir}: is a directory"),
    ("compose.yaml:", "read {dir}: is a directory"),
    ("missing.yaml", "stat {dir}/missing.yaml: no such file or directory"),
    ("compose.yaml:missing.yaml", "stat {dir}/missing.yaml: no such file or directory"),
])
def test_odd_compose_file_values_as_v2(run, tmp_path, value, message):
    (tmp_path / "compose.yaml").write_text(SERVICE)
    assert run("config", "-q", COMPOSE_FILE=value) == (1, message.format(dir=tmp_path))


@pytest.mark.parametrize("value", ["Upper", " ", "-x", "café", "a.b", "x" * 300 + "!"])
def test_odd_project_names_are_refused_with_v2s_message(run, tmp_path, value):
    (tmp_path / "compose.yaml").write_text(SERVICE)
    expected = (1, f'invalid project name "{value}": must consist only of lowercase alphanumeric characters, '
                   "hyphens, and underscores as well as start with a letter or number")
    assert run("config", "-q", COMPOSE_PROJECT_NAME=value) == expected
    assert run("-p", value, "config", "-q") == expected


def test_odd_profiles_select_nothing_and_fail_nothing(run, tmp_path):
    (tmp_path / "compose.yaml").write_text(SERVICE + "    profiles: [p]\n  b:\n    image: busybox\n")
    for value in (",,,", " p ", "\u00e9", "p,,p"):
        code, _ = run("config", "--services", COMPOSE_PROFILES=value)
        assert code == 0


def test_a_name_that_normalises_to_nothing(run, tmp_path):
    (tmp_path / "compose.yaml").write_text('name: "!!!"\n' + SERVICE)
    assert run("config", "-q") == (1, "project name must not be empty")


@pytest.mark.parametrize("name", ["my service", "café"])
def test_service_names_the_engine_rejects_are_refused_at_load(run, tmp_path, name):
    (tmp_path / "compose.yaml").write_text(f'services:\n  "{name}":\n    image: busybox\n')
    code, err = run("config", "-q")
    assert code == 1 and err.startswith(f"{tmp_path / 'compose.yaml'}:2:3: services: '{name}' is not a valid name")


def test_a_container_name_the_engine_rejects_is_refused_before_any_engine_call(run, tmp_path, monkeypatch):
    """v2 sends it and reports the engine's refusal; we refuse it with the same words before the engine is asked."""
    (tmp_path / "compose.yaml").write_text(SERVICE + '    container_name: "bad name"\n')
    from pycompose.engine import dockerpy

    def no_engine(*_: object, **__: object) -> None:
        raise AssertionError("the engine was asked")

    monkeypatch.setattr(dockerpy, "DockerEngine", no_engine)
    assert run("-p", "pc-hostile", "up", "-d") == (
        1, "services.a.container_name: Invalid container name (bad name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed")


def test_labels_with_an_empty_key_are_refused_with_the_line(run, tmp_path):
    (tmp_path / "compose.yaml").write_text(SERVICE + '    labels:\n      "": x\n')
    assert run("config", "-q") == (1, f"{tmp_path / 'compose.yaml'}:5:7: services.a.labels: empty key not allowed")


def test_project_directory_that_is_a_file_or_missing(run, tmp_path):
    Path(tmp_path / "file").write_text("x")
    for directory in ("file", "missing"):
        code, err = run("--project-directory", directory, "config", "-q")
        assert code == 1 and err == "no configuration file provided: not found"
