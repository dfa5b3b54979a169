#!/usr/bin/env bash
# The checks that keep the house as docs/ARCHITECTURE.md draws it: ruff (style and likely bugs), import-linter
# (the layers and the direction of imports) and mypy (the engine port, its adapter and the fake agree).
set -euo pipefail
cd "$(dirname "$0")/.."
venv=${PYCOMPOSE_VENV:-.venv}
"$venv/bin/python" -m pip install -q --disable-pip-version-check ruff import-linter mypy types-PyYAML types-requests
"$venv/bin/ruff" check pycompose tests bench scripts
echo "[lint] ruff: ok" >&2
"$venv/bin/lint-imports" --no-cache
"$venv/bin/mypy"
