"""The renderers and the config hash against outputs of Docker Compose v2.40.3 (golden/, see generate_golden.py).

Each golden JSON is parsed back into the canonical JSON-form dict (undoing v2's `$` → `$$` escaping), then
rendered again with gojson and goyaml; both must reproduce v2's bytes exactly. Hashes are recomputed from
the same dicts and compared with `config --hash '*'`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pycompose import hashing
from pycompose.render import gojson, goyaml

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = sorted(path.stem for path in GOLDEN.glob("*.json") if not path.stem.endswith(".noenv"))


def _unescape(value):
    if isinstance(value, str):
        return value.replace("$$", "$")
    if isinstance(value, dict):
        return {_unescape(key): _unescape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    return value


# `x-*` keys of services, ports, networks… are in v2's YAML but never in its JSON: the loader carries them
# in the canonical dict; here they are put back where the case's compose file declares them.
STRUCT_EXTENSIONS = {
    "extensions": [
        (("services", "e"), "x-svc", {"hello": "world"}),
        (("services", "e", "ports", 0), "x-port", "yes"),
        (("networks", "default"), "x-net", 1),
        (("x-top",), "empty_list", []),  # JSON shows null, YAML []
    ],
    "more_types": [(("services", "m"), "x-nested", [1, 2])],
    # top-level models are YAML-only too (compose-go's Project.MarshalJSON leaves them out)
    "models": [
        ((), "models", {"emb": {"model": "ai/embed", "runtime_flags": ["--a"]},
                        "llm": {"model": "ai/smollm2", "context_size": 1024}}),
    ],
}


def _config(case: str, *, with_extensions: bool = False, suffix: str = ".json") -> dict:
    config = _unescape(json.loads((GOLDEN / f"{case}{suffix}").read_text()))
    if with_extensions:
        for path, key, value in STRUCT_EXTENSIONS.get(case, []):
            target = config
            for part in path:
                target = target[part]
            target[key] = value
    return config


def test_there_are_golden_cases():
    assert len(CASES) >= 7


@pytest.mark.parametrize("case", CASES)
def test_json_is_byte_identical(case):
    expected = (GOLDEN / f"{case}.json").read_text()
    assert gojson.dumps(_config(case), indent=2).replace("$", "$$") == expected
    # the same through json_document, from the dict the loader makes (with the extensions JSON hides)
    document = goyaml.json_document(_config(case, with_extensions=True))
    assert gojson.dumps(document, indent=2).replace("$", "$$") == expected


@pytest.mark.parametrize("case", CASES)
def test_yaml_is_byte_identical(case):
    expected = (GOLDEN / f"{case}.yaml").read_text()
    assert goyaml.dumps_config(_config(case, with_extensions=True)).replace("$", "$$") == expected


# `--hash` keeps env_file (v2 never prints it): what the loader keeps with resolve_env_files=False,
# placed where Go's struct has it (after entrypoint/provider/environment).
HASHED_ENV_FILES = {
    ("more_types", "m"): [{"path": "/tmp/pycompose-golden/more_types/missing.env", "required": False}],
}


def _with_env_file(service: dict, env_files: list) -> dict:
    anchor = next(key for key in ("environment", "provider", "entrypoint") if key in service)
    out = {}
    for key, value in service.items():
        out[key] = value
        if key == anchor:
            out["env_file"] = env_files
    return out


@pytest.mark.parametrize("case", CASES)
def test_service_hashes_match_v2(case):
    expected = dict(line.split(" ") for line in (GOLDEN / f"{case}.hash").read_text().splitlines())
    # v2's --hash loads without env_file resolution (reference §1.1 caveat): hash that form
    services = _config(case, with_extensions=True, suffix=".noenv.json")["services"]
    for (env_case, name), env_files in HASHED_ENV_FILES.items():
        if env_case == case:
            services[name] = _with_env_file(services[name], env_files)
    assert {name: hashing.service_hash(service) for name, service in services.items() if name in expected} == expected
