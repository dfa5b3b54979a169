#!/usr/bin/env bash
# The one command that passes the tests on a fresh machine: virtualenv, install, Docker engine,
# local test images, then the whole suite (unit tests and the engine group).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/bootstrap.sh
bash scripts/engine.sh
bash scripts/seed-images.sh

export PYTHONDONTWRITEBYTECODE=1
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
