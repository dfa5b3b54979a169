#!/usr/bin/env bash
# Build pycompose's wheel and install it, not editable, into a virtualenv ($PYCOMPOSE_VENV, default .venv) with its
# test dependencies: the tests and the demo run what a user installs. (For hacking on the code, `pip install -e .`
# into a virtualenv of your own.)
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PYCOMPOSE_VENV:-.venv}
pip=(--disable-pip-version-check -q)

if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
rm -rf dist
"$venv/bin/python" -m pip wheel "${pip[@]}" --no-deps -w dist . >/dev/null
wheel=$(ls dist/pycompose-*.whl)
"$venv/bin/python" -m pip uninstall "${pip[@]}" -y pycompose >/dev/null 2>&1 || true
"$venv/bin/python" -m pip install "${pip[@]}" "${wheel}[test]"
echo "[bootstrap] installed $(basename "$wheel") into $venv" >&2
