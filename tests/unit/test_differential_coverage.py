"""The differential suite (tests/differential/scenarios) keeps covering the whole file format and command line: every
key our schema accepts for a service, a network, a volume, a config, a secret and at the top level appears in some
scenario's compose file, and every pycompose command runs in some scenario's steps. A key or command added
without a scenario fails here, naming it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import yaml

SCENARIOS = Path(__file__).resolve().parents[1] / "differential" / "scenarios"
SCHEMA = Path(__file__).resolve().parents[2] / "pycompose" / "schema" / "compose-spec.json"

# Commands a scenario cannot run: a step must end, and `events` streams until interrupted (its one ending form,
# `--until`, ends with v2's exit code 1, a deliberate difference); `stack` is ours (docker stack deploy).
NOT_IN_SCENARIOS = {"events", "stack"}

# Global flags that take a value (the command is the first word after them).
_VALUED_FLAGS = {"-f", "--file", "-p", "--project-name", "--project-directory", "--profile", "--env-file",
                 "--progress", "--ansi", "--parallel"}


def _compose_files() -> list[dict]:
    documents = []
    for path in sorted(SCENARIOS.rglob("*")):
        if path.suffix not in (".yaml", ".yml") or not path.is_file():
            continue
        try:
            document = yaml.safe_load(path.read_text())
        except yaml.YAMLError:
            continue  # a scenario about a file v2 refuses to parse
        if isinstance(document, dict):
            documents.append(document)
    return documents


def _keys_used(section: str) -> set[str]:
    used: set[str] = set()
    for document in _compose_files():
        entries = document.get(section)
        if isinstance(entries, dict):
            for entry in entries.values():
                if isinstance(entry, dict):
                    used.update(entry)
    return used


def _schema() -> dict:
    return json.loads(SCHEMA.read_text())


def _accepted(definition: str) -> set[str]:
    return set(_schema()["$defs"][definition]["properties"])


def test_the_scenarios_are_there():
    assert len(list(SCENARIOS.glob("*/steps"))) >= 90


def test_every_service_key_is_in_a_scenario():
    assert sorted(_accepted("service") - _keys_used("services")) == []


def test_every_network_volume_config_and_secret_key_is_in_a_scenario():
    missing = {section: sorted(_accepted(definition) - _keys_used(section))
               for section, definition in (("networks", "network"), ("volumes", "volume"),
                                           ("configs", "config"), ("secrets", "secret"))}
    assert missing == {"networks": [], "volumes": [], "configs": [], "secrets": []}


def test_every_top_level_key_is_in_a_scenario():
    used = set().union(*(document.keys() for document in _compose_files()))
    assert sorted(set(_schema()["properties"]) - used) == []


def _commands_in_steps() -> set[str]:
    commands = set()
    for steps in SCENARIOS.glob("*/steps"):
        for line in steps.read_text().splitlines():
            line = line.strip()
            if not line or line.startswith(("#", "@")):
                continue
            words = shlex.split(line, comments=True)
            taking_value = False
            for word in words:
                if taking_value:
                    taking_value = False
                elif word.startswith("-"):
                    taking_value = word in _VALUED_FLAGS
                else:
                    commands.add(word)
                    break
    return commands


def test_every_command_runs_in_a_scenario():
    import click

    from pycompose.cli.app import build_command

    group = build_command()
    ours = set(group.list_commands(click.Context(group)))
    assert sorted(ours - NOT_IN_SCENARIOS - _commands_in_steps()) == []
    assert NOT_IN_SCENARIOS <= ours  # the exceptions name real commands
