"""Record what Docker Compose v2.40.3 prints for the public corpus (a script, not a test).

    .venv/bin/python tests/conformance/generate_expected.py [--corpus /work/shared/corpus]

Cases (see `cases()`):
* every project folder of `awesome-compose/` (its default compose file, its `.env`);
* every compose file of the compose-go test data, loaded alone with `-f FILE` from its own folder
  (fragments meant to be extended or included are projects too; v2 accepts or rejects them, and that
  verdict is what we record), plus the multi-file and `--env-file` combinations of `cli/testdata`.
Left out: `dotenv/fixtures` (.env files, not compose files; the dotenv parser has its own tests) and
`loader/*.env|*.label` (inputs of Go unit tests, not projects).

For each case the binary runs in the case's folder with a clean environment (only PATH and HOME, the
values of CLEAN_ENV, which the conformance test reuses), with `config --format json`, `config` and
`config --hash '*'`. Exit code, stdout and stderr are stored in `expected/<case>.json` with the corpus root replaced
by `{CORPUS}` and log timestamps by `{TIME}`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path("/work/shared/corpus")
CLEAN_ENV = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/root"}
CORPUS_PLACEHOLDER = "{CORPUS}"
_TIME = re.compile(r'time="[^"]*"')


def cases(corpus: Path) -> list[dict]:
    """Every case: id, folder (relative to the corpus) and the global flags before `config`."""
    found: list[dict] = []
    awesome = corpus / "awesome-compose"
    for folder in sorted(p for p in awesome.iterdir() if p.is_dir()) if awesome.is_dir() else ():
        found.append({"id": f"awesome-compose--{folder.name}", "dir": str(folder.relative_to(corpus)), "args": []})
    compose_go = corpus / "compose-go"
    if compose_go.is_dir():
        for file in sorted(compose_go.rglob("*.y*ml")):
            if "dotenv" in file.parts:
                continue
            rel = file.relative_to(corpus)
            case_id = "--".join(rel.with_suffix("").parts).replace(" ", "_")
            found.append({"id": case_id, "dir": str(rel.parent), "args": ["-f", file.name]})
        simple = compose_go / "cli" / "testdata" / "simple"
        if simple.is_dir():
            found.append({
                "id": "compose-go--cli--testdata--simple--with-overrides",
                "dir": str(simple.relative_to(corpus)),
                "args": ["-f", "compose.yaml", "-f", "compose-with-overrides.yaml"],
            })
        env_file = compose_go / "cli" / "testdata" / "env-file"
        if env_file.is_dir():
            found.append({
                "id": "compose-go--cli--testdata--env-file--override-env",
                "dir": str(env_file.relative_to(corpus)),
                "args": ["-f", "compose-with-env-file.yaml", "--env-file", "override.env"],
            })
    return found


def normalise(text: str, corpus: Path) -> str:
    """Make output independent of where the corpus lives and of when it ran."""
    return _TIME.sub('time="{TIME}"', text.replace(str(corpus), CORPUS_PLACEHOLDER))


def reference_binary() -> str:
    explicit = os.environ.get("DOCKER_COMPOSE")
    if explicit:
        return explicit
    if shutil.which("pyenv"):
        done = subprocess.run(["pyenv", "which", "docker-compose"], capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    found = shutil.which("docker-compose")
    if not found:
        sys.exit("docker-compose (v2.40.3) is not on PATH")
    return found


def run_case(binary: str, corpus: Path, case: dict, fmt_args: list[str]) -> dict:
    done = subprocess.run(
        [binary, *case["args"], "config", *fmt_args],
        cwd=corpus / case["dir"],
        env=CLEAN_ENV,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return {
        "exit": done.returncode,
        "stdout": normalise(done.stdout, corpus),
        "stderr": normalise(done.stderr, corpus),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    corpus = args.corpus.resolve()
    binary = reference_binary()
    out = HERE / "expected"
    out.mkdir(exist_ok=True)
    for stale in out.glob("*.json"):
        stale.unlink()
    for case in cases(corpus):
        record = {
            **case,
            "json": run_case(binary, corpus, case, ["--format", "json"]),
            "yaml": run_case(binary, corpus, case, []),
            "hash": run_case(binary, corpus, case, ["--hash", "*"]),
        }
        (out / f"{case['id']}.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
        print(f"{record['json']['exit']} {case['id']}")


if __name__ == "__main__":
    main()
