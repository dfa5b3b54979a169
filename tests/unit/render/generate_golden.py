"""Regenerate the golden outputs of the render tests with the reference binary (Docker Compose v2.40.3).

Run from the repository root: `.venv/bin/python tests/unit/render/generate_golden.py`. Each case in
`cases/<name>/` is copied to `/tmp/pycompose-golden/<name>` (so absolute paths in the outputs are stable)
and `docker-compose config` is run there with a clean environment; stdout of `--format json`, of the
plain YAML form, of `--hash '*'` and of `--no-env-resolution --format json` is stored in
`golden/<name>.{json,yaml,hash,noenv.json}`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = Path("/tmp/pycompose-golden")


def run(args: list[str], cwd: Path) -> str:
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root")}
    done = subprocess.run(["docker-compose", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"{cwd}: docker-compose {' '.join(args)} failed: {done.stderr}")
    return done.stdout


def main() -> None:
    if shutil.which("docker-compose") is None:
        sys.exit("docker-compose (v2.40.3) is not on PATH")
    out = HERE / "golden"
    out.mkdir(exist_ok=True)
    for case in sorted(p for p in (HERE / "cases").iterdir() if p.is_dir()):
        target = WORK / case.name
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(case, target)
        (out / f"{case.name}.json").write_text(run(["config", "--format", "json"], target))
        (out / f"{case.name}.yaml").write_text(run(["config"], target))
        (out / f"{case.name}.hash").write_text(run(["config", "--hash", "*"], target))
        # `--hash` loads without reading env_file: hash tests start from this form
        (out / f"{case.name}.noenv.json").write_text(run(["config", "--no-env-resolution", "--format", "json"], target))
        print(case.name)


if __name__ == "__main__":
    main()
