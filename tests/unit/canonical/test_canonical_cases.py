"""Golden cases: canonicalize(yaml.safe_load(compose.yaml)) must print exactly what docker-compose v2.40.3 printed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pycompose.loader.canonical import CanonicalContext, canonicalize
from pycompose.render.config_output import render_model

CASES = Path(__file__).resolve().parent / "cases"
ENVIRONMENT = {"HOME": "/home/user", "B": "bb"}


def _read_env_file(case: Path):
    def read(path: str) -> dict[str, str]:
        real = Path(path.replace("/PROJECT", str(case), 1))
        values: dict[str, str] = {}
        for line in real.read_text().splitlines():
            line = line.strip()
            if line and not line.startswith("#") and "=" in line:
                key, _, value = line.partition("=")
                values[key.strip()] = value.strip()
        return values

    return read


def _interpolate_plain(text: str) -> str:
    """Test stand-in for interpolation: the cases only use `${VAR}` (unset → empty); `$$` stays, as v2 prints it."""
    return re.sub(r"\$\{(\w+)\}", lambda m: ENVIRONMENT.get(m.group(1), ""), text)


def _cases() -> list[Path]:
    return sorted(p for p in CASES.iterdir() if (p / "expected.json").exists())


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_case_matches_reference(case: Path) -> None:
    source = (case / "compose.yaml").read_text()
    merged = yaml.safe_load(_interpolate_plain(source))
    flags = (case / "flags.txt").read_text().split() if (case / "flags.txt").exists() else []
    ctx = CanonicalContext(
        resolve_paths="--no-path-resolution" not in flags,
        project_name="test",
        working_dir="/PROJECT",
        environment=ENVIRONMENT,
        read_env_file=_read_env_file(case),
        home_dir="/home/user",
    )
    expected = (case / "expected.json").read_text()
    document = dict(canonicalize(merged, ctx))
    # the document `config --format json` prints: models, env and label files left out, the `x-*` keys of
    # services, networks… too (Go structs keep them under `json:"-"`; the model keeps them for the YAML output)
    assert render_model(document, "json", escape_dollars=False).rstrip("\n") == expected.rstrip("\n")
