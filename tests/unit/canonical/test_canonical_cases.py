"""Golden cases: canonicalize(yaml.safe_load(compose.yaml)) must print exactly what docker-compose v2.40.3 printed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from pycompose.loader.canonical import CanonicalContext, canonicalize

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
    assert _go_json(canonicalize(merged, ctx)) == expected


def _go_json(document: dict) -> str:
    """Indented JSON as Go's encoder writes it: the project's renderer, or a stand-in while it is not there."""
    try:
        from pycompose.render.gojson import dumps
    except ImportError:
        dumps = None
    if dumps is not None:
        return dumps(document, indent=2)
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
