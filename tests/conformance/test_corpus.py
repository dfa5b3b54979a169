"""Corpus conformance: our loader + renderers against what Docker Compose v2.40.3 printed.

Expected outputs come from generate_expected.py (committed under expected/). For each case we load the
project in-process with the same clean environment and compare `config --format json` and the YAML form
byte for byte (corpus root normalised), or check that both reject the project.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
CORPUS = Path(os.environ.get("PYCOMPOSE_CORPUS", "/work/shared/corpus"))
CASES = sorted(HERE.glob("expected/*.json"))

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"public corpus not found at {CORPUS}")

from generate_expected import CLEAN_ENV, normalise  # noqa: E402  (same folder, run by pytest's rootdir insertion)


def _options(case: dict, **overrides):
    from pycompose.loader.options import ProjectOptions

    files: list[str] = []
    env_files: list[str] = []
    args = list(case["args"])
    while args:
        flag = args.pop(0)
        value = args.pop(0)
        (files if flag == "-f" else env_files).append(value)
    return ProjectOptions(
        files=tuple(files),
        env_files=tuple(env_files),
        environ=dict(CLEAN_ENV),
        working_directory=str(CORPUS / case["dir"]),
        **overrides,
    )


def _ours(case: dict) -> tuple[str | None, str | None, str | None]:
    """(json, yaml, error) as pycompose renders them."""
    from pycompose.errors import ComposeError
    from pycompose.loader.project import load_project
    from pycompose.render.config_output import render_model

    try:
        loaded = load_project(_options(case))
    except ComposeError as error:
        return None, None, str(error)
    corpus = CORPUS.resolve()
    return (
        normalise(render_model(loaded.config, "json"), corpus),
        normalise(render_model(loaded.config, "yaml"), corpus),
        None,
    )


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_case_matches_v2(path):
    case = json.loads(path.read_text())
    ours_json, ours_yaml, error = _ours(case)
    if case["json"]["exit"] != 0:
        assert error is not None, f"v2 rejects this project ({case['json']['stderr'].strip()}), pycompose accepts it"
        return
    assert error is None, f"pycompose rejects a project v2 accepts: {error}"
    assert ours_json == case["json"]["stdout"]
    assert ours_yaml == case["yaml"]["stdout"]


@pytest.mark.parametrize("path", CASES, ids=[path.stem for path in CASES])
def test_hashes_match_v2(path):
    """`config --hash '*'` prints the hash v2 writes on its containers (the config-hash label).

    That label is the sha256 of the service as v2's `config --format json` prints it (with `$$` read back as `$`).
    v2's own `--hash` loads without env_file resolution, so where a service uses env_file it prints a hash its
    containers never carry (docker/compose#9211); pycompose prints the one `up` really uses (and where no env_file
    is involved that is exactly v2's `--hash` output).
    """
    from generate_expected import CORPUS_PLACEHOLDER

    from pycompose import hashing
    from pycompose.loader.project import load_project
    from pycompose.render.config_output import hash_lines

    case = json.loads(path.read_text())
    if case["json"]["exit"] != 0 or case["hash"]["exit"] != 0:
        pytest.skip("v2 rejects this project")
    loaded = load_project(_options(case))
    ours = "".join(f"{line}\n" for line in hash_lines(loaded.config, "*", hashing.service_hash))
    v2_config = json.loads(case["json"]["stdout"].replace(CORPUS_PLACEHOLDER, str(CORPUS.resolve())).replace("$$", "$"))
    services = sorted(v2_config["services"].items())
    labels = "".join(f"{name} {hashing.service_hash(service)}\n" for name, service in services)
    assert ours == labels


def _first_difference(ours: str, expected: str) -> str:
    for number, (mine, theirs) in enumerate(zip(ours.splitlines(), expected.splitlines()), 1):
        if mine != theirs:
            return f"line {number}: ours {mine.strip()!r} v2 {theirs.strip()!r}"
    return f"length: ours {len(ours.splitlines())} lines, v2 {len(expected.splitlines())} lines"


def report() -> None:
    """Print the score and, per failing case, the first difference (`python tests/conformance/test_corpus.py`)."""
    passed = 0
    for path in CASES:
        case = json.loads(path.read_text())
        try:
            ours_json, ours_yaml, error = _ours(case)
        except Exception as crash:
            print(f"CRASH {path.stem}: {type(crash).__name__}: {crash}")
            continue
        rejected = case["json"]["exit"] != 0
        if rejected:
            ok = error is not None
            detail = "" if ok else f"v2 rejects: {case['json']['stderr'].strip()}"
        elif error is not None:
            ok, detail = False, f"we reject: {error}"
        elif ours_json != case["json"]["stdout"]:
            ok, detail = False, "json " + _first_difference(ours_json, case["json"]["stdout"])
        elif ours_yaml != case["yaml"]["stdout"]:
            ok, detail = False, "yaml " + _first_difference(ours_yaml, case["yaml"]["stdout"])
        else:
            ok, detail = True, ""
        passed += ok
        print(f"{'PASS' if ok else 'FAIL'} {path.stem} {detail}")
    print(f"score: {passed}/{len(CASES)}")


if __name__ == "__main__":
    import sys

    sys.path.insert(0, str(HERE.parents[1]))
    report()
