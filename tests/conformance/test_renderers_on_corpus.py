"""The renderers alone on the corpus: v2's own JSON output, parsed back into the canonical dict, must
render to v2's JSON and YAML bytes again (independent of the loader; needs only expected/)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycompose.render import gojson, goyaml

HERE = Path(__file__).resolve().parent
ACCEPTED = [
    path for path in sorted(HERE.glob("expected/*.json")) if json.loads(path.read_text())["json"]["exit"] == 0
]
# any absolute path of plain characters quotes like the corpus root did when v2 ran
ROOT = "/work/shared/corpus"


def _unescape(value):
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, dict):
        return {_unescape(key): _unescape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    return value


def test_corpus_expectations_exist():
    assert len(ACCEPTED) >= 60


@pytest.mark.parametrize("path", ACCEPTED, ids=[path.stem for path in ACCEPTED])
def test_v2_json_renders_back_to_v2_bytes(path):
    case = json.loads(path.read_text())
    config = _unescape(json.loads(case["json"]["stdout"].replace("{CORPUS}", ROOT)))

    def normalised(text: str) -> str:
        return text.replace("$", "$$").replace(ROOT, "{CORPUS}")

    assert normalised(gojson.dumps(goyaml.json_document(config), indent=2)) == case["json"]["stdout"]
    assert normalised(goyaml.dumps_config(config)) == case["yaml"]["stdout"]
